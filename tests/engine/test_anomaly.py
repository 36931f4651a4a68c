"""Noise and anomaly scores: corruption is seeded and bounded; ROC AUC is the rank statistic."""

import numpy as np
import pytest
from conftest import small_model

from vae_core import anomaly


@pytest.mark.parametrize("kind", anomaly.NOISES)
def test_noise_is_seeded_bounded_and_grows_with_strength(kind):
    img = np.zeros((28, 28), np.float32)
    img[8:20, 12:16] = 1.0
    a = anomaly.add_noise(img, kind, 0.3, seed=1)
    assert np.array_equal(a, anomaly.add_noise(img, kind, 0.3, seed=1))
    assert a.min() >= 0 and a.max() <= 1 and a.dtype == np.float32
    assert np.array_equal(anomaly.add_noise(img, kind, 0.0), img)
    weak = np.abs(anomaly.add_noise(img, kind, 0.1, 2) - img).sum()
    strong = np.abs(anomaly.add_noise(img, kind, 0.8, 2) - img).sum()
    assert strong > weak


def test_occlusion_covers_the_asked_fraction():
    out = anomaly.add_noise(np.ones((28, 28), np.float32), "occlusion", 0.25, seed=0)
    assert (out == 0).mean() == pytest.approx(0.25, abs=0.02)


def test_unknown_noise_is_refused():
    with pytest.raises(ValueError, match="noise must be"):
        anomaly.add_noise(np.zeros((28, 28)), "blur", 0.5)


def test_roc_auc_matches_the_pairwise_definition():
    rng = np.random.default_rng(0)
    a, b = rng.normal(0, 1, 300).round(1), rng.normal(0.7, 1, 200).round(1)  # with ties
    pairs = (b[None, :] > a[:, None]).mean() + 0.5 * (b[None, :] == a[:, None]).mean()
    assert anomaly.roc_auc(a, b) == pytest.approx(pairs, abs=1e-12)
    assert anomaly.roc_auc([1, 2], [3, 4]) == 1.0 and anomaly.roc_auc([3, 4], [1, 2]) == 0.0
    assert anomaly.roc_auc([1, 1], [1, 1]) == 0.5


def test_roc_curve_runs_from_nothing_flagged_to_everything():
    fpr, tpr, t = anomaly.roc_curve(np.array([1.0, 2, 3]), np.array([2.5, 4, 5]))
    assert fpr[0] == 0 and fpr[-1] == 1 and tpr[-1] == 1 and np.all(np.diff(t) <= 0)


def test_scores_are_per_image_and_seeded():
    model = small_model("vae")
    x = np.random.default_rng(0).random((5, 28, 28), dtype=np.float32)
    s = anomaly.scores(model, x, seed=3)
    assert s.shape == (5,) and np.all(s > 0)
    assert np.array_equal(s, anomaly.scores(model, x, seed=3))
    assert np.all(anomaly.scores(model, x, "recon", seed=3) < s)  # the KL part is positive
    assert anomaly.scores(small_model("ae"), x, "recon").shape == (5,)


def test_mnist_vae_tells_digits_from_clothes(data_root):
    """The shipped MNIST VAE on 1,000 images of each test set (the README has the full sets)."""
    from pathlib import Path

    from vae_core.checkpoint import load_model
    from vae_core.data import load_split

    model = load_model(Path(__file__).resolve().parents[1] / "checkpoints/mnist_vae_2d.safetensors")
    own = anomaly.scores(model, load_split("mnist", False, root=data_root)[0][:1000])
    other = anomaly.scores(model, load_split("fashion-mnist", False, root=data_root)[0][:1000])
    assert anomaly.roc_auc(own, other) > 0.9
    assert anomaly.roc_auc(own, anomaly.scores(model, anomaly.uniform_noise(200))) > 0.99


def test_denoising_compares_each_reconstruction_with_its_noisy_input():
    model = small_model("vae")
    clean = np.random.default_rng(1).random((6, 28, 28), dtype=np.float32)
    out = anomaly.denoising(model, clean, "gaussian", 0.3, seed=2)
    noisy = np.stack([anomaly.add_noise(c, "gaussian", 0.3, 2 + i) for i, c in enumerate(clean)])
    assert out["n"] == 6 and out["noisy"] == pytest.approx(float(np.abs(noisy - clean).mean()))
    import torch

    mu, _ = model.encode(torch.from_numpy(noisy).unsqueeze(1))
    recon = model.decode(mu)[:, 0].detach().numpy()
    err = np.abs(recon - clean).mean(axis=(1, 2))
    assert out["recon"] == pytest.approx(float(err.mean()), rel=1e-5)
    assert out["closer"] == pytest.approx(float((err < np.abs(noisy - clean).mean(axis=(1, 2))).mean()))
    assert anomaly.denoising(small_model("ae"), clean, "occlusion", 0.5)["n"] == 6


def test_the_20d_vae_denoises_gaussian_noise_better_than_the_2d(data_root):
    """What the page's caption reports: on 300 test digits at Gaussian noise 0.3, the 20-D
    VAE's reconstructions are closer to the clean digits than the noisy inputs for most of them."""
    from pathlib import Path

    from vae_core.checkpoint import load_model
    from vae_core.data import raw_test_images

    ckpt = Path(__file__).resolve().parents[1] / "checkpoints"
    x = raw_test_images("mnist", root=data_root)[0][:300] / 255.0
    d20 = anomaly.denoising(load_model(ckpt / "mnist_vae_20d.safetensors"), x, "gaussian", 0.3)
    d2 = anomaly.denoising(load_model(ckpt / "mnist_vae_2d.safetensors"), x, "gaussian", 0.3)
    assert d20["closer"] > 0.5 > d2["closer"] and d20["recon"] < d20["noisy"] < d2["recon"]
