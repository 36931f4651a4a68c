"""Anomaly scores: per image and seeded; ROC AUC is the rank statistic; the page's summary."""

import numpy as np
import pytest
from helpers import CHECKPOINTS, small_model

from vae_core import anomaly


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

    from vae_core.checkpoint import load_model
    from vae_core.data import load_split

    model = load_model(CHECKPOINTS / "mnist_vae_2d.safetensors")
    own = anomaly.scores(model, load_split("mnist", False, root=data_root)[0][:1000])
    other = anomaly.scores(model, load_split("fashion-mnist", False, root=data_root)[0][:1000])
    assert anomaly.roc_auc(own, other) > 0.9
    assert anomaly.roc_auc(own, anomaly.scores(model, anomaly.uniform_noise(200))) > 0.99


def test_summary_counts_every_score_and_sets_a_threshold_that_flags_five_percent():
    rng = np.random.default_rng(0)
    own, other, noise = rng.normal(100, 10, 1000), rng.normal(150, 20, 800), rng.normal(900, 5, 50)
    s = anomaly.summary(own, other, noise)
    assert s["counts"]["own"].sum() == 1000 and s["counts"]["other"].sum() == 800  # clipped, kept
    assert len(s["edges"]) == 81 and s["lo"] <= own.min()
    assert anomaly.share_above(s["own_sorted"], s["default"]) == pytest.approx(0.05, abs=0.01)
    assert s["auc"] == anomaly.roc_auc(own, other) and s["auc_noise"] == 1.0
    assert own[s["worst"][0]] == own.max() and other[s["sneaky"][0]] == other.min()
    assert anomaly.share_above(np.sort(own), own.max()) == 0.0
