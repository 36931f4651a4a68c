"""The atlas: encodings saved beside a checkpoint load back exactly; bad atlases are reported."""

import numpy as np
import pytest
import torch
from helpers import small_model

from vae_core.atlas import compute_atlas, load_atlas, save_atlas
from vae_core.checkpoint import CheckpointError, atlas_path, save_model


@pytest.mark.parametrize("kind", ["vae", "ae"])
def test_atlas_round_trip(tmp_path, kind):
    model = small_model(kind)
    ckpt = tmp_path / "m.safetensors"
    save_model(model, ckpt, dataset="mnist", dtype=torch.float32)
    x, y = torch.rand(50, 1, 28, 28), torch.randint(0, 10, (50,))
    atlas = compute_atlas(model, x, y, batch_size=16)
    save_atlas(atlas, ckpt)
    loaded = load_atlas(ckpt)
    enc = model.encode(x)
    mu = enc[0] if kind == "vae" else enc
    assert np.allclose(loaded["mu"], mu.detach().numpy())
    assert np.array_equal(loaded["labels"], y.numpy())
    assert ("logvar" in loaded) == (kind == "vae")


def test_missing_and_broken_atlas(tmp_path):
    ckpt = tmp_path / "m.safetensors"
    save_model(small_model("ae"), ckpt, dataset="mnist")
    with pytest.raises(CheckpointError, match="no atlas"):
        load_atlas(ckpt)
    atlas_path(ckpt).parent.mkdir()
    atlas_path(ckpt).write_bytes(b"\x00" * 10)
    with pytest.raises(CheckpointError, match="not a readable atlas"):
        load_atlas(ckpt)
