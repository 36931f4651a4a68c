"""The decoder draws alone: the second road to posterior collapse, an autoregressive decoder."""

import streamlit as st

from ui import catalog, charts, figures, frame, settings, widgets

frame.context()  # MNIST only: the runs of checkpoints/study/
RUN, SEED = frame.setting("run"), frame.setting("seed")
F = catalog.figures_file("strong_decoder")
RUNS = {"ar": "Decoder that sees the pixels before", "warmup": "… with KL warm-up",
        "freebits": "… with free bits"}

st.header("The decoder draws alone")
frame.intro(
    "Every other decoder here sees only z. This one also sees the pixels it has drawn so far, "
    "above and to the left of each pixel (an **autoregressive** decoder, as in MADE and PixelCNN), "
    "so it can draw much of a digit without the code, and the KL term charges for every nat the "
    "code carries. The 16-D VAE's recipe (its encoder, widths and 20 epochs); only the decoder changed."
)
runs = F.get("runs") or {}
if not all(k in runs for k in ("reference", *RUNS)) or not all(
        catalog.has_study_model(runs[k]["name"]) for k in RUNS):
    st.error("This page needs checkpoints/eval/strong_decoder.json and the runs of checkpoints/study/: "
             "`python -m vae_core.recipes train study/mnist_vae_16d_ar …`, then `python -m vae_core.study "
             "strong` (checkpoints/INDEX.md lists the commands).")
    st.stop()
frame.declare(RUN, SEED)
controls, picture = frame.slots()
c1, c2 = controls.columns([3, 1], vertical_alignment="bottom")
run = settings.radio(RUN, "Beside the 16-D VAE", c1, format_func=RUNS.get, horizontal=True)
seed = settings.number_input(SEED, "Seed", c2)
ref, other = runs["reference"], runs[run]
names = {"reference": "Decoder sees z only (16-D VAE)", run: RUNS[run]}


def line(r: dict) -> str:
    t = r["test"]
    return (f"test −ELBO **{t['neg_elbo']:.1f}** = reconstruction {t['recon']:.1f} + KL {t['kl']:.1f} "
            f"nats · **{r['active_units']} of {r['latent_dim']}** units active · the judge reads "
            f"**{r['recon_accuracy']:.0%}** of the reconstructions as the digit's own class")


with picture:
    cols = widgets.samples_and_reconstructions([(names[k], r) for k, r in (("reference", ref), (run, other))],
                                               int(seed), "strong")
    for col, r in zip(cols, (ref, other), strict=True):
        frame.say(line(r), col)

ar = runs["ar"]
ep1 = next((p for p in ar.get("replay") or [] if p["t"] >= 1), None)  # the snapshot after epoch 1
frame.say(
    f"**What the code still carries.** With the pixels before each pixel to go on, the decoder scores "
    f"the best −ELBO of any model in this app, {ar['test']['neg_elbo']:.1f} nats against the 16-D VAE's "
    f"{ref['test']['neg_elbo']:.1f}, while its code carries {ar['test']['kl']:.1f} nats of KL against "
    f"{ref['test']['kl']:.1f}: {ar['test']['kl'] / ref['test']['kl']:.0%} as much. The reconstructions "
    f"show what went: the judge reads {ar['recon_accuracy']:.0%} of them as the digit they reconstruct "
    f"(the 16-D VAE's: {ref['recon_accuracy']:.0%}); the others are digits the decoder drew its own way. "
    f"Here the collapse is partial: the KL does not reach 0"
    + (f", though it fell as the decoder learned ({ep1['kl']:.1f} nats after the first epoch, "
       f"{ar['replay'][-1]['kl']:.1f} after the last)" if ep1 else "")
    + ". A better loss, and a code that says less."
)

st.subheader("Two remedies")
rows = [{"run": names.get(k, RUNS.get(k)), "test −ELBO": r["test"]["neg_elbo"],
         "reconstruction": r["test"]["recon"], "KL": r["test"]["kl"],
         "active units": f"{r['active_units']} of {r['latent_dim']}",
         "reconstructions read as their class": f"{r['recon_accuracy']:.0%}"}
        for k, r in (("reference", ref), *((k, runs[k]) for k in RUNS))]
widgets.table(rows)
replays = {k: runs[k].get("replay") for k in RUNS}
if all(replays.values()):  # from epoch 1: warm-up's nearly free start would flatten the rest
    later = {k: [p for p in v if p["t"] >= 1] for k, v in replays.items()}
    charts.lines([p["t"] for p in later["ar"]], [
        (RUNS[k], [p["kl"] for p in later[k]], figures.COLORS[i], "dash" if i else "")
        for i, k in enumerate(RUNS)], "epochs of training", "KL (nats)").show(
        f"The KL of 2,000 test images along each run, after every epoch (in the first epoch, the KL's "
        f"weight still near 0, warm-up's code carried up to "
        f"{max(p['kl'] for p in replays['warmup']):.0f} nats)")
warm, free = runs["warmup"], runs["freebits"]
frame.say(
    f"**KL warm-up** ({warm['train'].get('warmup', 0):g} of {warm['train'].get('epochs')} epochs) "
    f"ends with {warm['test']['kl']:.1f} nats in the code and {warm['recon_accuracy']:.0%} of the "
    f"reconstructions read as their digit; **free bits** ({free['train'].get('free_bits', 0):g} nats a "
    f"dimension) with {free['test']['kl']:.1f} nats and {free['recon_accuracy']:.0%}; without either, "
    f"{ar['test']['kl']:.1f} nats and {ar['recon_accuracy']:.0%}. "
    + ("Each keeps more in the code, at a slightly worse −ELBO."
       if all(r["test"]["kl"] > ar["test"]["kl"] and r["test"]["neg_elbo"] > ar["test"]["neg_elbo"]
              for r in (warm, free))
       else "Not every remedy keeps more in the code here.")
)
st.caption("Nats per test image, all 10,000; active units: Var over the test set of E_q[z] > 0.01 "
           "(Burda et al. 2016); the judge is the app's classifier. `python -m vae_core.study strong` "
           "(checkpoints/eval/strong_decoder.json); the runs: `python -m vae_core.recipes list study/…`.")
