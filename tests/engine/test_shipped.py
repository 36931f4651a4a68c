"""The shipped checkpoints: all load, their atlases match them, and their figures reproduce."""

import json

import numpy as np
import pytest
import torch
from helpers import CHECKPOINTS

from vae_core import latent, list_checkpoints, load_model
from vae_core.atlas import load_atlas
from vae_core.evaluate import evaluate_model
from vae_core.recipes import RECIPES

CKPT = CHECKPOINTS
GOOD, BAD = list_checkpoints(CKPT)
BY_NAME = {m["name"]: m for m in GOOD}


def _eval(name):
    return json.loads((CKPT / "eval" / f"{name}.json").read_text())["test"]


def test_every_recipe_is_shipped_and_loads():
    assert BAD == []
    assert set(BY_NAME) == set(RECIPES)
    size = sum(p.stat().st_size for p in CKPT.rglob("*") if p.is_file())
    assert size < 150 * 2**20  # the brief's budget for checkpoints/


def test_every_study_run_is_shipped_in_its_folder_and_loads():
    from vae_core.recipes import STUDY

    good, bad = list_checkpoints(CKPT / "study")
    assert bad == [] and {f"study/{m['name']}" for m in good} == set(STUDY)


@pytest.mark.parametrize("name", [n for n in RECIPES if "judge" not in n])
def test_atlas_matches_the_model(name, data_root):
    from vae_core.data import load_split

    meta = BY_NAME[name]
    atlas = load_atlas(meta["path"])
    x, y = load_split(meta["dataset"], train=False, root=data_root)
    assert np.array_equal(atlas["labels"], y.numpy())
    mu, _ = latent.encode(load_model(meta["path"]), x[:500], y[:500])  # a conditional model's: given y
    assert np.allclose(atlas["mu"][:500], mu, atol=1e-4)


@pytest.mark.parametrize("name", ["mnist_vae_2d", "mnist_ae_2d", "mnist_vae_20d", "mnist_cvae_16d",
                                  "mnist_judge"])
def test_figures_reproduce_from_the_stored_weights(name, mnist_test):
    x, y = mnist_test
    figures = evaluate_model(load_model(BY_NAME[name]["path"]), x, y, samples=10, seed=0)
    stored = _eval(name)
    for key in ("neg_elbo", "recon", "kl", "accuracy"):
        if key in stored:
            assert figures[key] == pytest.approx(stored[key], abs=1e-3), key


def test_the_bars_hold():
    assert _eval("mnist_vae_2d")["neg_elbo"] <= 135
    assert _eval("mnist_vae_20d")["neg_elbo"] <= 98
    assert _eval("mnist_vae_20d")["iwae"] < _eval("mnist_vae_20d")["neg_elbo"]
    assert _eval("mnist_judge")["accuracy"] >= 0.99
    assert _eval("fashion_judge")["accuracy"] >= 0.90


def test_ablations_show_what_each_loss_term_does():
    recon, kl, full = (_eval(n) for n in ("mnist_vae_2d_recon_only", "mnist_vae_2d_kl_only",
                                          "mnist_vae_2d"))
    assert kl["kl"] < 0.1  # KL alone: every posterior collapses onto the prior
    assert recon["kl"] > full["kl"]  # no KL: codes drift far from N(0, I)
    assert max(recon["recon"], full["recon"]) < kl["recon"]  # KL alone: the decoder learns nothing


def test_the_vae_decodes_its_prior_and_the_judge_agrees(mnist_test):
    vae, judge = load_model(BY_NAME["mnist_vae_2d"]["path"]), load_model(
        BY_NAME["mnist_judge"]["path"])
    torch.manual_seed(0)
    _, conf = latent.judge_confidence(judge, latent.decode(vae, torch.randn(500, 2).numpy()))
    assert np.median(conf) > 0.9
