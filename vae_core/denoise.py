"""Denoising: how well a model's reconstruction of a corrupted digit recovers the clean one."""

from __future__ import annotations

import numpy as np
import torch

from .noise import corrupt_all


@torch.inference_mode()
def reconstruct(model, x) -> np.ndarray:
    """The model's reconstruction (decoded μ, or z for an autoencoder) of images in [0, 1]:
    (N, 28, 28) float32."""
    x = torch.as_tensor(np.asarray(x, np.float32)).reshape(-1, 1, 28, 28)
    code = model.encode(x)
    return model.decode(code[0] if model.kind == "vae" else code)[:, 0].numpy()


def denoising(model, images: np.ndarray, kind: str, strength: float, seed: int = 0) -> dict:
    """How the reconstruction of noisy images compares with the noisy input, by mean absolute
    difference from the clean image. images: (N, 28, 28) in [0, 1]. Returns the two mean errors
    and the share of images whose reconstruction is the closer one."""
    clean = np.asarray(images, np.float32)
    noisy = corrupt_all(torch.from_numpy(clean), kind, strength, seed).numpy()
    recon = reconstruct(model, noisy)
    err_noisy = np.abs(noisy - clean).mean(axis=(1, 2))
    err_recon = np.abs(recon - clean).mean(axis=(1, 2))
    return {"n": len(clean), "noisy": float(err_noisy.mean()), "recon": float(err_recon.mean()),
            "closer": float((err_recon < err_noisy).mean())}
