"""One image's posterior q(z|x) = N(mu, diag(sigma^2)) drawn on a map's plane: ellipses,
reparameterized samples and the zoom that makes a tiny sigma visible."""

from __future__ import annotations

import numpy as np

from .latent import Atlas, Plane, posterior_samples


def plane_ellipse(plane: Plane, mu, sigma, k: float = 1.0, n: int = 73) -> np.ndarray:
    """(n, 2) points of the k-sigma ellipse of N(mu, diag(sigma^2)) projected onto the plane:
    its covariance there is B diag(sigma^2) B^T (axis-aligned for a 2-D model's identity plane)."""
    b = plane.basis
    cov = (b * np.asarray(sigma, np.float64) ** 2) @ b.T
    vals, vecs = np.linalg.eigh(cov)
    t = np.linspace(0.0, 2.0 * np.pi, n)
    circle = np.stack([np.cos(t), np.sin(t)], 1) * np.sqrt(np.maximum(vals, 0))
    return (plane.to_plane(mu)[0] + k * circle @ vecs.T).astype(np.float32)


def view(at: Atlas, index: int, k: int, seed: int) -> dict:
    """What the posterior page draws of test image `index`: mu and sigma, K samples
    z = mu + sigma * eps (seeded) with their plane points, the 1- and 2-sigma ellipses, and a
    zoom window: the 3-sigma square around mu on the plane."""
    mu, logvar = at.mu[index], at.logvar[index]
    sigma = np.exp(0.5 * logvar)
    eps, z = posterior_samples(mu, logvar, k, seed)
    center = at.plane.to_plane(mu)[0]
    rings = {s: plane_ellipse(at.plane, mu, sigma, s) for s in (1, 2)}
    half = float(max(1.5 * np.abs(rings[2] - center).max(), 1e-3))
    zoom = (center[0] - half, center[0] + half, center[1] - half, center[1] + half)
    box = np.array([[zoom[0], zoom[2]], [zoom[1], zoom[2]], [zoom[1], zoom[3]],
                    [zoom[0], zoom[3]], [zoom[0], zoom[2]]], np.float32)
    return {"mu": mu, "sigma": sigma, "eps": eps, "z": z, "uv": center,
            "z_uv": at.plane.to_plane(z), "rings": rings, "zoom": zoom, "box": box,
            "magnified": (at.bounds[1] - at.bounds[0]) / (2 * half)}


def several(at: Atlas, n: int, seed: int, enlarge: float) -> list[tuple[int, np.ndarray]]:
    """n seeded test images, one of each class first: (label, 1-sigma ellipse enlarged)."""
    rng = np.random.default_rng(seed)
    picks = [int(rng.choice(at.members(c))) for c in rng.permutation(10)]
    picks += [int(i) for i in rng.choice(len(at.labels), max(0, n - 10), replace=False)]
    return [(int(at.labels[i]), plane_ellipse(at.plane, at.mu[i], enlarge * at.sigma(i)))
            for i in picks[:n]]
