"""The conditional VAEs' measurements (vae_core.conditional) on codes whose answer is known, and
the shipped figures against what the page claims."""

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from vae_core import conditional, families, latent
from vae_core.config import AutoencoderConfig

REPO = Path(__file__).resolve().parents[2]


def test_the_nearest_class_mean_finds_classes_that_are_in_the_codes_and_not_others():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, 4000)
    separate = np.eye(10)[labels] * 5 + rng.normal(size=(4000, 10))
    assert conditional.class_in_code(separate, labels) > 0.95
    blind = rng.normal(size=(4000, 2))
    assert 0.05 < conditional.class_in_code(blind, labels) < 0.16


def test_the_strongest_correlation_names_the_dimension_and_its_sign():
    rng = np.random.default_rng(1)
    v = rng.normal(size=3000)
    codes = np.column_stack([rng.normal(size=3000), -v + 0.3 * rng.normal(size=3000)])
    v[:5] = np.nan  # a digit without ink is left out
    got = conditional.strongest_r(codes, v)
    assert got["dim"] == 1 and -1 < got["r"] < -0.9


def test_a_code_redrawn_as_every_class_is_that_code_decoded_with_each_label():
    torch.manual_seed(0)
    model = families.build(AutoencoderConfig(kind="cvae", latent_dim=2, hidden=(16,))).eval()
    codes = np.random.default_rng(2).normal(size=(3, 2)).astype(np.float32)
    drawn = conditional.redraw(model, codes)
    assert drawn.shape == (3, 10, 28, 28)
    for c in (0, 7):
        assert np.allclose(drawn[:, c], latent.decode(model, codes, y=c))
    assert not np.allclose(drawn[:, 0], drawn[:, 7])


@pytest.fixture(scope="module")
def shipped():
    return json.loads((REPO / "checkpoints" / "eval" / "conditional_mnist.json").read_text())


def test_the_shipped_conditional_vaes_draw_the_class_asked_for_and_keep_the_style(shipped):
    assert set(shipped["models"]) == set(conditional.MODELS)
    for name, m in shipped["models"].items():
        p = m["prior"]
        assert len(p["share_read_as_asked"]) == 10 and p["min"] == min(p["share_read_as_asked"])
        assert p["mean"] > 0.9, name  # the label decides the class
        assert m["style"]["slant"]["r"] > 0.5, name  # the code, the slant
        # the plain VAE's code says which digit it is; the conditional one's says far less
        assert m["class_from_code"] < m["twin"]["class_from_code"] - 0.2, name
        assert m["test"]["neg_elbo"] < m["twin"]["test"]["neg_elbo"], name  # given the label
    two, big = shipped["models"]["mnist_cvae_2d"], shipped["models"]["mnist_cvae_16d"]
    assert two["prior"]["min"] >= 0.97 and big["prior"]["min"] >= 0.97  # the bar, every class
    assert big["style"]["thickness"]["r"] > 0.5 > two["style"]["thickness"]["r"]  # thickness needs more z


def test_the_readme_and_the_model_notes_quote_the_measured_figures(shipped):
    two, big = shipped["models"]["mnist_cvae_2d"], shipped["models"]["mnist_cvae_16d"]
    readme = (REPO / "README.md").read_text()
    for said in (f"{two['prior']['mean']:.1%} of the 2-D model's prior drawings",
                 f"{big['prior']['mean']:.1%} of the 16-D model's (lowest class {big['prior']['min']:.1%}",
                 f"(r = {two['style']['slant']['r']:.2f} in 2-D, {big['style']['slant']['r']:.2f} in 16-D)",
                 f"names the digit for {two['class_from_code']:.0%} of test digits against "
                 f"{two['twin']['class_from_code']:.0%}"):
        assert said in readme, said
    notes = " ".join((REPO / "docs" / "models.md").read_text().split())
    two_said = f"60 epochs: {two['test']['neg_elbo']:.1f} nats against {two['twin']['test']['neg_elbo']:.1f}"
    assert two_said in notes
    assert f"({big['test']['neg_elbo']:.1f} nats; the twin {big['twin']['test']['neg_elbo']:.1f})" in notes
