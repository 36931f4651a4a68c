"""How big should z be? One network trained at five latent sizes, measured."""

import math

import numpy as np
import streamlit as st

from ui import catalog, charts, figures, frame, settings, widgets
from vae_core import latent
from vae_core.images import mosaic

frame.context()  # MNIST only: the runs of checkpoints/study/
SEED = frame.setting("seed")
F = catalog.figures_file("latent_sizes")

st.header("How big should z be?")
frame.intro(
    "The 2-D VAE is for drawing maps; tutorials often use 20. Here the same network (an MLP, "
    "784-512-256-z and back, 20 epochs) is trained with z of 2, 5, 10, 20 and 50 dimensions, and "
    "each is measured: its loss, how tight its ELBO is, how many of its dimensions it uses, and how "
    "good its reconstructions and samples are."
)
if not F.get("sizes"):
    st.error("This page needs checkpoints/eval/latent_sizes.json: run `python -m vae_core.study sizes`.")
    st.stop()
if not all(catalog.has_study_model(r["name"]) for r in F["sizes"]):
    st.error("This page needs the runs of checkpoints/study/ (checkpoints/INDEX.md lists their commands).")
    st.stop()
frame.declare(SEED)
rows = F["sizes"]
sizes = [r["latent_dim"] for r in rows]
k_max = str(max(F["ks"]))
elbo = [r["iw"]["1"] for r in rows]  # k = 1: the ELBO, on the same images as the bound
iw = [r["iw"][k_max] for r in rows]
active = [r["active_units"] for r in rows]
fd = [r["prior"]["frechet"] for r in rows]
with st.container():
    c1, c2 = st.columns(2)
    with c1:
        charts.lines(sizes, [("−ELBO (k = 1)", elbo, figures.COLORS[0], ""),
                             (f"bound at k = {int(k_max):,}", iw,
                              figures.COLORS[1], "dash")],
                     "latent size", "nats per image", size=(420, 300)).show(
            f"The −ELBO and the importance-weighted bound against latent size, on {F['subset']:,} "
            "test images")
    with c2:
        charts.lines(sizes, [("active units", active, figures.COLORS[0], ""),
                             ("all units", sizes, figures.COLORS[2], "dash")],
                     "latent size", "units", size=(420, 300)).show(
            "Active units against latent size, beside the number of units")
    c3, c4 = st.columns(2)
    with c3:
        charts.lines(sizes, [("Fréchet distance of prior samples", fd, figures.COLORS[0], "")],
                     "latent size", "Fréchet distance", size=(420, 300)).show(
            "The Fréchet distance between prior samples and test digits in the judge's features")
    with c4:
        ks = [math.log10(int(k)) for k in F["ks"]]
        charts.lines(ks, [(f"z = {r['latent_dim']}", [r["iw"][k] for k in map(str, F["ks"])],
                           figures.COLORS[i % len(figures.COLORS)], "") for i, r in enumerate(rows)],
                     "log10 k (importance samples)", "−log p(x) bound", size=(420, 300)).show(
            "The importance-weighted bound against the number of samples k, for each latent size")

best = sizes[int(np.argmin(iw))]
first_idle = next((s for s, a in zip(sizes, active, strict=True) if a < s), None)
gap = [r["iw"]["1"] - r["iw"][k_max] for r in rows]  # on the same images
frame.say(
    f"**What the curves show.** The bound on −log p(x) falls from {iw[0]:.1f} nats at z = {sizes[0]} "
    f"to {min(iw):.1f} at z = {best}"
    + (f" and rises again to {iw[-1]:.1f} at z = {sizes[-1]}" if iw[-1] > min(iw) + 0.5 else "")
    + ". "
    + (f"From z = {first_idle} on, the model leaves dimensions unused: "
       + ", ".join(f"{a} of {s}" for s, a in zip(sizes, active, strict=True)) + " "
       f"are active: at z = {sizes[-1]}, {sizes[-1] - active[-1]} dimensions carry nothing about the "
       f"image, the KL keeps them at the prior. " if first_idle
       else f"Every dimension is active at every size ({active}). ")
    + f"The ELBO is looser than the bound at k = {int(k_max):,} by "
    + ", ".join(f"{g:.1f}" for g in gap) + " nats (z = " + ", ".join(map(str, sizes)) + "): "
    + ("a bigger z leaves a bigger gap between the ELBO and log p(x). " if gap[-1] > gap[0] else
       "the gap does not grow with z here. ")
    + f"Prior samples look most like test digits (lowest Fréchet distance, {min(fd):.1f}) at z = "
    f"{sizes[int(np.argmin(fd))]}."
)
widgets.table([{"z": r["latent_dim"], "test −ELBO": r["test"]["neg_elbo"],
                f"bound k={int(k_max):,}": r["iw"][k_max],
                "bound k=100, all": r["iw_full"].get("100"), "active": r["active_units"],
                "judge on recon.": f"{r['recon_accuracy']:.1%}", "PSNR dB": r["psnr"],
                "samples' FD": r["prior"]["frechet"]} for r in rows])

st.subheader("z = 2, 10 and 50 side by side")
seed = settings.number_input(SEED, "Seed of the prior samples")
images = catalog.test_pictures("mnist", slice(0, 8))
for col, r in zip(st.columns(3), [r for r in rows if r["latent_dim"] in (2, 10, 50)], strict=True):
    model = catalog.study_model(r["name"])
    with col:
        st.markdown(f"**z = {r['latent_dim']}**")
        prior = figures.cached(("size_prior", r["name"], int(seed)),
                               lambda m=model: latent.prior_mosaic(m, int(seed), n=16, cols=4))
        widgets.show_digit(prior, "16 prior samples",
                           f"size_prior_{r['latent_dim']}_{seed}", scale=3,
                           alt=f"16 prior samples of the {r['latent_dim']}-D VAE")
        if images is not None:
            rec = figures.cached(("size_rec", r["name"]),
                                 lambda m=model: latent.decode(m, latent.encode(m, images[:4])[0]))
            widgets.show_digit(mosaic(np.concatenate([images[:4], rec]), 4, pad=1),
                               "4 test digits and their reconstructions", f"size_rec_{r['latent_dim']}",
                               scale=3, alt=f"test digits and the {r['latent_dim']}-D VAE's reconstructions")
st.caption(f"Test set, nats per image. The bounds at every k on one seeded subset of {F['subset']:,} test "
           f"images (k ≤ 100 also on all {F['full']:,}). Active units: Var of E_q[z] > 0.01. "
           "`python -m vae_core.study sizes` (checkpoints/eval/latent_sizes.json).")
