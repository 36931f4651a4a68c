"""Checkpoints: safetensors weights plus text metadata; loaded strictly, never unpickled."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import save_file

from .config import DATASETS, KINDS, config_from_dict, config_to_json
from .models import build_model

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


def _contents(model, dataset: str, extra: dict | None, dtype) -> tuple[dict, dict[str, str]]:
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
    return {k: v.detach().to("cpu", dtype) for k, v in model.state_dict().items()}, meta


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
    meta = _raw_metadata(path)
    config = _json_field(path, meta, "config")
    if not isinstance(config, dict):
        raise CheckpointError(path, "metadata field 'config' is not a JSON object")
    if config.get("kind") != meta["kind"]:
        raise CheckpointError(path, f"config kind {config.get('kind')!r} != {meta['kind']!r}")
    try:
        cfg = config_from_dict(config)
    except ValueError as e:
        raise CheckpointError(path, str(e)) from e
    out = {k: v for k, v in meta.items() if k not in ("config",)}
    for key in ("train", "test", "history", "beta", "epochs", "seed"):
        if key in meta:
            out[key] = _json_field(path, meta, key)
    out.update(
        path=str(path),
        name=Path(path).stem,
        config=config,
        latent_dim=cfg.latent_dim,
        beta=float(out.get("beta", 0.0 if meta["kind"] != "vae" else 1.0)),
    )
    return out


def load_model(path, device: str = "cpu"):
    """Rebuild the model from the metadata, load the weights strictly, return it in eval mode."""
    meta = read_metadata(path)
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
            state = {}
            for k in expected:
                t = f.get_tensor(k)
                if t.shape != expected[k].shape:
                    raise CheckpointError(
                        path, f"tensor {k} has shape {tuple(t.shape)}, the config needs "
                              f"{tuple(expected[k].shape)}")
                if not t.is_floating_point():
                    raise CheckpointError(path, f"tensor {k} is {t.dtype}, not floating point")
                state[k] = t.float()
    except (SafetensorError, OSError) as e:
        raise CheckpointError(path, f"cannot read tensors ({e})") from e
    model.load_state_dict(state, strict=True)
    model.requires_grad_(False)
    return model.to(device).eval()


PICKLE_SUFFIXES = (".pt", ".pth", ".ckpt", ".pkl", ".pickle", ".bin")


def atlas_path(checkpoint_path) -> Path:
    p = Path(checkpoint_path)
    return p.parent / ATLAS_DIR / p.name


def list_checkpoints(folder) -> tuple[list[dict], list[CheckpointError]]:
    """Every usable checkpoint's metadata in a folder, and the errors of the files skipped.

    Each file is loaded once, so one whose tensors do not fit its config is skipped here too.
    """
    good, bad = [], []
    for p in sorted(Path(folder).iterdir()) if Path(folder).is_dir() else []:
        if p.suffix in PICKLE_SUFFIXES:  # listed, never opened
            bad.append(CheckpointError(p, "a pickle-based format, which can run code when it "
                                          "is loaded: not opened (convert it to .safetensors)"))
    for p in sorted(Path(folder).glob("*.safetensors")):
        try:
            load_model(p)
            good.append(read_metadata(p))
        except CheckpointError as e:
            bad.append(e)
    return good, bad
