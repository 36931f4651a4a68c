"""Sum or mean? The tutorials' mean over pixels, the posterior collapse it causes, and two cures."""

import streamlit as st

from ui import catalog, charts, figures, frame, settings, widgets

frame.context()  # MNIST only: the runs of checkpoints/study/
RUN, SEED = frame.setting("run"), frame.setting("seed")
F = catalog.figures_file("loss_bookkeeping")
RUNS = {"mean": "Mean over pixels (the tutorials)", "warmup": "… with KL warm-up",
        "freebits": "… with free bits"}

st.header("Sum or mean? Posterior collapse")
frame.intro(
    "Many tutorials average the reconstruction term over the 784 pixels but sum the KL over the "
    "latent dimensions. That is the correct loss divided by 784, with the KL weighed **784 times** "
    "more: β = 784. Here the same 16-D VAE recipe is trained both ways, then with two remedies."
)
if not F.get("runs"):
    st.error("This page needs checkpoints/eval/loss_bookkeeping.json: run `python -m vae_core.study "
             "bookkeeping`.")
    st.stop()
if not all(catalog.has_study_model(F["runs"][k]["name"]) for k in RUNS):
    st.error("This page needs the runs of checkpoints/study/: `python -m vae_core.recipes train "
             "study/mnist_vae_16d_mean …` (checkpoints/INDEX.md lists the commands).")
    st.stop()
frame.declare(RUN, SEED)
controls, picture = frame.slots()
c1, c2 = controls.columns([3, 1], vertical_alignment="bottom")
run = settings.radio(RUN, "Beside the correct VAE", c1, format_func=RUNS.get, horizontal=True)
seed = settings.number_input(SEED, "Seed", c2)
ref, other = F["runs"]["reference"], F["runs"][run]
names = {"reference": "Summed (correct)", run: RUNS[run]}


def line(r: dict) -> str:
    t = r["test"]
    return (f"test −ELBO **{t['neg_elbo']:.1f}** = reconstruction {t['recon']:.1f} "
            f"+ KL {max(t['kl'], 0):.2f} "
            f"nats · **{r['active_units']} of {r['latent_dim']}** units active · reconstructions of "
            f"different digits differ by {r['reconstruction_spread']:.3f} (RMS)")


with picture:
    cols = widgets.samples_and_reconstructions([(names[k], r) for k, r in (("reference", ref), (run, other))],
                                               int(seed), "collapse")
    for col, r in zip(cols, (ref, other), strict=True):
        frame.say(line(r), col)

printed, summed = F["mean_run_as_summed"]["printed"], F["mean_run_as_summed"]
mean = F["runs"]["mean"]
frame.say(
    f"**Why it collapses.** The mean-over-pixels run printed a final training loss of "
    f"{printed:.4f}. Times 784 that is {summed['times_pixels']:.1f}; on the test set, reconstruction "
    f"+ 784 × KL = {mean['test']['recon']:.1f} + 784 × {max(mean['test']['kl'], 0):.2g} = "
    f"{summed['recon_plus_784_kl']:.1f} nats: the summed loss at β = {F['beta_equivalent']}. At that "
    f"price a nat of information about the image costs 784 nats of reconstruction, so the encoder "
    f"sends none: KL {max(mean['test']['kl'], 0):.2g} nats, {mean['active_units']} active units, and every "
    f"input decodes to nearly the same picture (reconstructions differ by "
    f"{mean['reconstruction_spread']:.3f} against the correct VAE's {ref['reconstruction_spread']:.3f}). "
    f"Its test −ELBO, {mean['test']['neg_elbo']:.1f} nats, is that of a model that ignores z."
)

st.subheader("Two remedies")
rows = [{"run": names.get(k, RUNS.get(k)), "test −ELBO": r["test"]["neg_elbo"],
         "reconstruction": r["test"]["recon"], "KL": max(r["test"]["kl"], 0.0),
         "active units": f"{r['active_units']} of {r['latent_dim']}"}
        for k, r in (("reference", ref), *((k, F["runs"][k]) for k in RUNS))]
widgets.table(rows)
replays = {k: F["runs"][k].get("replay") for k in RUNS}
if all(replays.values()):
    t = [p["t"] for p in replays["mean"]]
    charts.lines(t, [(RUNS[k], [p["active"] for p in replays[k]], figures.COLORS[i], "dash" if i else "")
                     for i, k in enumerate(RUNS)], "epochs of training", "active units").show(
        "Active units (of 16) along each run, measured on 2,000 test images at every snapshot")
warm, free = F["runs"]["warmup"], F["runs"]["freebits"]
warm_replay, ramp = replays["warmup"] or [], warm["train"].get("warmup", 0)
peak = max(warm_replay, key=lambda p: p["active"], default=None)
gone = next((p["t"] for i, p in enumerate(warm_replay)  # from here on, no unit is active
             if all(q["active"] == 0 for q in warm_replay[i:])), None)
frame.say(
    f"**KL warm-up** trains with the KL's weight climbing from 0 to full over the first {ramp:g} of "
    f"{warm['train'].get('epochs')} epochs. "
    + (f"It uses up to {peak['active']} units (epoch {peak['t']:.2g}), but none from epoch {gone:.2g} "
       f"on, when the weight is only {gone / ramp:.0%} of full: β = {784 * gone / ramp:.0f} in the "
       f"summed convention, still far too heavy; {warm['active_units']} units are active at the end. "
       if peak and peak["active"] and gone and ramp
       else f"{warm['active_units']} units are active at the end. ")
    + f"**Free bits** charge each dimension at least {free['train'].get('free_bits', 0):g} nats of KL "
    f"(averaged over a batch), so a dimension that carries less information costs nothing more: "
    f"{free['active_units']} units stay active, KL {free['test']['kl']:.1f} nats, reconstruction "
    f"{free['test']['recon']:.1f}. Neither reaches the correct loss ({ref['test']['neg_elbo']:.1f}): "
    f"the cure is to sum the reconstruction over the pixels."
)
st.caption("Nats per test image, all 10,000; active units: Var over the test set of E_q[z] > 0.01 "
           "(Burda et al. 2016). `python -m vae_core.study bookkeeping` (checkpoints/eval/"
           "loss_bookkeeping.json); the runs: `python -m vae_core.recipes list study/…`.")
