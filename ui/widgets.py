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

from . import catalog, settings
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
