"""Shared fixtures: a data root holding the real MNIST files, and the MNIST test split."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from helpers import REPO, SHARED_DATA


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
