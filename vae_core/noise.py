"""Corrupted digits: Gaussian, salt-and-pepper and occlusion noise, one seeded batch at a time.

One function, `corrupt`, makes every noisy image in the project: the denoising page's example,
the denoisers' training inputs (a random kind and strength per image) and the test-set curves
of `vae_core.denoise`, so what the page shows is what was trained and measured.
"""

from __future__ import annotations

import numpy as np
import torch

NOISES = ("gaussian", "salt and pepper", "occlusion")


def _kind_index(kind: str) -> int:
    if kind not in NOISES:
        raise ValueError(f"noise must be one of {NOISES}, got {kind!r}")
    return NOISES.index(kind)


def corrupt(x: torch.Tensor, kinds: torch.Tensor, strengths: torch.Tensor,
            generator: torch.Generator | None = None) -> torch.Tensor:
    """Images x (N, 1, 28, 28) or (N, 28, 28) in [0, 1], each corrupted by its own kind (an index
    into NOISES) at its own strength in [0, 1]:

    - gaussian: additive N(0, strength^2), clipped to [0, 1];
    - salt and pepper: that fraction of pixels set to 0 or 1 (even odds);
    - occlusion: a black square covering that fraction of the image's area, placed at random.

    Every random number is drawn for every image whatever its kind, so an image's noise depends
    only on the generator's state and its place in the batch. Returns a new tensor.
    """
    shape = x.shape
    x = x.reshape(len(x), 28, 28).float()
    n = len(x)
    kinds = torch.as_tensor(kinds).reshape(n, 1, 1)
    s = torch.as_tensor(strengths, dtype=torch.float32).clamp(0, 1).reshape(n, 1, 1)
    gauss = torch.randn(x.shape, generator=generator)
    hit = torch.rand(x.shape, generator=generator)
    salt = torch.rand(x.shape, generator=generator) < 0.5
    corner = torch.rand((n, 2), generator=generator)
    out = torch.where(kinds == 0, (x + s * gauss).clamp(0, 1), x)
    out = torch.where((kinds == 1) & (hit < s), salt.float(), out)
    side = torch.round(s.reshape(n).sqrt() * 28)
    top, left = (torch.floor(corner[:, i] * (29 - side)).clamp(max=28 - side) for i in (0, 1))
    idx = torch.arange(28, dtype=torch.float32)
    rows = (idx[None, :] >= top[:, None]) & (idx[None, :] < (top + side)[:, None])
    cols = (idx[None, :] >= left[:, None]) & (idx[None, :] < (left + side)[:, None])
    square = rows[:, :, None] & cols[:, None, :]
    out = torch.where((kinds == 2) & square, torch.zeros(()), out)
    return out.reshape(shape)


def add_noise(image: np.ndarray, kind: str, strength: float, seed: int = 0) -> np.ndarray:
    """One (28, 28) image in [0, 1] corrupted by `kind` at `strength` (see `corrupt`), seeded."""
    k = _kind_index(kind)
    gen = torch.Generator().manual_seed(int(seed))
    x = torch.as_tensor(np.asarray(image, np.float32)).reshape(1, 28, 28)
    out = corrupt(x, torch.tensor([k]), torch.tensor([float(np.clip(strength, 0, 1))]), gen)
    return out[0].numpy().astype(np.float32)


def corrupt_all(x: torch.Tensor, kind: str, strength: float, seed: int = 0,
                batch_size: int = 1000) -> torch.Tensor:
    """Every image of x with the same kind and strength, seeded: for test-set curves."""
    k = _kind_index(kind)
    gen = torch.Generator().manual_seed(int(seed))
    out = []
    for i in range(0, len(x), batch_size):
        xb = x[i : i + batch_size]
        out.append(corrupt(xb, torch.full((len(xb),), k), torch.full((len(xb),), float(strength)),
                           gen))
    return torch.cat(out)


class RandomCorruption:
    """Training inputs for a denoiser: each image gets a random kind and a strength drawn
    uniformly from [0, max_strength], from a generator of its own (the training order and the
    weights' initialisation do not depend on it)."""

    def __init__(self, max_strength: float, seed: int = 0):
        self.max_strength = float(max_strength)
        self.generator = torch.Generator().manual_seed(int(seed) + 1)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        n = len(x)
        kinds = torch.randint(0, len(NOISES), (n,), generator=self.generator)
        strengths = torch.rand(n, generator=self.generator) * self.max_strength
        return corrupt(x, kinds, strengths, self.generator)
