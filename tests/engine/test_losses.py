"""Losses: known values of the KL and the Bernoulli term, the training modes."""

import math

import pytest
import torch

from vae_core.config import TrainConfig
from vae_core.losses import (
    ae_loss,
    classifier_loss,
    kl_to_standard_normal,
    log_normal,
    reconstruction_nll,
    vae_loss,
)


def test_kl_is_zero_at_the_prior():
    assert torch.allclose(kl_to_standard_normal(torch.zeros(4, 3), torch.zeros(4, 3)), torch.zeros(4))


def test_kl_known_values():
    # KL(N(1, 1) || N(0, 1)) = 1/2 per dimension; KL(N(0, e) || N(0, 1)) = (e - 1 - 1) / 2
    assert kl_to_standard_normal(torch.ones(1, 2), torch.zeros(1, 2)).item() == pytest.approx(1.0)
    assert kl_to_standard_normal(torch.zeros(1, 1), torch.ones(1, 1)).item() == pytest.approx(
        (math.e - 2) / 2
    )


def test_kl_matches_torch_distributions():
    mu, logvar = torch.randn(8, 5), torch.randn(8, 5)
    q = torch.distributions.Normal(mu, torch.exp(0.5 * logvar))
    p = torch.distributions.Normal(0.0, 1.0)
    expected = torch.distributions.kl_divergence(q, p).sum(1)
    assert torch.allclose(kl_to_standard_normal(mu, logvar), expected, atol=1e-5)


def test_bce_at_logit_zero_is_784_log2():
    x = torch.rand(2, 1, 28, 28)
    nll = reconstruction_nll(torch.zeros(2, 1, 28, 28), x)
    assert torch.allclose(nll, torch.full((2,), 784 * math.log(2)))


def test_objectives_weight_the_terms():
    logits, x = torch.randn(4, 1, 28, 28), torch.rand(4, 1, 28, 28)
    mu, logvar = torch.randn(4, 2), torch.randn(4, 2)

    def loss(**train):
        return vae_loss(logits, x, mu, logvar, TrainConfig(**train).weights())

    full = loss()
    assert full["loss"].item() == pytest.approx(full["recon"].item() + full["kl"].item(), rel=1e-6)
    beta4 = loss(beta=4.0)
    assert beta4["loss"].item() == pytest.approx(full["recon"].item() + 4 * full["kl"].item(), rel=1e-6)
    assert loss(loss="recon")["loss"].item() == pytest.approx(full["recon"].item())
    assert loss(loss="kl")["loss"].item() == pytest.approx(full["kl"].item())
    assert beta4["neg_elbo"].item() == pytest.approx(full["neg_elbo"].item())
    with pytest.raises(ValueError):
        TrainConfig(loss="nope")


def test_an_objective_orders_and_names_itself():
    objectives = [TrainConfig(loss="kl"), TrainConfig(beta=4.0), TrainConfig(loss="recon", beta=3.0),
                  TrainConfig(beta=0.5)]
    ordered = sorted(objectives, key=TrainConfig.kl_weight)
    assert [t.objective() for t in ordered] == ["reconstruction only", "β = 0.5", "β = 4", "KL only"]
    assert TrainConfig.of({"loss": "kl", "beta": 1.0, "n_images": 60_000, "seconds": 3.0}) == \
        TrainConfig(loss="kl")
    assert TrainConfig.of(None) == TrainConfig()


def test_ae_and_classifier_losses():
    x = torch.rand(3, 1, 28, 28)
    assert ae_loss(torch.zeros(3, 1, 28, 28), x)["loss"].item() == pytest.approx(784 * math.log(2))
    logits = torch.tensor([[5.0, 0.0], [0.0, 5.0]])
    out = classifier_loss(logits, torch.tensor([0, 0]))
    assert out["accuracy"].item() == 0.5


def test_log_normal_matches_torch():
    z, mu, logvar = torch.randn(6, 3), torch.randn(6, 3), torch.randn(6, 3)
    dist = torch.distributions.Normal(mu, torch.exp(0.5 * logvar))
    assert torch.allclose(log_normal(z, mu, logvar), dist.log_prob(z).sum(-1), atol=1e-5)


def test_a_mean_over_pixels_loss_is_the_summed_loss_at_beta_784():
    logits, x = torch.randn(4, 1, 28, 28), torch.rand(4, 1, 28, 28)
    mu, logvar = torch.randn(4, 3), torch.randn(4, 3)
    mean = vae_loss(logits, x, mu, logvar, reduction="mean")
    summed = vae_loss(logits, x, mu, logvar, (1.0, 784.0))
    assert 784 * mean["loss"].item() == pytest.approx(summed["loss"].item(), rel=1e-6)
    assert mean["neg_elbo"].item() == pytest.approx(summed["neg_elbo"].item())  # the bound is kept


def test_free_bits_charge_each_dimension_at_least_its_allowance_and_free_the_rest():
    x, logits = torch.rand(2, 1, 28, 28), torch.zeros(2, 1, 28, 28)
    mu = torch.tensor([[2.0, 0.1], [2.0, -0.1]], requires_grad=True)  # KL per dim: 2.0 and 0.005
    logvar = torch.zeros(2, 2)
    parts = vae_loss(logits, x, mu, logvar, free_bits=0.5)
    recon = reconstruction_nll(logits, x).mean().item()
    assert parts["loss"].item() == pytest.approx(recon + 2.0 + 0.5, rel=1e-6)  # 0.005 is charged 0.5
    assert parts["kl"].item() == pytest.approx(2.005, rel=1e-6)  # the reported KL is the true one
    parts["loss"].backward()
    assert mu.grad[:, 1].abs().max().item() == 0.0  # a dimension under its allowance: no pull
    assert mu.grad[:, 0].abs().min().item() > 0.0
