"""Draw me a …: the conditional VAE draws the class asked for, the page counts what the judge
read in what it shows, and a test digit's code is re-drawn as every digit; every other number is
what `python -m vae_core.conditional` measured."""

import base64
import io
import json
import re

import numpy as np
import pytest
from helpers import CHECKPOINTS
from PIL import Image
from test_app import images, open_page, said

from vae_core import latent, load_model
from vae_core.images import mosaic

MEASURED = json.loads((CHECKPOINTS / "eval" / "conditional_mnist.json").read_text())


def picture(html: str) -> np.ndarray:
    png = base64.b64decode(re.search(r"base64,([^\"]+)", html).group(1))
    return np.asarray(Image.open(io.BytesIO(png)).convert("L"), np.float32) / 255


@pytest.mark.parametrize("size, digit, seed", [("16", 7, 3), ("2", 2, 0)])
def test_asking_for_a_digit_draws_it_and_the_page_says_what_the_judge_read(size, digit, seed):
    at = open_page("draw", draw_size=size, draw_class=digit, draw_seed=seed)
    text = said(at)
    model = load_model(CHECKPOINTS / f"mnist_cvae_{size}d.safetensors")
    judge = load_model(CHECKPOINTS / "mnist_judge.safetensors")
    drawn = latent.decode(model, latent.prior_z(model.latent_dim, seed, n=8), y=digit)
    read = latent.judge_probabilities(judge, drawn).argmax(1)
    assert (read == digit).sum() >= 6  # asked for a digit, it draws that digit
    assert f"The judge reads **{(read == digit).sum()} of these 8** as a {digit}" in text
    want = np.kron(mosaic(drawn, 8, pad=1, fill=0.3), np.ones((4, 4)))
    assert np.abs(picture(images(at)[0]) - want).max() < 1.5 / 255
    p = MEASURED["models"][f"mnist_cvae_{size}d"]["prior"]
    assert f"{p['mean']:.1%} of the {size}-D model's drawings, {p['share_read_as_asked'][digit]:.1%}" in text


def test_a_test_digits_code_is_drawn_as_every_digit_and_the_map_sentence_is_measured():
    at = open_page("draw", draw_size="16", draw_digit=4321)
    model = load_model(CHECKPOINTS / "mnist_cvae_16d.safetensors")
    from vae_core.data import raw_test_images
    from vae_core.images import to_unit

    x, y = raw_test_images("mnist")
    src = to_unit(x[4321])
    (mu,), _ = latent.encode(model, src[None], [int(y[4321])])
    row = np.concatenate([src[None], latent.decode(model, np.repeat(mu[None], 10, 0), y=np.arange(10))])
    want = np.kron(mosaic(row, 11, pad=1, fill=0.3), np.ones((3, 3)))
    assert np.abs(picture(images(at)[2]) - want).max() < 1.5 / 255
    text = said(at)
    two = MEASURED["models"]["mnist_cvae_2d"]
    assert f"names it for {two['twin']['class_from_code']:.0%} of test digits" in text
    assert f"on top of each other: {two['class_from_code']:.0%} (chance: 10%)" in text
    s = MEASURED["models"]["mnist_cvae_16d"]["style"]
    assert f"(Pearson's r = {s['slant']['r']:.2f})" in text and f"(r = {s['thickness']['r']:.2f})" in text


@pytest.mark.parametrize("params", [{"size": "3"}, {"digit": "11", "seed": "NaN"}, {"image": "x" * 10_000},
                                    {"digit": "-1"}])
@pytest.mark.reliability("url parameters")
def test_garbage_in_a_draw_link_falls_back_with_one_notice(params):
    from streamlit.testing.v1 import AppTest
    from test_app import APP

    from ui.registry import by_key

    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(params)
    at.switch_page(by_key("draw").file).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["draw_size"] in ("2", "16") and 0 <= at.session_state["draw_class"] <= 9
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 1 and "not usable" in warnings[0] and len(warnings[0]) < 1000, warnings
    assert len(images(at)) == 3


def _data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def _blank_png() -> bytes:
    buf = io.BytesIO()
    Image.new("L", (224, 224), 255).save(buf, "PNG")
    return buf.getvalue()


@pytest.mark.parametrize("page", ["draw", "attributes"])
@pytest.mark.parametrize("drawing, says", [(_data_url(_blank_png()), "it is blank"),
                                           ("data:image/png;base64,bm90IGEgcGljdHVyZQ==", "Cannot use"),
                                           ("x" * 10_000, "not a PNG data URL")])
@pytest.mark.reliability("widget state")
def test_a_drawing_with_no_ink_or_no_picture_falls_back_with_one_notice(page, drawing, says):
    at = open_page(page)
    at.radio(key=f"{page[:4]}_source").set_value("your own drawing").run()
    assert [i.value for i in at.info] == ["Draw one digit, and say which it is."]  # before a stroke
    at.session_state[f"{page[:4]}_pad"] = {"png": drawing}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 1 and says in warnings[0] and "Draw again" in warnings[0], warnings
    assert not at.info and len(warnings[0]) < 300  # one notice, short whatever came in
    assert not [s for s in at.selectbox if s.key and s.key.endswith("_label")]  # no "which digit?"
