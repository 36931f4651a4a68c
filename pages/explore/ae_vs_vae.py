"""Autoencoder vs VAE: the same decoder, with and without the KL term; where are the gaps?"""

import streamlit as st

from ui import catalog, figures, frame, live, settings, widgets
from vae_core import latent

ctx = frame.context()
dataset = ctx.dataset
pair = dict(zip(("vae", "ae"), catalog.pair(dataset)))
judge = catalog.judge(dataset)
if None in pair.values():
    st.error("This page needs a 2-D VAE and its autoencoder twin of this data set.")
    st.stop()
THRESHOLD = 0.9
SHOW = settings.flag("gap_show", None, judge is not None)
GAP_N = settings.integer("gap_n", None, 40, 20, 60)
GRID_N = settings.integer("manifold_n", None, 15, 5, 30)

st.header("Autoencoder vs VAE: the gaps")
st.markdown(
    "Both models have the same encoder and decoder; only the VAE samples z and pays the KL term. "
    "**Click either map**: the same relative spot is decoded through both. The grey shading is "
    "the judge classifier's confidence that the decoded image is a digit: white holes are gaps."
)
settings.use("ae_vs_vae", [SHOW, GAP_N, GRID_N])


def gap(meta: dict, n: int) -> dict:
    at = catalog.atlas(meta)
    return figures.cached(["gap", at.key, judge["name"], n], lambda: latent.gap_map(
        catalog.model(meta), catalog.model(judge), at.plane, at.bounds, n, THRESHOLD))


def on_click(kind: str):
    click = widgets.clicked_point(f"gap_map_{kind}")
    if click is not None:
        st.session_state["gap_click"] = latent.to_relative(click["uv"],
                                                           catalog.atlas(pair[kind]).bounds)


def on_live_click():
    click = live.clicked("gap_live")
    if click is not None:
        st.session_state["gap_click"] = click["rel"]


c1, c2 = st.columns(2)
show_gap = settings.toggle(SHOW, "Show the gap map", c1, disabled=judge is None)
n_gap = settings.slider(GAP_N, "Gap-map resolution", c2, step=10)
state = st.session_state.setdefault("gap_click", None)
is_live = live.enabled(*pair.values())
heats, cols = {}, st.columns(2)
for col, (kind, meta) in zip(cols, pair.items()):
    at = catalog.atlas(meta)
    headline = "&nbsp;"
    if show_gap and judge:
        g = gap(meta, n_gap)
        heats[kind] = g["confidence"]
        headline = (f"**{100 * g['confident_fraction']:.0f}%** of the region decodes to a "
                    f"confident {'digit' if dataset == 'mnist' else 'item'} (≥ {THRESHOLD:.0%})")
    with col:
        st.subheader(catalog.label(meta))
        st.markdown(headline)
        if not is_live:
            marks = [] if state is None else [{"uv": latent.from_relative(state, at.bounds)}]
            heat = {"z": heats[kind], "title": "judge"} if kind in heats else None
            st.plotly_chart(figures.latent_map(at, dataset, marks=marks, heat=heat, height=460),
                            key=f"gap_map_{kind}", on_select=lambda k=kind: on_click(k),
                            selection_mode="points", width="stretch", config=figures.PLOT_CONFIG)
if is_live:
    st.caption("Move the pointer over either map: the same relative spot is decoded live "
               "through both models. Click to keep it.")
    bounds = [catalog.atlas(m).bounds for m in pair.values()]
    live.live_map(list(pair.values()), dataset, "gap_live", on_click=on_live_click,
                  marks=None if state is None else [latent.from_relative(state, b) for b in bounds],
                  heats=[heats.get("vae"), heats.get("ae")], map_size=380, digit_size=168)

if state is not None:
    st.subheader("The same spot, decoded by both")
    for col, (kind, meta) in zip(st.columns(4), pair.items()):
        at = catalog.atlas(meta)
        with col:
            widgets.show_digit(latent.decode_at(catalog.model(meta), at.plane,
                                                latent.from_relative(state, at.bounds)),
                               catalog.label(meta), f"spot_{kind}", scale=6)

st.subheader("Decoded manifold")
n = settings.slider(GRID_N, "Grid size n × n")
for col, (kind, meta) in zip(st.columns(2), pair.items()):
    at = catalog.atlas(meta)
    with col:
        widgets.show_digit(figures.cached(["manifold", at.key, n], lambda a=at, m=meta: latent.manifold(
            catalog.model(m), a.plane, a.bounds, n)),
            f"{catalog.label(meta)}: decodes over the map's region", f"manifold_{kind}", scale=2)
