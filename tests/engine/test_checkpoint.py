"""Checkpoints: exact round trips, and every kind of bad file gives a clear, safe error."""

import json
import os
import pickle
import struct

import pytest
import torch
from helpers import small_model
from safetensors.torch import save_file

from vae_core.checkpoint import (
    CheckpointError,
    atomic_save,
    list_checkpoints,
    load_model,
    read_metadata,
    save_model,
)


@pytest.mark.parametrize("kind", ["vae", "ae", "classifier", "conv vae"])
def test_round_trip_gives_identical_outputs(tmp_path, kind):
    arch = "conv" if kind.startswith("conv") else "mlp"
    kind = kind.split()[-1]
    model = small_model(kind, arch=arch)
    assert (model.config.arch if kind != "classifier" else "mlp") == arch
    path = tmp_path / f"{kind}.safetensors"
    save_model(model, path, dataset="mnist", extra={"beta": 1.0, "epochs": 3, "test": {"x": 1}},
               dtype=torch.float32)
    loaded = load_model(path)
    assert not loaded.training
    x = torch.rand(4, 1, 28, 28)
    if kind == "classifier":
        assert torch.equal(model(x), loaded(x))
    else:
        z = torch.randn(4, 2)
        assert torch.equal(model.decode(z), loaded.decode(z))
        enc, enc2 = model.encode(x), loaded.encode(x)
        assert torch.equal(enc[0], enc2[0]) if kind == "vae" else torch.equal(enc, enc2)
    meta = read_metadata(path)
    assert loaded.config == model.config
    assert meta["kind"] == kind and meta["dataset"] == "mnist"
    assert meta["latent_dim"] == (0 if kind == "classifier" else 2)
    assert meta["epochs"] == 3 and meta["test"] == {"x": 1}


def test_half_precision_storage_is_what_loads(tmp_path):
    model = small_model("vae")
    path = tmp_path / "half.safetensors"
    save_model(model, path, dataset="fashion-mnist")
    loaded = load_model(path)
    w = model.decoder[0].weight
    assert torch.equal(loaded.decoder[0].weight, w.half().float())
    assert read_metadata(path)["dataset"] == "fashion-mnist"


def _saved(tmp_path, **overrides):
    model = small_model("vae")
    path = tmp_path / "m.safetensors"
    save_model(model, path, dataset="mnist")
    if overrides:
        from safetensors import safe_open

        with safe_open(str(path), framework="pt") as f:
            meta = dict(f.metadata())
            tensors = {k: f.get_tensor(k) for k in f.keys()}
        meta.update(overrides.pop("meta", {}))
        tensors.update(overrides.pop("tensors", {}))
        save_file(tensors, str(path), metadata=meta)
    return path


def _expect_error(path, words):
    with pytest.raises(CheckpointError) as info:
        load_model(path)
    assert str(path) in str(info.value)
    assert words in str(info.value)


@pytest.mark.reliability("checkpoint files")
def test_truncated_file(tmp_path):
    path = _saved(tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    _expect_error(path, "not a readable safetensors")


@pytest.mark.reliability("checkpoint files")
def test_random_bytes(tmp_path):
    path = tmp_path / "noise.safetensors"
    path.write_bytes(os.urandom(4096))
    _expect_error(path, "not a readable safetensors")


@pytest.mark.reliability("checkpoint files")
def test_empty_and_missing_files(tmp_path):
    (tmp_path / "empty.safetensors").write_bytes(b"")
    _expect_error(tmp_path / "empty.safetensors", "not a readable safetensors")
    _expect_error(tmp_path / "nope.safetensors", "no such file")


class _Payload:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


@pytest.mark.reliability("checkpoint files")
@pytest.mark.parametrize("suffix", [".safetensors", ".pt"])
def test_pickle_payload_is_never_executed(tmp_path, suffix):
    marker = tmp_path / "PWNED"
    path = tmp_path / f"evil{suffix}"
    path.write_bytes(pickle.dumps({"state": _Payload(str(marker))}))
    # check the payload is real: unpickling it would create the marker
    pickle.loads(path.read_bytes())
    assert marker.exists()
    marker.unlink()
    _expect_error(path, "not a readable safetensors")
    with pytest.raises(CheckpointError):
        read_metadata(path)
    assert not marker.exists()


@pytest.mark.reliability("checkpoint files")
def test_wrong_shapes(tmp_path):
    path = _saved(tmp_path, tensors={"decoder.0.weight": torch.zeros(3, 3, dtype=torch.float16)})
    _expect_error(path, "decoder.0.weight has shape (3, 3)")


@pytest.mark.reliability("checkpoint files")
def test_missing_tensor(tmp_path):
    model = small_model("vae")
    path = tmp_path / "m.safetensors"
    save_model(model, path, dataset="mnist")
    state = {k: v for k, v in model.state_dict().items() if k != "decoder.0.bias"}
    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as f:
        meta = f.metadata()
    save_file(state, str(path), metadata=meta)
    _expect_error(path, "tensors do not match the config")


@pytest.mark.parametrize(
    "meta, words",
    [
        ({"kind": "gan"}, "unknown model kind 'gan'"),
        ({"format_version": "99"}, "format version '99' is not supported"),
        ({"config": "{not json"}, "'config' is not JSON"),
        ({"dataset": "cifar"}, "unknown dataset 'cifar'"),
        ({"config": json.dumps({"kind": "vae", "latent_dim": 2, "wings": 3})}, "unknown config"),
        ({"config": json.dumps({"kind": "ae", "latent_dim": 2})}, "config kind 'ae' != 'vae'"),
    ],
)
@pytest.mark.reliability("checkpoint files")
def test_bad_metadata(tmp_path, meta, words):
    _expect_error(_saved(tmp_path, meta=meta), words)


@pytest.mark.reliability("checkpoint files")
def test_header_claiming_huge_length(tmp_path):
    path = tmp_path / "huge.safetensors"
    path.write_bytes(struct.pack("<Q", 2**60) + b"{}")
    _expect_error(path, "not a readable safetensors")


@pytest.mark.reliability("nothing lost")
def test_atomic_save_leaves_no_temporary_and_keeps_old_file_on_failure(tmp_path):
    path = tmp_path / "a.safetensors"
    atomic_save({"w": torch.ones(2)}, path, {"k": "v"})
    before = path.read_bytes()
    with pytest.raises(AttributeError):  # a str has no .contiguous()
        atomic_save({"w": "not a tensor"}, path, {"k": "v"})
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["a.safetensors"]


@pytest.mark.reliability("checkpoint files")
def test_list_checkpoints_skips_bad_files(tmp_path):
    save_model(small_model("ae"), tmp_path / "good.safetensors", dataset="mnist")
    (tmp_path / "bad.safetensors").write_bytes(b"garbage")
    good, bad = list_checkpoints(tmp_path)
    assert [m["name"] for m in good] == ["good"]
    assert len(bad) == 1 and "bad.safetensors" in str(bad[0])


@pytest.mark.reliability("checkpoint files")
def test_list_checkpoints_skips_wrong_shapes(tmp_path):
    path = _saved(tmp_path, tensors={"decoder.0.weight": torch.zeros(3, 3, dtype=torch.float16)})
    good, bad = list_checkpoints(path.parent)
    assert good == [] and "shape" in str(bad[0])
