"""Attribute vectors: the page's numbers are the measurements of what it shows, and its table and
sentences are what `python -m vae_core.attributes` measured, for every model it offers."""

import json
import math

import numpy as np
import pytest
from helpers import CHECKPOINTS
from test_app import images, open_page, said

from vae_core import attributes, latent, load_model, morpho
from vae_core.atlas import open_atlas

MEASURED = json.loads((CHECKPOINTS / "eval" / "attributes_mnist.json").read_text())


def expected(name: str, index: int, steps: dict) -> tuple[dict, dict]:
    path = CHECKPOINTS / f"{name}.safetensors"
    at, model = open_atlas(path), load_model(path)
    vectors = attributes.vectors(at.mu, morpho.load(CHECKPOINTS / "atlas" / "mnist_morpho.npz"))
    z0 = at.mu[index].astype(np.float32)
    z1 = z0 + sum(np.float32(steps.get(a, 0.0)) * vectors[a].astype(np.float32) for a in vectors)
    before, after = latent.decode(model, np.stack([z0, z1]))
    return morpho.measure(before), morpho.measure(after)


@pytest.mark.parametrize("name, steps", [("mnist_vae_16d", {"thickness": 1.0}),
                                         ("mnist_vae_2d", {"slant": -1.0, "width": 0.5})])
def test_the_page_measures_the_pictures_it_shows(name, steps):
    state = {f"attr_{url}": steps.get(a, 0.0) for a, url in (("thickness", "bold"), ("slant", "slant"),
                                                             ("width", "wide"))}
    at = open_page("attributes", **state)
    at.sidebar.selectbox(key="model@attributes").set_value(name).run()
    text = said(at)
    index = int(at.query_params["image"][0] if isinstance(at.query_params["image"], list)
                else at.query_params["image"])
    m0, m1 = expected(name, index, steps)
    assert f"thickness {m0['thickness']:.1f} px → **{m1['thickness']:.1f} px**" in text
    assert f"slant {math.degrees(m0['slant']):.0f}° → **{math.degrees(m1['slant']):.0f}°**" in text
    assert f"width {m0['width']:.1f} px → **{m1['width']:.1f} px**" in text
    assert len(images(at)) >= 3  # the test digit, its decoded code, the digit after the steps


@pytest.mark.parametrize("name", sorted(n for n, e in MEASURED["models"].items() if "vectors" in e))
def test_the_table_and_its_words_are_what_was_measured(name):
    at = open_page("attributes")
    at.sidebar.selectbox(key="model@attributes").set_value(name).run()
    text = said(at)
    entry = MEASURED["models"][name]
    for a, v in entry["vectors"].items():
        right = min(e["right_way"] for e in v["steps"].values())
        assert f"{right:.0%} or more ({a})" in text
    kept = {a: min(e["class_kept"] for e in v["steps"].values()) for a, v in entry["vectors"].items()}
    worst = min(kept, key=kept.get)
    assert f"least along {worst}: the judge keeps it for {kept[worst]:.0%}" in text
    assert ("share the same few coordinates" in text) == (entry["latent_dim"] <= 2)


def test_a_model_that_was_not_measured_says_so():
    at = open_page("attributes")
    at.sidebar.selectbox(key="model@attributes").set_value("mnist_vae_2d_beta4").run()
    assert "was not measured over the test set" in said(at)


@pytest.mark.parametrize("params", [{"bold": "99"}, {"slant": "NaN", "wide": "-1e400"},
                                    {"wide": "x" * 10_000}, {"image": "-1", "bold": "0.3"}])
@pytest.mark.reliability("url parameters")
def test_garbage_in_an_attributes_link_falls_back_with_one_notice(params):
    from streamlit.testing.v1 import AppTest
    from test_app import APP

    from ui.registry import by_key

    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(params)
    at.switch_page(by_key("attributes").file).run()
    assert not at.exception, [e.value for e in at.exception]
    steps = [at.session_state[f"attr_{u}"] for u in ("bold", "slant", "wide")]
    assert all(-2.0 <= v <= 2.0 for v in steps), steps
    warnings = [w.value for w in at.warning]
    if params.get("bold") == "0.3":  # a usable value is kept, put on the slider's steps
        assert at.session_state["attr_bold"] == 0.25
    assert len(warnings) == 1 and "not usable" in warnings[0] and len(warnings[0]) < 1000, warnings


def test_a_spot_clicked_on_the_map_is_the_digit_the_steps_start_from():
    from ui.widgets import SPOT

    assert SPOT not in open_page("attributes").radio(key="attr_source").options  # no click, no spot
    name, uv = "mnist_vae_16d", np.array([0.5, -1.0], np.float32)  # the page's first model
    # what a click on the map keeps (widgets.map_spot): the spot, for this model, and the choice
    at = open_page("attributes", **{f"attr_spot_{name}": uv, "attr_source": SPOT, "attr_bold": 1.0})
    assert not at.exception and at.radio(key="attr_source").value == SPOT
    path = CHECKPOINTS / f"{name}.safetensors"
    atlas, model = open_atlas(path), load_model(path)
    vectors = attributes.vectors(atlas.mu, morpho.load(CHECKPOINTS / "atlas" / "mnist_morpho.npz"))
    z0 = atlas.plane.to_latent(uv)[0].astype(np.float32)
    before, after = latent.decode(model, np.stack([z0, z0 + vectors["thickness"].astype(np.float32)]))
    m0, m1 = morpho.measure(before), morpho.measure(after)
    assert f"thickness {m0['thickness']:.1f} px → **{m1['thickness']:.1f} px**" in said(at)
    assert len(images(at)) >= 2  # the spot's decoded picture and the one after the steps
