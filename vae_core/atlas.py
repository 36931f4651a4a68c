"""The atlas: test-set encodings of a shipped autoencoder, so the latent map needs no data set.

    python -m vae_core.atlas checkpoints/*.safetensors    # writes checkpoints/atlas/<name>.safetensors
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import torch
from safetensors import SafetensorError, safe_open

from .checkpoint import CheckpointError, atlas_path, atomic_save, load_model, read_metadata
from .data import load_split
from .families import of
from .latent import Atlas


@torch.inference_mode()
def compute_atlas(model, x: torch.Tensor, y: torch.Tensor, batch_size: int = 2000) -> dict:
    """mu (the AE's z) and, for a VAE, logvar of every image (a conditional model's given each
    image's label); labels as uint8."""
    mus, logvars = [], []
    fam = of(model)
    for i in range(0, len(x), batch_size):
        out = fam.encode(model, x[i : i + batch_size], y[i : i + batch_size])
        if fam.stochastic:
            mus.append(out[0])
            logvars.append(out[1])
        else:
            mus.append(out)
    atlas = {"mu": torch.cat(mus), "labels": y.to(torch.uint8)}
    if logvars:
        atlas["logvar"] = torch.cat(logvars)
    return atlas


def save_atlas(atlas: dict, checkpoint_path) -> Path:
    meta = read_metadata(checkpoint_path)
    path = atlas_path(checkpoint_path)
    atomic_save(atlas, path, {"checkpoint": meta["name"], "dataset": meta["dataset"],
                              "split": "test", "count": str(len(atlas["labels"]))})
    return path


def load_atlas(checkpoint_path) -> dict[str, np.ndarray]:
    """The atlas of a checkpoint as numpy arrays: mu (N, D), labels (N,), logvar for a VAE."""
    path = atlas_path(checkpoint_path)
    if not path.is_file():
        raise CheckpointError(path, "no atlas for this checkpoint (run python -m vae_core.atlas)")
    try:
        with safe_open(str(path), framework="numpy") as f:
            atlas = {k: f.get_tensor(k) for k in f.keys()}
    except (SafetensorError, OSError) as e:
        raise CheckpointError(path, f"not a readable atlas ({e})") from e
    mu, labels = atlas.get("mu"), atlas.get("labels")
    if mu is None or labels is None or mu.ndim != 2 or len(mu) != len(labels):
        raise CheckpointError(path, "atlas needs mu (N, D) and labels (N,) of the same length")
    if "logvar" in atlas and atlas["logvar"].shape != mu.shape:
        raise CheckpointError(path, "atlas logvar does not match mu")
    return {k: (v.astype(np.int64) if k == "labels" else v.astype(np.float32))
            for k, v in atlas.items()}


def open_atlas(checkpoint_path) -> Atlas:
    """The checkpoint's atlas with its map plane and bounds (see vae_core.latent.Atlas)."""
    data = load_atlas(checkpoint_path)
    return Atlas(data["mu"], data["labels"], data.get("logvar"), key=str(checkpoint_path))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m vae_core.atlas", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("checkpoints", nargs="+", type=Path)
    p.add_argument("--data-root", default=None)
    args = p.parse_args(argv)
    for ckpt in args.checkpoints:
        try:
            model = load_model(ckpt)
            if not of(model).latent:
                continue
            x, y = load_split(read_metadata(ckpt)["dataset"], train=False, root=args.data_root)
        except (ValueError, RuntimeError) as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        print(save_atlas(compute_atlas(model, x, y), ckpt))
    return 0


if __name__ == "__main__":
    sys.exit(main())
