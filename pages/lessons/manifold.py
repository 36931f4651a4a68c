"""The manifold: decode a whole grid over the latent plane (Kingma & Welling 2014, Figure 4)."""

import streamlit as st

from ui import catalog, figures, frame, live, settings, widgets
from vae_core import latent

ctx = frame.context()
meta, dataset = ctx.model, ctx.dataset  # the registry offers 2-D models only
at = catalog.atlas(meta)
GRIDS = {"gaussian": "Gaussian quantiles (Kingma & Welling)", "linear": "even steps over the map"}
GRID = settings.choice("manifold_grid", "grid", "gaussian", list(GRIDS))
N = settings.integer("manifold_size", "n", 15, 5, 30)

st.header("The learned manifold")
st.markdown(
    f"Decode a whole grid of points z over the plane of {catalog.the(meta)} and lay "
    "the images out where their z is. Kingma & Welling step through the inverse Gaussian CDF, so "
    "each cell holds the same prior probability; even steps show the edges where the prior is thin."
)
settings.use("manifold", [GRID, N])
c1, c2 = st.columns([2, 1])
grid = settings.radio(GRID, "Grid", c1, format_func=GRIDS.get, horizontal=True)
n = settings.slider(N, "Size n × n", c2)
uv = latent.gaussian_grid_uv(n) if grid == "gaussian" else latent.grid_uv(at.bounds, n)
picture = figures.cached(["manifold-page", at.key, grid, n], lambda: latent.mosaic_at(
    catalog.model(meta), at.plane, uv, n))
left, right = st.columns([1, 1])
with left:
    live.latent_map([{"meta": meta, "title": f"the {n * n} grid points (crosses) over the test codes",
                      "paths": [figures.points(uv, size=6, symbol="cross")]}], dataset,
                    "manifold_map", max_size=520, width=frame.column_width([1, 1], 0))
with right:
    widgets.show_digit(picture, f"{n}×{n} decoded grid, top row = largest z₂",
                       f"manifold_{meta['name']}_{grid}_{n}", scale=max(1, 560 // (28 * n)),
                       alt=f"a {n} by {n} grid of digits decoded from the grid points, "
                           "in the same places")
if meta["kind"] == "ae":
    st.caption("An autoencoder has no prior, so its Gaussian grid is just a grid around 0: see "
               "how much of it falls outside the codes.")
frame.share([GRID, N])
