"""Losses, per image in nats: Bernoulli reconstruction, Gaussian KL, the (beta-weighted) ELBO."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F


def reconstruction_nll(logits: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """-log p(x|z) per image: BCE summed over the 784 pixels on [0, 1] intensities.

    The convention of pytorch/examples vae/main.py, so our nats compare with that peer.
    """
    bce = F.binary_cross_entropy_with_logits(logits, x.reshape(logits.shape), reduction="none")
    return bce.flatten(1).sum(1)


def kl_to_standard_normal(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(mu, exp(logvar)) || N(0, I)) per image.

    Kingma & Welling (2014), Appendix B: -1/2 * sum(1 + log sigma^2 - mu^2 - sigma^2).
    """
    return -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=1)


def vae_loss(logits, x, mu, logvar, weights: tuple[float, float] = (1.0, 1.0),
             reduction: str = "sum", free_bits: float = 0.0) -> dict:
    """The training objective and its parts, each averaged over the batch.

    `loss` = w_rec * recon + w_kl * KL for `weights` = (w_rec, w_kl) (TrainConfig.weights: β is
    w_kl); `neg_elbo` = recon + KL always (the true bound). `reduction="mean"` divides the
    reconstruction term by the number of pixels (the KL stays summed): the mistake of the
    tutorials that collapses the posterior. `free_bits` > 0 charges each latent dimension's KL,
    averaged over the batch, no less than that many nats (Kingma et al. 2016, the "free bits"
    objective): below it, the dimension's KL costs nothing and gets no gradient.
    """
    w_rec, w_kl = weights
    recon = reconstruction_nll(logits, x)
    kl_dims = 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar)
    kl = kl_dims.sum(1)
    fit = recon / recon.new_tensor(x[0].numel()) if reduction == "mean" else recon
    charged = kl_dims.mean(0).clamp(min=free_bits).sum() if free_bits > 0 else kl.mean()
    return {
        "loss": w_rec * fit.mean() + w_kl * charged,
        "recon": recon.mean(),
        "kl": kl.mean(),
        "neg_elbo": (recon + kl).mean(),
    }


def ae_loss(logits, x) -> dict:
    recon = reconstruction_nll(logits, x).mean()
    return {"loss": recon, "recon": recon}


def classifier_loss(logits, y) -> dict:
    loss = F.cross_entropy(logits, y)
    acc = (logits.argmax(1) == y).float().mean()
    return {"loss": loss, "accuracy": acc}


def log_normal(z: torch.Tensor, mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """log N(z; mu, diag(exp(logvar))), summed over the last dimension."""
    return -0.5 * torch.sum(
        math.log(2 * math.pi) + logvar + (z - mu).pow(2) * torch.exp(-logvar), dim=-1
    )
