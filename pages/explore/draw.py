"""Draw me a …: a conditional VAE draws the digit it is asked for, in the handwriting of a code."""

import numpy as np
import streamlit as st

from ui import catalog, figures, frame, live, settings, widgets
from vae_core import conditional, latent, morpho
from vae_core.data import class_names
from vae_core.images import mosaic

frame.context()  # MNIST only
SIZE, CLASS, SEED, DIGIT = (frame.setting(u) for u in ("size", "digit", "seed", "image"))
F = catalog.figures_file("conditional_mnist")
NAMES = class_names("mnist")
metas = {s: catalog.by_name(f"mnist_cvae_{s}d") for s in ("2", "16")}

st.header("Draw me a …")
frame.intro(
    "A generative model turns a description into an image. A conditional VAE is given the class "
    "as well as the code: its encoder sees the image and its label, its decoder a code z and a "
    "label (Sohn et al. 2015). Ask for a 7 and it draws a 7; the code is left to carry the "
    "handwriting, so one code drawn with each label writes every digit in the same hand."
)
if None in metas.values() or not F.get("models"):
    st.error("This page needs the conditional VAEs (`python -m vae_core.recipes train mnist_cvae_2d "
             "mnist_cvae_16d`) and `python -m vae_core.conditional`.")
    st.stop()
frame.declare(SIZE, CLASS, SEED, DIGIT)
controls, picture = frame.slots()
c1, c2, c3 = controls.columns(3, vertical_alignment="bottom")
size = settings.radio(SIZE, "Code z", c1, format_func="{}-D".format, horizontal=True)
digit = settings.selectbox(CLASS, "Draw me a", c2, format_func=lambda c: NAMES[c])
seed = settings.number_input(SEED, "Seed of the codes", c3)
meta, fig = metas[size], F["models"][f"mnist_cvae_{size}d"]
model, judge = catalog.model(meta), catalog.model(catalog.judge("mnist"))
z = latent.prior_z(model.latent_dim, int(seed), n=8)
asked = latent.decode(model, z, y=digit)
every = latent.decode(model, np.repeat(z[:1], 10, 0), y=np.arange(10))
read = latent.judge_probabilities(judge, asked).argmax(1)
with picture:
    widgets.show_digit(mosaic(asked, 8, pad=1, fill=0.3),
                       f"8 codes z ~ N(0, I), each drawn as a {NAMES[digit]}", f"draw_{size}_{digit}_{seed}",
                       scale=4, alt=f"eight digits the conditional VAE drew when asked for a {NAMES[digit]}")
    widgets.show_digit(mosaic(every, 10, pad=1, fill=0.3), "the first of those codes drawn as every digit",
                       f"draw_every_{size}_{seed}", scale=3, alt="one code drawn as each of the ten digits")
    if live.enabled(meta):  # the first code by hand, decoded in the browser as the label asks
        frame.say(f"Move the first code by hand: your browser draws it as a {NAMES[digit]} while you drag.")
        live.live_sliders(meta, z[0], [-3.0] * len(z[0]), [3.0] * len(z[0]), f"draw_z_{size}_{seed}",
                          lambda: None, label=digit, digit_size=168)
p, low = fig["prior"], int(np.argmin(fig["prior"]["share_read_as_asked"]))
frame.say(f"The judge reads **{(read == digit).sum()} of these 8** as a {NAMES[digit]}. Over "
          f"{p['per_class']:,} prior codes a class, it reads the digit asked for in {p['mean']:.1%} of "
          f"the {size}-D model's drawings, {p['share_read_as_asked'][digit]:.1%} for {NAMES[digit]}s, and "
          f"{p['min']:.1%} for the hardest class, {NAMES[low]}." + ("" if p["min"] >= 0.97 else
          " Below the 97% one would want: this model's codes still carry some of the class (their nearest "
          f"class mean names {fig['class_from_code']:.0%} of test digits; chance is 10%)."))

st.subheader("One handwriting, every digit")
_, x, label = widgets.chosen_digit(DIGIT, catalog.atlas(meta), "mnist", judge, "draw")
if x is not None:
    (mu,), _ = latent.encode(model, x[None], [label])
    row = np.concatenate([x[None], conditional.redraw(model, mu[None])[0]])  # the source, then 0 … 9
    measured = figures.cached(("draw_m", row), lambda: morpho.measure_many(row))
    widgets.show_digit(mosaic(row, 11, pad=1, fill=0.3),
                       f"the source (a {NAMES[label]}), then its code given its label, drawn as 0 … 9",
                       f"draw_style_{size}", scale=3, alt="the source digit and its code drawn as each digit")
    slant, thick = (measured[:, morpho.ATTRIBUTES.index(a)] for a in ("slant", "thickness"))
    deg = np.degrees(slant)
    frame.say(f"Measured: the source's slant is {deg[0]:.0f}° and its strokes {thick[0]:.1f} px thick; "
              f"the ten drawings' slants run from {np.nanmin(deg[1:]):.0f}° to {np.nanmax(deg[1:]):.0f}°, "
              f"their thickness from {np.nanmin(thick[1:]):.1f} to {np.nanmax(thick[1:]):.1f} px.")
s = fig["style"]
frame.say(f"**Over {s['n']} test digits** re-drawn as every class by the {size}-D model, the drawings' "
          f"slant follows the source's (Pearson's r = {s['slant']['r']:.2f}) "
          + ("and so does" if s["thickness"]["r"] >= 0.5 else "but hardly") + " the thickness "
          f"(r = {s['thickness']['r']:.2f}); the judge reads {s['read_as_asked']:.1%} of the drawings "
          "as the digit asked for.")

st.subheader("The map of a conditional VAE")
panels = [{"meta": m, "title": t} for m, t in ((metas["2"], "conditional VAE, 2-D"),
                                              (catalog.by_name("mnist_vae_2d"), "VAE, 2-D")) if m]
live.latent_map(panels, "mnist", "draw_map", live=False, max_size=440)
two = F["models"]["mnist_cvae_2d"]
cs, thick_r = two["code_vs_style"], two["code_vs_style"]["thickness"]["r"]
frame.say(
    "The test digits' codes, each given its own label, coloured by class. In the plain VAE the "
    f"code has to say which digit it is: the nearest class mean of the codes names it for "
    f"{two['twin']['class_from_code']:.0%} of test digits. In the conditional VAE the label says it, "
    f"and the classes lie on top of each other: {two['class_from_code']:.0%} (chance: 10%). What the "
    f"code carries instead is the handwriting: z{cs['slant']['dim'] + 1} tracks the slant "
    f"(r = {cs['slant']['r']:+.2f}); " + (
        f"z{cs['thickness']['dim'] + 1} the thickness (r = {thick_r:+.2f})." if abs(thick_r) >= 0.5
        else f"in two dimensions none tracks the thickness (the strongest r is {thick_r:+.2f})."))
st.caption("`python -m vae_core.conditional` (checkpoints/eval/conditional_mnist.json): prior codes "
           f"judged per class; {s['n']} seeded test digits re-drawn and measured (Morpho-MNIST, "
           "vae_core.morpho); class means of the codes fitted on half the test set, scored on the other "
           "half.")
