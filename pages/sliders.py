"""Sliders over z: set every latent coordinate by hand and watch the decoded image follow."""

import numpy as np
import streamlit as st

from pages import common
from vae_core import latent, urlstate
from vae_core.images import mosaic, png_bytes

dataset, meta = common.selected()
at = common.atlas(meta["path"])
m = common.model(meta["path"])
d = meta["latent_dim"]
lo, hi = latent.slider_range(at.mu)
keys = [f"z_{meta['name']}_{i}" for i in range(d)]
names = common.class_names(dataset)

st.header("Sliders over z")
st.markdown(
    "One slider per latent coordinate. The decoder turns the vector z into an image: "
    "move one coordinate at a time and see which feature of the image it controls. "
    + ("The prior N(0, I) covers about ±3 on each axis." if meta["kind"] == "vae" else
       "An autoencoder has no prior: the range is the spread of its codes.")
)


def set_z(z):
    for k, v in zip(keys, np.clip(z, lo, hi)):
        st.session_state[k] = float(round(v, 2))


def sample_prior():
    seed = st.session_state.get("slider_seed", 0)
    set_z(latent.sample_prior(d, seed, at.mu if meta["kind"] == "ae" else None))


def from_test_digit():
    rng = np.random.default_rng(st.session_state.get("slider_seed", 0))
    cls = st.session_state.get("slider_class", 0)
    i = int(rng.choice(np.flatnonzero(at.labels == cls)))
    set_z(at.mu[i])


url = common.url_values("sliders", {"z": urlstate.vector(d, lo, hi),
                                    "seed": urlstate.integer(0, 10_000)})
if "z" in url:
    set_z(np.asarray(url["z"], np.float32))
if "seed" in url:
    st.session_state["slider_seed"] = url["seed"]
for i, k in enumerate(keys):
    common.clean_state(k, 0.0, lo=float(lo[i]), hi=float(hi[i]))
    st.session_state.setdefault(k, 0.0)
common.clean_state("slider_seed", 0, lo=0, hi=10_000)
common.clean_state("slider_class", 0, options=list(range(10)))
common.clean_state("traverse_cols", 9, lo=5, hi=15)

b1, b2, b3, b4 = st.columns([1, 1, 1, 1], vertical_alignment="bottom")
b1.number_input("Seed", 0, 10_000, key="slider_seed")
b2.button("Sample from the prior" if meta["kind"] == "vae" else "Sample from the codes",
          on_click=sample_prior, icon=":material/casino:")
b3.selectbox("Class", range(10), key="slider_class", format_func=lambda c: names[c])
b4.button("Start from a test digit", on_click=from_test_digit, icon=":material/image:")



def on_live_release():
    values = (st.session_state[f"live_sliders_{meta['name']}"] or {}).get("z")
    if values is not None and len(values) == d:
        set_z(np.asarray(values, np.float32))


if common.live_enabled(meta["path"]):
    from pages.live_decoding import live_sliders

    left, right = st.columns([2.4, 1.4])
    z = np.array([st.session_state[k] for k in keys], np.float32)
    with left:
        st.caption("Drag a slider: the digit follows live, decoded in your browser; the map's "
                   "mark moves when you let go.")
        live_sliders(meta, z, lo, hi, f"live_sliders_{meta['name']}", on_live_release)
        st.download_button("PNG of this z", png_bytes(latent.decode(m, z)[0], scale=10),
                           file_name="slider_digit.png", mime="image/png",
                           icon=":material/download:")
else:
    left, mid, right = st.columns([1.2, 1, 1.4])
    with left:
        for i, k in enumerate(keys):
            st.slider(f"z{i + 1}", float(lo[i]), float(hi[i]), step=0.05, key=k)
    z = np.array([st.session_state[k] for k in keys], np.float32)
    with mid:
        common.show_digit(latent.decode(m, z)[0], "decoded z", "slider_digit")
with right:
    uv = at.plane.to_plane(z)[0]
    fig = common.latent_map(at, dataset, marks=[{"uv": uv, "text": "z"}], height=420,
                            click_grid=False)
    st.plotly_chart(fig, key="slider_map", width="stretch", config=common.PLOT_CONFIG)

if d > 2:
    st.subheader("Latent traversal")
    st.markdown("Each row sweeps one coordinate from its low to its high end, the others held "
                "at the current z: rows that do not change are dimensions the model left unused.")
    cols = st.slider("Columns", 5, 15, 9, key="traverse_cols")
    frames = latent.decode(m, latent.traversal(z, lo, hi, cols))
    grid = mosaic(frames, cols, pad=2, fill=0.3)
    common.show_digit(grid, "rows: z1 … zD; columns: low → high", "traversal", scale=3)
common.share(z=urlstate.format_vector(z), seed=st.session_state.get("slider_seed", 0))
