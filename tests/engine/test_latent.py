"""Latent-space maths: planes, bounds, grids, interpolation, click mapping, gap scores."""

import numpy as np
import pytest
import torch
from helpers import small_model

from vae_core import latent


def test_plane_is_identity_for_2d():
    mu = np.random.default_rng(0).normal(size=(100, 2)).astype(np.float32)
    plane = latent.plane_for(mu)
    assert np.allclose(plane.to_plane(mu), mu) and np.allclose(plane.to_latent(mu), mu)


def test_pca_plane_finds_the_dominant_directions():
    rng = np.random.default_rng(0)
    uv = rng.normal(size=(500, 2)) * [5.0, 3.0]
    q, _ = np.linalg.qr(rng.normal(size=(8, 8)))
    mu = (uv @ q[:2] + 0.01 * rng.normal(size=(500, 8)) + 2.0).astype(np.float32)
    plane = latent.plane_for(mu)
    assert np.allclose(plane.basis @ plane.basis.T, np.eye(2), atol=1e-5)
    back = plane.to_latent(plane.to_plane(mu))
    assert np.abs(back - mu).max() < 0.1  # the data lie (almost) in that plane
    assert np.allclose(np.abs(plane.basis @ q[:2].T), np.eye(2), atol=0.01)


def test_bounds_hold_nearly_all_points():
    pts = np.random.default_rng(1).normal(size=(10_000, 2)).astype(np.float32)
    x0, x1, y0, y1 = latent.bounds_of(pts)
    inside = (pts[:, 0] >= x0) & (pts[:, 0] <= x1) & (pts[:, 1] >= y0) & (pts[:, 1] <= y1)
    assert inside.mean() > 0.99 and x1 - x0 < 8


def test_grid_covers_the_bounds_from_the_top_row_down():
    g = latent.grid_uv((-1, 1, -2, 2), 5)
    assert g.shape == (25, 2)
    assert np.allclose(g[0], [-1, 2]) and np.allclose(g[4], [1, 2]) and np.allclose(g[-1], [1, -2])


def test_gaussian_grid_is_symmetric_through_the_inverse_cdf():
    g = latent.gaussian_grid_uv(5)
    xs = g[:5, 0]
    assert np.allclose(xs, -xs[::-1], atol=1e-6) and xs[2] == pytest.approx(0, abs=1e-6)
    assert xs[-1] == pytest.approx(1.6449, abs=1e-3)  # Phi^-1(0.95)


def test_lerp_and_slerp():
    a, b = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    lin = latent.interpolate(a, b, 5, "linear")
    assert np.allclose(lin[0], a) and np.allclose(lin[-1], b) and np.allclose(lin[2], [0.5, 0.5])
    sph = latent.interpolate(a, b, 5, "spherical")
    assert np.allclose(sph[0], a, atol=1e-6) and np.allclose(sph[-1], b, atol=1e-6)
    assert np.allclose(np.linalg.norm(sph, axis=1), 1.0, atol=1e-6)
    assert np.allclose(latent.slerp(a, 2 * a, 3), latent.lerp(a, 2 * a, 3))  # parallel ends
    with pytest.raises(ValueError):
        latent.interpolate(a, b, 3, "cubic")


def test_click_on_a_pca_plane_decodes_that_plane_point():
    rng = np.random.default_rng(0)
    plane = latent.plane_for(rng.normal(size=(300, 6)).astype(np.float32))
    z = plane.to_latent([0.5, -1.0])
    assert z.shape == (1, 6)
    assert np.allclose(plane.to_plane(z), [[0.5, -1.0]], atol=1e-5)


def test_decode_encode_and_judge():
    model, judge = small_model("vae"), small_model("classifier")
    imgs = latent.decode(model, np.zeros((3, 2)))
    assert imgs.shape == (3, 28, 28) and imgs.dtype == np.float32
    mu, logvar = latent.encode(model, imgs)
    assert mu.shape == logvar.shape == (3, 2)
    z, none = latent.encode(small_model("ae"), imgs)
    assert z.shape == (3, 2) and none is None
    cls, conf = latent.judge_confidence(judge, imgs)
    assert cls.shape == conf.shape == (3,) and np.all((conf >= 0.1) & (conf <= 1))


def test_gap_map_fraction_matches_its_grid():
    model, judge = small_model("ae"), small_model("classifier")
    plane = latent.plane_for(np.zeros((4, 2), np.float32))
    g = latent.gap_map(model, judge, plane, (-1, 1, -1, 1), n=6, threshold=0.1)
    assert g["confidence"].shape == (6, 6)
    assert g["confident_fraction"] == pytest.approx((g["confidence"] >= 0.1).mean())
    assert latent.gap_map(model, judge, plane, (-1, 1, -1, 1), n=6, threshold=1.01)[
        "confident_fraction"] == 0.0


def test_slider_range_sampling_and_traversal():
    codes = np.array([[-10.0, 0.0], [5.0, 1.0], [0.0, 0.5]] * 100, np.float32)
    lo, hi = latent.slider_range(codes)
    assert lo[0] <= -10 and hi[0] >= 5 and lo[1] == -3 and hi[1] == 3
    assert np.array_equal(latent.sample_prior(4, 3), latent.sample_prior(4, 3))
    assert not np.array_equal(latent.sample_prior(4, 3), latent.sample_prior(4, 4))
    fitted = np.stack([latent.sample_prior(2, s, codes) for s in range(300)])
    assert abs(fitted[:, 0].mean() - codes[:, 0].mean()) < 1.0
    t = latent.traversal(np.array([0.5, -0.5, 1.0]), [-3] * 3, [3] * 3, 4)
    assert t.shape == (12, 3)
    assert np.allclose(t[:4, 0], [-3, -1, 1, 3]) and np.allclose(t[:4, 1:], [-0.5, 1.0])


def test_random_pair_is_seeded_and_mixes_classes():
    labels = np.repeat(np.arange(10), 20)
    a, b = latent.random_pair(labels, 5)
    assert (a, b) == latent.random_pair(labels, 5) and labels[a] != labels[b]


def test_decode_is_deterministic_and_batched():
    model = small_model("vae")
    z = torch.randn(2500, 2).numpy()
    assert np.array_equal(latent.decode(model, z, batch_size=1000), latent.decode(model, z))


def test_atlas_indexes_classes_both_ways():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, 500)
    at = latent.Atlas(rng.normal(size=(500, 2)).astype(np.float32), labels,
                      rng.normal(-4, 0.5, (500, 2)).astype(np.float32), key="k")
    for index in (0, 17, 499):
        cls, example = at.example_of(index)
        assert at.index_of(cls, example) == index and labels[index] == cls
    assert at.index_of(3, 10**6) == at.members(3)[-1]  # clamped to the class
    assert labels[at.random_member(5, seed=1)] == 5 and at.random_member(5, 1) == at.random_member(5, 1)
    assert np.allclose(at.sigma(4), np.exp(0.5 * at.logvar[4]))
    lo, hi = at.sigma_range()
    assert 0 < lo <= hi and at.latent_dim == 2
    assert latent.Atlas(at.mu, labels).sigma(0) is None  # an autoencoder has no sigma


def test_judge_top_is_sorted_and_sums_with_the_rest_to_one():
    judge = small_model("classifier")
    img = np.random.default_rng(0).random((28, 28), dtype=np.float32)
    top = latent.judge_top(judge, img, n=10)
    probs = [p for _, p in top]
    assert probs == sorted(probs, reverse=True) and sum(probs) == pytest.approx(1.0, abs=1e-5)
    assert sorted(c for c, _ in top) == list(range(10))


def test_mosaics_of_prior_traversal_and_manifold_have_their_shapes():
    model = small_model("vae", latent_dim=3)
    assert latent.prior_mosaic(model, seed=0, n=6, cols=3).shape == (2 * 28 + 1, 3 * 28 + 2)
    assert np.array_equal(latent.prior_mosaic(model, 0, 6, 3), latent.prior_mosaic(model, 0, 6, 3))
    grid = latent.traversal_grid(model, np.zeros(3), -np.ones(3), np.ones(3), steps=4)
    assert grid.shape == (3 * 28 + 4, 4 * 28 + 6)
    plane = latent.plane_for(np.random.default_rng(0).normal(size=(50, 3)).astype(np.float32))
    assert latent.manifold(model, plane, (-1, 1, -1, 1), 5).shape == (140, 140)
    assert np.allclose(latent.decode_at(model, plane, [0.2, 0.1]),
                       latent.decode(model, plane.to_latent([0.2, 0.1]))[0])

