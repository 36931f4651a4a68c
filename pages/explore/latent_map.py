"""Latent map: the test set encoded; click anywhere and see what the decoder makes of that spot."""

import numpy as np
import streamlit as st

from ui import catalog, figures, frame, live, settings, widgets
from vae_core import latent
from vae_core.data import class_names

ctx = frame.context()
meta, dataset = ctx.model, ctx.dataset
at = catalog.atlas(meta)
x0, x1, y0, y1 = at.bounds
AT = settings.vector("map_at", "at", (x0, y0), (x1, y1))  # the clicked spot, in links

st.header("Latent map")
st.markdown(
    f"Each dot is one of the 10,000 test images, placed where the {catalog.label(meta)} "
    f"encodes it{' (its μ)' if meta['kind'] == 'vae' else ''}"
    f"{'; the axes are the first two principal components of the codes' if at.latent_dim > 2 else ''}. "
    "**Click anywhere, on a dot or in empty space**, to decode that spot: try the gaps "
    "between clusters and the far edges."
)


def on_click():  # runs before the rerun, so the same run draws the digit
    click = widgets.clicked_point("map_chart")
    if click is not None:  # Plotly marks the selected point itself: no mark in the figure
        st.session_state["map_click"] = dict(click, selected=True)


def on_live_click():
    click = live.clicked("live_map")
    if click is not None:
        st.session_state["map_click"] = click


link = settings.use("latent_map", [], derived=[AT])
if AT.key in link:
    st.session_state["map_click"] = {"uv": np.asarray(link[AT.key], np.float32), "index": None}
state = st.session_state.setdefault("map_click", {"uv": None, "index": None})
is_live = live.enabled(meta)
left, right = st.columns([3, 1] if is_live else [2, 1], vertical_alignment="top")
with left:
    if is_live:
        st.caption("Move the pointer over the map: the digit beside it is decoded live in your "
                   "browser. Click to keep a spot.")
        live.live_map([meta], dataset, "live_map", on_click=on_live_click, marks=[state["uv"]])
    else:
        marks = [] if state["uv"] is None or state.get("selected") else [
            {"uv": state["uv"], "text": "decoded here"}]
        st.plotly_chart(figures.latent_map(at, dataset, marks=marks), key="map_chart",
                        on_select=on_click, selection_mode="points", width="stretch",
                        config=figures.PLOT_CONFIG)

with right:
    if state["uv"] is None:
        st.info("Click the map to decode a point.", icon=":material/touch_app:")
    else:
        u, v = state["uv"]
        widgets.show_digit(latent.decode_at(catalog.model(meta), at.plane, state["uv"]),
                           f"decoded at ({u:.2f}, {v:.2f})", "decoded")
        if state["index"] is not None:
            i = state["index"]
            images = catalog.test_images(dataset)
            label = class_names(dataset)[at.labels[i]]
            if images is None:
                st.caption(f"Nearest dot: test #{i}, a {label}.")
                widgets.no_data_notice(dataset)
            else:
                widgets.show_test_image(images, i, f"the test image you clicked: #{i}, a {label}")
frame.share(at=None if state["uv"] is None else AT.format(state["uv"]))
