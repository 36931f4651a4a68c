"""The browser's decoder (ui/live/decoder.js, run in Node) matches PyTorch's pixels."""

import json
import os
import shutil
import subprocess

import numpy as np
import pytest
import torch
from helpers import REPO, small_model

from vae_core import latent, load_model
from vae_core.export import decoder_spec, pack

NODE = shutil.which("node")
if NODE is None and os.environ.get("CI"):
    raise RuntimeError("CI needs Node.js for the decoder parity test")
pytestmark = pytest.mark.skipif(NODE is None, reason="no Node.js")


def run_js(spec: dict, z: np.ndarray, tmp_path) -> np.ndarray:
    """Decode z in Node, sending the spec in the very payload format the browser gets."""
    src, dst = tmp_path / "in.bin", tmp_path / "out.json"
    src.write_bytes(pack({"spec": spec, "z": np.asarray(z, np.float32)}))
    subprocess.run([NODE, str(REPO / "tests" / "kit" / "js" / "parity.mjs"), str(src), str(dst)],
                   check=True, timeout=120)
    return np.array(json.loads(dst.read_text()), np.float64)


def parity_z(latent_dim: int, n: int = 1000, seed: int = 0) -> np.ndarray:
    """n random z: most from the prior, a fifth far outside the data (|z| up to 10)."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, latent_dim))
    far = rng.uniform(-10, 10, (n // 5, latent_dim))
    z[: n // 5] = far
    return z.astype(np.float32)


@pytest.mark.parametrize("name", ["mnist_vae_2d", "mnist_ae_2d", "fashion_vae_2d", "mnist_vae_20d"])
def test_browser_decoder_matches_pytorch(name, tmp_path):
    model = load_model(REPO / "checkpoints" / f"{name}.safetensors")
    z = parity_z(model.latent_dim)
    js = run_js(decoder_spec(model), z, tmp_path)
    torch_px = latent.decode(model, z).reshape(len(z), -1)
    assert js.shape == torch_px.shape
    assert np.abs(js - torch_px).max() <= 1e-4


@pytest.mark.parametrize("name", ["mnist_cvae_2d", "mnist_cvae_16d"])
def test_the_browser_decoder_draws_a_conditional_vaes_digits_given_the_label(name, tmp_path):
    """A conditional decoder's input is z followed by the one-hot label: the browser gets the
    same layers, told how many classes follow z."""
    model = load_model(REPO / "checkpoints" / f"{name}.safetensors")
    spec = decoder_spec(model)
    assert spec["classes"] == 10 and spec["layers"][0]["in"] == model.latent_dim + 10
    z = parity_z(model.latent_dim, n=500)
    y = np.arange(len(z)) % 10
    js = run_js(spec, np.concatenate([z, np.eye(10, dtype=np.float32)[y]], 1), tmp_path)
    assert np.abs(js - latent.decode(model, z, y=y).reshape(len(z), -1)).max() <= 1e-4


def test_browser_decoder_on_a_small_model(tmp_path):
    model = small_model("vae", latent_dim=3)
    z = parity_z(3, n=50)
    assert np.abs(run_js(decoder_spec(model), z, tmp_path)
                  - latent.decode(model, z).reshape(50, -1)).max() <= 1e-5


@pytest.mark.parametrize("kind", ["vae", "ae"])
def test_browser_decoder_matches_a_conv_decoder(kind, tmp_path):
    """Dense layers, Unflatten, two transposed convs (stride 2, padding 1): the conv VAE's shape,
    small, with random weights and biases so every tap and border is exercised."""
    from vae_core.config import AutoencoderConfig
    from vae_core.families import build_model

    torch.manual_seed(0)
    model = build_model(AutoencoderConfig(kind=kind, latent_dim=4, hidden=(16,), arch="conv",
                                          channels=(3, 5))).eval()
    spec = decoder_spec(model)
    assert [layer["type"] for layer in spec["layers"]] == ["dense", "dense", "convT", "convT"]
    assert (spec["layers"][2]["hin"], spec["layers"][2]["hout"], spec["layers"][3]["hout"]) == (7, 14, 28)
    z = parity_z(4, n=40)
    assert np.abs(run_js(spec, z, tmp_path) - latent.decode(model, z).reshape(40, -1)).max() <= 1e-5


def test_half_precision_weights_decode_identically(tmp_path):
    model = small_model("ae")
    from vae_core.train import round_to_storage

    round_to_storage(model)  # as a shipped checkpoint: every weight exactly a float16
    spec = decoder_spec(model)
    assert spec["dtype"] == "float16"
    assert decoder_spec(small_model("ae"))["dtype"] == "float32"
    z = parity_z(2, n=100)
    assert np.abs(run_js(spec, z, tmp_path) - latent.decode(model, z).reshape(100, -1)).max() <= 1e-5


@pytest.mark.parametrize("S, size, view", [
    (329, 12, [-0.0011, 0.0011, -0.0011, 0.0011]),  # the KL-only map: a few thousandths wide
    (329, 12, [-26.4, 23.6, -40.2, 9.8]), (200, 12, [-3.1, 3.5, -3.1, 3.5]),
    (460, 18, [-0.0123, 0.0123, -1.3, -1.27]), (390, 18, [-40.2, 23.6, -40.2, 23.6])])
def test_map_tick_labels_never_run_into_each_other(S, size, view):
    script = REPO / "tests" / "kit" / "js" / "ticks.mjs"
    out = subprocess.run([NODE, str(script), json.dumps([S, size, *view])], check=True,
                         capture_output=True, text=True, timeout=60)
    boxes = json.loads(out.stdout)
    assert len(boxes) >= 4  # some ticks on each axis, and the axes' names
    for i, a in enumerate(boxes):
        assert a["left"] >= 0 and a["right"] <= S + 0.5 and a["top"] >= -1 and a["bottom"] <= S, a
        for b in boxes[i + 1:]:
            w = min(a["right"], b["right"]) - max(a["left"], b["left"])
            h = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            assert w <= 0 or h <= 0, (a, b)
