"""The loss lab's measurements (vae_core.study) on the shipped study runs, on a few test images:
what the pages quote is what these functions compute."""

import numpy as np
import pytest
from helpers import CHECKPOINTS

from vae_core import study


def test_psnr_and_the_spread_of_reconstructions_by_hand():
    a = np.zeros((3, 28, 28), np.float32)
    assert study.psnr(a, a + 0.1) == pytest.approx(20.0)  # MSE 0.01: 10 log10(1 / 0.01)
    assert study.spread_of_reconstructions(a + 0.5) == 0.0  # one picture for every input
    b = np.stack([np.zeros((28, 28)), np.ones((28, 28))]).astype(np.float32)
    assert study.spread_of_reconstructions(b) == pytest.approx(1.0)  # every pair differs everywhere


@pytest.fixture(scope="module")
def book(data_root):
    return study.bookkeeping_report(CHECKPOINTS, data_root, subset_n=10, ks=(1, 10), progress=False)


def test_the_mean_over_pixels_run_is_the_summed_loss_at_beta_784_and_collapses(book):
    mean, ref = book["runs"]["mean"], book["runs"]["reference"]
    summed = book["mean_run_as_summed"]
    assert summed["times_pixels"] == pytest.approx(784 * summed["printed"])
    assert summed["recon_plus_784_kl"] == pytest.approx(mean["test"]["recon"] + 784 * mean["test"]["kl"])
    assert mean["active_units"] == 0 and mean["test"]["kl"] < 0.01
    assert mean["reconstruction_spread"] < 0.01 < ref["reconstruction_spread"]
    assert ref["active_units"] > 0 and book["runs"]["freebits"]["active_units"] > 0
    assert all(0 <= p["active"] <= 16 for p in mean["replay"])
    assert [p["t"] for p in mean["replay"]] == sorted(p["t"] for p in mean["replay"])
    assert sum(book["runs"]["reference"]["kl_dims"]) == pytest.approx(ref["test"]["kl"], rel=0.01)


def test_the_binarized_bound_tightens_with_k_and_the_continuous_bernoulli_differs(book):
    b = book["binarized"]
    assert b["subset"] == 10 and list(b["iw"]) == ["1", "10"]
    assert b["iw"]["10"] < b["iw"]["1"]  # more importance samples: a tighter bound
    assert 0 < b["active_units"] <= b["latent_dim"] == 50
    lik = book["likelihoods"]
    assert lik["continuous_bernoulli"] < lik["bernoulli"]  # log C(λ) ≥ log 2 > 0 for every pixel


def test_every_latent_size_is_measured(data_root):
    out = study.sizes_report(CHECKPOINTS, data_root, subset_n=10, full=100, ks=(1, 10), prior_n=100,
                             progress=False)
    assert [r["latent_dim"] for r in out["sizes"]] == list(study.SIZES)
    for r in out["sizes"]:
        assert 0 < r["active_units"] <= r["latent_dim"]
        assert r["iw"]["10"] < r["iw"]["1"]
        assert 0.5 < r["recon_accuracy"] <= 1 and r["psnr"] > 10 and r["prior"]["frechet"] > 0


def test_the_autoregressive_decoder_runs_are_measured_beside_the_16d_vae(data_root):
    out = study.strong_report(CHECKPOINTS, data_root, limit=200)
    runs = out["runs"]
    assert out["n_images"] == 200 and set(runs) == {"reference", "ar", "warmup", "freebits"}
    ref, ar = runs["reference"], runs["ar"]
    assert ar["test"]["neg_elbo"] < ref["test"]["neg_elbo"]  # the better loss …
    assert ar["test"]["kl"] < ref["test"]["kl"]  # … with less in the code
    for r in runs.values():
        assert r["latent_dim"] == 16 and 0 <= r["active_units"] <= 16
        assert 0.0 <= r["recon_accuracy"] <= 1.0
        # the KL of the dimensions, on these 200 images, near the whole test set's KL
        assert sum(r["kl_dims"]) == pytest.approx(r["test"]["kl"], rel=0.25)
    assert ref["recon_accuracy"] > 0.9
    for key in ("ar", "warmup", "freebits"):
        t = [p["t"] for p in runs[key]["replay"]]
        assert t == sorted(t) and t[-1] == pytest.approx(20.0)
