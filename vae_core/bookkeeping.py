"""Loss bookkeeping: the units a VAE's loss is printed in, the conversions between them, and
the count of latent units a model uses.

This app reports a Bernoulli VAE's loss as Kingma & Welling and Burda et al. do: nats per image,
the reconstruction summed over the 784 pixels plus the KL summed over the latent dimensions.
Tutorials print other things for the same model: the mean over pixels (the sum ÷ 784), a mean
over the batch of that, or bits per dimension (nats ÷ (784 · ln 2)); `conventions` puts one
model's loss in each of them, so "0.13" and "105" can be compared on one line.

A tutorial that averages the reconstruction over pixels but sums the KL minimises
recon/784 + KL = (recon + 784 · KL) / 784: the summed loss with β = 784 (`MEAN_OVER_PIXELS_BETA`),
which is what collapses the posterior.
"""

from __future__ import annotations

import math

import numpy as np

PIXELS = 28 * 28
MEAN_OVER_PIXELS_BETA = PIXELS  # recon averaged over pixels + KL summed = the summed loss, β = 784
ACTIVE = 0.01  # Burda et al. 2016 (§5.2): a unit is active if Cov_x(E_q[z_u]) > 0.01


def per_pixel(nats_per_image: float, pixels: int = PIXELS) -> float:
    return nats_per_image / pixels


def per_image(nats_per_pixel: float, pixels: int = PIXELS) -> float:
    return nats_per_pixel * pixels


def bits_per_dim(nats_per_image: float, pixels: int = PIXELS) -> float:
    """Nats per image → bits per pixel (the unit of image-model papers)."""
    return nats_per_image / (pixels * math.log(2))


def nats_from_bits_per_dim(bits: float, pixels: int = PIXELS) -> float:
    return bits * pixels * math.log(2)


def mean_over_pixels_loss(recon_per_image: float, kl_per_image: float, pixels: int = PIXELS) -> float:
    """What a tutorial that averages the reconstruction over pixels and sums the KL prints."""
    return recon_per_image / pixels + kl_per_image


def as_summed_beta(recon_per_image: float, kl_per_image: float, pixels: int = PIXELS) -> float:
    """The same loss, times `pixels`: the summed loss with β = pixels (recon + β · KL)."""
    return pixels * mean_over_pixels_loss(recon_per_image, kl_per_image, pixels)


def conventions(recon_per_image: float, kl_per_image: float, pixels: int = PIXELS) -> dict:
    """One model's loss as each convention prints it (nats unless named bits)."""
    total = recon_per_image + kl_per_image
    return {
        "sum over pixels, nats per image (this app; Kingma & Welling; Burda et al.)": total,
        "mean over pixels, nats per pixel": per_pixel(total, pixels),
        "bits per dimension": bits_per_dim(total, pixels),
        "reconstruction averaged over pixels + KL summed (the buggy tutorials)":
            mean_over_pixels_loss(recon_per_image, kl_per_image, pixels),
    }


def active_units(mu: np.ndarray, threshold: float = ACTIVE) -> tuple[int, np.ndarray]:
    """Burda et al.'s count of active latent units: the variance over the data set of each
    dimension of the encoder's mean, E_q[z] = μ(x) (mu: one row per image), above `threshold`.
    Returns the count and the per-dimension variances."""
    mu = np.asarray(mu, np.float64)
    if mu.ndim != 2 or len(mu) < 2:
        raise ValueError("mu: one row of μ per image, at least two images")
    variances = mu.var(axis=0)
    return int((variances > threshold).sum()), variances


def continuous_bernoulli_log_norm(logits):
    """log C(λ) of the continuous Bernoulli (Loaiza-Ganem & Cunningham 2019), λ = sigmoid(logit):
    its density on [0, 1] is C(λ) λ^x (1 − λ)^(1 − x), with C(λ) = 2 artanh(1 − 2λ) / (1 − 2λ)
    = l / tanh(l / 2) for the logit l (2 at l = 0, where the series 2 + l²/6 is used).

    A Bernoulli decoder's reconstruction term, −Σ log λ^x (1 − λ)^(1 − x) over pixels of grey
    values, is not the negative log of any density over grey images; minus Σ log C(λ) it is."""
    import torch

    logit = torch.as_tensor(logits)
    small = logit.abs() < 1e-3
    safe = torch.where(small, torch.ones_like(logit), logit)
    exact = torch.log(safe / torch.tanh(safe / 2))
    return torch.where(small, math.log(2) + logit.pow(2) / 12, exact)
