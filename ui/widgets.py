"""Small widgets every page uses: crisp digits with downloads, Markdown tables, the test-image
picker, notices, and reading a map click."""

from __future__ import annotations

import numpy as np
import streamlit as st

from vae_core.data import class_names
from vae_core.images import digit_image, png_bytes
from vae_core.latent import Atlas

from . import catalog, settings
from .figures import cached, fingerprint

MAX_IMAGE_WIDTH = 1460  # st.image resizes anything wider, on every rerun


@st.cache_resource(show_spinner=False, max_entries=128)
def _png(key: str, _probs: np.ndarray, _scale: int) -> bytes:  # "_": not hashed, key says it
    return png_bytes(digit_image(_probs, _scale))


def show_digit(probs: np.ndarray, caption: str, key: str, scale: int = 10, download: bool = True,
               alt: str | None = None):
    """A decoded digit, big and crisp (PNG: JPEG would blur), with a PNG download; `alt` says
    what it shows to a screen reader (the caption if not given).

    The PNG is encoded once per distinct picture (a 30x30 manifold takes ~20 ms to encode)
    and the same bytes serve the image and its download. It is never wider than st.image's
    limit (1460 px): st.image would otherwise resize and re-encode it on every rerun.
    """
    probs = np.asarray(probs, np.float32)
    scale = max(1, min(scale, MAX_IMAGE_WIDTH // probs.shape[-1]))
    png = _png(fingerprint([probs, scale]), probs, scale)
    st.image(png, caption=caption, alt=alt or caption, width="stretch", output_format="PNG")
    if download:
        st.download_button("PNG", png, file_name=f"{key}.png", mime="image/png",
                           key=f"dl_{key}", icon=":material/download:")


def show_test_image(images: np.ndarray | None, index: int, caption: str, scale: int = 4):
    """A raw test image (uint8), or nothing where the data set is not on this machine."""
    if images is not None:
        st.image(digit_image(images[index] / 255.0, scale), caption=caption, output_format="PNG")


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
    c1.selectbox("Class", range(10), key=cls_key, format_func=lambda c: names[c],
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


def point_from_selection(selection: dict | None) -> dict | None:
    """A Plotly selection (as st.plotly_chart reports it) -> {"uv": plane point, "index": i}.

    A click on the invisible grid gives the grid point (index None); a click on a test point
    gives its coordinates and its test-set index (the trace's customdata).
    """
    points = (selection or {}).get("points") or []
    if not points:
        return None
    p = points[0]
    try:
        uv = np.array([float(p["x"]), float(p["y"])], np.float32)
    except (KeyError, TypeError, ValueError):
        return None
    if not np.all(np.isfinite(uv)):
        return None
    cd = p.get("customdata")
    if isinstance(cd, list):
        cd = cd[0] if cd else None
    index = int(cd) if isinstance(cd, int | float) and float(cd).is_integer() else None
    return {"uv": uv, "index": index}


def clicked_point(key: str) -> dict | None:
    """The point a click on the Plotly map with this key selected (st.plotly_chart's event)."""
    event = st.session_state.get(key)
    return point_from_selection(event.get("selection") if event else None)


def gif(frames: np.ndarray) -> bytes:
    """An animated GIF of decoded frames, encoded once per distinct content."""
    from vae_core.images import gif_bytes

    return cached(["gif", frames], lambda: gif_bytes(frames))
