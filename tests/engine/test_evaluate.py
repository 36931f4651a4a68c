"""Evaluation: the ELBO's parts add up, the importance-weighted bound is tighter, the CLI reports."""

import json

import numpy as np
import pytest
import torch
from helpers import small_model

from vae_core.checkpoint import save_model
from vae_core.config import TrainConfig
from vae_core.evaluate import evaluate_autoencoder, evaluate_model, iwae_bound
from vae_core.evaluate import main as evaluate_main
from vae_core.train import fit, make_step


@pytest.fixture(scope="module")
def trained_vae(mnist_test):
    x, y = mnist_test
    model = small_model("vae")
    tcfg = TrainConfig(epochs=3, batch_size=64, lr=3e-3)
    fit(model, make_step(model, tcfg), x[:1000], y[:1000], tcfg, progress=False)
    return model


def test_elbo_parts_add_up_and_are_seeded(trained_vae, mnist_test):
    x = mnist_test[0][1000:1200]
    a = evaluate_autoencoder(trained_vae, x, samples=4, seed=1)
    assert a["neg_elbo"] == pytest.approx(a["recon"] + a["kl"])
    assert a == evaluate_autoencoder(trained_vae, x, samples=4, seed=1)
    assert a["kl"] > 0 and a["n_images"] == 200


def test_iwae_is_tighter_than_the_elbo(trained_vae, mnist_test):
    x = mnist_test[0][1000:1200]
    elbo = evaluate_autoencoder(trained_vae, x, samples=50)["neg_elbo"]
    iw1 = iwae_bound(trained_vae, x, k=1)
    iw50 = iwae_bound(trained_vae, x, k=50)
    assert iw50 < elbo
    assert iw1 == pytest.approx(elbo, rel=0.02)  # k = 1 is the ELBO itself


def test_ae_and_classifier_figures(mnist_test):
    x, y = mnist_test[0][:100], mnist_test[1][:100]
    ae = evaluate_model(small_model("ae"), x, y)
    assert set(ae) == {"recon", "n_images"}
    clf = evaluate_model(small_model("classifier"), x, y)
    assert 0 <= clf["accuracy"] <= 1 and clf["nll"] > 0


@pytest.mark.reliability("nothing lost")
def test_cli_writes_json_and_never_touches_the_checkpoint(tmp_path, data_root, trained_vae, capsys):
    ckpt = tmp_path / "v.safetensors"
    save_model(trained_vae, ckpt, dataset="mnist", extra={"beta": 1.0})
    before = ckpt.read_bytes()
    out = tmp_path / "eval" / "v.json"
    args = [str(ckpt), "--limit", "100", "--iw-k", "5", "--data-root", str(data_root)]
    assert evaluate_main([*args, "--json", str(out)]) == 0
    report = json.loads(out.read_text())
    assert report["kind"] == "vae" and report["test"]["n_images"] == 100
    assert report["test"]["iwae"] < report["test"]["neg_elbo"] and report["test"]["iw_k"] == 5
    assert evaluate_main([*args, "--json", str(ckpt)]) == 2
    assert ckpt.read_bytes() == before


@pytest.mark.reliability("checkpoint files")
def test_cli_names_a_bad_checkpoint(tmp_path, capsys):
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"not a checkpoint")
    assert evaluate_main([str(bad)]) == 2
    assert "bad.safetensors" in capsys.readouterr().err


@pytest.mark.reliability("no data set")
def test_cli_names_missing_data(tmp_path, trained_vae, monkeypatch, capsys):
    from torchvision.datasets import MNIST

    monkeypatch.setattr(MNIST, "mirrors", ["http://127.0.0.1:9/"])
    ckpt = tmp_path / "v.safetensors"
    save_model(trained_vae, ckpt, dataset="mnist")
    assert evaluate_main([str(ckpt), "--data-root", str(tmp_path / "nodata")]) == 2
    assert "mnist is not available under" in capsys.readouterr().err
    torch.manual_seed(0)


def test_iwae_stays_finite_for_a_near_deterministic_posterior(trained_vae, mnist_test):
    import copy

    sharp = copy.deepcopy(trained_vae)
    d = sharp.latent_dim
    with torch.no_grad():  # logvar ~ -120: sigma^2 underflows float32, as with beta = 0
        sharp.encoder[-1].bias[d:] = -120.0
        sharp.encoder[-1].weight[d:] = 0.0
    value = iwae_bound(sharp, mnist_test[0][:50], k=5)
    assert np.isfinite(value)
