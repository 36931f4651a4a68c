"""Denoising measures: each reconstruction against its own noisy input and the clean image."""

import numpy as np
import pytest
import torch
from helpers import CHECKPOINTS, small_model

from vae_core import denoise
from vae_core.noise import corrupt_all


def test_denoising_compares_each_reconstruction_with_its_noisy_input():
    model = small_model("vae")
    clean = np.random.default_rng(1).random((6, 28, 28), dtype=np.float32)
    out = denoise.denoising(model, clean, "gaussian", 0.3, seed=2)
    noisy = corrupt_all(torch.from_numpy(clean), "gaussian", 0.3, seed=2).numpy()
    assert out["n"] == 6 and out["noisy"] == pytest.approx(float(np.abs(noisy - clean).mean()))
    mu, _ = model.encode(torch.from_numpy(noisy).unsqueeze(1))
    recon = model.decode(mu)[:, 0].detach().numpy()
    err = np.abs(recon - clean).mean(axis=(1, 2))
    assert out["recon"] == pytest.approx(float(err.mean()), rel=1e-5)
    assert out["closer"] == pytest.approx(float((err < np.abs(noisy - clean).mean(axis=(1, 2))).mean()))
    assert denoise.denoising(small_model("ae"), clean, "occlusion", 0.5)["n"] == 6


def test_the_20d_vae_denoises_gaussian_noise_better_than_the_2d(data_root):
    from vae_core.checkpoint import load_model
    from vae_core.data import raw_test_images

    x = raw_test_images("mnist", root=data_root)[0][:300] / 255.0
    d20 = denoise.denoising(load_model(CHECKPOINTS / "mnist_vae_20d.safetensors"), x, "gaussian", 0.3)
    d2 = denoise.denoising(load_model(CHECKPOINTS / "mnist_vae_2d.safetensors"), x, "gaussian", 0.3)
    assert d20["closer"] > 0.5 > d2["closer"] and d20["recon"] < d20["noisy"] < d2["recon"]
