"""A posterior on a map's plane: ellipses, samples and zoom; one image's ELBO, as the CLI says."""

import json

import numpy as np
import pytest
import torch
from helpers import CHECKPOINTS, small_model

from vae_core import latent, posterior
from vae_core.evaluate import elbo_terms, image_figures
from vae_core.evaluate import main as evaluate_main


def test_an_identity_plane_gives_the_axis_aligned_ellipse():
    plane = latent.plane_for(np.zeros((3, 2), np.float32))
    pts = posterior.plane_ellipse(plane, [1.0, 2.0], [0.5, 0.1], k=2)
    assert np.allclose(np.abs(pts - [1, 2]).max(0), [1.0, 0.2], atol=1e-3)


def test_a_pca_plane_projects_the_covariance():
    rng = np.random.default_rng(0)
    plane = latent.plane_for(rng.normal(size=(200, 5)).astype(np.float32) * [3, 2, 1, 1, 1])
    mu, sigma = np.zeros(5, np.float32), np.array([0.3, 0.1, 0.2, 0.05, 0.4], np.float32)
    pts = posterior.plane_ellipse(plane, mu, sigma, n=2001) - plane.to_plane(mu)[0]
    samples = plane.to_plane(mu + sigma * rng.standard_normal((20000, 5)))
    for direction in (np.array([1.0, 0.0]), np.array([0.6, 0.8])):  # 1-sigma extent per direction
        assert (pts @ direction).max() == pytest.approx((samples @ direction).std(), rel=0.03)


def test_the_view_holds_the_samples_of_the_reparameterization_trick():
    rng = np.random.default_rng(1)
    labels = np.arange(400) % 10
    at = latent.Atlas(rng.normal(size=(400, 2)).astype(np.float32), labels,
                      np.full((400, 2), -6.0, np.float32))
    v = posterior.view(at, 7, k=5, seed=3)
    eps, z = latent.posterior_samples(at.mu[7], at.logvar[7], 5, 3)
    assert np.allclose(v["eps"], eps) and np.allclose(v["z"], z) and np.allclose(v["z_uv"], z)
    x0, x1, y0, y1 = v["zoom"]
    assert x0 < v["uv"][0] < x1 and (x1 - x0) == pytest.approx(6 * np.exp(-3), rel=0.01)
    assert v["magnified"] > 1 and len(posterior.several(at, 12, seed=0, enlarge=5)) == 12


def test_elbo_terms_add_up_and_kl_is_the_appendix_b_formula():
    model = small_model("vae", latent_dim=3)
    x = torch.rand(4, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    t = elbo_terms(model, x, samples=3, generator=torch.Generator().manual_seed(0))
    mu, sigma = t["mu"], t["sigma"]
    assert np.allclose(t["kl_dims"], 0.5 * (mu**2 + sigma**2 - 1 - np.log(sigma**2)), atol=1e-5)
    assert np.allclose(t["kl"], t["kl_dims"].sum(1), atol=1e-5) and t["recon"].shape == (4,)
    one = image_figures(model, x[2].numpy())
    assert one["neg_elbo"] == pytest.approx(one["recon"] + one["kl"])
    assert one == image_figures(model, x[2])  # numpy or tensor: the same numbers


def test_one_image_from_the_cli_is_what_the_page_computes(tmp_path, data_root):
    from vae_core.checkpoint import load_model
    from vae_core.data import raw_test_images

    path = CHECKPOINTS / "mnist_vae_2d.safetensors"
    out = tmp_path / "one.json"
    assert evaluate_main([str(path), "--index", "18", "--data-root", str(data_root),
                          "--json", str(out)]) == 0
    cli = json.loads(out.read_text())["test"]
    page = image_figures(load_model(path), raw_test_images("mnist", data_root)[0][18] / 255.0)
    for key in ("recon", "kl", "neg_elbo"):
        assert cli[key] == pytest.approx(page[key], abs=1e-6), key
    assert cli["index"] == 18 and len(cli["kl_dims"]) == 2
