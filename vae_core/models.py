"""The VAE, the plain autoencoder (same encoder and decoder), the conditional VAE, the VAE with an
autoregressive decoder, and the judge classifier. Each model owns its loss: `model.loss(x, y,
...)` returns the training objective and its parts (nanoGPT's model returns its loss the same
way), so the training loop knows no kind. vae_core.families registers each class as a family."""

from __future__ import annotations

import torch
from torch import nn

from .config import IMAGE_SHAPE, NUM_CLASSES, NUM_PIXELS, AutoencoderConfig, ClassifierConfig
from .losses import ae_loss, classifier_loss, vae_loss


def mlp(sizes: list[int]) -> nn.Sequential:
    """Linear layers with ReLU between them (none after the last)."""
    layers: list[nn.Module] = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(n_in, n_out))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def conv_stacks(config: AutoencoderConfig, bottleneck: int) -> tuple[nn.Sequential, nn.Sequential]:
    """Encoder: two 4x4 stride-2 convs (28 -> 14 -> 7), then dense layers to the bottleneck.
    Decoder: the mirror image, dense layers up to c2x7x7, two transposed convs back to 28x28."""
    c1, c2 = config.channels
    flat = c2 * 7 * 7
    encoder = nn.Sequential(
        nn.Conv2d(IMAGE_SHAPE[0], c1, 4, 2, 1), nn.ReLU(), nn.Conv2d(c1, c2, 4, 2, 1), nn.ReLU(),
        nn.Flatten(), *mlp([flat, *config.hidden, bottleneck]))
    decoder = nn.Sequential(
        *mlp([config.latent_dim, *reversed(config.hidden), flat]), nn.ReLU(),
        nn.Unflatten(1, (c2, 7, 7)),
        nn.ConvTranspose2d(c2, c1, 4, 2, 1), nn.ReLU(), nn.ConvTranspose2d(c1, IMAGE_SHAPE[0], 4, 2, 1))
    return encoder, decoder


class _Autoencoder(nn.Module):
    """Encoder image -> bottleneck, decoder latent -> 784 logits; dense ("mlp": 784 -> hidden ->
    bottleneck and back) or convolutional ("conv", see conv_stacks). `condition` extra inputs
    (a one-hot label) join the first dense layer of each side."""

    def __init__(self, config: AutoencoderConfig, bottleneck: int, condition: int = 0):
        super().__init__()
        self.config = config
        self.latent_dim = config.latent_dim
        if config.arch == "conv":
            if condition:
                raise ValueError("a conditional model here is dense (arch 'mlp')")
            self.encoder, self.decoder = conv_stacks(config, bottleneck)
        else:
            self.encoder = mlp([NUM_PIXELS + condition, *config.hidden, bottleneck])
            self.decoder = mlp([config.latent_dim + condition, *reversed(config.hidden), NUM_PIXELS])

    def _encoder_input(self, x: torch.Tensor) -> torch.Tensor:
        if self.config.arch == "conv":
            return x.reshape(-1, *IMAGE_SHAPE)
        return x.reshape(-1, NUM_PIXELS)

    def decode_logits(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(z).view(-1, *IMAGE_SHAPE)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Pixel probabilities (Bernoulli means) of shape (N, 1, 28, 28)."""
        return torch.sigmoid(self.decode_logits(z))


class VAE(_Autoencoder):
    """Kingma & Welling (2014): q(z|x) = N(mu, diag(exp(logvar))), p(z) = N(0, I)."""

    kind = "vae"

    def __init__(self, config: AutoencoderConfig, condition: int = 0):
        super().__init__(config, bottleneck=2 * config.latent_dim, condition=condition)

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.encoder(self._encoder_input(x))
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

    def loss(self, x, y=None, target=None, weights=(1.0, 1.0), reduction="sum", free_bits=0.0) -> dict:
        """The (β-weighted) negative ELBO of the batch x, scored against `target` (x itself
        unless a denoiser sees a corrupted x); see losses.vae_loss. y is not used."""
        logits, mu, logvar = self(x)
        return vae_loss(logits, x if target is None else target, mu, logvar, weights, reduction, free_bits)


class AE(_Autoencoder):
    """The deterministic twin: one point per image, no KL, nothing pulls the codes together."""

    kind = "ae"

    def __init__(self, config: AutoencoderConfig):
        super().__init__(config, bottleneck=config.latent_dim)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        return self.encoder(self._encoder_input(x))

    def forward(self, x: torch.Tensor):
        """Returns (decoder logits, z)."""
        z = self.encode(x)
        return self.decode_logits(z), z

    def loss(self, x, y=None, target=None, **_) -> dict:
        """The reconstruction's negative log-likelihood (nothing else to weigh)."""
        return ae_loss(self(x)[0], x if target is None else target)


def one_hot(y: torch.Tensor, dtype=torch.float32) -> torch.Tensor:
    """Class indices (N,) as one-hot rows (N, 10)."""
    return torch.nn.functional.one_hot(torch.as_tensor(y).long(), NUM_CLASSES).to(dtype)


class CVAE(VAE):
    """A conditional VAE (Sohn et al. 2015; Kingma et al. 2014's M2 with the label given): the
    encoder sees the image and its one-hot label, q(z|x, y); the decoder sees z and the label,
    p(x|z, y); the prior stays N(0, I). The label carries the class, so z is left the style.
    Dense layers only (the label joins the first layer of each side)."""

    kind = "cvae"

    def __init__(self, config: AutoencoderConfig):
        super().__init__(config, condition=NUM_CLASSES)

    def encode(self, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.encoder(torch.cat([self._encoder_input(x), one_hot(y, x.dtype)], 1))
        mu, logvar = h.chunk(2, dim=1)
        return mu, logvar

    def decode_logits(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return self.decoder(torch.cat([z, one_hot(y, z.dtype)], 1)).view(-1, *IMAGE_SHAPE)

    def decode(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Pixel probabilities of shape (N, 1, 28, 28), the digits of classes y drawn from z."""
        return torch.sigmoid(self.decode_logits(z, y))

    def forward(self, x: torch.Tensor, y: torch.Tensor):
        mu, logvar = self.encode(x, y)
        return self.decode_logits(self.reparameterize(mu, logvar), y), mu, logvar

    def loss(self, x, y=None, target=None, weights=(1.0, 1.0), reduction="sum", free_bits=0.0) -> dict:
        """The negative ELBO given the label: −E_q[log p(x|z, y)] + KL(q(z|x, y) || N(0, I))."""
        logits, mu, logvar = self(x, y)
        return vae_loss(logits, x if target is None else target, mu, logvar, weights, reduction, free_bits)


def made_degrees(widths, pixels: int = NUM_PIXELS) -> list[torch.Tensor]:
    """MADE's degrees (Germain et al. 2015), fixed and spread evenly rather than drawn: pixel i
    (raster order) has degree i + 1; a hidden unit of degree k sees pixels 1 … k (through the
    layers before it), and pixel i's output sees only units of degree < i + 1."""
    return [torch.arange(1, pixels + 1)] + [torch.arange(w) * (pixels - 1) // w + 1 for w in widths]


class MADE(nn.Module):
    """p(x_i | x_<i, z) for the 784 pixels in raster order: a masked MLP over the pixels (so
    pixel i's logit never sees pixel i or any after it), with z joining every layer unmasked,
    and MADE's direct connections (each pixel's logit a linear function of the pixels before
    it, as in a fully visible sigmoid belief net). A decoder that sees the pixels above and to
    the left of each pixel needs little from z. The masks follow from the widths: they are
    rebuilt on first use, not stored."""

    def __init__(self, latent_dim: int, widths):
        super().__init__()
        self.widths = tuple(widths)
        sizes = (NUM_PIXELS, *self.widths)
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.from_z = nn.ModuleList(nn.Linear(latent_dim, w, bias=False) for w in self.widths)
        self.out = nn.Linear(sizes[-1], NUM_PIXELS)
        self.out_z = nn.Linear(latent_dim, NUM_PIXELS, bias=False)
        self.direct = nn.Linear(NUM_PIXELS, NUM_PIXELS)  # pixel j < i -> logit i
        self._masks: list[torch.Tensor] | None = None

    def masks(self) -> list[torch.Tensor]:
        """(out, in) boolean masks: each hidden layer's, the output's, the direct connections'."""
        device = self.out.weight.device
        if self._masks is None or self._masks[0].device != device:
            with torch.inference_mode(False):  # usable with autograd, whoever asks first
                deg = made_degrees(self.widths)
                masks = [cur[:, None] >= prev[None, :] for prev, cur in zip(deg[:-1], deg[1:])]
                masks += [deg[0][:, None] > deg[-1][None, :], deg[0][:, None] > deg[0][None, :]]
                self._masks = [m.to(device) for m in masks]  # bool: a byte an entry
        return self._masks

    def forward(self, x_flat: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        """The logits of every pixel given the ones before it (teacher forcing): (N, 784)."""
        masks, linear = self.masks(), nn.functional.linear
        h = x_flat
        for layer, zin, mask in zip(self.layers, self.from_z, masks):
            h = torch.relu(linear(h, layer.weight * mask, layer.bias) + zin(z))
        return (linear(h, self.out.weight * masks[-2], self.out.bias) + self.out_z(z)
                + linear(x_flat, self.direct.weight * masks[-1], self.direct.bias))

    @torch.inference_mode()
    def sample(self, z: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """One picture per row of z, drawn a pixel at a time (each pixel 0 or 1 from its
        Bernoulli given the pixels drawn before it); returns each pixel's probability at its
        turn (N, 784), the picture one sees. The first layer and the direct connections are
        updated a pixel at a time."""
        masks = self.masks()
        first_w = self.layers[0].weight * masks[0]
        first = self.layers[0].bias + self.from_z[0](z)  # pre-activations, no pixel seen yet
        rest = [(layer.weight * mask, layer.bias, zin(z))
                for layer, zin, mask in zip(self.layers[1:], self.from_z[1:], masks[1:])]
        out_w, out_b, out_z = self.out.weight * masks[-2], self.out.bias, self.out_z(z)
        direct_w = self.direct.weight * masks[-1]
        direct = self.direct.bias.expand(len(z), -1).clone()  # the direct part of every logit
        probs = torch.zeros(len(z), NUM_PIXELS)
        for i in range(NUM_PIXELS):
            h = torch.relu(first)
            for w, b, zh in rest:
                h = torch.relu(nn.functional.linear(h, w, b) + zh)
            p = torch.sigmoid(h @ out_w[i] + out_b[i] + out_z[:, i] + direct[:, i])
            probs[:, i] = p
            x_i = torch.bernoulli(p, generator=generator)[:, None]
            first += x_i * first_w[:, i]
            direct += x_i * direct_w[:, i]
        return probs


class ARVAE(VAE):
    """A VAE whose decoder is autoregressive (MADE): p(x|z) = Π_i p(x_i | x_<i, z), the encoder
    and the widths those of the plain VAE. Strong enough to model the digits without z, it is
    the second road to posterior collapse (Bowman et al. 2016; Chen et al. 2017). Its
    likelihood needs the image (teacher forcing: `decode_logits(z, x)`); `decode(z)` draws a
    picture pixel by pixel, seeded, so the same z gives the same picture."""

    kind = "arvae"

    def __init__(self, config: AutoencoderConfig):
        if config.arch != "mlp":
            raise ValueError("the autoregressive decoder is dense (arch 'mlp')")
        super().__init__(config)
        self.decoder = MADE(config.latent_dim, tuple(reversed(config.hidden)))

    def decode_logits(self, z: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """Each pixel's logit given z and the pixels of x before it."""
        return self.decoder(x.reshape(-1, NUM_PIXELS), z).view(-1, *IMAGE_SHAPE)

    def decode(self, z: torch.Tensor, seed: int = 0) -> torch.Tensor:
        """Pictures drawn from p(x|z), (N, 1, 28, 28): each pixel's probability at its turn."""
        return self.decoder.sample(z, torch.Generator().manual_seed(seed)).view(-1, *IMAGE_SHAPE)

    def forward(self, x: torch.Tensor):
        mu, logvar = self.encode(x)
        return self.decode_logits(self.reparameterize(mu, logvar), x), mu, logvar


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

    def loss(self, x, y=None, **_) -> dict:
        return classifier_loss(self(x), y)

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        """The hidden layer's activations (N, fc): the judge's feature space, in which a
        Fréchet distance compares sets of images (Heusel et al. 2017 use Inception's)."""
        return self.head[:3](self.features(x.reshape(-1, *IMAGE_SHAPE)))
