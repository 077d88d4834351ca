"""Data sets through torchvision's real loaders, offline first.

MNIST comes from, in order:
  1. a directory the user names (argument `root` or $AUTOGRADER_DATA), holding
     MNIST/raw/ with the idx files (plain or .gz);
  2. ../shared/data/MNIST/raw/*.gz beside the repo, decompressed into the cache;
  3. a torchvision download, only when the user asked for one
     (`download=True` or $AUTOGRADER_DOWNLOAD=1);
  4. an embedded default that needs no network: scikit-learn's bundled 8x8
     digits, upscaled to 28x28 and written in MNIST's idx format.
Every loader returns the data set and a `source` string, which graders print,
so no one mistakes the small digits set for MNIST.
"""
import gzip
import hashlib
import os
import shutil
import struct
from pathlib import Path

import numpy as np
import torch

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("AUTOGRADER_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))
MNIST_FILES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte",
               "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]
MNIST_REAL = "MNIST"                         # source names the graders compare against
MNIST_DIGITS = "embedded digits (scikit-learn 8x8 digits upscaled to 28x28, not MNIST)"


def cache_dir() -> Path:
    path = Path(os.environ.get("AUTOGRADER_CACHE", REPO_ROOT / ".cache"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def worker_environment() -> dict[str, str]:
    """The data locations a worker process (in a temporary copy) must share with
    the grader, so probe and judge read the same data set."""
    return {"AUTOGRADER_CACHE": str(cache_dir()), "AUTOGRADER_SHARED_DATA": str(SHARED_DATA),
            **{k: os.environ[k] for k in ("AUTOGRADER_DATA", "AUTOGRADER_DOWNLOAD")
               if k in os.environ}}


def download_allowed(download: bool | None) -> bool:
    return bool(download) if download is not None else os.environ.get("AUTOGRADER_DOWNLOAD") == "1"


# -- idx format -----------------------------------------------------------------
def write_idx(path: Path, array: np.ndarray) -> None:
    """Write a uint8 array in the idx format MNIST uses (magic 0x08, big-endian dims)."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(header + array.tobytes())
    tmp.replace(path)  # atomic: parallel graders never read half a file


def write_mnist(root: Path, train: tuple, test: tuple) -> Path:
    """Write (images N x 28 x 28, labels N) pairs as <root>/MNIST/raw/ idx files."""
    raw = root / "MNIST" / "raw"
    for prefix, (images, labels) in (("train", train), ("t10k", test)):
        write_idx(raw / f"{prefix}-labels-idx1-ubyte", np.asarray(labels))
        write_idx(raw / f"{prefix}-images-idx3-ubyte", np.asarray(images))
    return root


def _has_mnist(root: Path) -> bool:
    return all((root / "MNIST" / "raw" / name).is_file() for name in MNIST_FILES)


def _decompress_into(raw_src: Path, root: Path) -> Path | None:
    """Copy or gunzip the four MNIST files from raw_src into <root>/MNIST/raw."""
    if _has_mnist(root):
        return root
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for name in MNIST_FILES:
        plain, packed = raw_src / name, raw_src / f"{name}.gz"
        tmp = raw / f"{name}.tmp{os.getpid()}"
        if plain.is_file():
            shutil.copyfile(plain, tmp)
        elif packed.is_file():
            with gzip.open(packed) as src, open(tmp, "wb") as dst:
                shutil.copyfileobj(src, dst)
        else:
            return None
        tmp.replace(raw / name)
    return root


def _embedded_digits(root: Path) -> Path:
    if _has_mnist(root):
        return root
    from sklearn.datasets import load_digits
    digits = load_digits()
    images = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0
    # 8x8 -> 20x20 centred in 28x28, like MNIST's digit box.
    images = torch.nn.functional.interpolate(images, size=(20, 20), mode="bilinear",
                                             align_corners=False)
    images = torch.nn.functional.pad(images, (4, 4, 4, 4)).squeeze(1)
    images = (images.clamp(0, 1) * 255).round().to(torch.uint8).numpy()
    labels = digits.target.astype(np.uint8)
    order = np.random.default_rng(0).permutation(len(labels))  # fixed split, 80/20
    cut = int(0.8 * len(labels))
    train, test = order[:cut], order[cut:]
    return write_mnist(root, (images[train], labels[train]), (images[test], labels[test]))


def mnist_root(root: str | Path | None = None, download: bool | None = None) -> tuple[Path, str]:
    """Find (or make) a folder torchvision's MNIST can read offline, and say which."""
    named = root or os.environ.get("AUTOGRADER_DATA")
    if named:
        named = Path(named)
        if _has_mnist(named):
            return named, f"{MNIST_REAL} from {named}"
        cache = cache_dir() / ("mnist-" + hashlib.sha1(str(named.resolve()).encode()).hexdigest()[:10])
        for raw in (named / "MNIST" / "raw", named / "raw", named):
            if raw.is_dir() and _decompress_into(raw, cache):
                return cache, f"{MNIST_REAL} from {named}"
        raise FileNotFoundError(f"No MNIST idx files (plain or .gz) found under {named}")
    shared = SHARED_DATA / "MNIST" / "raw"
    if shared.is_dir():
        found = _decompress_into(shared, cache_dir() / "mnist-shared")
        if found:
            return found, f"{MNIST_REAL} (shared/data)"
    if download_allowed(download):
        import torchvision
        target = cache_dir() / "mnist-download"
        torchvision.datasets.MNIST(target, train=True, download=True)
        torchvision.datasets.MNIST(target, train=False, download=True)
        return target, f"{MNIST_REAL} (downloaded)"
    return _embedded_digits(cache_dir() / "mnist-digits"), MNIST_DIGITS


def mnist(train: bool, root=None, download=None, transform=None):
    """torchvision.datasets.MNIST from the first source available, and its source."""
    import torchvision  # imported here: the engine uses this module without loading it
    folder, source = mnist_root(root, download)
    return torchvision.datasets.MNIST(folder, train=train, download=False,
                                      transform=transform), source


def mnist_tensors(train: bool, root=None, download=None, limit: int | None = None):
    """(images N x 1 x 28 x 28 float in [0, 1], labels N, source): fast for graders."""
    dataset, source = mnist(train, root, download)
    images, labels = dataset.data, dataset.targets
    if limit is not None:
        images, labels = images[:limit], labels[:limit]
    return images.unsqueeze(1).float() / 255.0, labels.long(), source


def is_real(source: str) -> bool:
    return source.startswith(MNIST_REAL)
