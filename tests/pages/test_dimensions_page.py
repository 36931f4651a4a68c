"""What each dimension means: the traversal shown is the chosen model's, from the chosen digit's
code, and every number and sentence is what `python -m vae_core.dimensions` measured."""

import json
import math

import numpy as np
import pytest
from helpers import CHECKPOINTS
from test_app import images, open_page, said

from vae_core import dimensions, latent, load_model

MEASURED = json.loads((CHECKPOINTS / "eval" / "dimensions_mnist.json").read_text())


@pytest.mark.parametrize("beta", ["1", "4"])
def test_the_sentences_and_tables_are_the_measured_figures(beta):
    at = open_page("dimensions", dims_beta=beta)
    text = said(at)
    m = MEASURED["models"][next(n for n, b in dimensions.MODELS.items() if f"{b:g}" == beta)]
    used = sum(m["active"])
    assert (f"**At β = {beta}** the model uses {used} of its 10 dimensions "
            f"(KL {m['kl_total']:.1f} nats") in text
    assert ("the others sit at the prior" in text) == (used < 10)
    slant = int(np.argmax(np.abs(m["correlation"]["slant"])))
    change = math.degrees(m["traversal"]["change"]["slant"][slant])
    assert (f"Slant is carried most by z{slant + 1} (r = {m['correlation']['slant'][slant]:+.2f}; from −3 to "
            f"+3 it changes the slant by {change:+.0f}°)") in text
    one, four = (MEASURED["models"][n]["mig"]["mig"] for n in dimensions.MODELS)
    assert f"({four:.3f} against {one:.3f})" in text
    assert ("*less* cleanly" in text) == (four <= one)
    # one row per dimension in the first table, ordered by KL
    rows = [line for line in text.split("\n") if line.startswith("| z")]
    order = np.argsort(m["kl"])[::-1]
    assert [r.split("|")[1].strip() for r in rows[:10]] == [f"z{j + 1}" for j in order]


def shown(at) -> np.ndarray:
    """The page's one picture, as intensities in [0, 1]."""
    import base64
    import io
    import re

    from PIL import Image

    (html,) = images(at)
    png = base64.b64decode(re.search(r"base64,([^\"]+)", html).group(1))
    return np.asarray(Image.open(io.BytesIO(png)).convert("L"), np.float32) / 255


@pytest.mark.parametrize("beta, index", [("4", 7), ("1", 1234)])
def test_the_traversal_is_the_chosen_models_from_the_chosen_digit(beta, index):
    from vae_core.data import raw_test_images
    from vae_core.images import mosaic, to_unit

    at = open_page("dimensions", dims_beta=beta, dims_digit=index)
    name = next(n for n, b in dimensions.MODELS.items() if f"{b:g}" == beta)
    model = load_model(CHECKPOINTS / f"{name}.safetensors")
    z = latent.encode(model, to_unit(raw_test_images("mnist")[0][[index]]))[0][0]
    order = np.argsort(MEASURED["models"][name]["kl"])[::-1]
    grid = latent.decode(model, latent.traversal(z, [-3] * 10, [3] * 10, 7)).reshape(10, 7, 28, 28)[order]
    want = np.kron(mosaic(grid.reshape(-1, 28, 28), 7, pad=1, fill=0.3), np.ones((2, 2)))
    got = shown(at)
    assert got.shape == want.shape and np.abs(got - want).max() < 1.5 / 255
    # and another digit's code gives another picture
    other = open_page("dimensions", dims_beta=beta, dims_digit=index + 1)
    assert np.abs(shown(other) - got).mean() > 0.01


@pytest.mark.parametrize("params", [{"beta": "7"}, {"beta": "NaN", "image": "-1"}, {"image": "x" * 10_000}])
@pytest.mark.reliability("url parameters")
def test_garbage_in_a_dimensions_link_falls_back_with_one_notice(params):
    from streamlit.testing.v1 import AppTest
    from test_app import APP

    from ui.registry import by_key

    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(params)
    at.switch_page(by_key("dimensions").file).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["dims_beta"] in ("1", "4") and 0 <= at.session_state["dims_digit"] < 10_000
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 1 and "not usable" in warnings[0] and len(warnings[0]) < 1000, warnings
    assert len(images(at)) == 1
