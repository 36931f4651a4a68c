"""Shared fixtures: a data root holding the real MNIST files, small models, a temp folder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import torch

from vae_core.config import AutoencoderConfig, ClassifierConfig
from vae_core.models import build_model

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


def _has_raw(root: Path) -> bool:
    return (root / "MNIST" / "raw" / "t10k-images-idx3-ubyte.gz").is_file()


@pytest.fixture(scope="session")
def data_root(tmp_path_factory) -> Path:
    """$LATENT_LAB_DATA or ./data if they hold MNIST, else a copy of ../shared/data, else ./data."""
    for candidate in (os.environ.get("LATENT_LAB_DATA"), REPO / "data"):
        if candidate and _has_raw(Path(candidate)):
            return Path(candidate)
    if not _has_raw(SHARED_DATA):
        return REPO / "data"  # torchvision downloads it there on first use
    root = tmp_path_factory.mktemp("data")
    for name in ("MNIST", "FashionMNIST"):
        shutil.copytree(SHARED_DATA / name / "raw", root / name / "raw")
    return root


@pytest.fixture(scope="session")
def mnist_test(data_root):
    from vae_core.data import load_split

    return load_split("mnist", train=False, root=data_root)


def small_model(kind: str, latent_dim: int = 2, seed: int = 0, arch: str = "mlp"):
    torch.manual_seed(seed)
    if kind == "classifier":
        return build_model(ClassifierConfig(channels=(4, 8), fc=16)).eval()
    return build_model(AutoencoderConfig(kind=kind, latent_dim=latent_dim, hidden=(32, 16),
                                         arch=arch, channels=(4, 8))).eval()
