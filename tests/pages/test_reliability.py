"""Reliability at the level of the running app: bad checkpoint folders, bad uploads, odd widget
state, no data set, many sessions. Each test is tagged with its category for the README's table
(`python -m benchmarks.reliability`)."""

import io
import os
import pickle

import numpy as np
import pytest
from helpers import REPO
from PIL import Image
from streamlit.testing.v1 import AppTest

from ui.registry import PAGES, by_key

APP = str(REPO / "app.py")
ALL_PAGES = [p.key for p in PAGES]


def run_page(key, **state):
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page(by_key(key).file)
    for k, v in state.items():
        at.session_state[k] = v
    at.run()
    return at


class _Payload:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


@pytest.fixture()
def hostile_checkpoints(tmp_path, monkeypatch):
    """The shipped files (linked) plus every kind of bad file a folder can hold."""
    folder = tmp_path / "checkpoints"
    folder.mkdir()
    for f in (REPO / "checkpoints").glob("*.safetensors"):
        os.symlink(f, folder / f.name)
    os.symlink(REPO / "checkpoints" / "atlas", folder / "atlas")
    os.symlink(REPO / "checkpoints" / "eval", folder / "eval")
    marker = tmp_path / "PWNED"
    evil = pickle.dumps({"state": _Payload(str(marker))})
    good = (REPO / "checkpoints" / "mnist_ae_2d.safetensors").read_bytes()
    bad = {
        "evil.safetensors": evil, "evil.pt": evil,
        "truncated.safetensors": good[: len(good) // 3],
        "random.safetensors": np.random.default_rng(0).bytes(5000),
        "empty.safetensors": b"",
        "not_json_meta.safetensors": _with_metadata(good, {"config": "{not json"}),
        "unknown_kind.safetensors": _with_metadata(good, {"kind": "gan"}),
        "future_format.safetensors": _with_metadata(good, {"format_version": "99"}),
    }
    for name, data in bad.items():
        (folder / name).write_bytes(data)
    from ui import catalog

    monkeypatch.setattr(catalog, "CHECKPOINTS", folder)
    catalog.catalog.clear()
    yield folder, marker, sorted(bad)
    catalog.catalog.clear()


def _with_metadata(data: bytes, changes: dict) -> bytes:
    """A copy of a safetensors file with some metadata entries replaced (header rewritten)."""
    import json
    import struct

    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8 : 8 + n])
    header["__metadata__"].update(changes)
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    return struct.pack("<Q", len(raw)) + raw + data[8 + n :]


@pytest.mark.reliability("checkpoint files")
def test_the_app_starts_lists_skipped_files_and_never_runs_them(hostile_checkpoints):
    folder, marker, bad = hostile_checkpoints
    at = run_page("latent_map")
    assert not at.exception
    skipped = " ".join(c.value for c in at.sidebar.caption)
    for name in bad:
        assert name in skipped, name
    assert "pickle" in skipped and "VAE, 2-D" in at.sidebar.selectbox(key="model@latent_map").options
    assert not marker.exists()


@pytest.mark.reliability("nothing lost")
def test_visiting_every_page_writes_nothing_into_checkpoints(hostile_checkpoints):
    folder, _, _ = hostile_checkpoints
    before = {p.name: (p.lstat().st_mtime_ns, p.lstat().st_size) for p in folder.iterdir()}
    for page in ALL_PAGES:
        at = run_page(page, live=False)
        assert not at.exception, page
    after = {p.name: (p.lstat().st_mtime_ns, p.lstat().st_size) for p in folder.iterdir()}
    assert after == before


def _png(img, fmt="PNG", **kw):
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


def _one():
    img = Image.new("L", (160, 200), 240)
    a = np.asarray(img).copy()
    a[30:170, 70:90] = 10
    return Image.fromarray(a)


def _exif_rotated():
    exif = Image.Exif()
    exif[0x0112] = 6
    return _png(_one().convert("RGB"), "JPEG", exif=exif.tobytes())


UPLOADS = {
    "not an image": (b"%PDF-1.7 pretending", "Cannot use"),
    "empty file": (b"", "Cannot use"),
    "decompression bomb": (_png(Image.new("1", (20_000, 20_000), 0)), "Cannot use"),
    "blank picture": (_png(Image.new("L", (300, 300), 255)), "Cannot use"),
    "truncated png": (_png(_one())[:150], "Cannot use"),
    "rgba": (_png(_one().convert("RGBA")), None),
    "palette": (_png(_one().convert("RGB").convert("P")), None),
    "16-bit": (_png(Image.fromarray(np.asarray(_one()).astype(np.uint16) * 257)), None),
    "animated gif": (_png(_one(), "GIF", save_all=True, append_images=[_one()]), None),
    "exif-rotated jpeg": (_exif_rotated(), None),
}


@pytest.mark.reliability("uploads")
@pytest.mark.parametrize("case", list(UPLOADS))
def test_uploads_never_show_a_traceback(case):
    data, expect_warning = UPLOADS[case]
    at = run_page("your_digit")
    at.file_uploader(key="upload").upload(f"{case}.bin", data).run()
    assert not at.exception, [e.value for e in at.exception]
    if expect_warning:
        assert any(expect_warning in w.value for w in at.warning)
    else:
        assert not at.warning and any("reads your input as" in m.value for m in at.markdown)


ODD_STATE = [
    ("posterior", {"post_k": 10_000, "post_seed": -5, "post_digit": 10**9}),
    ("manifold", {"manifold_size": -3, "manifold_grid": "spiral"}),
    ("interpolate", {"interp_steps": 0, "interp_a": 10**6, "interp_b": -1}),
    ("denoising", {"noise_strength": 7.5, "noise_kind": "lava", "noise_seed": 10**12,
                   "noise_model": "nope"}),
    ("anomalies", {"anomaly_threshold_mnist_vae_2d": float("nan")}),
    ("loss_terms", {"loss_beta": "β = 1000", "loss_seed": float("nan")}),
    ("sliders", {"z_mnist_vae_2d": (1e9, 0.0), "slider_class": -1}),
    ("ae_vs_vae", {"contrast_pair": "7", "contrast_seed": -3}),
    ("replay", {"replay_view": "nope", "replay_frame": 10**6}),
    ("train", {"train_beta": "β = 1000", "train_epochs": -1, "train_images": 7}),
    ("attributes", {"attr_bold": 99.0, "attr_slant": float("nan"), "attr_wide": -1e9,
                    "attr_digit": 10**9}),
    ("loss_units", {"units_from": "furlongs", "units_value": float("nan")}),
    ("collapse", {"collapse_run": "lava", "collapse_seed": -1}),
    ("strong_decoder", {"strong_run": "lava", "strong_seed": -1}),
    ("latent_size", {"size_seed": 10**12}),
    ("dimensions", {"dims_beta": "lava", "dims_digit": 10**9}),
    ("draw", {"draw_size": "3", "draw_class": 11, "draw_seed": -1, "draw_digit": -5}),
    ("analogies", {"ana_a": 10**9, "ana_b": float("nan"), "ana_c": -1}),
]


@pytest.mark.reliability("widget state")
@pytest.mark.parametrize("page, state", ODD_STATE, ids=[p for p, _ in ODD_STATE])
def test_out_of_range_widget_state_is_reset_not_a_traceback(page, state, data_root, monkeypatch):
    monkeypatch.setenv("LATENT_LAB_DATA", str(data_root))
    at = run_page(page, live=False, **state)
    assert not at.exception, [e.value for e in at.exception]


@pytest.mark.reliability("no data set")
@pytest.mark.parametrize("page", ALL_PAGES)
def test_every_page_works_without_the_data_set(page, tmp_path, monkeypatch):
    from ui import catalog

    monkeypatch.setenv("LATENT_LAB_DATA", str(tmp_path))  # empty: no MNIST, no network needed
    catalog.test_split.clear()
    try:
        at = run_page(page, live=False)
        assert not at.exception, [e.value for e in at.exception]
        if page in ("anomalies", "denoising", "posterior"):
            notices = [i.value for i in at.info]
            assert sum("not on this machine" in n for n in notices) == 1, notices  # once
    finally:
        catalog.test_split.clear()


@pytest.mark.reliability("many users")
def test_requests_never_modify_the_shared_models():
    """Every page runs against the cached models; their weights stay those of the files."""
    import torch

    from ui import catalog
    from vae_core.checkpoint import load_model

    for page in ALL_PAGES:
        assert not run_page(page, live=False).exception, page
    good, _ = catalog.catalog()
    assert good
    for meta in good:
        shared = catalog.model(meta).state_dict()
        fresh = load_model(meta["path"]).state_dict()
        assert shared.keys() == fresh.keys()
        for k in fresh:
            assert torch.equal(shared[k], fresh[k]), (meta["name"], k)
        assert not any(p.requires_grad for p in catalog.model(meta).parameters())
