"""A live run: trains in a process of its own, records snapshots, and always ends: finished,
stopped, or stopped by itself when nobody watches. Neither its process nor the thread that
watches it outlives it."""

import multiprocessing
import time

import numpy as np
import pytest

from vae_core import live
from vae_core.live import PRESET, LiveConfig, LiveRun


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    x = (rng.random((1200, 28, 28)) * 40).astype(np.uint8)
    x[:600, 5:12, 5:12] = 220  # two kinds of "digit"
    x[600:, 15:25, 10:18] = 220
    y = np.repeat([0, 1], 600)
    return x, y, x[:50], y[:50], np.arange(50)


def wait(run, seconds=60):
    deadline = time.monotonic() + seconds
    while run.alive and time.monotonic() < deadline:
        time.sleep(0.02)
    assert run.join(1), "the training thread outlived its run"
    assert not training_processes(), "the training process outlived its run"


def training_processes():
    return [p for p in multiprocessing.active_children() if p.name == "latent-lab-training"]


def test_a_run_trains_records_and_finishes(data):
    run = LiveRun(LiveConfig(epochs=2, n_images=1000), *data).start()
    wait(run)
    p = run.progress()
    assert run.state == "finished" and p["epoch"] == pytest.approx(2.0) and p["seconds_left"] == 0
    assert p["images_per_s"] > 0 and p["snapshots"] == len(run.recorder.snapshots) >= 4
    snaps = run.recorder.arrays()
    assert snaps["mu"].shape[1:] == (50, 2) and snaps["t"][-1] == pytest.approx(2.0)
    assert snaps["test_recon"][-1] < snaps["test_recon"][0]  # it learned something
    assert run.x is None and not run.model.training  # the training bytes are let go


def test_stop_ends_the_run_within_a_step(data):
    run = LiveRun(LiveConfig(epochs=20, n_images=1000), *data).start()
    while run.images_done == 0:
        time.sleep(0.005)
    run.stop()
    wait(run, 10)
    assert run.state == "stopped" and run.reason == "stopped"
    assert run.progress()["epoch"] < 20


def test_a_run_nobody_watches_stops_by_itself(data):
    run = LiveRun(LiveConfig(epochs=20, n_images=1000), *data, stale_after=0.3).start()
    wait(run, 30)
    assert run.state == "stopped" and run.reason == "nobody was watching"
    beaten = LiveRun(LiveConfig(epochs=2, n_images=1000), *data, stale_after=0.3).start()
    while beaten.alive:
        beaten.beat()  # someone is watching: it runs to the end
        time.sleep(0.05)
    assert beaten.state == "finished"


@pytest.mark.parametrize("kw", [{"kind": "gan"}, {"beta": 5}, {"epochs": 0}, {"epochs": 21},
                                {"n_images": 10}, {"loss": "nope"}])
def test_settings_outside_the_page_s_ranges_are_refused(kw):
    with pytest.raises(ValueError):
        LiveConfig(**kw)


def test_the_objective_and_beta_go_to_the_loss_unchanged():
    assert LiveConfig(loss="recon").train_config().weights() == (1.0, 0.0)
    assert LiveConfig(loss="kl").train_config().weights() == (0.0, 1.0)
    assert LiveConfig(beta=0.5).train_config().weights() == (1.0, 0.5)
    assert PRESET.train_config().loss == "elbo" and PRESET.n_images == 60_000


def test_a_prepared_process_takes_the_next_run_and_only_that_one(data):
    live.prepare()
    live.prepare()  # one standby, however often the page asks
    assert len(training_processes()) == 1
    run = LiveRun(LiveConfig(epochs=1, n_images=1000), *data).start()
    wait(run)
    assert run.state == "finished" and len(run.epoch_seconds) == 1 and run.epoch_seconds[0] > 0


def test_a_collected_run_is_described_as_its_checkpoint_would_be(data, tmp_path):
    from vae_core.checkpoint import read_metadata, save_model

    x, y = data[0], data[1]
    run = LiveRun(LiveConfig(epochs=1, n_images=1000, loss="kl"), *data).start()
    assert live.collect(run, x[:200], y[:200], "mnist", "mine") is None  # still going
    wait(run)
    result = live.collect(run, x[:200], y[:200], "mnist", "mine")
    save_model(result.model, tmp_path / "mine.safetensors", dataset="mnist", extra=result.extra)
    saved = read_metadata(tmp_path / "mine.safetensors")
    assert result.meta == {**saved, "path": None}
    assert result.meta["train"]["loss"] == "kl" and result.meta["epochs"] == pytest.approx(1.0)
    assert result.meta["train"]["n_images"] == 1000 and result.meta["test"]["kl"] >= 0
    assert result.atlas.mu.shape == (200, 2) and list(result.atlas.labels) == list(y[:200])
