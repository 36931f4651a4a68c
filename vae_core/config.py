"""Frozen configs: one per model family, saved inside every checkpoint to rebuild the model."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

IMAGE_SHAPE = (1, 28, 28)  # MNIST and Fashion-MNIST: one grey channel, 28x28 pixels
NUM_PIXELS = IMAGE_SHAPE[0] * IMAGE_SHAPE[1] * IMAGE_SHAPE[2]
NUM_CLASSES = 10
DATASETS = ("mnist", "fashion-mnist")
# What a VAE is trained to minimise: the full ELBO (reconstruction + β·KL), reconstruction only
# (the KL weighed 0), or the KL only (reconstruction weighed 0).
OBJECTIVES = ("elbo", "recon", "kl")


@dataclass(frozen=True)
class AutoencoderConfig:
    """Shared by the VAE and the plain autoencoder, so they differ only in the bottleneck."""

    kind: str = "vae"  # a family with a latent space: "vae", "ae", "cvae" (vae_core.families)
    latent_dim: int = 2  # size of z; 2 is the one that can be drawn as a map
    hidden: tuple[int, ...] = (1024, 512, 256)  # dense widths (after the convs); decoder mirrors
    arch: str = "mlp"  # "mlp": dense layers only; "conv": stride-2 convs first, mirrored back
    channels: tuple[int, ...] = (32, 64)  # "conv": widths of the stride-2 4x4 convs (28->14->7)

    def __post_init__(self):
        if self.arch not in ("mlp", "conv"):
            raise ValueError(f"arch must be 'mlp' or 'conv', got {self.arch!r}")
        if self.latent_dim < 1 or not self.hidden or min(self.hidden) < 1:
            raise ValueError(f"bad sizes: latent_dim={self.latent_dim}, hidden={self.hidden}")
        if self.arch == "conv" and (len(self.channels) != 2 or min(self.channels) < 1):
            raise ValueError(f"conv needs two channel widths (28->14->7), got {self.channels}")
        object.__setattr__(self, "hidden", tuple(int(h) for h in self.hidden))
        object.__setattr__(self, "channels", tuple(int(c) for c in self.channels))


@dataclass(frozen=True)
class ClassifierConfig:
    """The judge: a small CNN that says which class (if any) an image looks like."""

    kind: str = "classifier"
    channels: tuple[int, ...] = (32, 64)  # conv widths; each conv is followed by a 2x2 max-pool
    fc: int = 128  # width of the hidden fully connected layer
    dropout: float = 0.25  # before the last layer, training only

    def __post_init__(self):
        object.__setattr__(self, "channels", tuple(int(c) for c in self.channels))

    @property
    def latent_dim(self) -> int:
        return 0


@dataclass(frozen=True)
class TrainConfig:
    """How a model is trained; stored in the checkpoint so a run can be repeated."""

    epochs: int = 60  # passes over the 60,000 training images
    batch_size: int = 128
    lr: float = 1e-3  # Adam's peak learning rate
    lr_min: float = 1e-5  # cosine schedule ends here
    beta: float = 1.0  # weight of the KL term (beta-VAE); ignored by the AE and classifier
    loss: str = "elbo"  # one of OBJECTIVES: "elbo" (recon + beta*KL), "recon", "kl"
    seed: int = 0
    threads: int = 0  # torch threads; 0 keeps torch's default
    noise: str = "none"  # "mixed": a denoiser, fed corrupted images and scored on the clean ones
    noise_max: float = 0.5  # "mixed": each image's strength is uniform in [0, noise_max]
    # VAE bookkeeping (vae_core.bookkeeping): "mean" averages the reconstruction over the pixels
    # and sums the KL, as the buggy tutorials do (the summed loss at β = 784)
    recon_reduction: str = "sum"
    warmup: float = 0.0  # epochs over which the KL weight climbs linearly from 0 to β (annealing)
    free_bits: float = 0.0  # nats per latent dimension the KL term does not charge (Kingma et al. 2016)
    binarize: bool = False  # train on a fresh Bernoulli draw of every image, each time it is seen
    shift: int = 0  # move every training image by up to this many pixels each way, afresh each time
    weight_decay: float = 0.0  # > 0: AdamW's decoupled decay of the weights, a regulariser

    def __post_init__(self):
        if self.recon_reduction not in ("sum", "mean"):
            raise ValueError(f"recon_reduction must be 'sum' or 'mean', got {self.recon_reduction!r}")
        if self.shift < 0 or self.weight_decay < 0:
            raise ValueError(f"shift and weight_decay must be >= 0, got {self.shift}, {self.weight_decay}")
        if self.warmup < 0 or self.free_bits < 0:
            raise ValueError(f"warmup and free_bits must be >= 0, got {self.warmup}, {self.free_bits}")
        if self.loss not in OBJECTIVES:
            raise ValueError(f"loss must be one of {OBJECTIVES}, got {self.loss!r}")
        if self.noise not in ("none", "mixed"):
            raise ValueError(f"noise must be 'none' or 'mixed', got {self.noise!r}")
        if not 0.0 <= self.noise_max <= 1.0:
            raise ValueError(f"noise_max must be in [0, 1], got {self.noise_max}")

    def weights(self) -> tuple[float, float]:
        """(weight of the reconstruction term, weight of the KL term) in the VAE's loss."""
        return (0.0 if self.loss == "kl" else 1.0), (0.0 if self.loss == "recon" else self.beta)

    def kl_weight(self) -> float:
        """The KL term's weight relative to reconstruction, for ordering objectives: 0 for
        reconstruction only, β for the ELBO, infinite for the KL only."""
        rec, kl = self.weights()
        return kl / rec if rec else float("inf")

    def objective(self) -> str:
        """The objective for people: "reconstruction only", "KL only", "β = 0.5"."""
        return {"recon": "reconstruction only", "kl": "KL only"}.get(self.loss, f"β = {self.beta:g}")

    @classmethod
    def of(cls, record: dict | None) -> TrainConfig:
        """The config a checkpoint's "train" record holds (its other keys, such as the number
        of images or the seconds taken, are dropped; a missing record gives the defaults)."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in (record or {}).items() if k in names})


ModelConfig = AutoencoderConfig | ClassifierConfig


def config_to_json(cfg) -> str:
    return json.dumps(dataclasses.asdict(cfg), sort_keys=True)
