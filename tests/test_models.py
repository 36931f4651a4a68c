"""Models: shapes, eval-mode determinism, the reparameterization trick's gradients."""

import pytest
import torch
from conftest import small_model

from vae_core.config import AutoencoderConfig, ClassifierConfig
from vae_core.models import VAE


@pytest.mark.parametrize("latent_dim", [2, 16])
def test_vae_shapes(latent_dim):
    model = small_model("vae", latent_dim)
    x = torch.rand(5, 1, 28, 28)
    mu, logvar = model.encode(x)
    assert mu.shape == logvar.shape == (5, latent_dim)
    out = model.decode(mu)
    assert out.shape == (5, 1, 28, 28)
    assert out.min() >= 0 and out.max() <= 1


def test_ae_shapes_and_determinism():
    model = small_model("ae", 2)
    x = torch.rand(4, 1, 28, 28)
    z = model.encode(x)
    assert z.shape == (4, 2)
    assert torch.equal(model.decode(z), model.decode(z))
    assert torch.equal(model(x)[0], model(x)[0])


def test_vae_encode_decode_deterministic_in_eval():
    model = small_model("vae")
    x = torch.rand(3, 1, 28, 28)
    assert torch.equal(model.encode(x)[0], model.encode(x)[0])
    z = torch.randn(3, 2)
    assert torch.equal(model.decode(z), model.decode(z))


def test_reparameterize_moves_randomness_into_eps():
    mu = torch.tensor([[1.0, -2.0]], requires_grad=True)
    logvar = torch.tensor([[0.0, 2 * torch.log(torch.tensor(3.0)).item()]], requires_grad=True)
    eps = torch.tensor([[0.5, -1.0]])
    z = VAE.reparameterize(mu, logvar, eps)
    assert torch.allclose(z, torch.tensor([[1.5, -5.0]]))
    z.sum().backward()
    assert torch.allclose(mu.grad, torch.ones(1, 2))
    # dz/dlogvar = 0.5 * sigma * eps
    assert torch.allclose(logvar.grad, torch.tensor([[0.25, -1.5]]))


def test_classifier_logits_shape():
    model = small_model("classifier")
    assert model(torch.rand(6, 1, 28, 28)).shape == (6, 10)


def test_ae_and_vae_share_architecture():
    cfg = AutoencoderConfig(kind="vae", latent_dim=2, hidden=(32, 16))
    vae = VAE(cfg)
    ae = small_model("ae", 2)
    assert [p.shape for p in vae.decoder.parameters()] == [p.shape for p in ae.decoder.parameters()]


@pytest.mark.parametrize("bad", [dict(kind="gan"), dict(latent_dim=0), dict(hidden=())])
def test_bad_configs_raise(bad):
    with pytest.raises(ValueError):
        AutoencoderConfig(**bad)
    with pytest.raises(ValueError):
        ClassifierConfig(kind="vae")
