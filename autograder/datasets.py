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
so no one mistakes the small digits set for MNIST. `mnist()` is torchvision's
MNIST (for students); `mnist_tensors()` (graders and their workers) reads the
same idx files itself, with checks, and never imports torchvision.

CIFAR10 follows the same order (see the CIFAR10 section below); its offline
default is a generated stand-in of coloured shapes in the real
cifar-10-batches-py format, read by torchvision's own CIFAR10 class.
"""

import gzip
import hashlib
import json
import os
import shutil
import struct
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import torch

from .settings import (
    ENV_CACHE,
    ENV_DATA,
    ENV_DOWNLOAD,
    ENV_SHARED_DATA,
    default_cache,
    env,
    shared_data,
)

SHARED_DATA = shared_data()
MNIST_FILES = [
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
]
MNIST_REAL = "MNIST"  # source names the graders compare against
MNIST_DIGITS = "embedded digits (scikit-learn 8x8 digits upscaled to 28x28, not MNIST)"
# scikit-learn's load_digits() (UCI optical digits, CC BY 4.0) as uint8, shipped with the
# package so a student's check needs no scikit-learn (tests/test_datasets.py compares them).
DIGITS_FILE = Path(__file__).resolve().parent / "data" / "digits.npz"


def cache_dir() -> Path:
    path = Path(env(ENV_CACHE) or default_cache())
    path.mkdir(parents=True, exist_ok=True)
    return path


def worker_environment() -> tuple[dict[str, str], list[str], dict[str, str]]:
    """The data locations a worker process (in a temporary copy) must share with
    the grader, so probe and judge read the same data set: (its environment
    variables, the folders it reads, the cache folder it may fill)."""
    variables = {
        ENV_CACHE: str(cache_dir()),
        ENV_SHARED_DATA: str(SHARED_DATA),
        **{k: env(k) for k in (ENV_DATA, ENV_DOWNLOAD) if env(k)},
    }
    folders = [variables[k] for k in (ENV_SHARED_DATA, ENV_DATA) if k in variables]
    return variables, folders, {ENV_CACHE: variables[ENV_CACHE]}


def download_allowed(download: bool | None) -> bool:
    return bool(download) if download is not None else env(ENV_DOWNLOAD) == "1"


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
    digits = np.load(DIGITS_FILE)
    images = torch.tensor(digits["images"], dtype=torch.float32).unsqueeze(1) / 16.0
    # 8x8 -> 20x20 centred in 28x28, like MNIST's digit box.
    images = torch.nn.functional.interpolate(
        images, size=(20, 20), mode="bilinear", align_corners=False
    )
    images = torch.nn.functional.pad(images, (4, 4, 4, 4)).squeeze(1)
    images = (images.clamp(0, 1) * 255).round().to(torch.uint8).numpy()
    labels = digits["labels"]
    order = np.random.default_rng(0).permutation(len(labels))  # fixed split, 80/20
    cut = int(0.8 * len(labels))
    train, test = order[:cut], order[cut:]
    return write_mnist(root, (images[train], labels[train]), (images[test], labels[test]))


def mnist_root(root: str | Path | None = None, download: bool | None = None) -> tuple[Path, str]:
    """Find (or make) a folder torchvision's MNIST can read offline, and say which."""
    named = root or env(ENV_DATA)
    if named:
        named = Path(named)
        if _has_mnist(named):
            return named, f"{MNIST_REAL} from {named}"
        cache = cache_dir() / (
            "mnist-" + hashlib.sha1(str(named.resolve()).encode()).hexdigest()[:10]
        )
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


def mnist(
    train: bool,
    root: str | Path | None = None,
    download: bool | None = None,
    transform: Callable[..., object] | None = None,
) -> tuple[torch.utils.data.Dataset, str]:
    """torchvision.datasets.MNIST from the first source available, and its source."""
    import torchvision  # imported here: the engine uses this module without loading it

    folder, source = mnist_root(root, download)
    return torchvision.datasets.MNIST(
        folder, train=train, download=False, transform=transform
    ), source


MNIST_MAGIC = {"images": 2051, "labels": 2049}  # idx: 0x08 (uint8) then the number of dims
MNIST_SIZES = {"train": 60000, "t10k": 10000}
MNIST_MD5 = {  # of the published files, decompressed (torchvision lists those of the .gz)
    "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
}


def read_idx(
    path: Path, kind: str, limit: int | None = None, dtype: torch.dtype = torch.uint8
) -> torch.Tensor:
    """The first `limit` records of a uint8 MNIST idx file ('images' N x 28 x 28 or
    'labels' N) as a tensor of `dtype`, checked: magic number, dims, file size, and the
    md5 when it has the real MNIST's count. Read in chunks straight into the result,
    so no copy of the file's bytes is held beside it."""
    path = Path(path)
    ndim = 3 if kind == "images" else 1
    size = path.stat().st_size
    with open(path, "rb") as f:
        head = f.read(4 + 4 * ndim)
        magic = struct.unpack(">I", head[:4])[0] if len(head) >= 4 else None
        if magic != MNIST_MAGIC[kind]:
            raise RuntimeError(
                f"{path} is not an MNIST {kind} file: magic number {magic}, "
                f"expected {MNIST_MAGIC[kind]}"
            )
        dims = struct.unpack(f">{ndim}I", head[4:]) if len(head) == 4 + 4 * ndim else ()
        if (
            len(dims) != ndim
            or size != len(head) + int(np.prod(dims))
            or dims[1:] not in ((), (28, 28))
        ):
            raise RuntimeError(
                f"{path} is corrupted or truncated: {size} bytes for a header "
                f"saying {kind} of shape {dims}"
            )
        count = dims[0] if limit is None else min(limit, dims[0])
        record = int(np.prod(dims[1:]))
        out = torch.empty(count * record, dtype=dtype)
        md5, done = hashlib.md5(head), 0
        while chunk := f.read(1 << 22):
            md5.update(chunk)
            take = min(len(chunk), len(out) - done)
            if take > 0:
                out[done : done + take] = torch.frombuffer(
                    bytearray(chunk[:take]), dtype=torch.uint8
                )
                done += take
    real = MNIST_SIZES.get(path.name.split("-")[0])
    if dims[0] == real and md5.hexdigest() != MNIST_MD5.get(path.name):
        raise RuntimeError(
            f"{path} is corrupted: it has MNIST's size but its md5 differs "
            f"from the published file's"
        )
    return out.view(count, *dims[1:])


def mnist_tensors(
    train: bool,
    root: str | Path | None = None,
    download: bool | None = None,
    limit: int | None = None,
) -> tuple[torch.Tensor, torch.Tensor, str]:
    """(images N x 1 x 28 x 28 float in [0, 1], labels N, source): the same values as
    mnist(), read with read_idx (no torchvision import: graders and workers stay small)."""
    folder, source = mnist_root(root, download)
    prefix = "train" if train else "t10k"
    raw = folder / "MNIST" / "raw"
    files = raw / f"{prefix}-images-idx3-ubyte", raw / f"{prefix}-labels-idx1-ubyte"
    labels = read_idx(files[1], "labels", limit, torch.long)
    images = read_idx(files[0], "images", limit, torch.float32)
    counts = (files[0].stat().st_size - 16) // 784, files[1].stat().st_size - 8  # sizes checked
    if counts[0] != counts[1]:  # the whole files: a limit would hide it
        raise RuntimeError(f"{raw}: {counts[0]} {prefix} images but {counts[1]} labels")
    # in place: the only copy is the float one (188 MB for MNIST's training set)
    return images.unsqueeze(1).div_(255.0), labels, source


def is_real(source: str) -> bool:
    return source.startswith(MNIST_REAL)


# -- CIFAR10 ----------------------------------------------------------------------
# CIFAR10 comes from, in order:
#   1. a directory the user names (argument `root`, or $AUTOGRADER_DATA when it holds
#      CIFAR10), holding cifar-10-batches-py/ (or being that folder), or
#      cifar-10-python.tar.gz (extracted into the cache); a download into it when
#      the user asked for one and it holds neither;
#   2. ../shared/data/CIFAR10/ (or shared/data itself) holding the same;
#   3. a torchvision download into the cache, only when the user asked for one
#      (`download=True` or $AUTOGRADER_DOWNLOAD=1);
#   4. a generated stand-in that needs no network: coloured, textured shapes under
#      noise, written in the real cifar-10-batches-py format and cached.
# The stand-in is read by torchvision's own CIFAR10 class. torchvision checks the
# md5 of every batch file even with download=False, so `_generated_reader` (the
# only patch, here) swaps the published checksums for the ones written beside
# the generated files in MANIFEST.json; everything else is torchvision's code.
CIFAR10_FOLDER = "cifar-10-batches-py"
CIFAR10_ARCHIVE = "cifar-10-python.tar.gz"
CIFAR10_REAL = "CIFAR10"  # every real source starts with this
CIFAR10_GENERATED_VERSION = 1  # bump when the generator changes
CIFAR10_GENERATED_SIZES = (5000, 1000)  # train, test images of the default stand-in
CIFAR10_GENERATED_CLASSES = (
    "disc",
    "square",
    "triangle",
    "ring",
    "cross",
    "bar",
    "diamond",
    "pair",
    "crescent",
    "frame",
)
CIFAR10_MANIFEST = "MANIFEST.json"
CIFAR10_TRAIN = [f"data_batch_{k}" for k in range(1, 6)]
CIFAR10_MD5 = {  # the published checksums (as in torchvision.datasets.CIFAR10)
    "data_batch_1": "c99cafc152244af753f735de768cd75f",
    "data_batch_2": "d4bba439e000b95fd0a9bffe97cbabec",
    "data_batch_3": "54ebc095f3ab1f0389bbae665268c751",
    "data_batch_4": "634d18415352ddfa80567beed471001a",
    "data_batch_5": "482c414d41f54cd18b22e5b47cb7c3cb",
    "test_batch": "40351d587109b95175f43aff81a1287e",
}


def generated_cifar10_source(n_train: int, n_test: int) -> str:
    return (
        f"generated CIFAR10 stand-in ({n_train} train / {n_test} test images of "
        f"coloured shapes; not CIFAR10)"
    )


def is_real_cifar10(source: str) -> bool:
    return source.startswith(CIFAR10_REAL)


def _shape_masks(labels: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The class's shape in shape-local coordinates u, v (n x 32 x 32): a bool mask."""
    r = np.sqrt(u * u + v * v)
    a, b = np.abs(u), np.abs(v)
    square = np.maximum(a, b)
    masks = np.stack(
        [
            r < 0.9,  # disc
            square < 0.75,  # square
            (v < 0.7) & (a < (v + 0.8) * 0.6),  # triangle
            (r > 0.5) & (r < 0.95),  # ring
            ((a < 0.28) & (b < 0.95)) | ((b < 0.28) & (a < 0.95)),  # cross
            (b < 0.3) & (a < 1.0),  # bar
            a + b < 0.95,  # diamond
            np.sqrt((a - 0.5) ** 2 + v * v) < 0.42,  # pair of blobs
            (r < 0.9) & (np.sqrt((u - 0.4) ** 2 + (v + 0.25) ** 2) > 0.7),  # crescent
            (square < 0.9) & (square > 0.55),  # frame
        ],
        axis=1,
    )
    return np.take_along_axis(masks, labels[:, None, None, None], axis=1)[:, 0]


def _hsv_to_rgb(h: np.ndarray, s: np.ndarray, v: np.ndarray) -> np.ndarray:
    sector = np.floor(h * 6).astype(int) % 6
    f = h * 6 - np.floor(h * 6)
    p, q, t = v * (1 - s), v * (1 - f * s), v * (1 - (1 - f) * s)
    table = np.stack(
        [np.stack(c, 1) for c in [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)]]
    )
    return table[sector, np.arange(len(h))]


def _render_shapes(labels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """uint8 images n x 3 x 32 x 32: the class decides the shape (always), the hue
    (jittered, random for a quarter of the images) and the stripe texture (frequency
    and direction, jittered); place, size, rotation, background and noise are random."""
    n = len(labels)
    grid = (np.arange(32) + 0.5) / 16 - 1  # pixel centres in [-1, 1]
    y, x = np.meshgrid(grid, grid, indexing="ij")
    background = rng.uniform(0.1, 0.9, (n, 3))
    tilt = rng.normal(0, 0.15, (n, 3, 2))
    image = (
        background[:, :, None, None] + tilt[..., 0, None, None] * x + tilt[..., 1, None, None] * y
    )
    cx, cy = rng.uniform(-0.3, 0.3, (2, n))
    size = rng.uniform(0.45, 0.75, n)[:, None, None]
    angle = rng.uniform(-0.35, 0.35, n)
    c, s = np.cos(angle)[:, None, None], np.sin(angle)[:, None, None]
    dx, dy = x - cx[:, None, None], y - cy[:, None, None]
    u, v = (c * dx + s * dy) / size, (c * dy - s * dx) / size
    mask = _shape_masks(labels, u, v)
    hue = labels / 10 + rng.normal(0, 0.06, n)
    hue = np.where(rng.random(n) < 0.25, rng.random(n), hue) % 1.0
    colour = _hsv_to_rgb(hue, rng.uniform(0.5, 1.0, n), rng.uniform(0.5, 1.0, n))
    freq = (3 + (labels * 7) % 10 + rng.normal(0, 0.7, n))[:, None, None]
    theta = (labels * np.pi / 10 + rng.normal(0, 0.2, n))[:, None, None]
    phase = rng.uniform(0, 2 * np.pi, n)[:, None, None]
    stripes = 0.5 + 0.5 * np.sin(np.pi * freq * (np.cos(theta) * u + np.sin(theta) * v) + phase)
    depth = rng.uniform(0.0, 0.5, n)[:, None, None, None]
    fill = colour[:, :, None, None] * (1 - depth * stripes[:, None])
    image = np.where(mask[:, None], fill, image) + rng.normal(0, 0.08, (n, 3, 32, 32))
    return (np.clip(image, 0, 1) * 255).round().astype(np.uint8)


def generate_cifar10_arrays(n: int, seed: int, split: int) -> tuple[np.ndarray, np.ndarray]:
    """(images n x 3 x 32 x 32 uint8, labels n): the same for the same (n, seed, split)
    on every run and in every process. Rendered 500 at a time, so memory stays small."""
    labels = np.random.default_rng([seed, split]).integers(0, 10, n)
    chunks = [
        _render_shapes(labels[i : i + 500], np.random.default_rng([seed, split, i]))
        for i in range(0, n, 500)
    ]
    images = np.concatenate(chunks) if chunks else np.zeros((0, 3, 32, 32), np.uint8)
    return images, labels


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f"{path.name}.tmp{os.getpid()}")
    tmp.write_bytes(data)
    tmp.replace(path)  # atomic: parallel graders never read half a file


def write_cifar10_batches(
    root: Path, train: tuple, test: tuple, label_names: Sequence[str], description: str
) -> Path:
    """Write (images N x 3 x 32 x 32 uint8, labels N) pairs as <root>/cifar-10-batches-py/
    in the real format: pickled dicts with `data` (N x 3072 uint8, channel-major rows)
    and `labels`, five training batches, test_batch and batches.meta; MANIFEST.json
    (written last) holds their md5s and what the data is."""
    import pickle

    folder = Path(root) / CIFAR10_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    images, labels = train
    parts = np.array_split(np.arange(len(labels)), 5)
    batches = [(f"data_batch_{k + 1}", images[idx], labels[idx]) for k, idx in enumerate(parts)]
    batches.append(("test_batch", *test))
    md5 = {}
    for name, x, y in batches:
        entry = {
            "batch_label": f"{name} of the {description}",
            "labels": [int(v) for v in y],
            "data": np.ascontiguousarray(x, dtype=np.uint8).reshape(len(y), 3072),
            "filenames": [f"{name}_{i:05d}.png" for i in range(len(y))],
        }
        data = pickle.dumps(entry, protocol=2)
        _write_atomic(folder / name, data)
        md5[name] = hashlib.md5(data).hexdigest()
    meta = pickle.dumps(
        {"label_names": list(label_names), "num_vis": 3072, "num_cases_per_batch": len(parts[0])},
        protocol=2,
    )
    _write_atomic(folder / "batches.meta", meta)
    md5["batches.meta"] = hashlib.md5(meta).hexdigest()
    manifest = {"description": description, "md5": md5, "sizes": [len(train[1]), len(test[1])]}
    _write_atomic(folder / CIFAR10_MANIFEST, json.dumps(manifest, indent=1).encode())
    return Path(root)


def generated_cifar10(
    root: Path | None = None,
    n_train: int = CIFAR10_GENERATED_SIZES[0],
    n_test: int = CIFAR10_GENERATED_SIZES[1],
    seed: int = 0,
) -> Path:
    """Make (once) the generated stand-in and return the folder holding its
    cifar-10-batches-py/. Default place: the cache, named by version, sizes and seed.
    Other sizes: generate into a folder and name it as the data root
    (AUTOGRADER_DATA=<folder>), which graders and the worker then both read."""
    root = (
        Path(root)
        if root
        else cache_dir()
        / (f"cifar10-generated-v{CIFAR10_GENERATED_VERSION}-{n_train}-{n_test}-s{seed}")
    )
    if (root / CIFAR10_FOLDER / CIFAR10_MANIFEST).is_file():
        return root
    return write_cifar10_batches(
        root,
        generate_cifar10_arrays(n_train, seed, 0),
        generate_cifar10_arrays(n_test, seed, 1),
        CIFAR10_GENERATED_CLASSES,
        generated_cifar10_source(n_train, n_test),
    )


_GENERATED_READER = None


def _generated_reader():
    """torchvision.datasets.CIFAR10 for files this module wrote: the checksums it
    verifies come from MANIFEST.json instead of the published ones."""
    global _GENERATED_READER
    if _GENERATED_READER is None:
        import torchvision

        class GeneratedCIFAR10(torchvision.datasets.CIFAR10):
            def __init__(
                self,
                root: str | Path,
                train: bool = True,
                transform: Callable[..., object] | None = None,
                target_transform: Callable[..., object] | None = None,
            ):
                manifest = json.loads(
                    (Path(root) / self.base_folder / CIFAR10_MANIFEST).read_text()
                )
                md5 = manifest["md5"]
                self.train_list = [[name, md5[name]] for name, _ in type(self).train_list]
                self.test_list = [[name, md5[name]] for name, _ in type(self).test_list]
                self.meta = {**type(self).meta, "md5": md5[type(self).meta["filename"]]}
                self.description = manifest["description"]
                super().__init__(
                    root,
                    train=train,
                    transform=transform,
                    target_transform=target_transform,
                    download=False,
                )

        _GENERATED_READER = GeneratedCIFAR10
    return _GENERATED_READER


def _cifar10_in(folder: Path) -> tuple[Path, str] | None:
    """(root for torchvision, 'real' or 'generated') if `folder` holds CIFAR10 batches:
    folder/cifar-10-batches-py/, folder being that directory, or the archive."""
    folder = Path(folder)
    for root in (folder, folder.parent if folder.name == CIFAR10_FOLDER else None):
        if root is None:
            continue
        batches = root / CIFAR10_FOLDER
        if (batches / CIFAR10_MANIFEST).is_file():
            return root, "generated"
        if (batches / "test_batch").is_file() and (batches / "data_batch_5").is_file():
            return root, "real"
    archive = folder / CIFAR10_ARCHIVE
    if archive.is_file():
        target = cache_dir() / (
            "cifar10-" + hashlib.sha1(str(archive.resolve()).encode()).hexdigest()[:10]
        )
        if not (target / CIFAR10_FOLDER / "test_batch").is_file():
            import tarfile

            with tarfile.open(archive) as tar:
                tar.extractall(target, filter="data")
        return target, "real"
    return None


def _generated_source(root: Path) -> str:
    return json.loads((root / CIFAR10_FOLDER / CIFAR10_MANIFEST).read_text())["description"]


def cifar10_root(root: str | Path | None = None, download: bool | None = None) -> tuple[Path, str]:
    """Find (or make) a folder torchvision's CIFAR10 can read offline, and say which."""
    if root or env(ENV_DATA):
        named = Path(root or env(ENV_DATA))
        found = _cifar10_in(named)
        if found and found[1] == "generated":
            return found[0], _generated_source(found[0])
        if found:
            return found[0], f"{CIFAR10_REAL} from {named}"
        if download_allowed(download):
            import torchvision

            torchvision.datasets.CIFAR10(named, train=True, download=True)
            return named, f"{CIFAR10_REAL} (downloaded into {named})"
        if root:  # named by the caller: never silently something else
            raise FileNotFoundError(
                f"No CIFAR10 found under {named}: expected {named}/{CIFAR10_FOLDER}/ or "
                f"{named}/{CIFAR10_ARCHIVE} (download=True, or AUTOGRADER_DOWNLOAD=1, "
                f"fetches it there)."
            )
        # $AUTOGRADER_DATA may name a folder for another data set only: go on.
    for shared in (SHARED_DATA / "CIFAR10", SHARED_DATA):
        found = _cifar10_in(shared) if shared.is_dir() else None
        if found and found[1] == "real":
            return found[0], f"{CIFAR10_REAL} (shared/data)"
    if download_allowed(download):
        import torchvision

        target = cache_dir() / "cifar10-download"
        torchvision.datasets.CIFAR10(target, train=True, download=True)
        return target, f"{CIFAR10_REAL} (downloaded)"
    folder = generated_cifar10()
    return folder, _generated_source(folder)


def cifar10(
    train: bool,
    root: str | Path | None = None,
    download: bool | None = None,
    transform: Callable[..., object] | None = None,
) -> tuple[torch.utils.data.Dataset, str]:
    """torchvision.datasets.CIFAR10 (or its reader of the generated stand-in) from
    the first source available, and its source string (say it in the output)."""
    import torchvision

    folder, source = cifar10_root(root, download)
    reader = torchvision.datasets.CIFAR10 if is_real_cifar10(source) else _generated_reader()
    return reader(folder, train=train, transform=transform), source


def _read_batches(folder: Path, names: list[str], md5: dict) -> tuple[np.ndarray, list]:
    """(data N x 3072 uint8, labels) of these batch files, each checked against `md5`
    first, as torchvision does (and as it does, read with pickle, latin1)."""
    import pickle

    data, labels = [], []
    for name in names:
        raw = (folder / CIFAR10_FOLDER / name).read_bytes()
        if hashlib.md5(raw).hexdigest() != md5[name]:
            raise RuntimeError(
                f"{folder / CIFAR10_FOLDER / name} is corrupted (md5 differs from the expected one)"
            )
        entry = pickle.loads(raw, encoding="latin1")
        data.append(np.asarray(entry["data"], dtype=np.uint8))
        labels += list(entry["labels"] if "labels" in entry else entry["fine_labels"])
    return np.concatenate(data), labels


def cifar10_tensors(
    train: bool,
    root: str | Path | None = None,
    download: bool | None = None,
    limit: int | None = None,
    uint8: bool = False,
) -> tuple[torch.Tensor, torch.Tensor, str]:
    """(images N x 3 x 32 x 32, labels N, source): float in [0, 1] (what ToTensor()
    gives), or the stored bytes with uint8=True (a quarter of the memory). The same
    files, checksums and order as cifar10(), read without importing torchvision
    (graders and their workers stay smaller)."""
    folder, source = cifar10_root(root, download)
    md5 = (
        CIFAR10_MD5
        if is_real_cifar10(source)
        else json.loads((folder / CIFAR10_FOLDER / CIFAR10_MANIFEST).read_text())["md5"]
    )
    data, labels = _read_batches(folder, CIFAR10_TRAIN if train else ["test_batch"], md5)
    if limit is not None:
        data, labels = data[:limit], labels[:limit]
    images = torch.from_numpy(data).reshape(-1, 3, 32, 32)
    labels = torch.tensor(labels, dtype=torch.long)
    return (images if uint8 else images.float().div_(255.0)), labels, source
