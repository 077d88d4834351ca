"""Data sets load through torchvision's real classes from small generated files,
offline, and always say which source they came from; the graders' own idx
reader gives exactly what torchvision gives, and grading needs no torchvision."""

import gzip
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
import torch

from autograder import datasets
from autograder.core.assignment import REPO_ROOT

REAL_MNIST = datasets.SHARED_DATA / "MNIST" / "raw"  # before the fixture hides it


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
        with (
            open(plain / "MNIST" / "raw" / name, "rb") as src,
            gzip.open(shared / f"{name}.gz", "wb") as dst,
        ):
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
    datasets.write_cifar10_batches(
        tmp_path / "c",
        (images, labels),
        (images[:4], labels[:4]),
        [str(k) for k in range(10)],
        "a tiny test set",
    )
    test, source = datasets.cifar10(False, root=tmp_path / "c")
    assert "tiny test set" in source and not datasets.is_real_cifar10(source)
    assert len(test) == 4 and (test.data.transpose(0, 3, 1, 2) == images[:4]).all()


def test_cifar10_offline_default_is_the_generated_stand_in():
    train, source = datasets.cifar10(True)
    assert "not CIFAR10" in source and not datasets.is_real_cifar10(source)
    assert train.data.shape[1:] == (32, 32, 3) and len(set(train.targets)) == 10


def test_worker_gets_the_graders_data_locations():
    env, folders, cache = datasets.worker_environment()
    assert env["AUTOGRADER_CACHE"] == str(datasets.cache_dir()) == cache["AUTOGRADER_CACHE"]
    assert env["AUTOGRADER_SHARED_DATA"] == str(datasets.SHARED_DATA) in folders


def same_as_torchvision(root):
    for train in (True, False):
        reference, source = datasets.mnist(train, root=root)
        x, y, ours = datasets.mnist_tensors(train, root=root)
        assert ours == source
        assert torch.equal(x, reference.data.unsqueeze(1).float() / 255.0)
        assert y.dtype == reference.targets.dtype and torch.equal(y, reference.targets)


def test_idx_reader_gives_what_torchvision_gives(tmp_path):
    same_as_torchvision(tiny_mnist(tmp_path / "mine")[0])
    same_as_torchvision(None)  # the embedded digits, written by write_mnist
    x, y, _ = datasets.mnist_tensors(True, limit=7)
    assert tuple(x.shape) == (7, 1, 28, 28) and len(y) == 7


@pytest.mark.skipif(not REAL_MNIST.is_dir(), reason="no ../shared/data/MNIST here")
def test_idx_reader_on_the_real_mnist_files_checks_their_md5():
    same_as_torchvision(REAL_MNIST)  # 60,000 + 10,000 images, md5 checked


def test_idx_reader_rejects_bad_files_with_a_clear_message(tmp_path):
    root, _, _ = tiny_mnist(tmp_path / "m")
    raw = root / "MNIST" / "raw"
    images = raw / "train-images-idx3-ubyte"
    good = images.read_bytes()
    for broken, says in (
        (good[:-1], "truncated"),
        (b"\0\0\x08\x01" + good[4:], "magic number 2049"),
        (b"", "magic number None"),
    ):
        images.write_bytes(broken)
        with pytest.raises(RuntimeError, match=says):
            datasets.mnist_tensors(True, root=root)
    images.write_bytes(good)
    (raw / "train-labels-idx1-ubyte").write_bytes(datasets.struct.pack(">II", 2049, 3) + b"\0" * 3)
    for limit in (None, 2):  # a limit does not hide it
        with pytest.raises(RuntimeError, match="12 train images but 3 labels"):
            datasets.mnist_tensors(True, root=root, limit=limit)
    # MNIST's test-set size but not its bytes: the md5 check refuses it
    fake = np.zeros((10000, 28, 28), np.uint8)
    datasets.write_mnist(tmp_path / "fake", (fake[:1], [0]), (fake, np.zeros(10000, np.uint8)))
    with pytest.raises(RuntimeError, match="md5"):
        datasets.mnist_tensors(False, root=tmp_path / "fake")


NO_TORCHVISION = """
import sys
sys.modules["torchvision"] = None                # any import of it now fails
import importlib.util, pathlib
from autograder import datasets
from autograder.core import engine, worker
from autograder.testing import test_case
root = pathlib.Path(sys.argv[1])
for path in sorted(root.glob("assignments/*/tests/q*.py")):   # every question file imports
    spec = importlib.util.spec_from_file_location(path.stem, path)
    spec.loader.exec_module(importlib.util.module_from_spec(spec))
# hw2 graded in this process as otter does: its probes and judges, the MNIST ones included
env = {}
exec(compile((root / "solutions/hw2_logistic/logistic.py").read_text(), "logistic.py", "exec"), env)
failed, ran = [], 0
for path in sorted(root.glob("assignments/hw2_logistic/tests/q*.py")):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for case in [v for v in vars(module).values() if isinstance(v, test_case)]:
        ran += 1
        try:
            case.test_func(env)
        except Exception as exc:
            failed.append(f"{path.stem}.{case.test_func.__name__}: {exc!r}")
print("ran", ran, "failed:", failed)
assert ran >= 10 and not failed and "torchvision" not in {m.split(".")[0] for m in sys.modules if sys.modules[m]}
"""


def test_grading_path_works_without_torchvision(tmp_path):
    """Gradescope's CPU build has no torchvision: every question file imports, and hw2
    (MNIST) grades to full marks, with `import torchvision` failing."""
    env = {
        **os.environ,
        "AUTOGRADER_SHARED_DATA": str(tmp_path / "no-shared-data"),
        "OMP_NUM_THREADS": "1",
        "PYTHONPATH": str(REPO_ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-c", NO_TORCHVISION, str(REPO_ROOT)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
