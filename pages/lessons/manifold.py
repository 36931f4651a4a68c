"""The manifold: decode a whole grid over the latent plane (Kingma & Welling 2014, Figure 4)."""

import streamlit as st

from ui import catalog, figures, frame, live, settings, widgets
from vae_core import latent, urlstate
from vae_core.families import of

ctx = frame.context()
meta, dataset = ctx.model, ctx.dataset  # the registry offers 2-D models only
at = catalog.atlas(meta)
GRIDS = {"gaussian": "Gaussian quantiles (Kingma & Welling)", "linear": "even steps over the map shown"}
GRID = frame.setting("grid").bound(options=tuple(GRIDS))
N = frame.setting("n")
ZOOM = frame.setting("zoom")  # the map's zoom, in links

st.header("The learned manifold")
frame.intro(
    f"Decode a whole grid of points z over the plane of {catalog.the(meta)} and lay "
    "the images out where their z is. Kingma & Welling step through the inverse Gaussian CDF, so "
    "each cell holds the same prior probability; even steps show the edges where the prior is thin. "
    "Zoom into the map (wheel, pinch, + and −) and the even grid decodes the part you zoomed to."
)
link = frame.declare(GRID, N, derived=[ZOOM])
if ZOOM.key in link:
    st.session_state[ZOOM.key] = link[ZOOM.key]
view = (live.zooms("manifold_map") or [st.session_state.get(ZOOM.key)])[0]
controls, shown = frame.slots()
c1, c2 = controls.columns([2, 1])
grid = settings.radio(GRID, "Grid", c1, format_func=GRIDS.get, horizontal=True)
n = settings.slider(N, "Size n × n", c2)
uv = latent.gaussian_grid_uv(n) if grid == "gaussian" else latent.grid_uv(view or at.bounds, n)
picture = figures.cached(["manifold-page", at.key, uv], lambda: latent.mosaic_at(
    catalog.model(meta), at.plane, uv, n))
left, right = shown.columns([1, 1])
with left:
    live.latent_map([{"meta": meta, "title": f"the {n * n} grid points (crosses) over the test codes",
                      "paths": [figures.points(uv, size=6, symbol="cross")]}], dataset,
                    "manifold_map", max_size=520, width=frame.column_width([1, 1], 0),
                    zoom=st.session_state.get(ZOOM.key))
with right:
    widgets.show_digit(picture, f"{n}×{n} decoded grid, top row = largest z₂",
                       f"manifold_{meta['name']}_{grid}_{n}", scale=max(1, 560 // (28 * n)),
                       alt=f"a {n} by {n} grid of digits decoded from the grid points, "
                           "in the same places")
if not of(meta).stochastic and grid == "gaussian":
    frame.say(f"An autoencoder has no prior, so its Gaussian grid is N(0, I)'s quantiles all the "
                f"same: a square from {uv.min():.1f} to {uv.max():.1f} that holds "
                f"{latent.share_inside(at.uv, uv):.0%} of its test codes, in the middle of a map "
                f"from {min(at.bounds):.0f} to {max(at.bounds):.0f}. Choose even steps to decode "
                "the whole map.")
frame.keep(zoom=None if view is None else urlstate.format_view(view))
