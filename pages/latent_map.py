"""Latent map: the test set encoded; click anywhere and see what the decoder makes of that spot."""

import numpy as np
import streamlit as st

from pages import common
from vae_core import latent, urlstate

dataset, meta = common.selected()
at = common.atlas(meta["path"])
m = common.model(meta["path"])
names = common.class_names(dataset)

st.header("Latent map")
st.markdown(
    f"Each dot is one of the 10,000 test images, placed where the {common.model_label(meta)} "
    f"encodes it{' (its μ)' if meta['kind'] == 'vae' else ''}"
    f"{'; the axes are the first two principal components of the codes' if meta['latent_dim'] > 2 else ''}. "
    "**Click anywhere, on a dot or in empty space**, to decode that spot: try the gaps "
    "between clusters and the far edges."
)


def on_click():  # runs before the rerun, so the same run draws the digit
    click = common.clicked_point(st.session_state["map_chart"])
    if click is not None:  # Plotly marks the selected point itself: no mark in the figure
        st.session_state["map_click"] = dict(click, selected=True)


def on_live_click():
    click = common.live_click(st.session_state["live_map"])
    if click is not None:
        st.session_state["map_click"] = click


x0, x1, y0, y1 = at.bounds
url = common.url_values("latent_map", {"at": urlstate.vector(2, [x0, y0], [x1, y1])})
if "at" in url:
    st.session_state["map_click"] = {"uv": np.asarray(url["at"], np.float32), "index": None}
state = st.session_state.setdefault("map_click", {"uv": None, "index": None})
live = common.live_enabled(meta["path"])
left, right = st.columns([2, 1] if not live else [3, 1], vertical_alignment="top")
with left:
    if live:
        from pages.live_decoding import live_map

        st.caption("Move the pointer over the map: the digit beside it is decoded live in your "
                   "browser. Click to keep a spot.")
        live_map([meta], dataset, "live_map", on_click=on_live_click, marks=[state["uv"]])
    else:
        marks = [] if state["uv"] is None or state.get("selected") else [
            {"uv": state["uv"], "text": "decoded here"}]
        st.plotly_chart(common.latent_map(at, dataset, marks=marks), key="map_chart",
                        on_select=on_click, selection_mode="points", width="stretch",
                        config=common.PLOT_CONFIG)

with right:
    if state["uv"] is None:
        st.info("Click the map to decode a point.", icon=":material/touch_app:")
    else:
        z = at.plane.to_latent(state["uv"])[0]
        common.show_digit(latent.decode(m, z)[0],
                          f"decoded at ({state['uv'][0]:.2f}, {state['uv'][1]:.2f})", "decoded")
        if state["index"] is not None:
            i = state["index"]
            images = common.test_images(dataset)
            label = names[at.labels[i]]
            if images is None:
                st.caption(f"Nearest dot: test #{i}, a {label}.")
                common.no_data_notice(dataset)
            else:
                st.image(common.digit_image(images[i] / 255.0, 4),
                         caption=f"the test image you clicked: #{i}, a {label}",
                         output_format="PNG")
common.share(at=None if state["uv"] is None else urlstate.format_vector(state["uv"]))
