"""The recorder: snapshots on its schedule, of a fixed sample, with finite losses; replays round-trip."""

import numpy as np
import pytest
import torch
from helpers import small_model

from vae_core.config import TrainConfig
from vae_core.record import EARLY, Recorder, load_replay, sample_indices, save_replay, snapshot_steps
from vae_core.train import fit, make_step


@pytest.fixture(scope="module")
def synthetic():
    """Small synthetic 'digits': two blobs of bright pixels, 320 training and 40 test images."""
    g = torch.Generator().manual_seed(0)
    x = torch.rand(360, 1, 28, 28, generator=g) * 0.1
    x[:180, :, 5:12, 5:12] += 0.8
    x[180:, :, 15:25, 10:18] += 0.8
    y = torch.cat([torch.zeros(180), torch.ones(180)]).long()
    perm = torch.randperm(360, generator=g)
    x, y = x[perm].clamp(0, 1), y[perm]
    return x[:320], y[:320], x[320:], y[320:]


def test_the_schedule_is_start_early_fractions_then_every_epoch():
    steps = snapshot_steps(steps_per_epoch=469, epochs=3)
    assert steps[0] == 0 and steps[-3:] == [469, 938, 1407]
    assert steps[1:-3] == [round(f * 469) for f in EARLY]
    assert snapshot_steps(64, 1) == [0, 1, 2, 4, 8, 16, 32, 64]
    assert snapshot_steps(5, 2) == [0, 1, 2, 5, 10]  # tiny epochs: fractions merge


@pytest.mark.parametrize("kind", ["vae", "ae"])
def test_a_one_epoch_run_records_the_expected_snapshots(synthetic, kind):
    x, y, xt, yt = synthetic
    model = small_model(kind)
    tcfg = TrainConfig(epochs=1, batch_size=5)  # 64 steps an epoch
    index = np.arange(len(xt))
    rec = Recorder(xt, yt.numpy(), index, grid=4, meta={"name": "t"})
    fit(model, make_step(model, tcfg), x, y, tcfg, progress=False, callbacks=[rec])
    a = rec.arrays()
    assert len(a["t"]) == 8 and a["t"][0] == 0 and a["t"][-1] == 1  # start, 6 early, the end
    assert a["mu"].shape == (8, 40, 2) and a["mu"].dtype == np.float16
    assert a["grid"].shape == (8, 4 * 28, 4 * 28) and a["grid"].dtype == np.uint8
    assert np.isnan(a["train_recon"][0]) and np.all(np.isfinite(a["train_recon"][1:]))
    assert np.all(np.isfinite(a["test_recon"])) and a["test_recon"][-1] < a["test_recon"][0]
    if kind == "vae":
        assert np.all(np.isfinite(a["test_kl"])) and np.all(a["test_kl"] >= 0)
        assert np.allclose(a["test_neg_elbo"], a["test_recon"] + a["test_kl"], rtol=1e-5)
    else:
        assert np.all(np.isnan(a["test_kl"]))
    import json

    assert json.loads(str(a["meta"])) == {"epochs": 1, "kind": kind, "latent_dim": 2,
                                          "n_images": 320, "name": "t", "steps_per_epoch": 64}


def test_the_fixed_sample_stays_fixed_and_recording_changes_nothing(synthetic):
    x, y, xt, yt = synthetic
    tcfg = TrainConfig(epochs=2, batch_size=16, seed=3)
    weights, codes = [], []
    for record in (False, True):
        model = small_model("vae", seed=1)
        rec = Recorder(xt, yt.numpy(), np.arange(len(xt)))
        fit(model, make_step(model, tcfg), x, y, tcfg, progress=False,
            callbacks=[rec] if record else [])
        weights.append(torch.cat([p.flatten() for p in model.parameters()]))
        codes.append(model.encode(xt)[0].detach().numpy())
    assert torch.equal(weights[0], weights[1])  # its own generator: the run is the same
    last = rec.arrays()["mu"][-1].astype(np.float32)
    assert np.allclose(last, codes[1], atol=2e-3)  # the last snapshot is the trained model's
    assert np.array_equal(sample_indices(10_000), sample_indices(10_000))
    assert len(sample_indices(10_000)) == 2000 and len(set(sample_indices(10_000))) == 2000


def test_a_replay_round_trips_without_pickle(tmp_path, synthetic):
    x, y, xt, yt = synthetic
    model = small_model("vae")
    rec = Recorder(xt, yt.numpy(), np.arange(len(xt)), grid=3)
    tcfg = TrainConfig(epochs=1, batch_size=32)
    fit(model, make_step(model, tcfg), x, y, tcfg, progress=False, callbacks=[rec])
    path = save_replay(rec.arrays(), tmp_path / "r.npz")
    back = load_replay(path)
    assert back["meta"]["kind"] == "vae" and np.array_equal(back["grid"], rec.arrays()["grid"])
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="not a readable replay"):
        load_replay(tmp_path / "bad.npz")
    np.savez(tmp_path / "partial.npz", t=np.zeros(2))
    with pytest.raises(ValueError, match="not a replay"):
        load_replay(tmp_path / "partial.npz")
