"""The "Watch it learn" pages under AppTest: the replay page's views and their texts, and a real
(short) training started, finished and joined to the session's models."""

import json
import time

import pytest
from helpers import CHECKPOINTS, REPO
from streamlit.testing.v1 import AppTest

from ui.registry import by_key
from vae_core.record import facts, load_replay


def open_page(key):
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.run()
    at.switch_page(by_key(key).file).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_replay_page_says_what_its_curves_show():
    at = open_page("replay")
    f = facts(load_replay(CHECKPOINTS / "replay" / "mnist_vae_2d.npz"))
    text = " ".join(m.value for m in at.markdown)
    peak, low, rise = f["kl_peak"], f["kl_low"], f["kl_rise"]
    assert f"jumps to {peak['value']:.1f} nats at {peak['t']:.3f}" in text
    assert f"falls to {low['value']:.2g} by {low['t']:.3f}" in text
    assert f"climbs for good from {rise['t']:.2f}" in text
    assert f"{f['kl']['end']:.1f} at the end" in text and "Why does the KL go up" in text
    evaluated = json.loads((CHECKPOINTS / "eval" / "mnist_vae_2d.json").read_text())["test"]
    assert f"{evaluated['neg_elbo']:.1f}" in text  # "what is a good loss value?"


@pytest.mark.parametrize("view, runs", [("ae", 1), ("ae_vs_vae", 2), ("loss", 3), ("beta", 3)])
def test_every_view_replays_its_runs(view, runs):
    at = open_page("replay")
    at.radio(key="replay_view").set_value(view).run()
    assert not at.exception
    watch = [m.value for m in at.markdown if m.value.startswith("**") and "Reconstruction" in m.value]
    assert len(watch) == runs
    if view == "ae":
        assert "Nothing holds the codes" in watch[0]
    if view == "loss":
        assert any("The KL never climbs" in w for w in watch)  # KL only
        assert any(m.value.startswith("| model | KL at the end") for m in at.markdown)
    assert at.query_params["view"] in (view, [view])


def test_a_link_opens_a_view_at_a_frame():
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.query_params.update(view="beta", frame="5")
    at.switch_page(by_key("replay").file).run()
    assert at.session_state["replay_view"] == "beta" and at.session_state["replay_frame"] == 5


def test_a_short_training_joins_the_sessions_models():
    from ui import trainer

    at = open_page("train")
    at.select_slider(key="train_beta").set_value(1.0).run()
    at.slider(key="train_epochs").set_value(1).run()
    at.selectbox(key="train_images").set_value(10_000).run()
    at.button[1].click().run()  # Start
    run, _ = trainer.coach().current()
    assert run is not None and run.config.epochs == 1 and run.config.n_images == 10_000
    deadline = time.monotonic() + 120
    while run.alive and time.monotonic() < deadline:
        run.beat()
        time.sleep(0.2)
    at.run()  # the page sees the run has ended, collects the model, reruns
    assert not at.exception, [e.value for e in at.exception]
    assert trainer.coach().current() == (None, None)  # released: the next Start may go
    ok = [s.value for s in at.success]
    assert ok and "yours: VAE, β = 1, 1 epochs" in ok[0] and "−ELBO" in ok[0]
    at.switch_page(by_key("latent_map").file).run()
    options = at.sidebar.selectbox(key="model@latent_map").options
    assert any(o.startswith("yours: VAE") for o in options)
