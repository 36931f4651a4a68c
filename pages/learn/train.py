"""Train one now: a VAE or an autoencoder trained in front of the class, its map forming live."""

import streamlit as st

from ui import catalog, frame, live, settings, trainer
from vae_core.checkpoint import model_bytes
from vae_core.config import TrainConfig
from vae_core.families import of
from vae_core.live import PRESET, LiveConfig

frame.context()  # trains on MNIST
KIND = frame.setting("kind").bound(default=PRESET.kind)
LOSS = frame.setting("loss").bound(default=PRESET.loss)
BETA = frame.setting("beta").bound(default=PRESET.beta)
EPOCHS = frame.setting("epochs").bound(default=PRESET.epochs)
IMAGES = frame.setting("images").bound(default=PRESET.n_images)

st.header("Train one now")
frame.intro(
    f"Train a {PRESET.latent_dim}-D model on MNIST here, on the server, while everyone watches its "
    "map form (2,000 fixed test images), its loss terms fall and its decoded grid sharpen. "
    f"The preset (a VAE, β = 1, {PRESET.epochs} epochs of 60,000 images) takes about a minute. "
    "One training at a time per server; anyone can watch it.")
frame.declare(KIND, LOSS, BETA, EPOCHS, IMAGES)
coach, me = trainer.coach(), trainer.session_token()
coach.prepare()


def preset():
    for s, v in ((KIND, PRESET.kind), (LOSS, PRESET.loss), (BETA, PRESET.beta),
                 (EPOCHS, PRESET.epochs), (IMAGES, PRESET.n_images)):
        st.session_state[s.key] = v


def start():
    config = LiveConfig(kind=settings.value(KIND), loss=settings.value(LOSS),
                        beta=settings.value(BETA), epochs=settings.value(EPOCHS),
                        n_images=settings.value(IMAGES))
    st.session_state["train_status"] = coach.start(config, me)[1]


c1, c2, c3, c4, c5 = st.columns([1, 1.6, 1.4, 1.6, 1.2])
settings.radio(KIND, "Kind", c1, format_func={"vae": "VAE", "ae": "autoencoder"}.get)
vae = settings.value(KIND) == "vae"
settings.radio(LOSS, "Loss (VAE)", c2, disabled=not vae,
               format_func=lambda k: TrainConfig(loss=k).objective().replace("β = 1", "both terms"))
settings.select_slider(BETA, "β, the weight of the KL term", c3, format_func="{:g}".format,
                       disabled=not vae or settings.value(LOSS) != "elbo")
settings.slider(EPOCHS, "Epochs", c4)
settings.selectbox(IMAGES, "Training images", c5, format_func="{:,}".format)
b1, b2, b3 = st.columns(3)
b1.button("Preset", on_click=preset, icon=":material/restart_alt:", width="stretch")
b2.button("Start", on_click=start, type="primary", icon=":material/play_arrow:", width="stretch")
b3.button("Stop", on_click=lambda: coach.stop(me), icon=":material/stop:", width="stretch")
if st.session_state.pop("train_status", None) == "busy":
    st.warning("Another browser is training a model right now: one training at a time per "
               "server. You can watch it below and start yours when it ends.")
run, owner = coach.current()


@st.fragment(run_every=0.5 if run is not None and run.alive else None)
def watch():
    run, owner = coach.current()
    if run is None:
        return
    if owner == me:
        run.beat()
    p = run.progress()
    who = "yours" if owner == me else "started in another browser"
    st.progress(min(1.0, p["epoch"] / p["epochs"]), text=(
        f"Training ({who}): epoch {p['epoch']:.1f} of {p['epochs']} · "
        f"{p['images_per_s']:,.0f} images/s · {p['seconds_left']:.0f} s left"))
    snaps = list(run.recorder.snapshots)
    if snaps:
        live.live_replay("the model in training", snaps, run.recorder.labels, "mnist", "train_live")
    if not run.alive:
        if owner == me:
            meta = trainer.collect(run) if run.state != "failed" else None
            st.session_state["train_result"] = {"name": meta and meta["name"], "error": run.error,
                                                "snapshots": snaps, "labels": run.recorder.labels}
            coach.release(run)
            st.rerun()
        st.caption(f"That training has ended ({run.state}{': ' + run.reason if run.reason else ''}).")
        if st.session_state.get("train_seen_end") != id(run):  # once: stops this page's ticks
            st.session_state["train_seen_end"] = id(run)
            st.rerun()


watch()
result = st.session_state.get("train_result")
if result and (run is None or not run.alive):
    meta = catalog.by_name(result["name"]) if result["name"] else None
    if meta is None:
        st.error(f"The training failed: {result['error'] or 'no test images on this machine'}.")
    else:
        live.live_replay(catalog.label(meta), result["snapshots"], result["labels"], "mnist",
                         "train_done")
        term = "neg_elbo" if of(meta).stochastic else "recon"
        ref = catalog.pair("mnist")[not of(meta).stochastic]  # none where no model is shipped
        figures = catalog.eval_figures(ref["name"]) if ref else {}
        versus = f"; the shipped {catalog.label(ref)}'s: {figures[term]:.1f}" if term in figures else ""
        st.success(f"**{catalog.label(meta)}** now joins your model choices on every page (the "
                   f"latent map, sliders, …). On the 10,000 test images its "
                   f"{'−ELBO' if term == 'neg_elbo' else 'reconstruction'} is {meta['test'][term]:.1f} "
                   f"nats{versus}.", icon=":material/check_circle:")
        st.download_button("Download it (.safetensors, loads with vae_core.load_model)",
                           model_bytes(catalog.model(meta), dataset="mnist",
                                       extra=catalog.session_extra(meta)),
                           file_name=f"{meta['name']}.safetensors", icon=":material/download:")
