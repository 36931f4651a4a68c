"""What each dimension means (vae_core.dimensions): the mutual information gap on synthetic codes
whose answer is known, correlations, traversals, and the shipped figures."""

import json
from pathlib import Path

import numpy as np
import pytest

from vae_core import dimensions as dm

REPO = Path(__file__).resolve().parents[2]


def test_mutual_information_of_a_variable_with_itself_is_its_entropy_and_with_noise_nearly_zero():
    rng = np.random.default_rng(0)
    a = rng.integers(0, 8, 20_000)
    assert dm.mutual_information(a, a) == pytest.approx(dm.entropy(a), abs=1e-9)
    assert dm.entropy(a) == pytest.approx(np.log(8), abs=0.01)
    assert dm.mutual_information(a, rng.integers(0, 8, 20_000)) < 0.01


def test_codes_that_each_carry_one_factor_score_a_high_gap_and_mixed_codes_a_low_one():
    rng = np.random.default_rng(1)
    f = rng.normal(size=(20_000, 2))
    factors = {"a": f[:, 0], "b": f[:, 1]}
    clean = np.column_stack([f[:, 1], rng.normal(size=20_000), f[:, 0]])  # b in z0, a in z2
    got = dm.mig(clean, factors)
    assert got["best"] == {"a": 2, "b": 0}
    assert got["mig"] > 0.5
    rot = np.column_stack([f[:, 0] + f[:, 1], f[:, 0] - f[:, 1], rng.normal(size=20_000)])
    mixed = dm.mig(rot, factors)
    assert mixed["mig"] < 0.1 < got["mig"] - 0.4
    # each dimension's normalized information lies in [0, 1]
    assert all(0 <= v <= 1 for mi in got["mi"].values() for v in mi)


def test_a_discrete_factor_is_used_as_it_is_and_a_continuous_one_in_equal_count_bins():
    rng = np.random.default_rng(2)
    digit = rng.integers(0, 10, 5000)
    codes = np.column_stack([digit + 0.1 * rng.normal(size=5000), rng.normal(size=5000)])
    got = dm.mig(codes, {"digit": digit})
    assert got["best"]["digit"] == 0 and got["gap"]["digit"] > 0.7
    bins = dm.bin_factor(rng.exponential(size=10_000))
    counts = np.bincount(bins)
    assert len(counts) == dm.BINS and counts.min() > 0.9 * counts.max()


def test_correlations_find_the_sign_and_the_dimension():
    rng = np.random.default_rng(3)
    v = rng.normal(size=(4000, 2))
    codes = np.column_stack([-v[:, 1], v[:, 0] + 0.5 * rng.normal(size=4000)])
    r = dm.correlations(codes, v, ("slant", "thickness"))
    assert r["thickness"][0] == pytest.approx(-1.0, abs=1e-6)
    assert 0.8 < r["slant"][1] < 0.95 and abs(r["slant"][0]) < 0.05


def test_a_traversal_moves_one_coordinate_and_keeps_the_others():
    codes = np.arange(12, dtype=np.float32).reshape(4, 3)
    lo, hi = dm.traversal_codes(codes, 1, 3.0)
    assert (lo[:, 1] == -3).all() and (hi[:, 1] == 3).all()
    assert (lo[:, [0, 2]] == codes[:, [0, 2]]).all() and (hi[:, [0, 2]] == codes[:, [0, 2]]).all()
    assert codes[0, 1] == 1  # the input is untouched


def test_the_shipped_figures_cover_both_betas_and_say_what_the_page_says():
    f = json.loads((REPO / "checkpoints" / "eval" / "dimensions_mnist.json").read_text())
    assert set(f["models"]) == set(dm.MODELS)
    for name, beta in dm.MODELS.items():
        m = f["models"][name]
        assert m["beta"] == beta and m["latent_dim"] == 10 and len(m["kl"]) == 10
        assert m["kl_total"] == pytest.approx(sum(m["kl"]), abs=0.01)
        assert set(m["correlation"]) == set(dm.FACTORS) == set(m["traversal"]["change"])
        assert 0 <= m["mig"]["mig"] <= 1 and m["traversal"]["sample"] == dm.SAMPLE
    one, four = (f["models"][n] for n in dm.MODELS)
    assert four["kl_total"] < one["kl_total"]  # a larger β pays less KL
    assert sum(four["active"]) <= sum(one["active"])


def test_the_readme_and_the_model_notes_quote_the_measured_scores():
    f = json.loads((REPO / "checkpoints" / "eval" / "dimensions_mnist.json").read_text())
    one, four = (f["models"][n] for n in dm.MODELS)
    said = f"({four['mig']['mig']:.3f} against {one['mig']['mig']:.3f})"
    for doc in ("README.md", "docs/models.md"):
        text = (REPO / doc).read_text()
        assert said in text and f"{sum(four['active'])} of 10" in text, doc


def test_the_facts_a_page_states_follow_from_the_figures():
    entry = {"kl": [0.1, 3.0, 0.0, 2.0], "active": [True, True, False, True],
             "correlation": {"slant": [0.1, -0.8, 0.0, 0.6], "thickness": [0.7, 0.1, 0.0, -0.2]},
             "traversal": {"class_changed": [0.3, 0.9, 0.0, 0.5]}}
    fx = dm.facts(entry)
    assert fx["order"] == [1, 3, 0, 2] and fx["used"] == [1, 3, 0]
    assert fx["carrier"] == {"slant": 1, "thickness": 0}
    assert fx["tracks"] == ["thickness", "slant", "slant", "slant"]
    assert fx["calm"] == 0  # the unused z3 changes nothing, but it is not in use
    assert fx["shared"] == {"slant": [1, 3]}
