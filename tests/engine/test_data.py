"""Data: the real MNIST files load as [0, 1] tensors; missing or corrupt files are reported."""

import gzip
import shutil

import pytest
import torch

from vae_core.data import (
    RESOURCES,
    DataUnavailableError,
    data_root,
    is_available,
    load_split,
    on_disk,
    raw_test_images,
    subset,
)


def test_test_split_shape_and_range(mnist_test):
    x, y = mnist_test
    assert x.shape == (10_000, 1, 28, 28) and x.dtype == torch.float32
    assert x.min() == 0 and x.max() == 1
    assert torch.bincount(y).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_fashion_loads_too(data_root):
    x, y = load_split("fashion-mnist", train=False, root=data_root)
    assert x.shape == (10_000, 1, 28, 28) and torch.bincount(y).tolist() == [1000] * 10


def test_small_copied_slice_loads_offline(tmp_path, data_root, monkeypatch):
    from torchvision.datasets import MNIST

    monkeypatch.setattr(MNIST, "mirrors", ["http://127.0.0.1:9/"])  # no network used
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for f in (data_root / "MNIST" / "raw").glob("t10k-*.gz"):
        shutil.copy(f, raw)
    for f in (data_root / "MNIST" / "raw").glob("train-*.gz"):
        shutil.copy(f, raw)
    assert not is_available("mnist", tmp_path) and on_disk("mnist", tmp_path)
    x, y = load_split("mnist", train=False, root=tmp_path)
    assert len(x) == 10_000 and is_available("mnist", tmp_path)
    xs, ys = subset(x, y, 64, seed=3)
    assert xs.shape == (64, 1, 28, 28) and torch.equal(subset(x, y, 64, seed=3)[1], ys)


@pytest.mark.reliability("no data set")
def test_corrupt_download_is_detected(tmp_path, data_root, monkeypatch):
    from torchvision.datasets import MNIST

    monkeypatch.setattr(MNIST, "mirrors", ["http://127.0.0.1:9/"])
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for f in (data_root / "MNIST" / "raw").glob("*.gz"):
        shutil.copy(f, raw)
    with gzip.open(raw / "t10k-labels-idx1-ubyte.gz", "wb") as g:
        g.write(b"half a download")
    with pytest.raises(DataUnavailableError, match="not available under"):
        load_split("mnist", train=False, root=tmp_path)


@pytest.mark.reliability("no data set")
def test_missing_data_fails_fast_with_where_and_how(tmp_path, monkeypatch):
    from torchvision.datasets import FashionMNIST

    monkeypatch.setattr(FashionMNIST, "mirrors", ["http://127.0.0.1:9/"])
    assert not on_disk("fashion-mnist", tmp_path)
    with pytest.raises(DataUnavailableError) as info:
        load_split("fashion-mnist", train=True, root=tmp_path)
    msg = str(info.value)
    assert str(tmp_path / "FashionMNIST" / "raw") in msg and "LATENT_LAB_DATA" in msg


def test_root_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("LATENT_LAB_DATA", str(tmp_path))
    assert data_root() == tmp_path
    assert data_root("elsewhere").name == "elsewhere"
    with pytest.raises(ValueError, match="unknown dataset"):
        load_split("cifar", train=False)


def test_the_file_names_are_torchvisions():
    from pathlib import Path

    from torchvision.datasets import MNIST, FashionMNIST

    for cls in (MNIST, FashionMNIST):
        assert tuple(Path(url).name for url, _ in cls.resources) == RESOURCES


@pytest.mark.parametrize("dataset", ["mnist", "fashion-mnist"])
def test_test_images_read_directly_are_torchvisions(dataset, data_root):
    images, labels = raw_test_images(dataset, root=data_root)
    x, y = load_split(dataset, train=False, root=data_root)
    assert images.dtype == labels.dtype == "uint8"
    assert images.shape == (10_000, 28, 28) and labels.shape == (10_000,)
    assert torch.equal(torch.from_numpy(images.copy()).float().div(255), x[:, 0])
    assert (labels == y.numpy()).all()


def test_test_images_unpack_the_gz_files_first(tmp_path, data_root, monkeypatch):
    from torchvision.datasets import MNIST

    monkeypatch.setattr(MNIST, "mirrors", ["http://127.0.0.1:9/"])  # no network used
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for f in (data_root / "MNIST" / "raw").glob("*.gz"):
        shutil.copy(f, raw)
    images, labels = raw_test_images("mnist", root=tmp_path)
    assert images.shape == (10_000, 28, 28) and is_available("mnist", tmp_path)


@pytest.mark.reliability("no data set")
@pytest.mark.parametrize("damage", ["truncated", "wrong magic", "wrong count"])
def test_a_damaged_unpacked_file_is_reported_by_name(damage, tmp_path, data_root):
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for name in RESOURCES:
        stem = name[:-3]
        shutil.copy(data_root / "MNIST" / "raw" / stem, raw / stem)
    path = raw / "t10k-images-idx3-ubyte"
    data = bytearray(path.read_bytes())
    if damage == "truncated":
        data = data[: len(data) // 2]
    elif damage == "wrong magic":
        data[3] = 1
    else:
        data[4:8] = (9_999).to_bytes(4, "big")
    path.write_bytes(bytes(data))
    with pytest.raises(DataUnavailableError, match="t10k-images-idx3-ubyte"):
        raw_test_images("mnist", root=tmp_path)
