"""Digit analogies: the page's answer is c + (b − a) decoded, its numbers are the measurements of
the pictures it shows, and its table is what `python -m vae_core.attributes` measured."""

import json
import math

import numpy as np
import pytest
from helpers import CHECKPOINTS
from test_app import images, open_page, said

from vae_core import latent, load_model, morpho
from vae_core.atlas import open_atlas
from vae_core.data import class_names

MEASURED = json.loads((CHECKPOINTS / "eval" / "attributes_mnist.json").read_text())
NAMES = class_names("mnist")


@pytest.mark.parametrize("name, a, b, c", [("mnist_vae_16d", None, None, None),
                                           ("mnist_cvae_2d", 18, 30, 0), ("mnist_ae_2d", 1, 2, 3)])
def test_the_answer_is_c_plus_b_minus_a_and_the_page_says_what_it_measured(name, a, b, c):
    state = {k: v for k, v in (("ana_a", a), ("ana_b", b), ("ana_c", c)) if v is not None}
    at = open_page("analogies", **state)
    at.sidebar.selectbox(key="model@analogies").set_value(name).run()
    assert not at.exception
    ia, ib, ic = (int(at.session_state[k]) for k in ("ana_a", "ana_b", "ana_c"))
    path = CHECKPOINTS / f"{name}.safetensors"
    atlas, model = open_atlas(path), load_model(path)
    labels = atlas.labels[[ia, ib, ic]].astype(int)
    if a is None:  # the page's first analogy: a thin upright 3 to a bold slanting 3, then a 7
        assert list(labels) == [3, 3, 7]
    za, zb, zc = atlas.mu[[ia, ib, ic]].astype(np.float32)
    y = (*labels, labels[2]) if "cvae" in name else None
    shown = latent.decode(model, np.stack([za, zb, zc, zc + zb - za]), y=y)
    m = morpho.measure_many(shown)
    k = morpho.ATTRIBUTES.index("thickness")
    s = morpho.ATTRIBUTES.index("slant")
    text = said(at)
    assert f"thickness {m[1, k] - m[0, k]:+.1f} px, slant {math.degrees(m[1, s] - m[0, s]):+.0f}°" in text
    assert f"thickness {m[3, k] - m[2, k]:+.1f} px, slant {math.degrees(m[3, s] - m[2, s]):+.0f}°" in text
    judge = load_model(CHECKPOINTS / "mnist_judge.safetensors")
    read = latent.judge_probabilities(judge, shown[3:])[0]
    assert f"reads the answer as **a {NAMES[int(read.argmax())]} ({read.max():.0%})**" in text
    assert len(images(at)) == 1  # the four pictures in one row


def test_the_table_is_what_was_measured_for_every_model():
    at = open_page("analogies")
    text = " ".join(m.value for m in at.markdown)
    rows = {n: v["analogies"] for n, v in MEASURED["models"].items()}
    assert len(rows) >= 7  # five plain models and the two conditional ones
    for v in rows.values():
        assert f"{v['class_kept']:.0%}" in text
        assert f"{v['attributes']['slant']['r']:.2f}" in text
    assert f"{MEASURED['analogies']:,} seeded analogies" in said(at)
    mine = rows["mnist_vae_16d"]
    assert f"keeps c's class for {mine['class_kept']:.0%}" in said(at)
    plain = {n: v for n, v in rows.items() if "cvae" not in n}
    kept = sorted(v["class_kept"] for v in plain.values())
    assert f"keeps c's class for only {kept[0]:.0%}–{kept[-1]:.0%} of the analogies" in said(at)
    for n in ("mnist_cvae_2d", "mnist_cvae_16d"):  # the label holds the class better than any code
        assert f"{rows[n]['class_kept']:.0%} (" in said(at) and rows[n]["class_kept"] > kept[-1]
    slant = sorted(v["attributes"]["slant"]["r"] for v in plain.values())
    assert f"slant carries over from r = {slant[0]:.2f}" in said(at) and f"to {slant[-1]:.2f}" in said(at)


@pytest.mark.parametrize("params", [{"image": "-1"}, {"b": "NaN", "c": "x" * 10_000}])
@pytest.mark.reliability("url parameters")
def test_garbage_in_an_analogies_link_falls_back_with_one_notice(params):
    from streamlit.testing.v1 import AppTest
    from test_app import APP

    from ui.registry import by_key

    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(params)
    at.switch_page(by_key("analogies").file).run()
    assert not at.exception, [e.value for e in at.exception]
    assert all(0 <= at.session_state[k] < 10_000 for k in ("ana_a", "ana_b", "ana_c"))
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 1 and "not usable" in warnings[0] and len(warnings[0]) < 1000, warnings


def test_the_readme_quotes_the_measured_analogies():
    from helpers import REPO

    rows = {n: v["analogies"] for n, v in MEASURED["models"].items()}
    kept = sorted(v["class_kept"] for n, v in rows.items() if "cvae" not in n)
    readme = (REPO / "README.md").read_text()
    assert f"keeps c's class in only {kept[0]:.0%}–{kept[-1]:.0%} of the analogies" in readme
    assert (f"keep it in {rows['mnist_cvae_2d']['class_kept']:.0%} (2-D) and "
            f"{rows['mnist_cvae_16d']['class_kept']:.0%} (16-D)") in readme
