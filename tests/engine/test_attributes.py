"""Attribute vectors (vae_core.attributes): on a synthetic latent space where the answer is known,
and measured through a shipped model on a few digits."""

import numpy as np
import pytest
from helpers import CHECKPOINTS

from vae_core import attributes


def test_a_within_class_direction_carries_the_attribute_and_not_the_class():
    # codes: z = class offset along e2 (classes with more of the attribute sit higher) + t along e1
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(10), 200)
    t = rng.normal(labels * 0.3, 1.0)  # the attribute: its mean grows with the class
    codes = np.stack([t, labels * 2.0, rng.normal(0, 0.1, len(t))], 1)
    d = attributes.direction(codes, t, labels)
    assert d[0] > 2.0 and abs(d[1]) < 1e-9 and abs(d[2]) < 0.1  # along e1 only
    naive = codes[t >= np.quantile(t, 0.8)].mean(0) - codes[t <= np.quantile(t, 0.2)].mean(0)
    assert naive[1] > 2.0  # without classes, the class drift would come along
    t[:5] = np.nan  # an image with no ink is left out
    assert np.isfinite(attributes.direction(codes, t, labels)).all()


def test_a_step_along_a_shipped_vaes_vector_moves_the_measured_attribute_its_way(data_root):
    out = attributes.report(CHECKPOINTS, data_root, sample=12, models=("mnist_vae_16d",),
                            progress=False, triples=8)
    entry = out["models"]["mnist_vae_16d"]
    assert entry["analogies"]["n"] == 8 and out["analogies"] == 8
    assert entry["latent_dim"] == 16 and set(entry["vectors"]) == set(attributes.ATTRIBUTES)
    for attribute, v in entry["vectors"].items():
        up, down = v["steps"]["1"], v["steps"]["-1"]
        assert up["n"] == 12 and 0 <= up["class_kept"] <= 1
        assert up["mean_change"] > 0 > down["mean_change"], attribute  # each way, its sign
        assert len(v["vector"]) == 16 and v["norm"] == pytest.approx(np.linalg.norm(v["vector"]))


def test_an_arrow_goes_one_step_along_the_direction_with_a_head_at_its_tip():
    from vae_core.latent import plane_for

    plane = plane_for(np.random.default_rng(0).normal(size=(100, 2)))  # 2-D: the identity
    a = attributes.arrow(plane, np.array([1.0, 2.0], np.float32), np.array([2.0, 0.0]))
    assert np.allclose(a[0], [1, 2]) and np.allclose(a[1], [3, 2]) and np.allclose(a[3], a[1])
    # the head's two strokes: 20% of the shaft long, 30° either side of it, behind the tip
    for stroke in (a[2], a[4]):
        assert np.linalg.norm(stroke - a[1]) == pytest.approx(0.4, abs=1e-5) and stroke[0] < 3
    assert a[2][1] == pytest.approx(4 - a[4][1], abs=1e-5)  # mirror images across the shaft
    assert abs(a[2][1] - 2) == pytest.approx(0.2, abs=1e-5)


def test_analogy_triples_pair_two_digits_of_a_class_with_one_of_another():
    labels = np.random.default_rng(1).integers(0, 10, 500)
    a, b, c = attributes.analogy_triples(labels, 200, seed=3)
    assert len(a) == len(b) == len(c) == 200
    assert (a != b).all() and (labels[a] == labels[b]).all() and (labels[c] != labels[a]).all()
    assert len(set(labels[a])) == 10 and len(set(labels[c])) == 10  # every class, both roles
    assert all((x == y).all() for x, y in zip((a, b, c), attributes.analogy_triples(labels, 200, seed=3)))
    assert attributes.analogy([1.0, 0.0], [3.0, 1.0], [0.0, 5.0]).tolist() == [2.0, 6.0]


def test_the_example_pair_is_a_thin_upright_digit_and_a_bold_one_slanting_right():
    from vae_core import morpho

    m = morpho.load(CHECKPOINTS / "atlas" / "mnist_morpho.npz")
    thin, bold = attributes.example_pair(m["values"], m["labels"], 3)
    k, s = morpho.ATTRIBUTES.index("thickness"), morpho.ATTRIBUTES.index("slant")
    assert m["labels"][thin] == m["labels"][bold] == 3
    assert m["values"][bold, k] > m["values"][thin, k] + 0.5 and m["values"][bold, s] > m["values"][thin, s]


def test_in_a_shipped_vae_an_analogy_carries_the_slant_and_the_conditional_one_keeps_the_class():
    from vae_core import load_model, morpho
    from vae_core.atlas import open_atlas

    labels = morpho.load(CHECKPOINTS / "atlas" / "mnist_morpho.npz")["labels"]
    judge = load_model(CHECKPOINTS / "mnist_judge.safetensors")

    def run(name):
        path = CHECKPOINTS / f"{name}.safetensors"
        return attributes.analogies(load_model(path), judge, open_atlas(path).mu, labels, 60, seed=1)

    plain, conditional = run("mnist_vae_16d"), run("mnist_cvae_2d")
    slant = plain["attributes"]["slant"]
    assert slant["n"] == 60 and slant["r"] > 0.5 and slant["same_way"] > 0.65  # chance: 0 and 0.5
    assert conditional["class_kept"] >= 0.9 > run("mnist_vae_2d")["class_kept"] + 0.2  # the label holds it
