"""Autoencoder vs VAE: the same decoder, with and without the KL term; where are the gaps?"""

from functools import partial

import numpy as np
import streamlit as st

from pages import common
from vae_core import latent
from vae_core.images import mosaic

dataset, _ = common.selected()
pair = {"vae": common.find(dataset, "vae_2d"), "ae": common.find(dataset, "ae_2d")}
judge_meta = common.judge_of(dataset)
if None in pair.values():
    st.error("This page needs a 2-D VAE and a 2-D autoencoder of this data set in checkpoints/.")
    st.stop()

st.header("Autoencoder vs VAE: the gaps")
st.markdown(
    "Both models have the same encoder and decoder; only the VAE samples z and pays the KL term. "
    "**Click either map**: the same relative spot is decoded through both. The grey shading is "
    "the judge classifier's confidence that the decoded image is a digit: white holes are gaps."
)

THRESHOLD = 0.9


@st.cache_data(show_spinner="Asking the judge about every grid point…", max_entries=16)
def gap(path: str, judge_path: str, n: int) -> dict:
    at = common.atlas(path)
    out = latent.gap_map(common.model(path), common.model(judge_path), at.plane, at.bounds,
                         n=n, threshold=THRESHOLD)
    common.release_memory()
    return out


@st.cache_data(show_spinner=False, max_entries=16)
def manifold(path: str, n: int) -> np.ndarray:
    at = common.atlas(path)
    return mosaic(latent.decode(common.model(path), at.plane.to_latent(
        latent.grid_uv(at.bounds, n))), n)


common.clean_state("gap_show", judge_meta is not None, options=[True, False])
common.clean_state("gap_n", 40, lo=20, hi=60)
common.clean_state("manifold_n", 15, lo=5, hi=30)
c1, c2 = st.columns(2)
show_gap = c1.toggle("Show the gap map", value=judge_meta is not None, key="gap_show",
                     disabled=judge_meta is None)
n_gap = c2.slider("Gap-map resolution", 20, 60, 40, step=10, key="gap_n")


def on_click(kind: str, bounds):
    click = common.clicked_point(st.session_state[f"gap_map_{kind}"])
    if click is not None:
        st.session_state["gap_click"] = latent.to_relative(click["uv"], bounds)


def on_live_click():
    click = common.live_click(st.session_state["gap_live"])
    if click is not None:
        st.session_state["gap_click"] = click["rel"]


state = st.session_state.setdefault("gap_click", None)
live = common.live_enabled(*(m["path"] for m in pair.values()))
heats, cols = {}, st.columns(2)
for col, kind in zip(cols, ("vae", "ae")):
    headline = "&nbsp;"
    if show_gap and judge_meta:
        g = gap(pair[kind]["path"], judge_meta["path"], n_gap)
        heats[kind] = g["confidence"]
        headline = (f"**{100 * g['confident_fraction']:.0f}%** of the region decodes to a "
                    f"confident {'digit' if dataset == 'mnist' else 'item'} (≥ {THRESHOLD:.0%})")
    with col:
        st.subheader(common.model_label(pair[kind]))
        st.markdown(headline)
        if not live:
            at = common.atlas(pair[kind]["path"])
            marks = [] if state is None else [{"uv": latent.from_relative(state, at.bounds)}]
            heat = {"z": heats[kind], "title": "judge"} if kind in heats else None
            st.plotly_chart(common.latent_map(at, dataset, marks=marks, heat=heat, height=460),
                            key=f"gap_map_{kind}", on_select=partial(on_click, kind, at.bounds),
                            selection_mode="points", width="stretch", config=common.PLOT_CONFIG)
if live:
    from pages.live_decoding import live_map

    st.caption("Move the pointer over either map: the same relative spot is decoded live "
               "through both models. Click to keep it.")
    bounds = [common.atlas(pair[k]["path"]).bounds for k in ("vae", "ae")]
    live_map([pair["vae"], pair["ae"]], dataset, "gap_live", on_click=on_live_click,
             marks=None if state is None else [latent.from_relative(state, b) for b in bounds],
             heats=[heats.get("vae"), heats.get("ae")], map_size=380, digit_size=168)

if state is not None:
    st.subheader("The same spot, decoded by both")
    dcols = st.columns(4)
    for col, kind in zip(dcols, ("vae", "ae")):
        meta = pair[kind]
        at = common.atlas(meta["path"])
        uv = latent.from_relative(state, at.bounds)
        with col:
            common.show_digit(latent.decode(common.model(meta["path"]), at.plane.to_latent(uv))[0],
                              common.model_label(meta), f"spot_{kind}", scale=6)

st.subheader("Decoded manifold")
n = st.slider("Grid size n × n", 5, 30, 15, key="manifold_n")
mcols = st.columns(2)
for col, kind in zip(mcols, ("vae", "ae")):
    with col:
        common.show_digit(manifold(pair[kind]["path"], n),
                          f"{common.model_label(pair[kind])}: decodes over the map's region",
                          f"manifold_{kind}", scale=2)
