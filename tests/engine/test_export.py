"""Decoder export and the binary payload: specs of MLP and conv decoders, exact round trips."""

import json

import numpy as np
import pytest
import torch
from helpers import small_model

from vae_core.export import decoder_spec, pack, unpack


def test_non_mlp_decoders_are_refused():
    model = small_model("classifier")
    with pytest.raises(ValueError, match="run in the browser"):
        decoder_spec(model)
    vae = small_model("vae")
    vae.decoder = torch.nn.Sequential(torch.nn.Linear(2, 784), torch.nn.Tanh())
    with pytest.raises(ValueError):
        decoder_spec(vae)
    nn = torch.nn  # a transposed conv with no Unflatten before it, and a dilated one
    vae.decoder = nn.Sequential(nn.Linear(2, 49), nn.ReLU(), nn.ConvTranspose2d(1, 1, 4, 2, 1))
    with pytest.raises(ValueError):
        decoder_spec(vae)
    vae.decoder = nn.Sequential(nn.Linear(2, 49), nn.ReLU(), nn.Unflatten(1, (1, 7, 7)),
                                nn.ConvTranspose2d(1, 1, 4, 2, 1, dilation=2))
    with pytest.raises(ValueError, match="undilated"):
        decoder_spec(vae)


def test_pack_round_trip_keeps_arrays_aligned_and_exact():
    tree = {"a": np.arange(5, dtype=np.float16), "b": [1, "x", {"c": np.ones(3, np.uint8)}],
            "d": np.linspace(0, 1, 7, dtype=np.float32), "e": None}
    payload = pack(tree)
    assert payload[:4] == b"LL01"
    back = unpack(payload)
    assert np.array_equal(back["a"], tree["a"]) and back["a"].dtype == np.float16
    assert back["b"][:2] == [1, "x"] and np.array_equal(back["b"][2]["c"], [1, 1, 1])
    assert np.array_equal(back["d"], tree["d"]) and back["e"] is None
    import struct

    (n,) = struct.unpack("<I", payload[4:8])
    head = json.loads(payload[8 : 8 + n])
    assert all(a["offset"] % 8 == 0 for a in head["arrays"])
    with pytest.raises(ValueError):
        pack({"x": np.zeros(2, np.int64)})


def test_spec_id_follows_the_weights():
    a, b = small_model("ae", seed=0), small_model("ae", seed=1)
    assert decoder_spec(a)["id"] == decoder_spec(a)["id"] != decoder_spec(b)["id"]
