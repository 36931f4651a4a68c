"""Small widgets every page uses: crisp digits with downloads, Markdown tables, the test-image
picker, notices, and reading a map click."""

from __future__ import annotations

import base64
from html import escape

import numpy as np
import streamlit as st

from vae_core.config import NUM_CLASSES
from vae_core.data import class_names
from vae_core.images import digit_image, png_bytes, to_unit
from vae_core.latent import Atlas

from . import catalog, live, settings
from .figures import cached, fingerprint

MAX_IMAGE_WIDTH = 1460  # st.image resizes anything wider, on every rerun


@st.cache_resource(show_spinner=False, max_entries=128)
def _png(key: str, _probs: np.ndarray, _scale: int) -> bytes:  # "_": not hashed, key says it
    return png_bytes(digit_image(_probs, _scale))


def show_digit(probs: np.ndarray, caption: str, key: str, scale: int = 10, download: bool = True,
               alt: str | None = None):
    """A decoded digit, big and crisp (PNG, drawn without smoothing), with a PNG download; `alt`
    says what it shows to a screen reader (the caption if not given).

    The picture travels inside the page's markdown as a data URI with its width and height,
    rather than through st.image: the browser then keeps its place before it has decoded it
    (nothing below jumps), and it needs no media file, which another server replica would not
    have. The PNG is encoded once per distinct picture (a 30x30 manifold takes ~20 ms)."""
    probs = np.asarray(probs, np.float32)
    scale = max(1, min(scale, MAX_IMAGE_WIDTH // probs.shape[-1]))
    png = _png(fingerprint([probs, scale]), probs, scale)
    h, w = probs.shape[-2] * scale, probs.shape[-1] * scale
    st.markdown(
        f'<figure class="ll-figure"><img src="data:image/png;base64,{base64.b64encode(png).decode()}" '
        f'width="{w}" height="{h}" alt="{escape(alt or caption)}"><figcaption>{escape(caption)}'
        "</figcaption></figure>", unsafe_allow_html=True)
    if download:
        st.download_button("PNG", png, file_name=f"{key}.png", mime="image/png",
                           key=f"dl_{key}", icon=":material/download:")


def show_test_image(images: np.ndarray | None, index: int, caption: str, scale: int = 4):
    """A raw test image (uint8), or nothing where the data set is not on this machine."""
    if images is not None:
        show_digit(to_unit(images[index]), caption, f"test_{index}", scale=scale, download=False)


def reading(image: np.ndarray, dataset: str, what: str) -> str:
    """A text alternative for a picture the app made: what it is and how the judge reads it,
    e.g. "the digit decoded at (0.41, -1.20), which the judge reads as a 7 (97%)". Read once
    per distinct picture."""
    judge = catalog.judge(dataset)
    if judge is None:
        return what
    from vae_core.latent import judge_top

    image = np.asarray(image, np.float32)
    (c, p), = cached(["reading", judge["name"], image],
                     lambda: judge_top(catalog.model(judge), image, 1))
    return f"{what}, which the judge reads as {class_names(dataset)[c]} ({p:.0%})"


def reading_of_many(images: np.ndarray, dataset: str, what: str) -> str:
    """A text alternative for a mosaic: how many of its pictures the judge reads as each class
    (read once per distinct set of pictures)."""
    judge = catalog.judge(dataset)
    if judge is None:
        return what
    from vae_core.latent import judge_confidence

    images = np.asarray(images, np.float32)
    classes, _ = cached(["readings", judge["name"], images],
                        lambda: judge_confidence(catalog.model(judge), images))
    counts = np.bincount(classes, minlength=10)
    names = class_names(dataset)
    top = [f"{counts[c]} {names[c]}" for c in np.argsort(counts)[::-1] if counts[c]][:5]
    return f"{what}; the judge reads {', '.join(top)}{' and others' if len(top) == 5 else ''}"


def samples_and_reconstructions(runs: list[tuple[str, dict]], seed: int, key: str) -> list:
    """The loss lab's runs side by side, a column each ((label, the run's figures: its "name" and
    the KL of each latent dimension, "kl_dims"; catalog.lab_model finds the model)): 64 samples
    of its prior, seeded, and 8 test digits over its reconstructions (where the test set is on
    this machine); under the columns, every run's KL per dimension as bars. The
    pictures are kept by model name and seed (an autoregressive decoder draws a pixel at a
    time). Returns the columns, for what the page writes under each picture."""
    from vae_core import latent
    from vae_core.images import mosaic

    from . import charts, figures

    images = catalog.test_pictures("mnist", slice(0, 8))

    def build(model):
        rec = None if images is None else latent.decode(model, latent.encode(model, images)[0])
        return latent.prior_mosaic(model, seed), None if rec is None else mosaic(
            np.concatenate([images, rec]), 8, pad=1)

    cols = st.columns(len(runs))
    for i, (col, (label, run)) in enumerate(zip(cols, runs, strict=True)):
        prior, rec = cached(("samples and reconstructions", run["name"], seed, images is None),
                            lambda name=run["name"]: build(catalog.lab_model(name)))
        with col:
            st.markdown(f"**{label}**")
            show_digit(prior, "64 samples from the prior", f"{key}_prior_{i}_{seed}", scale=3,
                       alt=f"64 prior samples, {label}")
            if rec is not None:
                show_digit(rec, "8 test digits (top) and their reconstructions", f"{key}_rec_{i}",
                           scale=3, alt=f"test digits and their reconstructions, {label}")
    dims = [str(i + 1) for i in range(len(runs[0][1]["kl_dims"]))]
    bars = [(label, run["kl_dims"], figures.COLORS[i]) for i, (label, run) in enumerate(runs)]
    charts.grouped_bars(dims, bars,
                        "KL (nats)", "latent dimension").show(
        "The test set's KL of each latent dimension, " + ("both models" if len(runs) == 2 else "each model"))
    return cols


def table(rows: list[dict], digits: int = 2):
    """A small table of numbers as Markdown. st.dataframe would import pandas and pyarrow
    (~70 MB more server memory) for tables of a dozen rows; numbers get `digits` decimals."""
    if not rows:
        return

    def cell(v):
        if v is None:
            return "–"
        if isinstance(v, float | np.floating):
            return f"{v:.{digits}f}"
        return str(v).replace("|", "\\|")

    head = list(rows[0])
    lines = ["| " + " | ".join(head) + " |", "|" + "---:|" * len(head)]
    lines += ["| " + " | ".join(cell(r.get(k)) for k in head) + " |" for r in rows]
    st.markdown("\n".join(lines))


def test_image_picker(index: settings.Setting, at: Atlas, dataset: str, where=st) -> int:
    """Class and example pickers for one test image, kept in step with the `index` setting
    (the test-set index, which links carry); returns the index."""
    cls_key, ex_key = f"{index.key}_class", f"{index.key}_example"

    def picked():
        st.session_state[index.key] = at.index_of(st.session_state[cls_key],
                                                   st.session_state[ex_key])

    cls, example = at.example_of(settings.value(index))
    st.session_state[cls_key], st.session_state[ex_key] = cls, example
    names = class_names(dataset)
    c1, c2 = where.columns(2)
    c1.selectbox("Class", range(NUM_CLASSES), key=cls_key, format_func=lambda c: names[c],
                 on_change=picked)
    c2.number_input("Example", 0, len(at.members(cls)) - 1, key=ex_key, on_change=picked)
    return int(settings.value(index))


def own_drawing(key: str, judge, dataset: str, size: int = 224) -> tuple[np.ndarray | None, int | None]:
    """A drawing pad, prepared as MNIST was (vae_core.preprocess), and "which digit did you
    draw?" (the judge's reading first): the picture (28 × 28, in [0, 1]) and its label, or
    (None, None) until a usable drawing, with one notice saying what to do."""
    from vae_core.latent import judge_top
    from vae_core.preprocess import ImageProblem, prepare

    x = None
    try:
        drawn = live.drawing_pad(f"{key}_pad", size=size)
        x = prepare(drawn)[0] if drawn is not None else None
        if x is None:
            st.info("Draw one digit, and say which it is.", icon=":material/draw:")
    except (ValueError, ImageProblem) as e:
        st.warning(f"Cannot use the drawing: {str(e).rstrip('.')}. Draw again.")
    if x is None:
        return None, None
    names = class_names(dataset)
    label = st.selectbox("Which digit did you draw?", range(NUM_CLASSES), key=f"{key}_label",
                         index=int(judge_top(judge, x, 1)[0][0]), format_func=lambda c: names[c])
    return x, int(label)


SPOT = "the spot you clicked on the map"


def chosen_digit(index: settings.Setting, at: Atlas, dataset: str, judge, key: str, spot: bool = False):
    """"A test digit" (`test_image_picker`), "your own drawing" (`own_drawing`) or, with
    `spot`, SPOT (the page keeps the spot): the test index (None otherwise), the picture (None
    until there is one, for a spot, or where the test images are not on this machine, with a
    notice) and its label. The choice is st.session_state[f"{key}_source"]."""
    choices = ("a test digit", "your own drawing", *((SPOT,) if spot else ()))
    if st.session_state.get(f"{key}_source") not in choices:
        st.session_state.pop(f"{key}_source", None)
    source = st.radio("The digit", choices, horizontal=True, key=f"{key}_source")
    if source == SPOT:
        return None, None, None
    if source == "your own drawing":
        return None, *own_drawing(key, judge, dataset)
    i = test_image_picker(index, at, dataset)
    images = catalog.test_pictures(dataset, [i])
    if images is None:
        no_data_notice(dataset)
    return i, None if images is None else images[0], int(at.labels[i])


def map_spot(map_key: str, key: str, scope: str):
    """A spot clicked on the map `map_key` as the digit `chosen_digit(..., key)` starts from:
    (the spot kept for `scope`, e.g. a model, or None; the map's on_click, which keeps the spot
    and chooses SPOT)."""
    store = f"{key}_spot_{scope}"

    def keep():
        if (c := live.clicked(map_key)) is not None:
            st.session_state.update({store: c["uv"], f"{key}_source": SPOT})

    return st.session_state.get(store), keep


def steps_along(meta: dict, origin: np.ndarray, directions: list, names: list[str], steps: list,
                options: tuple, key: str) -> list[float]:
    """One slider a direction (its setting in `steps`, on the grid of `options`): live in the
    browser where the model's decoder runs there (decoding origin + Σ step · direction while
    dragging; the settings take the steps on release), server-side select sliders otherwise."""
    def nearest(v) -> float:
        return min(options, key=lambda o: abs(o - float(v)))

    def released():
        for s, v in zip(steps, (st.session_state[key] or {}).get("z") or (), strict=False):
            st.session_state[s.key] = nearest(v)

    values = [nearest(settings.value(s)) for s in steps]
    for s, v in zip(steps, values, strict=True):
        st.session_state[s.key] = v
    if not live.enabled(meta):
        for i, (s, name, col) in enumerate(zip(steps, names, st.columns(len(steps)), strict=True)):
            values[i] = col.select_slider(name, options, key=s.key, format_func="{:+.2f}".format)
        return values
    st.markdown("Drag a slider: your browser decodes the digit as you move it; the page measures it "
                "when you let go.")
    live.live_sliders(meta, values, [options[0]] * len(steps), [options[-1]] * len(steps), key,
                      released, step=options[1] - options[0], digit_size=140,
                      along=(origin, directions, names))
    return values


def no_data_notice(dataset: str):
    st.info(
        f"The {catalog.DATASET_LABELS[dataset]} test images are not on this machine, so the views "
        "that need them are off; the map works from the shipped atlas. To enable them run "
        f"`python -c \"from vae_core.data import load_split; load_split('{dataset}', False)\"` "
        "(downloads about 10 MB) or set $LATENT_LAB_DATA to a folder that holds them.",
        icon=":material/cloud_off:",
    )


def gif(frames: np.ndarray) -> bytes:
    """An animated GIF of decoded frames, encoded once per distinct content."""
    from vae_core.images import gif_bytes

    return cached(["gif", frames], lambda: gif_bytes(frames))
