"""Interpolate: walk the latent space from one test digit to another, in the VAE and the AE."""

import numpy as np
import streamlit as st

from pages import common
from vae_core import latent, urlstate
from vae_core.images import gif_bytes, mosaic

dataset, meta = common.selected()
at = common.atlas(meta["path"])
m = common.model(meta["path"])
names = common.class_names(dataset)
twin_meta = common.find(dataset, "ae_2d" if meta["kind"] == "vae" else "vae_2d")
members = [np.flatnonzero(at.labels == c) for c in range(10)]

st.header("Interpolate between two digits")
st.markdown(
    "Pick two test images; the strip decodes evenly spaced points on the straight line "
    "(and on the arc) between their codes. In a VAE every step should look like a digit; "
    "in the plain autoencoder the path crosses gaps where the decoder was never trained."
)


def set_endpoint(which: str, index: int):
    c = int(at.labels[index])
    st.session_state[f"{which}_class"] = c
    st.session_state[f"{which}_example"] = int(np.searchsorted(members[c], index))


def randomize():
    a, b = latent.random_pair(at.labels, st.session_state.get("interp_seed", 0))
    set_endpoint("a", a)
    set_endpoint("b", b)


def on_click():
    """A click on a test point moves endpoint A, then B, then A again."""
    click = common.clicked_point(st.session_state["interp_map"])
    if click is not None and click["index"] is not None:
        which = st.session_state.get("interp_next", "A")
        st.session_state["interp_pending"] = (which.lower(), click["index"])
        st.session_state["interp_next"] = "B" if which == "A" else "A"


url = common.url_values("interpolate", {"a": urlstate.integer(0, len(at.labels) - 1),
                                        "b": urlstate.integer(0, len(at.labels) - 1),
                                        "steps": urlstate.integer(3, 20),
                                        "seed": urlstate.integer(0, 10_000)})
for which in ("a", "b"):
    if which in url:
        set_endpoint(which, url[which])
if "steps" in url:
    st.session_state["interp_steps"] = url["steps"]
if "seed" in url:
    st.session_state["interp_seed"] = url["seed"]
pending = st.session_state.pop("interp_pending", None)  # set by a map click
if pending is not None:
    set_endpoint(*pending)
for which, default in (("a", 1), ("b", 7)):
    common.clean_state(f"{which}_class", default, options=list(range(10)))
    if f"{which}_class" in st.session_state:
        n = len(members[st.session_state[f"{which}_class"]])
        common.clean_state(f"{which}_example", 0, lo=0, hi=n - 1)
common.clean_state("interp_seed", 0, lo=0, hi=10_000)
common.clean_state("interp_steps", 10, lo=3, hi=20)
if "a_class" not in st.session_state or "b_class" not in st.session_state:
    set_endpoint("a", int(members[1][0]))
    set_endpoint("b", int(members[7][0]))

cols = st.columns([1, 1, 1, 1, 1, 1], vertical_alignment="bottom")
cols[0].selectbox("From class", range(10), key="a_class", format_func=lambda c: names[c])
cols[1].number_input("example", 0, len(members[st.session_state["a_class"]]) - 1,
                     key="a_example")
cols[2].selectbox("To class", range(10), key="b_class", format_func=lambda c: names[c])
cols[3].number_input("example", 0, len(members[st.session_state["b_class"]]) - 1,
                     key="b_example")
cols[4].number_input("Seed", 0, 10_000, key="interp_seed")
cols[5].button("Random pair", on_click=randomize, icon=":material/shuffle:")
st.session_state.setdefault("interp_steps", 10)
steps = st.slider("Steps", 3, 20, key="interp_steps")


def endpoint(which: str) -> int:
    c = st.session_state[f"{which}_class"]
    return int(members[c][min(st.session_state[f"{which}_example"], len(members[c]) - 1)])


ia, ib = endpoint("a"), endpoint("b")
lin = latent.interpolate(at.mu[ia], at.mu[ib], steps, "linear")
sph = latent.interpolate(at.mu[ia], at.mu[ib], steps, "spherical")
strips = {"linear": latent.decode(m, lin), "spherical": latent.decode(m, sph)}
paths = [{"uv": at.plane.to_plane(lin), "color": "black"},
         {"uv": at.plane.to_plane(sph), "color": "#555", "name": "spherical"}]
ends = [{"uv": at.uv[ia], "text": "A", "symbol": "circle"},
        {"uv": at.uv[ib], "text": "B", "symbol": "circle"}]
maps = st.columns(2 if twin_meta else 1)
with maps[0]:
    st.markdown(f"**{common.model_label(meta)}**. Click a dot to move endpoint "
                f"{st.session_state.get('interp_next', 'A')}.")
    st.plotly_chart(common.latent_map(at, dataset, marks=ends, paths=paths, height=440,
                                      click_grid=False),
                    key="interp_map", on_select=on_click, selection_mode="points",
                    width="stretch", config=common.PLOT_CONFIG)
if twin_meta:
    tat, tm = common.atlas(twin_meta["path"]), common.model(twin_meta["path"])
    twin_lin = latent.interpolate(tat.mu[ia], tat.mu[ib], steps, "linear")
    strips["twin"] = latent.decode(tm, twin_lin)
    with maps[1]:
        st.markdown(f"**{common.model_label(twin_meta)}**: the same two images, its own codes.")
        tends = [{"uv": tat.uv[ia], "text": "A", "symbol": "circle"},
                 {"uv": tat.uv[ib], "text": "B", "symbol": "circle"}]
        st.plotly_chart(common.latent_map(tat, dataset, marks=tends, height=440,
                                          paths=[{"uv": tat.plane.to_plane(twin_lin)}],
                                          click_grid=False),
                        key="interp_twin_map", width="stretch", config=common.PLOT_CONFIG)

labels = {"linear": f"{common.model_label(meta)}, linear",
          "spherical": f"{common.model_label(meta)}, spherical",
          "twin": f"{common.model_label(twin_meta)}, linear" if twin_meta else ""}
for key, frames in strips.items():
    common.show_digit(mosaic(frames, steps, pad=2, fill=0.25), labels[key], f"strip_{key}",
                      scale=4)
st.download_button("Animated GIF of the morph",
                   common.cached(["gif", strips["linear"]], lambda: gif_bytes(strips["linear"])),
                   file_name="morph.gif", mime="image/gif", icon=":material/animation:")
common.share(a=ia, b=ib, steps=steps, seed=st.session_state.get("interp_seed", 0))
