"""The VAE, the plain autoencoder (same encoder and decoder) and the judge classifier."""

from __future__ import annotations

import torch
from torch import nn

from .config import IMAGE_SHAPE, NUM_CLASSES, NUM_PIXELS, AutoencoderConfig, ClassifierConfig


def mlp(sizes: list[int]) -> nn.Sequential:
    """Linear layers with ReLU between them (none after the last)."""
    layers: list[nn.Module] = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(n_in, n_out))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


class _Autoencoder(nn.Module):
    """Encoder 784 -> hidden -> bottleneck, decoder latent -> reversed hidden -> 784 logits."""

    def __init__(self, config: AutoencoderConfig, bottleneck: int):
        super().__init__()
        self.config = config
        self.latent_dim = config.latent_dim
        self.encoder = mlp([NUM_PIXELS, *config.hidden, bottleneck])
        self.decoder = mlp([config.latent_dim, *reversed(config.hidden), NUM_PIXELS])

    def decode_logits(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(z).view(-1, *IMAGE_SHAPE)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Pixel probabilities (Bernoulli means) of shape (N, 1, 28, 28)."""
        return torch.sigmoid(self.decode_logits(z))


class VAE(_Autoencoder):
    """Kingma & Welling (2014): q(z|x) = N(mu, diag(exp(logvar))), p(z) = N(0, I)."""

    kind = "vae"

    def __init__(self, config: AutoencoderConfig):
        super().__init__(config, bottleneck=2 * config.latent_dim)

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.encoder(x.reshape(-1, NUM_PIXELS))
        mu, logvar = h.chunk(2, dim=1)
        return mu, logvar

    @staticmethod
    def reparameterize(mu, logvar, eps: torch.Tensor | None = None) -> torch.Tensor:
        """z = mu + sigma * eps: the randomness lives in eps, so gradients reach mu and sigma."""
        if eps is None:
            eps = torch.randn_like(mu)
        return mu + torch.exp(0.5 * logvar) * eps

    def forward(self, x: torch.Tensor):
        """Returns (decoder logits, mu, logvar); z is sampled in training and eval alike."""
        mu, logvar = self.encode(x)
        z = self.reparameterize(mu, logvar)
        return self.decode_logits(z), mu, logvar


class AE(_Autoencoder):
    """The deterministic twin: one point per image, no KL, nothing pulls the codes together."""

    kind = "ae"

    def __init__(self, config: AutoencoderConfig):
        super().__init__(config, bottleneck=config.latent_dim)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        return self.encoder(x.reshape(-1, NUM_PIXELS))

    def forward(self, x: torch.Tensor):
        """Returns (decoder logits, z)."""
        z = self.encode(x)
        return self.decode_logits(z), z


class Classifier(nn.Module):
    """The judge: conv-ReLU-pool blocks, one hidden dense layer, logits over 10 classes."""

    kind = "classifier"
    latent_dim = 0

    def __init__(self, config: ClassifierConfig):
        super().__init__()
        self.config = config
        layers: list[nn.Module] = []
        c_in, side = IMAGE_SHAPE[0], IMAGE_SHAPE[1]
        for c_out in config.channels:
            layers += [nn.Conv2d(c_in, c_out, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
            c_in, side = c_out, side // 2
        self.features = nn.Sequential(*layers)
        self.head = nn.Sequential(
            nn.Flatten(),
            nn.Linear(c_in * side * side, config.fc),
            nn.ReLU(),
            nn.Dropout(config.dropout),
            nn.Linear(config.fc, NUM_CLASSES),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x.reshape(-1, *IMAGE_SHAPE)))


def build_model(config) -> nn.Module:
    if isinstance(config, ClassifierConfig):
        return Classifier(config)
    return {"vae": VAE, "ae": AE}[config.kind](config)
