"""Models: shapes, eval-mode determinism, the reparameterization trick's gradients."""

import pytest
import torch
from helpers import small_model

from vae_core.config import AutoencoderConfig, ClassifierConfig
from vae_core.families import build_model
from vae_core.models import VAE


@pytest.mark.parametrize("arch", ["mlp", "conv"])
@pytest.mark.parametrize("latent_dim", [2, 16])
def test_vae_shapes(latent_dim, arch):
    model = small_model("vae", latent_dim, arch=arch)
    x = torch.rand(5, 1, 28, 28)
    mu, logvar = model.encode(x)
    assert mu.shape == logvar.shape == (5, latent_dim)
    out = model.decode(mu)
    assert out.shape == (5, 1, 28, 28)
    assert out.min() >= 0 and out.max() <= 1


@pytest.mark.parametrize("arch", ["mlp", "conv"])
def test_ae_shapes_and_determinism(arch):
    model = small_model("ae", 2, arch=arch)
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


@pytest.mark.parametrize("arch", ["mlp", "conv"])
def test_ae_and_vae_share_architecture(arch):
    cfg = AutoencoderConfig(kind="vae", latent_dim=2, hidden=(32, 16), arch=arch, channels=(4, 8))
    vae = VAE(cfg)
    ae = small_model("ae", 2, arch=arch)
    assert [p.shape for p in vae.decoder.parameters()] == [p.shape for p in ae.decoder.parameters()]
    # the encoders differ only in the last layer: 2 * latent_dim outputs (mu, logvar) against z
    shapes = [p.shape for p in vae.encoder.parameters()]
    assert shapes[:-2] == [p.shape for p in ae.encoder.parameters()][:-2]
    assert shapes[-1] == (4,) and list(ae.encoder.parameters())[-1].shape == (2,)


def test_conv_layers_see_the_image_as_an_image():
    """The conv model's first layer is a 2-D convolution over the 28x28 picture: shifting a
    stroke by two pixels shifts its early feature map by one (stride 2), which no dense layer does."""
    model = small_model("vae", arch="conv")
    x = torch.zeros(1, 1, 28, 28)
    x[0, 0, 10:14, 8:12] = 1.0
    shifted = torch.roll(x, shifts=2, dims=3)
    first = model.encoder[:2]
    a, b = first(x), first(shifted)
    assert a.shape == (1, 4, 14, 14)
    assert torch.allclose(torch.roll(a, shifts=1, dims=3), b, atol=1e-6)


@pytest.mark.parametrize("bad", [dict(kind="gan"), dict(latent_dim=0), dict(hidden=()),
                                 dict(arch="rnn"), dict(arch="conv", channels=(8, 16, 32))])
def test_bad_configs_raise(bad):
    with pytest.raises(ValueError):  # when it is made, or built (the kind: by its family)
        build_model(AutoencoderConfig(**bad))
    with pytest.raises(ValueError):
        build_model(ClassifierConfig(kind="vae"))
