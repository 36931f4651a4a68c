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


def test_curves_score_the_noisy_input_and_every_model_at_every_strength():
    models = {"a": small_model("vae"), "b": small_model("ae")}
    x = np.random.default_rng(0).random((12, 28, 28), dtype=np.float32)
    labels = np.arange(12) % 10
    out = denoise.curves(models, small_model("classifier"), x, labels, ["occlusion"], (0.0, 0.5))
    rows = out["occlusion"]
    assert set(rows) == {"noisy", "a", "b"} and set(out["clean"]) == {"a", "b"}
    assert rows["noisy"]["psnr"][0] == pytest.approx(100.0)  # no noise: identical images
    assert rows["noisy"]["mae"][1] > 0 and all(len(v) == 2 for r in rows.values() for v in r.values())


def test_the_default_example_is_where_the_denoiser_works_best():
    figures = {"gaussian": {
        "noisy": {"accuracy": [0.99, 0.99, 0.99, 0.96, 0.81, 0.57, 0.4, 0.3, 0.2]},
        "d": {"accuracy": [0.97, 0.97, 0.97, 0.96, 0.96, 0.94, 0.93, 0.9, 0.85]}}}
    assert denoise.example(figures, "d", 0.5)["strength"] == 0.5
    assert denoise.example(figures, "d", 0.3)["strength"] == 0.3  # only trained strengths
    assert denoise.psnr(np.zeros((1, 2, 2)), np.full((1, 2, 2), 0.1))[0] == pytest.approx(20.0)


def test_the_shipped_curves_reproduce_at_the_default_example(data_root):
    import json

    from vae_core.checkpoint import load_model
    from vae_core.data import raw_test_images

    doc = json.loads((CHECKPOINTS / "eval" / "denoising_mnist.json").read_text())
    ex = doc["example"]
    i = doc["strengths"].index(ex["strength"])
    images, labels = raw_test_images("mnist", root=data_root)
    x = images / np.float32(255)
    again = denoise.curves({ex["model"]: load_model(CHECKPOINTS / f"{ex['model']}.safetensors")},
                           load_model(CHECKPOINTS / "mnist_judge.safetensors"), x,
                           labels.astype(np.int64), [ex["kind"]], (ex["strength"],))[ex["kind"]]
    for who in ("noisy", ex["model"]):
        for key in ("accuracy", "psnr"):
            assert again[who][key][0] == pytest.approx(doc[ex["kind"]][who][key][i], abs=1e-6)
    rows = doc[ex["kind"]]
    assert rows[ex["model"]]["accuracy"][i] >= 0.9 > rows["noisy"]["accuracy"][i]
    assert rows[ex["model"]]["psnr"][i] > rows["noisy"]["psnr"][i] + 5  # measurably denoised
