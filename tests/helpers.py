"""Helpers shared by the tests: the repository's paths and small seeded models."""

from __future__ import annotations

from pathlib import Path

import torch

from vae_core.config import AutoencoderConfig, ClassifierConfig
from vae_core.families import build_model

REPO = Path(__file__).resolve().parents[1]
CHECKPOINTS = REPO / "checkpoints"
SHARED_DATA = REPO.parent / "shared" / "data"


def small_model(kind: str, latent_dim: int = 2, seed: int = 0, arch: str = "mlp"):
    torch.manual_seed(seed)
    if kind == "classifier":
        return build_model(ClassifierConfig(channels=(4, 8), fc=16)).eval()
    return build_model(AutoencoderConfig(kind=kind, latent_dim=latent_dim, hidden=(32, 16),
                                         arch=arch, channels=(4, 8))).eval()
