"""Sliders over z: set every latent coordinate by hand and watch the decoded image follow."""

import streamlit as st

from ui import catalog, frame, live, settings, widgets
from vae_core import latent
from vae_core.config import NUM_CLASSES
from vae_core.data import class_names
from vae_core.families import of
from vae_core.images import png_bytes

ctx = frame.context()
meta, dataset = ctx.model, ctx.dataset
at = catalog.atlas(meta)
m = catalog.model(meta)
lo, hi = latent.slider_range(at.mu)
Z = settings.narrowed(frame.setting("z"), lo, hi, key=f"z_{meta['name']}")
SEED = frame.setting("seed")
CLASS = settings.choice("slider_class", None, 0, range(NUM_CLASSES))
COLS = settings.integer("traverse_cols", None, 9, 5, 15)
names = class_names(dataset)

st.header("Sliders over z")
frame.intro(
    "One slider per latent coordinate. The decoder turns the vector z into an image: "
    "move one coordinate at a time and see which feature of the image it controls. "
    + ("The prior N(0, I) covers about ±3 on each axis." if of(meta).stochastic else
       "An autoencoder has no prior: the range is the spread of its codes.")
)
frame.declare(Z, SEED, CLASS, COLS)


def sample_prior():
    codes = None if of(meta).stochastic else at.mu  # an AE: the Gaussian fitted to its codes
    settings.set_vector(Z, latent.sample_prior(at.latent_dim, settings.advance(SEED), codes))


def from_test_digit():
    index = at.random_member(settings.value(CLASS), settings.advance(SEED))
    settings.set_vector(Z, at.mu[index])


def on_live_release():
    values = (st.session_state[f"live_{Z.key}"] or {}).get("z")
    if values is not None and len(values) == at.latent_dim:
        settings.set_vector(Z, values)


b1, b2, b3, b4 = st.columns(4, vertical_alignment="bottom")
settings.number_input(SEED, "Seed", b1)
b2.button("Sample from the prior" if of(meta).stochastic else "Sample from the codes",
          on_click=sample_prior, icon=":material/casino:")
settings.selectbox(CLASS, "Class", b3, format_func=lambda c: names[c])
b4.button("Start from a test digit", on_click=from_test_digit, icon=":material/image:")

z = settings.value(Z)
if live.enabled(meta):
    shares = [2.4, 1.4]
    left, right = st.columns(shares)
    with left:
        frame.say("Drag a slider: the digit follows live, decoded in your browser; the map's "
                   "mark moves when you let go.")
        live.live_sliders(meta, z, lo, hi, f"live_{Z.key}", on_live_release)
        st.download_button("PNG of this z", png_bytes(latent.decode(m, z)[0], scale=10),
                           file_name="slider_digit.png", mime="image/png",
                           icon=":material/download:")
else:
    shares = [1.2, 1, 1.4]
    left, mid, right = st.columns(shares)
    with left:
        z = settings.vector_sliders(Z)
    with mid:
        picture = latent.decode(m, z)[0]
        widgets.show_digit(picture, "decoded z", "slider_digit",
                           alt=widgets.reading(picture, dataset, "the digit decoded at this z"))
with right:
    live.latent_map([{"meta": meta, "marks": [{"uv": at.plane.to_plane(z)[0], "text": "z"}]}],
                    dataset, "slider_map", max_size=420, legend=False, png="slider_map",
                    width=frame.column_width(shares, -1))

if at.latent_dim > 2:
    st.subheader("Latent traversal")
    frame.say("Each row sweeps one coordinate from its low to its high end, the others held "
                "at the current z: rows that do not change are dimensions the model left unused.")
    cols = settings.slider(COLS, "Columns")
    widgets.show_digit(latent.traversal_grid(m, z, lo, hi, cols), "rows: z1 … zD; columns: "
                       "low → high", "traversal", scale=3, alt=f"a grid of {at.latent_dim} rows of "
                       f"{cols} decoded digits, each row sweeping one coordinate of z")
