"""Loss bookkeeping against hand-worked values, the active-unit count on an encoder with known
unused dimensions, and the importance-weighted bound against log p(x) computed exactly."""

import math

import numpy as np
import pytest
import torch

from vae_core import bookkeeping as bk
from vae_core.evaluate import iwae_bound
from vae_core.losses import log_normal, reconstruction_nll


def test_units_convert_as_worked_by_hand():
    # 105 nats an image over 784 pixels: 105/784 = 0.13393 nats a pixel; /ln 2 = 0.19322 bits
    assert bk.per_pixel(105.0) == pytest.approx(0.133929, abs=1e-6)
    assert bk.bits_per_dim(105.0) == pytest.approx(105 / 784 / 0.693147, rel=1e-6)
    assert bk.bits_per_dim(105.0) == pytest.approx(0.193219, abs=1e-6)
    assert bk.per_image(bk.per_pixel(133.0)) == pytest.approx(133.0)
    assert bk.nats_from_bits_per_dim(bk.bits_per_dim(86.76)) == pytest.approx(86.76)
    # recon 98 nats + KL 7 nats: the mean-over-pixels tutorial prints 98/784 + 7 = 7.125 ...
    assert bk.mean_over_pixels_loss(98.0, 7.0) == pytest.approx(7.125)
    # ... which is (98 + 784 · 7) / 784: the summed loss with β = 784
    assert bk.as_summed_beta(98.0, 7.0) == pytest.approx(98.0 + 784 * 7.0)
    assert bk.MEAN_OVER_PIXELS_BETA == 784
    c = bk.conventions(98.0, 7.0)
    assert list(c.values())[:3] == pytest.approx([105.0, 105 / 784, 105 / 784 / math.log(2)])


def test_active_units_finds_the_dimensions_an_encoder_does_not_use():
    rng = np.random.default_rng(0)
    mu = np.zeros((5000, 6))
    mu[:, [0, 2, 5]] = rng.normal(0, 1.0, (5000, 3))  # used: μ varies with the image
    mu[:, 1] = rng.normal(0, 0.03, 5000)  # variance 0.0009: inactive by Burda et al.'s 0.01
    mu[:, 4] = 0.7  # constant
    mu[:, 3] = rng.normal(0, 0.2, 5000)  # variance 0.04: active
    count, variances = bk.active_units(mu)
    assert count == 4 and list(variances > bk.ACTIVE) == [True, False, True, True, False, True]
    with pytest.raises(ValueError):
        bk.active_units(mu[:1])


class Toy(torch.nn.Module):
    """A Bernoulli VAE small enough to integrate: a 2-D latent, 6 pixels, a linear decoder, and
    an encoder that only roughly guesses the posterior (so the ELBO is visibly loose)."""

    kind = "vae"  # a VAE for vae_core.families: encode(x) gives (mu, logvar)

    def __init__(self):
        super().__init__()
        g = torch.Generator().manual_seed(0)
        self.w = torch.randn(2, 6, generator=g) * 2.0
        self.b = torch.randn(6, generator=g)

    def decode_logits(self, z):
        return z @ self.w + self.b

    def encode(self, x):
        flat = x.reshape(len(x), -1) - 0.5
        return 0.25 * flat @ self.w.T, torch.full((len(x), 2), math.log(0.6 ** 2))


def exact_neg_log_px(model, x, half_width=8.0, n=401) -> float:
    """−log p(x) = −log ∫ p(x|z) N(z; 0, I) dz, by the midpoint rule on a grid, nats per image."""
    u = torch.linspace(-half_width, half_width, n, dtype=torch.float64)
    z = torch.cartesian_prod(u, u)
    logits = z @ model.w.double() + model.b.double()
    log_pz = log_normal(z, torch.zeros_like(z), torch.zeros_like(z))
    log_cell = 2 * math.log((u[1] - u[0]).item())
    out = [(torch.logsumexp(-reconstruction_nll(logits, xi.double().expand(len(z), *xi.shape))
                            + log_pz, 0) + log_cell).item() for xi in x]
    return -sum(out) / len(out)


def test_the_importance_weighted_bound_falls_with_k_to_the_exact_log_likelihood():
    model = Toy()
    x = (torch.rand(64, 1, 2, 3, generator=torch.Generator().manual_seed(1)) > 0.5).float()
    exact = exact_neg_log_px(model, x)
    assert exact == pytest.approx(exact_neg_log_px(model, x, 10.0, 801), abs=1e-4)  # the grid suffices
    bounds = [iwae_bound(model, x, k=k, seed=1) for k in (1, 10, 100, 1000)]
    assert all(b >= exact - 0.005 for b in bounds), (bounds, exact)  # not below −log p(x) (in expectation)
    assert all(a >= b - 0.005 for a, b in zip(bounds, bounds[1:])), bounds  # tighter with k
    assert bounds[0] - exact > 0.3  # the ELBO (k = 1) is visibly loose here ...
    assert bounds[-1] - exact < 0.01, (bounds, exact)  # ... and k = 1,000 all but closes the gap


def test_the_continuous_bernoulli_normaliser_makes_a_density_on_grey_values():
    import torch

    from vae_core.bookkeeping import continuous_bernoulli_log_norm

    logits = torch.tensor([-6.0, -0.3, 0.0, 1e-5, 2.5], dtype=torch.float64)
    log_c = continuous_bernoulli_log_norm(logits)
    assert log_c[2].item() == pytest.approx(math.log(2)) and log_c[3].item() == pytest.approx(math.log(2))
    assert log_c[0].item() == pytest.approx(math.log(6 / math.tanh(3)))  # 2 artanh(1-2λ)/(1-2λ)
    x = torch.linspace(0, 1, 20_001, dtype=torch.float64)
    for logit, c in zip(logits, log_c, strict=True):
        lam = torch.sigmoid(logit)
        density = torch.exp(c + x * torch.log(lam) + (1 - x) * torch.log1p(-lam))
        assert torch.trapezoid(density, x).item() == pytest.approx(1.0, abs=1e-6)
