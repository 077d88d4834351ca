"""Data sets load through torchvision's real classes from small generated files,
offline, and always say which source they came from."""
import gzip
import shutil

import numpy as np
import pytest

from autograder import datasets


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    """Each test gets its own cache and no shared data, like a fresh clone elsewhere."""
    monkeypatch.setenv("AUTOGRADER_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("AUTOGRADER_DATA", raising=False)
    monkeypatch.delenv("AUTOGRADER_DOWNLOAD", raising=False)
    monkeypatch.setattr(datasets, "SHARED_DATA", tmp_path / "no-shared-data")


def tiny_mnist(root, n=12):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
    labels = np.arange(n, dtype=np.uint8) % 10
    return datasets.write_mnist(root, (images, labels), (images[:5], labels[:5])), images, labels


def test_mnist_from_a_named_folder_of_idx_files(tmp_path):
    root, images, labels = tiny_mnist(tmp_path / "mine")
    train, source = datasets.mnist(True, root=root)
    assert source == f"MNIST from {root}" and datasets.is_real(source)
    assert len(train) == 12 and (train.data.numpy() == images).all()
    assert train.targets.tolist() == labels.tolist()
    x, y, _ = datasets.mnist_tensors(False, root=root)
    assert tuple(x.shape) == (5, 1, 28, 28) and 0 <= float(x.min()) and float(x.max()) <= 1


def test_mnist_from_gzipped_files_like_shared_data(tmp_path, monkeypatch):
    plain, images, _ = tiny_mnist(tmp_path / "plain")
    shared = tmp_path / "shared" / "MNIST" / "raw"
    shared.mkdir(parents=True)
    for name in datasets.MNIST_FILES:
        with open(plain / "MNIST" / "raw" / name, "rb") as src, gzip.open(shared / f"{name}.gz", "wb") as dst:
            shutil.copyfileobj(src, dst)
    monkeypatch.setattr(datasets, "SHARED_DATA", tmp_path / "shared")
    train, source = datasets.mnist(True)
    assert source == "MNIST (shared/data)" and (train.data.numpy() == images).all()


def test_mnist_falls_back_to_embedded_digits_and_says_so():
    train, source = datasets.mnist(True)
    test, _ = datasets.mnist(False)
    assert source == datasets.MNIST_DIGITS and not datasets.is_real(source)
    assert "not MNIST" in source
    assert tuple(train.data.shape[1:]) == (28, 28) and len(train) + len(test) == 1797
    assert set(train.targets.tolist()) == set(range(10))


def test_a_named_folder_without_mnist_is_an_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError):
        datasets.mnist(True, root=tmp_path / "empty")


def test_cifar10_real_format_from_a_named_folder(tmp_path):
    rng = np.random.default_rng(1)
    images = rng.integers(0, 256, (10, 3, 32, 32), dtype=np.uint8)
    labels = np.arange(10) % 10
    datasets.write_cifar10_batches(tmp_path / "c", (images, labels), (images[:4], labels[:4]),
                                   [str(k) for k in range(10)], "a tiny test set")
    test, source = datasets.cifar10(False, root=tmp_path / "c")
    assert "tiny test set" in source and not datasets.is_real_cifar10(source)
    assert len(test) == 4 and (test.data.transpose(0, 3, 1, 2) == images[:4]).all()


def test_cifar10_offline_default_is_the_generated_stand_in():
    train, source = datasets.cifar10(True)
    assert "not CIFAR10" in source and not datasets.is_real_cifar10(source)
    assert train.data.shape[1:] == (32, 32, 3) and len(set(train.targets)) == 10


def test_worker_gets_the_graders_data_locations():
    env = datasets.worker_environment()
    assert env["AUTOGRADER_CACHE"] == str(datasets.cache_dir())
    assert env["AUTOGRADER_SHARED_DATA"] == str(datasets.SHARED_DATA)
