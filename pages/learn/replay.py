"""Watch it learn: how the shipped models learned, replayed snapshot by snapshot in the browser."""

import streamlit as st

from ui import catalog, frame, live, settings, widgets
from vae_core.families import plain_vae
from vae_core.record import facts

frame.context()  # the replays were recorded on MNIST
vae, ae = catalog.pair("mnist")
weights = {w: m for w, m in catalog.ablations()}
VIEWS = {"vae": ("The VAE", [vae]), "ae": ("The autoencoder", [ae]),
         "ae_vs_vae": ("Autoencoder vs VAE", [ae, vae]),
         "loss": ("β = 0 vs β = 1 vs KL only", [weights.get(0.0), vae, weights.get(float("inf"))]),
         "beta": ("β = 0.5 vs 1 vs 4", [weights.get(0.5), vae, weights.get(4.0)])}
VIEWS = {k: (title, ms) for k, (title, ms) in VIEWS.items()
         if all(m is not None and catalog.has_replay(m) for m in ms)}
if not VIEWS:
    st.error("No training replays in checkpoints/replay/ (python -m vae_core.recipes train).")
    st.stop()
VIEW = frame.setting("view").bound(options=tuple(VIEWS), default=next(iter(VIEWS)))
FRAME = frame.setting("frame")

st.header("Watch it learn")
frame.intro(
    "Every shipped model was trained with a recorder switched on: the codes of 2,000 fixed test "
    "images, the loss terms and a decoded grid, at the start, at 1/64, 1/32, … 1/2 of the first "
    "epoch (where most of the change happens) and after every epoch. **Press play.** The dashed "
    "circles are the prior's 1σ and 2σ; the curves are the test sample (solid) and the training "
    "batches (dashed), against epochs on a log scale; the red line is now.")
frame.declare(VIEW, FRAME)
controls, picture = frame.slots()
view = settings.radio(VIEW, "Show", controls, horizontal=True, format_func=lambda k: VIEWS[k][0])
runs = {catalog.label(m): catalog.replay(m) for m in VIEWS[view][1]}
runs = {k: r for k, r in runs.items() if r is not None}  # an unreadable recording is skipped
if not runs:
    st.error("This view's training recordings in checkpoints/replay/ cannot be read.")
    st.stop()
longest = max(len(r["t"]) for r in runs.values())
frame_index = min(settings.value(FRAME), longest - 1)


def on_frame():
    k = (st.session_state.get("replay") or {}).get("frame")
    if isinstance(k, int) and 0 <= k < longest:
        st.session_state[FRAME.key] = k


with picture:
    live.replay(runs, "mnist", "replay", start=frame_index, on_frame=on_frame,
                map_size=420 if len(runs) == 1 else 320)


def watch_for(label: str, r: dict) -> str:
    f = facts(r)
    sp, kl, rec = f["spread"], f["kl"], f["recon"]
    falls = (f"falls from {rec['start']:.0f} to {rec['epoch1']:.0f} nats in one epoch and "
             f"{rec['end']:.0f} after {f['epochs']:.0f}" if rec["end"] < rec["start"] - 1
             else f"stays at {rec['end']:.0f} nats")
    text = f"**{label}.** Reconstruction {falls}. "
    if kl is None:
        return text + (f"Nothing holds the codes: they spread from ±{sp['start']:.1f} to "
                       f"±{sp['epoch1']:.0f} in one epoch and ±{sp['end']:.0f} at the end, far "
                       "outside the prior's circles.")
    peak, low, rise = f["kl_peak"], f["kl_low"], f["kl_rise"]
    if rise is None:
        return text + (f"The KL never climbs ({kl['end']:.2g} nats at the end): every code sits "
                       f"on the prior (±{sp['end']:.3f}) and the decoder draws one average "
                       "picture whatever the input.")
    return text + (
        f"The KL jumps to {peak['value']:.1f} nats at {peak['t']:.3f} of the first epoch, falls "
        f"to {low['value']:.2g} by {low['t']:.3f}, then climbs for good from {rise['t']:.2f} of "
        f"an epoch: {kl['epoch1']:.1f} nats after one epoch, {kl['end']:.1f} at the end. The codes "
        f"end within ±{sp['end']:.1f}.")


for col, (label, r) in zip(st.columns(len(runs)), runs.items()):
    frame.say(watch_for(label, r), col)
deep = next(iter(catalog.models("mnist", plain_vae, 20, plain=True)), None)
good = [f"{catalog.label(m)} {catalog.eval_figures(m['name'])['neg_elbo']:.1f}"
        for m in (vae, deep) if m is not None and catalog.eval_figures(m["name"])]
if any(facts(r).get("kl_rise") for r in runs.values()):
    frame.say("**Why does the KL go up during training?** At first the decoder learns an "
                "average digit, and the cheapest encoder sends no information through z: the KL "
                "falls to almost nothing. Once the decoder can use z to draw a better digit, "
                "paying nats of KL buys more nats of reconstruction, and the KL climbs.")
frame.say(f"**What is a good loss value?** Nats per test image, reconstruction plus KL, lower is "
            "better: 784 ln 2 = 543 for a decoder that says 0.5 for every pixel; on the whole test "
            f"set, {' and '.join(good)} (`checkpoints/eval/`). Compare only numbers of the same "
            "convention: here the cross-entropy is summed over the 784 pixels, as in pytorch/examples.")
if view in ("loss", "beta"):
    widgets.table([{"model": label, "KL at the end (nats)": float(r["test_kl"][-1]),
                    "reconstruction at the end": float(r["test_recon"][-1]),
                    "epochs": f"{float(r['t'][-1]):g}"} for label, r in runs.items()])
    st.caption("What β changes: the larger the weight of the KL term, the fewer nats the codes "
               "may carry about their image (smaller KL) and the blurrier the reconstructions "
               "(more reconstruction nats). Test sample of 2,000 images, one draw of z each.")
