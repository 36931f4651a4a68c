"""Corruption: seeded, bounded, one kind and strength per image, the same for one image or many."""

import numpy as np
import pytest
import torch

from vae_core import noise


@pytest.mark.parametrize("kind", noise.NOISES)
def test_noise_is_seeded_bounded_and_grows_with_strength(kind):
    img = np.zeros((28, 28), np.float32)
    img[8:20, 12:16] = 1.0
    a = noise.add_noise(img, kind, 0.3, seed=1)
    assert np.array_equal(a, noise.add_noise(img, kind, 0.3, seed=1))
    assert not np.array_equal(a, noise.add_noise(img, kind, 0.3, seed=2))
    assert a.min() >= 0 and a.max() <= 1 and a.dtype == np.float32
    assert np.array_equal(noise.add_noise(img, kind, 0.0), img)
    weak = np.abs(noise.add_noise(img, kind, 0.1, 2) - img).sum()
    strong = np.abs(noise.add_noise(img, kind, 0.8, 2) - img).sum()
    assert strong > weak


@pytest.mark.parametrize("strength", [0.1, 0.25, 0.5, 1.0])
def test_occlusion_covers_the_asked_fraction(strength):
    out = noise.add_noise(np.ones((28, 28), np.float32), "occlusion", strength, seed=0)
    assert (out == 0).mean() == pytest.approx(strength, abs=0.03)
    rows, cols = np.nonzero(out == 0)
    assert rows.max() - rows.min() == cols.max() - cols.min()  # one square


def test_salt_and_pepper_hits_that_fraction_with_both_colours():
    out = noise.add_noise(np.full((28, 28), 0.5, np.float32), "salt and pepper", 0.4, seed=0)
    hit = out != 0.5
    assert hit.mean() == pytest.approx(0.4, abs=0.06)
    assert set(np.unique(out[hit])) == {0.0, 1.0}


def test_unknown_noise_is_refused():
    with pytest.raises(ValueError, match="noise must be"):
        noise.add_noise(np.zeros((28, 28)), "blur", 0.5)


def test_each_image_of_a_batch_gets_its_own_kind_and_strength():
    x = torch.full((3, 1, 28, 28), 0.5)
    out = noise.corrupt(x, torch.tensor([0, 1, 2]), torch.tensor([0.3, 0.3, 0.3]),
                        torch.Generator().manual_seed(0))
    assert out.shape == x.shape
    g, sp, occ = out[:, 0]
    assert 0 < (g != 0.5).float().mean() and set(torch.unique(g[g != 0.5]).tolist()) - {0.0, 1.0}
    assert set(torch.unique(sp[sp != 0.5]).tolist()) <= {0.0, 1.0}
    assert set(torch.unique(occ).tolist()) == {0.0, 0.5}
    zero = noise.corrupt(x, torch.tensor([0, 1, 2]), torch.zeros(3), torch.Generator())
    assert torch.equal(zero, x)


def test_a_whole_set_is_seeded_and_batches_do_not_change_it():
    x = torch.rand(25, 1, 28, 28, generator=torch.Generator().manual_seed(1))
    a = noise.corrupt_all(x, "gaussian", 0.2, seed=4, batch_size=10)
    assert torch.equal(a, noise.corrupt_all(x, "gaussian", 0.2, seed=4, batch_size=10))
    assert not torch.equal(a, noise.corrupt_all(x, "gaussian", 0.2, seed=5, batch_size=10))
    assert a.min() >= 0 and a.max() <= 1


def test_training_corruption_draws_kinds_and_strengths_up_to_the_maximum():
    x = torch.full((600, 1, 28, 28), 0.5)
    out = noise.RandomCorruption(0.4, seed=0)(x)
    changed = (out != 0.5).flatten(1).float().mean(1)
    assert 0 < changed.max() and changed.min() == 0 or changed.min() < 0.05
    assert torch.equal(out, noise.RandomCorruption(0.4, seed=0)(x))  # its own seeded generator
    occluded = (out == 0).flatten(1).float().mean(1)
    assert occluded.max() <= 0.4 + 0.03  # no square beyond the maximum strength
