"""Latent map: the test set encoded; point anywhere and see what the decoder makes of that spot."""

import numpy as np
import streamlit as st

from ui import catalog, frame, live, settings, widgets
from vae_core import latent, urlstate
from vae_core.data import class_names
from vae_core.families import of

ctx = frame.context()
meta, dataset = ctx.model, ctx.dataset
at = catalog.atlas(meta)
x0, x1, y0, y1 = at.bounds
AT = settings.narrowed(frame.setting("at"), (x0, y0), (x1, y1))  # the kept spot, in links
ZOOM = frame.setting("zoom")  # the zoom window, in links
is_live = live.enabled(meta)

st.header("Latent map")
frame.intro(
    f"Each dot is one of the 10,000 test images, placed where {catalog.the(meta)} "
    f"encodes it{' (its μ)' if of(meta).stochastic else ''}"
    f"{'; the axes are the first two principal components of the codes' if at.latent_dim > 2 else ''}. "
    + ("**Move the pointer over the map** (or tap, or use the arrow keys): the digit next to it is "
       "decoded live, in your browser. Try the gaps between clusters and the far edges; click to "
       "keep a spot." if is_live else "**Click anywhere, on a dot or in empty space**, to decode "
       "that spot: try the gaps between clusters and the far edges."))


def on_click():
    click = live.clicked("map")
    if click is not None:
        st.session_state["map_click"] = click


link = frame.declare(derived=[AT, ZOOM])
if ZOOM.key in link:
    st.session_state[ZOOM.key] = link[ZOOM.key]
if AT.key in link:  # None: a lecture's step without a kept spot
    uv = None if link[AT.key] is None else np.asarray(link[AT.key], np.float32)
    st.session_state["map_click"] = {"uv": uv, "index": None}
state = st.session_state.setdefault("map_click", {"uv": None, "index": None})
kept = [] if state["uv"] is None else [{"uv": state["uv"], "text": "kept"}]
live.latent_map([{"meta": meta, "marks": kept}], dataset, "map", live=is_live, on_click=on_click,
                png="latent_map", zoom=st.session_state.get(ZOOM.key))
view = (live.zooms("map") or [st.session_state.get(ZOOM.key)])[0]

if state["uv"] is None:
    st.info("Click the map to keep a spot: its decoded digit appears here, with a PNG.",
            icon=":material/touch_app:")
else:
    u, v = state["uv"]
    picture = latent.decode_at(catalog.model(meta), at.plane, state["uv"])
    c1, c2, _ = st.columns([1, 1, 3])
    with c1:
        widgets.show_digit(picture, f"decoded at ({u:.2f}, {v:.2f})", "decoded",
                           alt=widgets.reading(picture, dataset, f"the digit decoded at ({u:.2f}, {v:.2f})"))
    if state["index"] is not None:
        i, images = state["index"], catalog.test_images(dataset)
        label = class_names(dataset)[at.labels[i]]
        with c2:
            if images is None:
                frame.say(f"Nearest dot: test #{i}, a {label}.")
                widgets.no_data_notice(dataset)
            else:
                widgets.show_test_image(images, i, f"the test image you clicked: #{i}, a {label}")
frame.keep(at=None if state["uv"] is None else AT.format(state["uv"]),
            zoom=None if view is None else urlstate.format_view(view))
