"""IDX files (the MNIST format), raw or gzipped, single files or torchvision's folder layout.

Every header field is validated and the file size checked against the header BEFORE any data is
read, so a truncated download or a hostile header is reported in words instead of crashing or
allocating gigabytes. Gzipped files are decompressed in chunks and never past what the header
declares, so a gzip bomb cannot exhaust memory.
"""

from __future__ import annotations

import gzip
import os
import struct
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import numpy as np

from aeviewer.core.data.dataset import Dataset
from aeviewer.core.data.loaders._common import (
    check_element_count,
    make_dataset,
    numbered_class_names,
    to_labels,
    to_sample_layout,
    to_unit_float,
    unreadable,
)
from aeviewer.core.errors import DatasetError

#: IDX type code → (numpy big-endian dtype, words for messages).
IDX_DTYPES: dict[int, tuple[str, str]] = {
    0x08: (">u1", "unsigned bytes"),
    0x09: (">i1", "signed bytes"),
    0x0B: (">i2", "16-bit integers"),
    0x0C: (">i4", "32-bit integers"),
    0x0D: (">f4", "32-bit floats"),
    0x0E: (">f8", "64-bit floats"),
}
MAX_IDX_DIMS = 4
#: Largest payload (bytes) aeviewer reads from one IDX file; also caps gzip decompression.
MAX_IDX_BYTES = 2**31
GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 4 * 1024 * 1024

MNIST_CLASSES = tuple(str(i) for i in range(10))
FASHION_MNIST_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)
_FASHION_FOLDER_NAMES = {"fashionmnist", "fashion-mnist", "fashion_mnist"}
_MNIST_FOLDER_NAMES = {"mnist"}
#: Folders that torchvision's layout puts between a root and the IDX files.
_LAYOUT_SUBFOLDERS = ("raw", "MNIST/raw", "FashionMNIST/raw")
_IMAGES_TAG, _LABELS_TAG = "images-idx3", "labels-idx1"


def is_idx_name(path: Path) -> bool:
    """True for names like train-images-idx3-ubyte(.gz) or *.idx: IDX by naming convention."""
    name = path.name.lower()
    name = name[:-3] if name.endswith(".gz") else name
    return name.endswith("-ubyte") or name.endswith(".idx") or "-idx1-" in name or "-idx3-" in name


def sniff_idx(head: bytes) -> bool:
    """True when the first bytes of an uncompressed file look like an IDX header."""
    return len(head) >= 4 and head[0] == 0 and head[1] == 0 and head[2] in IDX_DTYPES and 1 <= head[3] <= 4


def is_gzip_file(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(2) == GZIP_MAGIC
    except OSError:
        return False


def read_idx(path: Path) -> np.ndarray:
    """The array stored in one IDX file (raw or gzip), in native byte order."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            magic = f.read(2)
    except OSError as exc:
        raise unreadable(path, exc) from None
    if magic == GZIP_MAGIC:
        return _read_idx_gzip(path)
    if path.name.lower().endswith(".gz"):
        raise DatasetError(path, "is named .gz but is not a gzip file (it does not start with the gzip "
                           "signature); the download is probably damaged, or it is not a compressed file")
    return _read_idx_raw(path)


def _parse_header(
    path: Path, read: Callable[[int], bytes | bytearray], compressed: bool
) -> tuple[np.dtype, str, tuple[int, ...], int]:
    """(dtype, dtype words, dims, header size), validated; `read(n)` returns up to n bytes."""
    where = "after decompression, the file" if compressed else "the file"
    head = read(4)
    if len(head) < 4:
        raise DatasetError(path, f"is not an IDX file: {where} is only {len(head)} bytes long")
    if head[0] != 0 or head[1] != 0:
        raise DatasetError(
            path, f"is not an IDX file: an IDX file starts with two zero bytes, {where} starts with "
            f"0x{head[0]:02x} 0x{head[1]:02x}"
        )
    code, ndim = head[2], head[3]
    if code not in IDX_DTYPES:
        known = ", ".join(f"0x{c:02X}" for c in IDX_DTYPES)
        raise DatasetError(path, f"has unknown IDX data type code 0x{code:02X} (known codes: {known})")
    if not 1 <= ndim <= MAX_IDX_DIMS:
        raise DatasetError(path, f"declares {ndim} dimensions; aeviewer reads IDX files with 1 to "
                           f"{MAX_IDX_DIMS} dimensions")
    raw_dims = read(4 * ndim)
    if len(raw_dims) < 4 * ndim:
        raise DatasetError(path, "is cut off inside its header (the list of dimensions is incomplete)")
    dims = struct.unpack(f">{ndim}I", raw_dims)
    dtype_str, words = IDX_DTYPES[code]
    dtype = np.dtype(dtype_str)
    count = check_element_count(path, dims, "the IDX header", dtype.itemsize)
    if count * dtype.itemsize > MAX_IDX_BYTES:
        raise DatasetError(path, f"the IDX header declares {count * dtype.itemsize:,} bytes of data, more "
                           f"than aeviewer will load ({MAX_IDX_BYTES:,})")
    return dtype, words, dims, 4 + 4 * ndim


def _describe(dims: tuple[int, ...], words: str) -> str:
    return f"{'×'.join(str(d) for d in dims)} {words}"


def _read_idx_raw(path: Path) -> np.ndarray:
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as f:
            dtype, words, dims, header = _parse_header(path, f.read, compressed=False)
            count = int(np.prod(dims, dtype=np.int64))
            expected = header + count * dtype.itemsize
            if size != expected:
                what = "truncated (an incomplete download?)" if size < expected else "followed by extra bytes"
                raise DatasetError(
                    path, f"is {size:,} bytes but its header ({_describe(dims, words)}) means it should be "
                    f"{expected:,} bytes; the file is {what}"
                )
            data = np.fromfile(f, dtype=dtype, count=count)
    except OSError as exc:
        raise unreadable(path, exc) from None
    if data.size != count:  # file changed under us
        raise DatasetError(path, "ended before all the values its header declares could be read")
    return data.reshape(dims).astype(dtype.newbyteorder("="), copy=False)


def _read_idx_gzip(path: Path) -> np.ndarray:
    try:
        with gzip.open(path, "rb") as f:
            dtype, words, dims, _ = _parse_header(path, lambda n: _read_exact(f, n), compressed=True)
            count = int(np.prod(dims, dtype=np.int64))
            expected = count * dtype.itemsize
            payload = _read_exact(f, expected)
            if len(payload) < expected:
                raise DatasetError(
                    path, f"holds {len(payload):,} bytes of values after decompression but its header "
                    f"({_describe(dims, words)}) declares {expected:,}; the file is truncated or corrupt"
                )
            if f.read(1):
                raise DatasetError(
                    path, f"holds more data after decompression than its header ({_describe(dims, words)}) "
                    "declares; the file is corrupt"
                )
    except gzip.BadGzipFile:
        raise DatasetError(path, "is not a valid gzip file (bad gzip header)") from None
    except EOFError:
        raise DatasetError(path, "the compressed data ends early: the file is truncated "
                           "(an incomplete download?)") from None
    except zlib.error:
        raise DatasetError(path, "the compressed data is corrupt (gzip decompression failed)") from None
    except OSError as exc:
        raise unreadable(path, exc) from None
    return np.frombuffer(payload, dtype=dtype).reshape(dims).astype(dtype.newbyteorder("="))


class _Reader(Protocol):
    """A binary file, plain or gzip: typeshed's GzipFile is no BinaryIO."""

    def read(self, size: int = -1, /) -> bytes: ...


def _read_exact(f: _Reader, n: int) -> bytearray:
    """Up to n bytes, read in chunks so memory follows real data, not what a header claims."""
    buf = bytearray()
    while len(buf) < n:
        chunk = f.read(min(_CHUNK, n - len(buf)))
        if not chunk:
            break
        buf += chunk
    return buf


# ---------------------------------------------------------------- pairs, files and folders


def labels_sibling(images: Path) -> Path | None:
    """The labels file that belongs to an images file (…-images-idx3-… → …-labels-idx1-…), if any."""
    return _swap_sibling(images, _IMAGES_TAG, _LABELS_TAG)


def images_sibling(labels: Path) -> Path | None:
    return _swap_sibling(labels, _LABELS_TAG, _IMAGES_TAG)


def _swap_sibling(path: Path, old: str, new: str) -> Path | None:
    name = path.name
    base = name[:-3] if name.lower().endswith(".gz") else name
    if old not in base:
        return None
    other = base.replace(old, new)
    for candidate in (path.with_name(other), path.with_name(other + ".gz")):
        if candidate.is_file():
            return candidate
    return None


def load_idx_pair(images: Path, labels: Path | None) -> tuple[np.ndarray, np.ndarray | None]:
    """x as N×1×H×W float32 in [0, 1] and y as int64 (or None without a labels file)."""
    arr = read_idx(images)
    if arr.ndim == 1:
        raise DatasetError(images, f"holds one number per sample ({arr.shape[0]:,} values), which is a "
                           "labels file, not images")
    x = to_unit_float(images, to_sample_layout(images, arr, "the image data"), "pixel values")
    if labels is None:
        return x, None
    lab = read_idx(labels)
    if lab.ndim != 1:
        raise DatasetError(labels, f"should hold one label per sample but has shape "
                           f"{'×'.join(str(d) for d in lab.shape)}")
    if len(lab) != len(x):
        raise DatasetError(labels, f"has {len(lab):,} labels but {images.name} has {len(x):,} images; "
                           "the two files do not belong together or one is damaged")
    return x, to_labels(labels, lab, len(x))


def find_idx_folder(path: Path) -> Path | None:
    """The folder holding the IDX files when `path` is a root, root/MNIST, root/MNIST/raw or such."""
    found = [c for c in (path, *(path / s for s in _LAYOUT_SUBFOLDERS)) if c.is_dir() and _idx_images_in(c)]
    if not found:
        return None
    layouts = [c for c in found if c.parent.name in ("MNIST", "FashionMNIST") and c.parent.parent == path]
    if len(layouts) > 1:
        names = " and ".join(c.parent.name for c in layouts)
        raise DatasetError(path, f"holds both {names}; point aeviewer at one of those folders")
    return found[0]


def _idx_images_in(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if _IMAGES_TAG in p.name and p.is_file() and is_idx_name(p))
    except OSError:
        return []


def _is_test_file(path: Path) -> bool:
    name = path.name.lower()
    return "t10k" in name or "test" in name


def _identify(path: Path) -> tuple[str, tuple[str, ...] | None]:
    """Dataset name and class names suggested by the folder names (MNIST vs Fashion-MNIST)."""
    for part in reversed(path.resolve().parts):  # the nearest folder name decides
        if part.lower() in _FASHION_FOLDER_NAMES:
            return "fashion-mnist", FASHION_MNIST_CLASSES
        if part.lower() in _MNIST_FOLDER_NAMES:
            return "mnist", MNIST_CLASSES
    return "", None


def load_idx_folder(path: Path) -> Dataset:
    """A folder of IDX files: train* files are the training split, t10k*/test* files the test split."""
    folder = find_idx_folder(path)
    if folder is None:
        raise DatasetError(path, "contains no IDX images file (…-images-idx3-ubyte or .gz)")
    by_split: dict[bool, list[Path]] = {False: [], True: []}
    for f in _idx_images_in(folder):
        base = f.name[:-3] if f.name.lower().endswith(".gz") else f.name
        if f.name.lower().endswith(".gz") and (folder / base).is_file():
            continue  # torchvision keeps both; the uncompressed copy is quicker to read
        by_split[_is_test_file(f)].append(f)
    for files in by_split.values():
        if len(files) > 1:
            names = ", ".join(f.name for f in files)
            raise DatasetError(folder, f"holds several images files for one split ({names}); "
                               "point aeviewer at one of them")
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    tests: list[np.ndarray] = []
    for is_test, files in by_split.items():
        if not files:
            continue
        images = files[0]
        labels = labels_sibling(images)
        if labels is None:
            raise DatasetError(images, f"has no labels file next to it (expected "
                               f"{images.name.replace(_IMAGES_TAG, _LABELS_TAG)})")
        x, y = load_idx_pair(images, labels)
        assert y is not None  # a labels file was given
        xs.append(x)
        ys.append(y)
        tests.append(np.full(len(x), is_test))
    shapes = {x.shape[1:] for x in xs}
    if len(shapes) > 1:
        raise DatasetError(folder, "the training and test images have different sizes")
    x = np.concatenate(xs)
    y = np.concatenate(ys)
    test_mask = np.concatenate(tests) if len(xs) == 2 else None
    name, classes = _identify(folder)
    return make_dataset(name or folder.name, x, y, classes or numbered_class_names(y), folder, test_mask)


def load_idx_file(path: Path) -> Dataset:
    """One IDX images file, with its labels sibling when there is one; seeded hold-out split."""
    path = Path(path)
    if _LABELS_TAG in path.name:
        images = images_sibling(path)
        if images is None:
            raise DatasetError(path, "is an IDX labels file; point aeviewer at the images file "
                               "(…-images-idx3-ubyte) or the folder holding both")
        path = images
    labels = labels_sibling(path)
    x, y = load_idx_pair(path, labels)
    name, classes = _identify(path)
    if classes is None or y is None:
        classes = numbered_class_names(y)
    base = path.name[:-3] if path.name.lower().endswith(".gz") else path.name
    return make_dataset(name or base, x, y, classes, path)
