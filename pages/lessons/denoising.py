"""Denoising: what a model makes of a corrupted digit."""

import streamlit as st

from ui import catalog, figures, frame, settings, widgets
from vae_core import denoise
from vae_core.noise import NOISES, add_noise

ctx = frame.context()
dataset = ctx.dataset
images = catalog.test_images(dataset)
at = catalog.atlas(catalog.pair(dataset)[0])
MODELS = {m["name"]: m for m in catalog.models(dataset, ("vae",), plain=True)}
DIGIT = settings.integer("noise_digit", "digit", at.index_of(2, 0), 0, len(at.labels) - 1)
KIND = settings.choice("noise_kind", "noise", "gaussian", NOISES)
STRENGTH = settings.number("noise_strength", "strength", 0.3, 0.0, 1.0)
SEED = settings.seed("noise_seed")
MODEL = settings.choice("noise_model", "with", next(iter(MODELS)), list(MODELS))

st.header("Denoising")
st.markdown("Corrupt a test image and see what a model's reconstruction makes of it.")
if images is None:
    widgets.no_data_notice(dataset)
    st.stop()
settings.use("denoising", [DIGIT, KIND, STRENGTH, SEED, MODEL])
c1, c2, c3, c4 = st.columns([2, 1.2, 1.2, 0.8], vertical_alignment="bottom")
with c1:
    index = widgets.test_image_picker(DIGIT, at, dataset)
kind = settings.radio(KIND, "Noise", c2)
strength = settings.slider(STRENGTH, "Strength", c3, step=0.05)
seed = settings.number_input(SEED, "Seed", c4)
name = settings.radio(MODEL, "Reconstruct with", horizontal=True,
                      format_func=lambda n: catalog.label(MODELS[n]))
model = catalog.model(MODELS[name])
clean = images[index] / 255.0
noisy = add_noise(clean, kind, strength, int(seed))
recon = figures.cached(["denoise", name, noisy], lambda: denoise.reconstruct(model, noisy)[0])
for col, (pic, cap, key) in zip(st.columns(3), ((clean, "clean test image", "clean"),
                                                (noisy, f"{kind}, strength {strength:.2f}", "noisy"),
                                                (recon, "reconstruction of the noisy one", "recon"))):
    with col:
        widgets.show_digit(pic, cap, f"noise_{key}", scale=6, download=False)
many = figures.cached(["denoising", name, kind, strength], lambda: denoise.denoising(
    model, images[:300] / 255.0, kind, strength))
st.caption(f"Over the first {many['n']} test images with this noise, the reconstruction is closer "
           f"to the clean image than the noisy input for **{many['closer']:.0%}** (mean absolute "
           f"difference: noisy {many['noisy']:.3f}, reconstruction {many['recon']:.3f}).")
frame.share([KIND, STRENGTH, SEED, MODEL], digit=index)
