"""Train one now: a VAE or an autoencoder trained in front of the class, its map forming live."""

import streamlit as st

from ui import catalog, frame, live, settings, trainer
from vae_core.checkpoint import model_bytes
from vae_core.live import PRESET, LiveConfig

frame.context()  # trains on MNIST
BETAS = ("0", "0.5", "1", "2", "4", "KL only")
KIND = settings.choice("train_kind", "kind", PRESET.kind, ("vae", "ae"))
BETA = settings.choice("train_beta", "beta", f"{PRESET.beta:g}", BETAS)
EPOCHS = settings.integer("train_epochs", "epochs", PRESET.epochs, 1, 20)
IMAGES = settings.choice("train_images", "images", PRESET.n_images, (10_000, 30_000, 60_000))

st.header("Train one now")
frame.intro(
    f"Train a {PRESET.latent_dim}-D model on MNIST here, on the server, while everyone watches its "
    "map form (2,000 fixed test images), its loss terms fall and its decoded grid sharpen. "
    f"The preset (a VAE, β = 1, {PRESET.epochs} epochs of 60,000 images) takes about a minute. "
    "One training at a time per server; anyone can watch it.")
settings.use("train", [KIND, BETA, EPOCHS, IMAGES])
coach, me = trainer.coach(), trainer.session_token()
coach.prepare()


def preset():
    for s, v in ((KIND, PRESET.kind), (BETA, f"{PRESET.beta:g}"), (EPOCHS, PRESET.epochs),
                 (IMAGES, PRESET.n_images)):
        st.session_state[s.key] = v


def start():
    beta = settings.value(BETA)
    config = LiveConfig(kind=settings.value(KIND), beta=0.0 if beta == "KL only" else float(beta),
                        kl_only=beta == "KL only", epochs=settings.value(EPOCHS),
                        n_images=settings.value(IMAGES))
    st.session_state["train_status"] = coach.start(config, me)[1]


c1, c2, c3, c4 = st.columns([1, 2, 2, 1.4])
settings.radio(KIND, "Kind", c1, format_func={"vae": "VAE", "ae": "autoencoder"}.get)
settings.select_slider(BETA, "β, the weight of the KL term (VAE)", c2,
                       disabled=settings.value(KIND) == "ae")
settings.slider(EPOCHS, "Epochs", c3)
settings.selectbox(IMAGES, "Training images", c4, format_func="{:,}".format)
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
        term = "neg_elbo" if meta["kind"] == "vae" else "recon"
        ref = catalog.pair("mnist")[meta["kind"] == "ae"]
        st.success(f"**{catalog.label(meta)}** now joins your model choices on every page (the "
                   f"latent map, sliders, …). On the 10,000 test images its "
                   f"{'−ELBO' if term == 'neg_elbo' else 'reconstruction'} is {meta['test'][term]:.1f} "
                   f"nats; the shipped {catalog.label(ref)}'s: "
                   f"{catalog.eval_figures(ref['name'])[term]:.1f}.", icon=":material/check_circle:")
        st.download_button("Download it (.safetensors, loads with vae_core.load_model)",
                           model_bytes(catalog.model(meta), dataset="mnist", extra={
                               "epochs": meta["epochs_done"], "train": meta["train"]}),
                           file_name=f"{meta['name']}.safetensors", icon=":material/download:")
frame.share([KIND, BETA, EPOCHS, IMAGES])
