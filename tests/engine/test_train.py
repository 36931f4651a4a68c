"""Training: a seeded short run lowers the loss, repeats exactly, and the CLI writes a checkpoint."""

import json

import pytest
import torch
from helpers import small_model

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


class _StopAfter:
    def __init__(self, n):
        self.n, self.seen = n, 0

    def on_start(self, model, steps_per_epoch, epochs, n_images):
        self.started = (steps_per_epoch, epochs, n_images)

    def on_step(self, model, step, parts, batch):
        self.seen = step
        return step >= self.n


def test_a_callback_sees_every_step_and_can_stop_training(train_slice):
    x, y = train_slice
    model = small_model("vae")
    stop = _StopAfter(5)
    tcfg = TrainConfig(epochs=3, batch_size=64)
    history = fit(model, make_step(model, tcfg), x, y, tcfg, progress=False, callbacks=[stop])
    assert stop.started == (8, 3, 512) and stop.seen == 5
    assert len(history) == 1 and history[0]["partial"] == pytest.approx(5 * 64 / 512)
    assert not model.training


def test_bytes_train_like_floats(train_slice):
    x, y = train_slice
    x8 = (x * 255).round().to(torch.uint8)
    tcfg = TrainConfig(epochs=1, batch_size=64)
    out = []
    for data in (x8, x8.float() / 255):
        model = small_model("ae")
        fit(model, make_step(model, tcfg), data, y, tcfg, progress=False)
        out.append(torch.cat([p.flatten() for p in model.parameters()]))
    assert torch.allclose(out[0], out[1])


def test_a_denoiser_sees_noisy_inputs_and_is_scored_on_clean_ones(train_slice):
    x, y = train_slice
    model = small_model("ae")
    seen = []
    model.encoder.register_forward_hook(lambda m, inp, out: seen.append(inp[0].detach()))
    step = make_step(model, TrainConfig(noise="mixed", noise_max=0.5))
    parts = step(x[:32], y[:32])
    assert not torch.equal(seen[0].reshape(32, -1), x[:32].reshape(32, -1))  # corrupted input
    logits = model.decode_logits(model.encode(seen[0]))
    from vae_core.losses import ae_loss

    assert torch.allclose(parts["loss"], ae_loss(logits, x[:32])["loss"])  # against the clean
    with pytest.raises(ValueError, match="noise"):
        TrainConfig(noise="salt")


def test_warm_up_climbs_the_kl_weight_to_beta_over_its_epochs(train_slice):
    x, y = train_slice
    model = small_model("vae")
    step = make_step(model, TrainConfig(warmup=1.0, beta=2.0), steps_per_epoch=4)
    weights = []
    for _ in range(6):
        parts = step(x[:16], y[:16])
        weights.append((parts["loss"] - parts["recon"]).item() / parts["kl"].item())
    assert weights == pytest.approx([0.5, 1.0, 1.5, 2.0, 2.0, 2.0], rel=2e-3)  # float32
    with pytest.raises(ValueError, match="warmup"):
        TrainConfig(warmup=-1)


def test_a_binarized_run_sees_and_is_scored_on_fresh_zeros_and_ones(train_slice):
    from vae_core.train import binarized

    x, y = train_slice
    model = small_model("vae")
    seen = []
    model.encoder.register_forward_hook(lambda m, inp, out: seen.append(inp[0].detach()))
    step = make_step(model, TrainConfig(binarize=True))
    grey = x[:32]
    step(grey, y[:32])
    step(grey, y[:32])
    first, second = (s.reshape(32, -1) for s in seen)
    assert set(first.unique().tolist()) == {0.0, 1.0}
    assert not torch.equal(first, second)  # a new draw each time an image is seen
    fixed = binarized(x[:32])  # the test set's draw is seeded: the same every time
    assert torch.equal(fixed, binarized(x[:32])) and set(fixed.unique().tolist()) == {0.0, 1.0}
    assert abs(fixed.mean().item() - grey.mean().item()) < 0.01  # a draw of the same ink


def test_shifted_moves_each_image_by_at_most_the_given_pixels_and_keeps_its_ink():
    from vae_core.train import shifted

    x = torch.zeros(200, 1, 28, 28)
    x[:, 0, 12:16, 11:14] = torch.rand(200, 4, 3) + 0.1  # ink well inside the frame
    gen = torch.Generator().manual_seed(0)
    y = shifted(x, 2, gen)
    assert y.shape == x.shape and torch.allclose(y.sum((1, 2, 3)), x.sum((1, 2, 3)))
    moves = set()
    for a, b in zip(x[:, 0], y[:, 0]):
        (r0, c0), (r1, c1) = a.nonzero()[0].tolist(), b.nonzero()[0].tolist()
        assert abs(r1 - r0) <= 2 and abs(c1 - c0) <= 2
        assert torch.equal(b[r1 : r1 + 4, c1 : c1 + 3], a[r0 : r0 + 4, c0 : c0 + 3])  # moved, not changed
        moves.add((r1 - r0, c1 - c0))
    assert len(moves) == 25  # every move of the 5 x 5 is drawn
    assert not torch.equal(shifted(x, 2, gen), y)  # afresh each time


def test_weight_decay_trains_with_adamw_and_keeps_the_weights_smaller():
    torch.manual_seed(0)
    x, y = torch.rand(256, 1, 28, 28), torch.zeros(256, dtype=torch.long)
    norms = {}
    for wd in (0.0, 5.0):
        model, tcfg = small_model("vae"), TrainConfig(epochs=3, batch_size=64, lr=1e-2, weight_decay=wd)
        fit(model, make_step(model, tcfg), x, y, tcfg, progress=False)
        norms[wd] = sum(p.detach().pow(2).sum() for p in model.parameters()).item()
    assert norms[5.0] < 0.7 * norms[0.0]  # AdamW shrinks each weight by lr·decay a step
    with pytest.raises(ValueError):
        TrainConfig(weight_decay=-1.0)
