"""MNIST and Fashion-MNIST as in-memory tensors, through torchvision, with clear offline errors."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import torch

from .config import DATASETS, NUM_CLASSES

DATA_ENV = "LATENT_LAB_DATA"  # overrides the default data root
DEFAULT_ROOT = "data"

MNIST_CLASSES = tuple(str(d) for d in range(NUM_CLASSES))
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


# The four official files of either data set (torchvision.datasets.MNIST/FashionMNIST.resources,
# checked in the tests): known here so that the app can look for them without importing
# torchvision, which costs ~160 MB of server memory.
RESOURCES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
             "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


def _raw_folder(dataset: str, root: Path) -> Path:
    return root / ("MNIST" if dataset == "mnist" else "FashionMNIST") / "raw"


def is_available(dataset: str, root=None) -> bool:
    """True when the unpacked files are on disk (no download, no md5 pass needed)."""
    check_dataset(dataset)
    raw = _raw_folder(dataset, data_root(root))
    return all((raw / Path(name).stem).is_file() for name in RESOURCES)


def on_disk(dataset: str, root=None) -> bool:
    """True when the data set can be loaded without the network: unpacked, or its .gz files."""
    if is_available(dataset, root):
        return True
    raw = _raw_folder(dataset, data_root(root))
    return all((raw / name).is_file() for name in RESOURCES)


def read_idx(path: Path, shape: tuple[int, ...]) -> np.ndarray:
    """An unpacked IDX file of unsigned bytes (the MNIST format) whose dimensions must be
    `shape`; anything else (wrong magic number, dimensions or length) raises
    DataUnavailableError naming the file."""
    data = Path(path).read_bytes()
    ndim = len(shape)
    head = 4 + 4 * ndim
    magic = int.from_bytes(data[:4], "big") if len(data) >= 4 else -1
    dims = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    if magic != 0x0800 + ndim or dims != shape or len(data) != head + int(np.prod(shape)):
        raise DataUnavailableError(
            f"{path} is not an IDX file of shape {shape} (magic {magic:#x}, dimensions {dims}, "
            f"{len(data)} bytes): delete it so that it is unpacked or downloaded again")
    return np.frombuffer(data, np.uint8, offset=head).reshape(shape)


def raw_images(dataset: str, train: bool, root=None) -> tuple[np.ndarray, np.ndarray]:
    """A split's images as uint8 (N, 28, 28) and their labels, read straight from the unpacked
    files (47 MB for MNIST's training split, not 188 MB of floats); where only the .gz files are
    there, torchvision unpacks them first (md5 checked), once. For the app: the CLIs use
    load_split."""
    if not is_available(dataset, root):
        load_split(dataset, train=train, root=root)  # unpacks, or says what is missing
    raw = _raw_folder(dataset, data_root(root))
    n, prefix = (60_000, "train") if train else (10_000, "t10k")
    images = read_idx(raw / f"{prefix}-images-idx3-ubyte", (n, 28, 28))
    labels = read_idx(raw / f"{prefix}-labels-idx1-ubyte", (n,))
    return images, labels


def raw_test_images(dataset: str, root=None) -> tuple[np.ndarray, np.ndarray]:
    """The 10,000 test images as uint8 (N, 28, 28) and their labels (see raw_images)."""
    return raw_images(dataset, train=False, root=root)


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
