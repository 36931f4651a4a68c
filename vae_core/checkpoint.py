"""Checkpoints: safetensors weights plus text metadata; loaded strictly, never unpickled."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import save_file

from .config import DATASETS, config_to_json
from .families import KINDS, build_model, config_from_dict, of

FORMAT_VERSION = "1"
SUPPORTED_VERSIONS = (FORMAT_VERSION,)
ATLAS_DIR = "atlas"  # checkpoints/atlas/<stem>.safetensors: test-set encodings
REQUIRED_KEYS = ("format_version", "kind", "config", "dataset")


class CheckpointError(ValueError):
    """A checkpoint file that cannot be used; the message names the file and the problem."""

    def __init__(self, path, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = str(path)
        self.problem = problem


def atomic_save(tensors: dict[str, torch.Tensor], path, metadata: dict[str, str]) -> None:
    """Write to a temporary file in the same folder, then rename: no half-written checkpoints."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        save_file({k: v.contiguous() for k, v in tensors.items()}, tmp, metadata=metadata)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a checkpoint is meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _header(model, dataset: str, extra: dict | None) -> dict[str, str]:
    """The metadata a checkpoint of `model` carries (safetensors metadata: strings)."""
    if dataset not in DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}")
    meta = {
        "format_version": FORMAT_VERSION,
        "kind": model.kind,
        "config": config_to_json(model.config),
        "dataset": dataset,
    }
    for key, value in (extra or {}).items():
        meta[key] = value if isinstance(value, str) else json.dumps(value)
    return meta


def _contents(model, dataset: str, extra: dict | None, dtype) -> tuple[dict, dict[str, str]]:
    tensors = {k: v.detach().to("cpu", dtype) for k, v in model.state_dict().items()}
    return tensors, _header(model, dataset, extra)


def describe(model, *, dataset: str, extra: dict | None = None, name: str) -> dict:
    """What read_metadata returns for `model` saved with these arguments, without a file (path
    None): a model trained in memory is described the way a checkpoint is."""
    return _parse(name, _checked_header(name, _header(model, dataset, extra)), path=None)


def save_model(model, path, *, dataset: str, extra: dict | None = None, dtype=torch.float16):
    """Save weights (half precision by default: the stored weights are the evaluated ones)."""
    tensors, meta = _contents(model, dataset, extra, dtype)
    atomic_save(tensors, path, meta)


def model_bytes(model, *, dataset: str, extra: dict | None = None, dtype=torch.float16) -> bytes:
    """The checkpoint file `save_model` would write, as bytes (for a download)."""
    from safetensors.torch import save

    tensors, meta = _contents(model, dataset, extra, dtype)
    return save({k: v.contiguous() for k, v in tensors.items()}, metadata=meta)


def _raw_metadata(path) -> dict[str, str]:
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(path, "no such file")
    try:
        with safe_open(str(path), framework="pt") as f:
            meta = f.metadata() or {}
    except (SafetensorError, OSError, ValueError) as e:
        raise CheckpointError(path, f"not a readable safetensors file ({e})") from e
    return _checked_header(path, meta)


def _checked_header(path, meta: dict[str, str]) -> dict[str, str]:
    missing = [k for k in REQUIRED_KEYS if k not in meta]
    if missing:
        raise CheckpointError(path, f"metadata lacks {', '.join(missing)}")
    if meta["format_version"] not in SUPPORTED_VERSIONS:
        raise CheckpointError(
            path,
            f"format version {meta['format_version']!r} is not supported "
            f"(supported: {', '.join(SUPPORTED_VERSIONS)})",
        )
    if meta["kind"] not in KINDS:
        raise CheckpointError(
            path, f"unknown model kind {meta['kind']!r} (supported: {', '.join(KINDS)})"
        )
    if meta["dataset"] not in DATASETS:
        raise CheckpointError(
            path, f"unknown dataset {meta['dataset']!r} (supported: {', '.join(DATASETS)})"
        )
    return meta


def _json_field(path, meta, key, default=None):
    if key not in meta:
        return default
    try:
        return json.loads(meta[key])
    except json.JSONDecodeError as e:
        raise CheckpointError(path, f"metadata field {key!r} is not JSON ({e})") from e


def read_metadata(path) -> dict:
    """The checkpoint's description: kind, dataset, latent_dim, beta, config and the rest."""
    return _parse(Path(path).stem, _raw_metadata(path), path=str(path))


def _parse(name: str, meta: dict[str, str], path: str | None) -> dict:
    where = path or name
    config = _json_field(where, meta, "config")
    if not isinstance(config, dict):
        raise CheckpointError(where, "metadata field 'config' is not a JSON object")
    if config.get("kind") != meta["kind"]:
        raise CheckpointError(where, f"config kind {config.get('kind')!r} != {meta['kind']!r}")
    try:
        cfg = config_from_dict(config)
    except ValueError as e:
        raise CheckpointError(where, str(e)) from e
    out = {k: v for k, v in meta.items() if k not in ("config",)}
    for key in ("train", "test", "history", "beta", "epochs", "seed"):
        if key in meta:
            out[key] = _json_field(where, meta, key)
    out.update(
        path=path,
        name=name,
        config=config,
        latent_dim=cfg.latent_dim,
        beta=float(out.get("beta", 1.0 if of(meta).stochastic else 0.0)),
    )
    return out


FLOAT_DTYPES = ("F16", "BF16", "F32", "F64")  # safetensors' names for floating-point tensors


def _checked(path) -> tuple[dict, torch.nn.Module]:
    """The metadata and an empty model (on the meta device: no memory, no random init) whose
    tensors the file's header matches in name, shape and kind. Reads no weights."""
    meta = read_metadata(path)
    with torch.device("meta"):
        model = build_model(config_from_dict(meta["config"]))
    expected = model.state_dict()
    try:
        with safe_open(str(path), framework="pt") as f:
            keys = set(f.keys())
            if keys != set(expected):
                missing = sorted(set(expected) - keys)[:3]
                extra = sorted(keys - set(expected))[:3]
                raise CheckpointError(path, f"tensors do not match the config "
                                            f"(missing {missing}, unexpected {extra})")
            for k in expected:
                header = f.get_slice(k)
                shape = tuple(header.get_shape())
                if shape != tuple(expected[k].shape):
                    raise CheckpointError(
                        path, f"tensor {k} has shape {shape}, the config needs "
                              f"{tuple(expected[k].shape)}")
                if header.get_dtype() not in FLOAT_DTYPES:
                    raise CheckpointError(path, f"tensor {k} is {header.get_dtype()}, "
                                                f"not floating point")
    except (SafetensorError, OSError) as e:
        raise CheckpointError(path, f"cannot read tensors ({e})") from e
    return meta, model


def load_model(path, device: str = "cpu"):
    """Rebuild the model from the metadata, load the weights strictly, return it in eval mode."""
    _, model = _checked(path)
    try:
        with safe_open(str(path), framework="pt") as f:
            state = {k: f.get_tensor(k).float() for k in model.state_dict()}
    except (SafetensorError, OSError) as e:
        raise CheckpointError(path, f"cannot read tensors ({e})") from e
    model.load_state_dict(state, strict=True, assign=True)  # the loaded tensors replace meta ones
    model.requires_grad_(False)
    return model.to(device).eval()


PICKLE_SUFFIXES = (".pt", ".pth", ".ckpt", ".pkl", ".pickle", ".bin")


def atlas_path(checkpoint_path) -> Path:
    p = Path(checkpoint_path)
    return p.parent / ATLAS_DIR / p.name


def list_checkpoints(folder) -> tuple[list[dict], list[CheckpointError]]:
    """Every usable checkpoint's metadata in a folder, and the errors of the files skipped.

    Each file's header is checked against its config (names, shapes, floating point), so one
    whose tensors do not fit is skipped here too; no weights are read until a model is used.
    """
    good, bad = [], []
    for p in sorted(Path(folder).iterdir()) if Path(folder).is_dir() else []:
        if p.suffix in PICKLE_SUFFIXES:  # listed, never opened
            bad.append(CheckpointError(p, "a pickle-based format, which can run code when it "
                                          "is loaded: not opened (convert it to .safetensors)"))
    for p in sorted(Path(folder).glob("*.safetensors")):
        try:
            good.append(_checked(p)[0])
        except CheckpointError as e:
            bad.append(e)
    return good, bad
