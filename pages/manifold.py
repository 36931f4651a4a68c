"""The manifold: decode a whole grid over the latent plane (Kingma & Welling 2014, Figure 4)."""

import numpy as np
import streamlit as st

from pages import common
from vae_core import latent, urlstate
from vae_core.images import mosaic

dataset, meta = common.selected()
if meta["latent_dim"] != 2:  # a grid over a 20-D space would only be a slice: use the 2-D model
    meta = common.find(dataset, "vae_2d") or meta
at = common.atlas(meta["path"])
GRIDS = {"gaussian": "Gaussian quantiles (Kingma & Welling)", "linear": "even steps over the map"}

st.header("The learned manifold")
st.markdown(
    f"Decode a whole grid of points z over the plane of the {common.model_label(meta)} and lay "
    "the images out where their z is. Kingma & Welling step through the inverse Gaussian CDF, so "
    "each cell holds the same prior probability; even steps show the edges where the prior is thin."
)
if meta["latent_dim"] != 2:
    st.info("A grid needs a 2-D latent space; this data set has no 2-D model.")
    st.stop()

url = common.url_values("manifold", {"grid": urlstate.choice(list(GRIDS)),
                                     "n": urlstate.integer(5, 30)})
if "grid" in url:
    st.session_state["manifold_grid"] = url["grid"]
if "n" in url:
    st.session_state["manifold_size"] = url["n"]
common.clean_state("manifold_grid", "gaussian", options=list(GRIDS))
common.clean_state("manifold_size", 15, lo=5, hi=30)
st.session_state.setdefault("manifold_grid", "gaussian")
st.session_state.setdefault("manifold_size", 15)
c1, c2 = st.columns([2, 1])
grid = c1.radio("Grid", list(GRIDS), format_func=GRIDS.get, key="manifold_grid", horizontal=True)
n = c2.slider("Size n × n", 5, 30, key="manifold_size")


@st.cache_data(show_spinner=False, max_entries=64)
def decoded(path: str, grid: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    a = common.atlas(path)
    uv = latent.gaussian_grid_uv(n) if grid == "gaussian" else latent.grid_uv(a.bounds, n)
    return uv, mosaic(latent.decode(common.model(path), a.plane.to_latent(uv)), n)


uv, picture = decoded(meta["path"], grid, n)
left, right = st.columns([1, 1])
with left:
    st.plotly_chart(common.latent_map(at, dataset, height=520, click_grid=False, paths=[
        {"uv": uv, "mode": "markers", "color": "black", "size": 4, "symbol": "cross"}]),
        key="manifold_map", width="stretch", config=common.PLOT_CONFIG)
    st.caption(f"The {n * n} grid points (black crosses) over the test codes.")
with right:
    scale = max(1, 560 // (28 * n))
    common.show_digit(picture, f"{n}×{n} decoded grid, top row = largest z₂",
                      f"manifold_{meta['name']}_{grid}_{n}", scale=scale)
if meta["kind"] == "ae":
    st.caption("An autoencoder has no prior, so its Gaussian grid is just a grid around 0: see "
               "how much of it falls outside the codes.")
common.share(grid=grid, n=n)
