"""MNIST and Fashion-MNIST as in-memory tensors, through torchvision, with clear offline errors."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import torch

from .config import DATASETS

DATA_ENV = "LATENT_LAB_DATA"  # overrides the default data root
DEFAULT_ROOT = "data"

MNIST_CLASSES = tuple(str(d) for d in range(10))
FASHION_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)


class DataUnavailableError(RuntimeError):
    """The data set is neither on disk nor downloadable (offline, or a corrupt download)."""


def class_names(dataset: str) -> tuple[str, ...]:
    check_dataset(dataset)
    return MNIST_CLASSES if dataset == "mnist" else FASHION_CLASSES


def check_dataset(dataset: str) -> None:
    if dataset not in DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}; supported: {', '.join(DATASETS)}")


def data_root(root: str | os.PathLike | None = None) -> Path:
    """The explicit root, else $LATENT_LAB_DATA, else ./data."""
    return Path(root or os.environ.get(DATA_ENV) or DEFAULT_ROOT)


def _torchvision_class(dataset: str):
    from torchvision import datasets  # imported here: the app's atlas views never need it

    return datasets.MNIST if dataset == "mnist" else datasets.FashionMNIST


def _raw_folder(dataset: str, root: Path) -> Path:
    return root / ("MNIST" if dataset == "mnist" else "FashionMNIST") / "raw"


def is_available(dataset: str, root=None) -> bool:
    """True when the unpacked files are on disk (no download, no md5 pass needed)."""
    cls = _torchvision_class(dataset)
    raw = _raw_folder(dataset, data_root(root))
    return all((raw / Path(url).stem).is_file() for url, _ in cls.resources)


def on_disk(dataset: str, root=None) -> bool:
    """True when the data set can be loaded without the network: unpacked, or its .gz files."""
    if is_available(dataset, root):
        return True
    raw = _raw_folder(dataset, data_root(root))
    return all((raw / Path(url).name).is_file() for url, _ in _torchvision_class(dataset).resources)


def load_split(
    dataset: str, train: bool, root=None, download: bool = True
) -> tuple[torch.Tensor, torch.Tensor]:
    """Images as float32 in [0, 1] of shape (N, 1, 28, 28), and int64 labels.

    torchvision checks the md5 of every .gz it finds and downloads what is missing; both
    failures (no network, corrupt file) become a DataUnavailableError that says what to do.
    """
    check_dataset(dataset)
    root = data_root(root)
    cls = _torchvision_class(dataset)
    try:
        ds = cls(str(root), train=train, download=download and not is_available(dataset, root))
    except Exception as e:  # URLError, RuntimeError("File not found or corrupted."), ...
        raise DataUnavailableError(
            f"{dataset} is not available under {_raw_folder(dataset, root)} ({e}). "
            f"Connect to the internet so torchvision can download it, or copy the four official "
            f".gz files there (e.g. from ../shared/data), or point --data-root / ${DATA_ENV} at a "
            f"folder that holds them."
        ) from e
    x = ds.data.unsqueeze(1).float().div_(255.0)
    return x, ds.targets.long()


def subset(x: torch.Tensor, y: torch.Tensor, n: int | None, seed: int = 0):
    """A seeded random subset of n items (all of them when n is None)."""
    if n is None or n >= len(x):
        return x, y
    idx = torch.from_numpy(np.random.default_rng(seed).permutation(len(x))[:n])
    return x[idx], y[idx]
