"""Latent-space maths: the map's plane, bounds, grids, interpolation, decoding, gap scores."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .config import NUM_CLASSES
from .families import of
from .images import as_batch


@dataclass(frozen=True)
class Plane:
    """A 2-D window into latent space: z = origin + u * basis[0] + v * basis[1].

    For a 2-D model it is the identity; for more dimensions the first two principal
    components of the test encodings, through their mean.
    """

    origin: np.ndarray  # (D,)
    basis: np.ndarray  # (2, D), orthonormal rows

    def to_latent(self, uv) -> np.ndarray:
        uv = np.atleast_2d(np.asarray(uv, dtype=np.float32))
        return (self.origin + uv @ self.basis).astype(np.float32)

    def to_plane(self, z) -> np.ndarray:
        z = np.atleast_2d(np.asarray(z, dtype=np.float32))
        return ((z - self.origin) @ self.basis.T).astype(np.float32)


def plane_for(mu: np.ndarray) -> Plane:
    """Identity for 2-D codes, otherwise the PCA plane of the codes."""
    d = mu.shape[1]
    if d == 2:
        return Plane(np.zeros(2, np.float32), np.eye(2, dtype=np.float32))
    mean = mu.mean(0)
    _, _, vt = np.linalg.svd(mu - mean, full_matrices=False)
    basis = vt[:2]
    basis *= np.sign(basis[np.arange(2), np.abs(basis).argmax(1)])[:, None]  # fixed signs
    return Plane(mean.astype(np.float32), basis.astype(np.float32))


def bounds_of(points: np.ndarray, quantile: float = 0.005, margin: float = 0.05):
    """(xmin, xmax, ymin, ymax) holding the points but their most extreme `quantile` per side."""
    lo = np.quantile(points, quantile, axis=0)
    hi = np.quantile(points, 1 - quantile, axis=0)
    pad = (hi - lo) * margin
    lo, hi = lo - pad, hi + pad
    return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])


class Atlas:
    """A model's encodings of the test set, with the map's plane and bounds, computed once.

    `key` names it for caches (the checkpoint's path, or a trained-in-session model's id).
    """

    def __init__(self, mu: np.ndarray, labels: np.ndarray, logvar: np.ndarray | None = None,
                 key: str = ""):
        self.key = key
        self.mu, self.labels, self.logvar = mu, np.asarray(labels), logvar
        self.plane = plane_for(mu)
        self.uv = self.plane.to_plane(mu)
        self.bounds = bounds_of(self.uv)
        self._members = [np.flatnonzero(self.labels == c) for c in range(NUM_CLASSES)]

    @property
    def latent_dim(self) -> int:
        return self.mu.shape[1]

    def members(self, cls: int) -> np.ndarray:
        """Test-set indices of one class, in order."""
        return self._members[int(cls)]

    def index_of(self, cls: int, example: int) -> int:
        """The test index of a class's `example`-th image (clamped to the class)."""
        m = self._members[int(cls)]
        return int(m[min(max(int(example), 0), len(m) - 1)])

    def example_of(self, index: int) -> tuple[int, int]:
        """(class, example) of a test index: the inverse of index_of."""
        cls = int(self.labels[index])
        return cls, int(np.searchsorted(self._members[cls], index))

    def random_member(self, cls: int, seed: int) -> int:
        """A seeded random test index of one class."""
        return int(np.random.default_rng(seed).choice(self._members[int(cls)]))

    def sigma(self, index: int) -> np.ndarray | None:
        """The posterior's standard deviations for one image (None for an autoencoder)."""
        return None if self.logvar is None else sigma_of(self.logvar[index])

    def sigma_range(self) -> tuple[float, float]:
        """The smallest and largest mean σ of any test image (the prior's is 1)."""
        s = np.exp(0.5 * self.logvar).mean(1)
        return float(s.min()), float(s.max())


def grid_uv(bounds, n: int) -> np.ndarray:
    """n*n points evenly over the bounds, row by row from the top (largest v) down."""
    x0, x1, y0, y1 = bounds
    us = np.linspace(x0, x1, n, dtype=np.float32)
    vs = np.linspace(y1, y0, n, dtype=np.float32)
    uu, vv = np.meshgrid(us, vs)
    return np.stack([uu.ravel(), vv.ravel()], 1)


def gaussian_grid_uv(n: int, lo: float = 0.05, hi: float = 0.95) -> np.ndarray:
    """Kingma & Welling (2014) Fig. 4: equal-probability steps through the inverse Gaussian CDF."""
    q = torch.linspace(lo, hi, n, dtype=torch.float64)
    s = torch.distributions.Normal(0.0, 1.0).icdf(q).numpy().astype(np.float32)
    uu, vv = np.meshgrid(s, s[::-1])
    return np.stack([uu.ravel(), vv.ravel()], 1)


def share_inside(points: np.ndarray, grid: np.ndarray) -> float:
    """The share of points (N, 2) inside the box a grid of points (M, 2) spans."""
    lo, hi = grid.min(0), grid.max(0)
    return float(np.all((points >= lo) & (points <= hi), axis=1).mean())


def lerp(z0, z1, steps: int) -> np.ndarray:
    t = np.linspace(0, 1, steps, dtype=np.float32)[:, None]
    return (1 - t) * np.asarray(z0, np.float32) + t * np.asarray(z1, np.float32)


def slerp(z0, z1, steps: int) -> np.ndarray:
    """Spherical interpolation (Shoemake 1985); falls back to lerp for (anti)parallel ends."""
    z0, z1 = np.asarray(z0, np.float64), np.asarray(z1, np.float64)
    n0, n1 = np.linalg.norm(z0), np.linalg.norm(z1)
    if n0 < 1e-8 or n1 < 1e-8:
        return lerp(z0, z1, steps)
    omega = np.arccos(np.clip(np.dot(z0 / n0, z1 / n1), -1.0, 1.0))
    if np.sin(omega) < 1e-6:
        return lerp(z0, z1, steps)
    t = np.linspace(0, 1, steps)[:, None]
    out = (np.sin((1 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)
    return out.astype(np.float32)


@torch.inference_mode()
def decode(model, z, batch_size: int = 1024, y=None) -> np.ndarray:
    """Pixel probabilities (N, 28, 28) as float32 numpy, decoded in large batches; y: the class
    of each code (or one class for all) for a conditional model."""
    z = torch.as_tensor(np.atleast_2d(np.asarray(z, np.float32)))
    fam = of(model)
    if y is not None:
        y = torch.as_tensor(np.broadcast_to(np.asarray(y, np.int64), (len(z),)).copy())
    out = [fam.decode(model, z[i : i + batch_size], None if y is None else y[i : i + batch_size])
           for i in range(0, len(z), batch_size)]
    return torch.cat(out)[:, 0].numpy()


def decode_at(model, plane: Plane, uv) -> np.ndarray:
    """The (28, 28) picture the model decodes at one point of a map's plane."""
    return decode(model, plane.to_latent(uv))[0]


@torch.inference_mode()
def encode(model, x, y=None) -> tuple[np.ndarray, np.ndarray | None]:
    """(mu, logvar) for a VAE, (z, None) for an AE; x is (N, 1, 28, 28) or (N, 28, 28) in [0, 1];
    y the labels a conditional model is given."""
    x = as_batch(x)
    fam = of(model)
    out = fam.encode(model, x, None if y is None else torch.as_tensor(y))
    if fam.stochastic:
        return out[0].numpy(), out[1].numpy()
    return out.numpy(), None


@torch.inference_mode()
def judge_probabilities(judge, images: np.ndarray, batch_size: int = 256) -> np.ndarray:
    """The judge's class probabilities (softmax), (N, 10), for (N, 28, 28) images in [0, 1]."""
    x = as_batch(images)
    return torch.cat([torch.softmax(judge(x[i : i + batch_size]), 1)
                      for i in range(0, len(x), batch_size)]).numpy()


def judge_top(judge, image: np.ndarray, n: int = 3) -> list[tuple[int, float]]:
    """The judge's n most likely classes for one (28, 28) image: [(class, probability), …]."""
    p = judge_probabilities(judge, image[None])[0]
    return [(int(c), float(p[c])) for c in np.argsort(p)[::-1][:n]]


def judge_confidence(judge, images: np.ndarray, batch_size: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """The judge's top class and its softmax probability for each (N, 28, 28) image."""
    probs = judge_probabilities(judge, images, batch_size)
    return probs.argmax(1), probs.max(1)


def gap_map(model, judge, plane: Plane, bounds, n: int = 40, threshold: float = 0.9) -> dict:
    """Decode an n*n grid over the region and ask the judge how sure it is of each image.

    Returns the confidence grid (n, n; row 0 at the top), the judged classes, and the share of
    the region whose decoding the judge calls a digit with probability >= threshold.
    """
    uv = grid_uv(bounds, n)
    cls, conf = judge_confidence(judge, decode(model, plane.to_latent(uv)))
    return {
        "confidence": conf.reshape(n, n),
        "classes": cls.reshape(n, n),
        "uv": uv,
        "confident_fraction": float((conf >= threshold).mean()),
        "threshold": threshold,
        "n": n,
    }


def mosaic_at(model, plane: Plane, uv, cols: int) -> np.ndarray:
    """The pictures decoded at plane points uv, laid out as one mosaic of `cols` columns."""
    from .images import mosaic

    return mosaic(decode(model, plane.to_latent(uv)), cols)


def manifold(model, plane: Plane, bounds, n: int) -> np.ndarray:
    """The n x n grid over a map's region, decoded and laid out as one mosaic."""
    return mosaic_at(model, plane, grid_uv(bounds, n), n)


def ellipse(center, sigma, k: float = 1.0, n: int = 73) -> np.ndarray:
    """(n, 2) points on the axis-aligned ellipse center + k * sigma * (cos t, sin t), closed."""
    t = np.linspace(0.0, 2.0 * np.pi, n, dtype=np.float32)
    c, s = np.asarray(center, np.float32)[:2], np.asarray(sigma, np.float32)[:2]
    return np.stack([c[0] + k * s[0] * np.cos(t), c[1] + k * s[1] * np.sin(t)], 1)


def sigma_of(logvar) -> np.ndarray:
    """sigma = exp(logvar / 2): the encoder outputs log sigma^2, which keeps sigma positive."""
    return np.exp(0.5 * np.asarray(logvar, np.float32))


def posterior_samples(mu, logvar, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The reparameterization trick, seeded: (eps (k, D) ~ N(0, I), z = mu + sigma * eps)."""
    mu = np.asarray(mu, np.float32)
    eps = np.random.default_rng(seed).standard_normal((k, mu.shape[-1])).astype(np.float32)
    return eps, mu + np.exp(0.5 * np.asarray(logvar, np.float32)) * eps


def slider_range(mu: np.ndarray, prior: float = 3.0, quantile: float = 0.001):
    """Per-dimension (lo, hi): the prior's +-3 sigma, widened to hold the codes' spread."""
    lo = np.minimum(-prior, np.quantile(mu, quantile, axis=0))
    hi = np.maximum(prior, np.quantile(mu, 1 - quantile, axis=0))
    return np.floor(lo * 10) / 10, np.ceil(hi * 10) / 10


def sample_prior(latent_dim: int, seed: int, codes: np.ndarray | None = None) -> np.ndarray:
    """One seeded z ~ N(0, I), or, given codes, from the Gaussian fitted to them (for an AE)."""
    rng = np.random.default_rng(seed)
    if codes is None:
        return rng.standard_normal(latent_dim).astype(np.float32)
    mean, cov = codes.mean(0), np.cov(codes, rowvar=False)
    return rng.multivariate_normal(mean, np.atleast_2d(cov)).astype(np.float32)


def prior_z(latent_dim: int, seed: int, n: int = 64) -> np.ndarray:
    """n seeded samples z ~ N(0, I)."""
    return np.random.default_rng(seed).standard_normal((n, latent_dim)).astype(np.float32)


def prior_mosaic(model, seed: int, n: int = 64, cols: int = 8) -> np.ndarray:
    """n seeded samples z ~ N(0, I), decoded and laid out as one mosaic."""
    from .images import mosaic

    return mosaic(decode(model, prior_z(model.latent_dim, seed, n)), cols, pad=1, fill=0.25)


def traversal(z, lo, hi, steps: int) -> np.ndarray:
    """Rows of latent vectors: row i sweeps coordinate i from lo[i] to hi[i], the rest held at z."""
    z = np.asarray(z, np.float32)
    out = np.repeat(z[None, None, :], len(z), 0).repeat(steps, 1)
    for i in range(len(z)):
        out[i, :, i] = np.linspace(lo[i], hi[i], steps)
    return out.reshape(-1, len(z))


def traversal_grid(model, z, lo, hi, steps: int) -> np.ndarray:
    """The decoded traversal (see `traversal`) as one mosaic: row i sweeps coordinate i."""
    from .images import mosaic

    return mosaic(decode(model, traversal(z, lo, hi, steps)), steps, pad=2, fill=0.3)


def interpolate(z0, z1, steps: int, method: str = "linear") -> np.ndarray:
    """The latent path from z0 to z1 in `steps` points, "linear" or "spherical"."""
    if method not in ("linear", "spherical"):
        raise ValueError(f"method must be 'linear' or 'spherical', got {method!r}")
    return lerp(z0, z1, steps) if method == "linear" else slerp(z0, z1, steps)


def random_pair(labels: np.ndarray, seed: int) -> tuple[int, int]:
    """Two seeded test indices of different classes."""
    rng = np.random.default_rng(seed)
    a = int(rng.integers(len(labels)))
    b = int(rng.choice(np.flatnonzero(labels != labels[a])))
    return a, b
