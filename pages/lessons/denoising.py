"""Denoising as the lecture teaches it: models trained on corrupted inputs, scored on the clean."""

import streamlit as st

from ui import catalog, charts, figures, frame, settings, widgets
from vae_core import denoise, latent
from vae_core.data import class_names
from vae_core.families import of
from vae_core.noise import NOISES, add_noise

ctx = frame.context()
figs = catalog.figures_file("denoising_mnist")
models = [catalog.by_name(n) for n in figs.get("models", [])]
if not figs or None in models or not models:
    st.error("This page needs the denoisers and `python -m vae_core.recipes denoise`.")
    st.stop()
models.sort(key=lambda m: (catalog.noise_of(m) != "none", not of(m).stochastic))  # plain first
images, judge = catalog.test_images("mnist"), catalog.model(catalog.judge("mnist"))
at = catalog.atlas(models[0])
example = figs["example"]
DIGIT = frame.setting("image").bound(default=at.index_of(2, 0), hi=len(at.labels) - 1)
KIND = frame.setting("noise").bound(options=NOISES, default=example["kind"])
STRENGTH = frame.setting("strength").bound(default=example["strength"])
SEED = frame.setting("seed")
names = class_names("mnist")

st.header("Denoising")
frame.intro(
    "A model trained on clean digits has never seen noise: asked to reconstruct a noisy one, it "
    "draws whatever clean digit the noise looks most like, often another one. The lecture's "
    "denoising autoencoder is trained differently: the **noisy image goes in, the clean image is "
    "the target**. Below, the same network (the 20-D convolutional one) trained both ways, and an "
    "autoencoder trained the second way, on every test digit at every strength. (MNIST.)")
if images is None:
    widgets.no_data_notice("mnist")
    st.stop()
frame.declare(DIGIT, KIND, STRENGTH, SEED)
controls, picture = frame.slots()
c1, c2, c3, c4 = controls.columns([2, 1.3, 1.2, 0.8], vertical_alignment="bottom")
with c1:
    index = widgets.test_image_picker(DIGIT, at, "mnist")
kind = settings.radio(KIND, "Noise", c2)
strength = settings.slider(STRENGTH, "Strength", c3, step=0.05)
seed = settings.number_input(SEED, "Seed", c4)
clean = catalog.test_pictures("mnist", index)
noisy = add_noise(clean, kind, strength, int(seed))
pictures = [("clean test image", clean), (f"{kind}, strength {strength:.2f}", noisy)]
pictures += [(catalog.label(m), figures.cached(["denoise", m["name"], noisy], lambda m=m: (
    denoise.reconstruct(catalog.model(m), noisy)[0]))) for m in models]
rows, xs = figs[kind], figs["strengths"]
i = min(range(len(xs)), key=lambda j: abs(xs[j] - strength))
palette = {"noisy": ("the noisy input", "#555", "dash"),
           **{m["name"]: (catalog.label(m), figures.COLORS[k], "") for k, m in enumerate(models)}}
for col, key, title in zip(picture.columns(2), ("accuracy", "psnr"), ("judge's accuracy", "PSNR (dB)")):
    series = [(palette[who][0], [v if v < 99 else None for v in r[key]], *palette[who][1:])
              for who, r in rows.items()]
    with col:
        charts.lines(xs, series, f"{kind} strength", title, marker_x=strength, size=(420, 300)).show(
            f"{title} against the strength of {kind} noise, over all test digits: " + "; ".join(
                f"{name}: " + ", ".join("–" if y is None else f"{y:.2f}" for y in ys)
                for name, ys, _, _ in series))
for col, (caption, pic) in zip(picture.columns(len(pictures)), pictures):
    (c, p), = latent.judge_top(judge, pic, 1)
    with col:
        widgets.show_digit(pic, f"{caption}: reads {names[c]} ({p:.0%})", f"noise_{caption}",
                           scale=5, download=False,
                           alt=f"{caption}, which the judge reads as a {names[c]} ({p:.0%})")
best = max(models, key=lambda m: rows[m["name"]]["accuracy"][i])
frame.say(
    f"**Measured on all {figs['n_images']:,} test digits** ({kind}, strength {xs[i]:.1f}): the "
    f"judge reads {rows['noisy']['accuracy'][i]:.0%} of the noisy inputs right, "
    + ", ".join(f"{rows[m['name']]['accuracy'][i]:.0%} of the {catalog.label(m)}'s reconstructions"
                for m in models)
    + f". Closest to the clean digits: the {catalog.label(best)} at {rows[best['name']]['psnr'][i]:.1f} "
    f"dB, against {rows['noisy']['psnr'][i]:.1f} dB for the noisy input. The denoisers were "
    f"trained on strengths up to 0.5; beyond, they degrade too.")
st.caption(f"From `{figs['command']}` (checkpoints/eval/denoising_mnist.json); the default "
           f"strength is where the measured curve says the denoising VAE works best (at least 90% "
           f"read right, the largest gain over the noisy input).")
frame.keep(image=index)
