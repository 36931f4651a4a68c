"""Training: a seeded short run lowers the loss, repeats exactly, and the CLI writes a checkpoint."""

import json

import pytest
import torch
from conftest import small_model

from vae_core import load_model, read_metadata
from vae_core.config import TrainConfig
from vae_core.train import fit, make_step, round_to_storage
from vae_core.train import main as train_main


@pytest.fixture(scope="module")
def train_slice(data_root):
    from vae_core.data import load_split, subset

    x, y = load_split("mnist", train=True, root=data_root)
    return subset(x, y, 512, seed=1)


@pytest.mark.parametrize("kind", ["vae", "ae", "classifier"])
def test_short_run_lowers_the_loss(train_slice, kind):
    x, y = train_slice
    model = small_model(kind)
    tcfg = TrainConfig(epochs=3, batch_size=64, lr=3e-3)
    history = fit(model, make_step(model, tcfg), x, y, tcfg, progress=False)
    assert len(history) == 3
    assert history[-1]["loss"] < history[0]["loss"]
    assert not model.training


def test_seeded_runs_repeat_exactly(train_slice):
    x, y = train_slice
    tcfg = TrainConfig(epochs=1, batch_size=64, seed=7)
    weights = []
    for init_seed in (0, 0):
        model = small_model("vae", seed=init_seed)
        fit(model, make_step(model, tcfg), x, y, tcfg, progress=False)
        weights.append(torch.cat([p.flatten() for p in model.parameters()]))
    assert torch.equal(weights[0], weights[1])


def test_kl_only_collapses_the_posterior_to_the_prior(train_slice):
    x, y = train_slice
    from vae_core.losses import kl_to_standard_normal

    model = small_model("vae")
    with torch.no_grad():
        model.encoder[-1].bias.add_(1.0)  # start away from the prior
    kl_before = kl_to_standard_normal(*model.encode(x)).mean().item()
    tcfg = TrainConfig(epochs=5, batch_size=64, lr=3e-3, loss="kl")
    history = fit(model, make_step(model, tcfg), x, y, tcfg, progress=False)
    assert kl_before > 0.5
    assert history[-1]["kl"] < 0.1 * kl_before


def test_round_to_storage_is_half_precision():
    model = round_to_storage(small_model("ae"))
    w = model.encoder[0].weight
    assert torch.equal(w, w.half().float())


def test_cli_trains_evaluates_and_saves(tmp_path, data_root):
    out = tmp_path / "tiny.safetensors"
    code = train_main([
        "--kind", "vae", "--hidden", "32", "--epochs", "1", "--train-limit", "256",
        "--test-limit", "100", "--beta", "2", "--data-root", str(data_root), "--no-progress",
        "--out", str(out),
    ])
    assert code == 0
    meta = read_metadata(out)
    assert meta["kind"] == "vae" and meta["beta"] == 2.0 and meta["epochs"] == 1
    assert meta["test"]["n_images"] == 100 and meta["test"]["neg_elbo"] > 0
    assert meta["train"]["n_images"] == 256 and "--beta 2" in meta["command"]
    assert len(json.loads(out.with_suffix(".curve.json").read_text())) == 1
    assert load_model(out).config.hidden == (32,)


def test_cli_trains_a_conv_vae(tmp_path, data_root):
    out = tmp_path / "conv.safetensors"
    assert train_main([
        "--kind", "vae", "--arch", "conv", "--channels", "4", "8", "--hidden", "16",
        "--latent-dim", "3", "--epochs", "1", "--train-limit", "256", "--test-limit", "100",
        "--data-root", str(data_root), "--no-progress", "--out", str(out),
    ]) == 0
    model = load_model(out)
    assert (model.config.arch, model.config.channels, model.latent_dim) == ("conv", (4, 8), 3)
    assert read_metadata(out)["latent_dim"] == 3 and "--arch conv" in read_metadata(out)["command"]


@pytest.mark.reliability("no data set")
def test_cli_fails_fast_without_data(tmp_path, monkeypatch, capsys):
    from torchvision.datasets import MNIST

    monkeypatch.setattr(MNIST, "mirrors", ["http://127.0.0.1:9/"])
    code = train_main(["--data-root", str(tmp_path / "empty"), "--out", str(tmp_path / "x.safetensors")])
    assert code == 2
    err = capsys.readouterr().err
    assert "mnist is not available under" in err and str(tmp_path / "empty") in err
    assert not (tmp_path / "x.safetensors").exists()
