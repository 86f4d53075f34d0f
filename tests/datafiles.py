"""Generators of small, valid dataset files (and deliberately broken ones) for loader tests.

Kept in one importable module so the bad-input corpus and other tests can build on them.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import struct
import tarfile
from pathlib import Path

import numpy as np

IDX_CODES = {
    np.dtype(np.uint8): 0x08,
    np.dtype(np.int8): 0x09,
    np.dtype(np.int16): 0x0B,
    np.dtype(np.int32): 0x0C,
    np.dtype(np.float32): 0x0D,
    np.dtype(np.float64): 0x0E,
}


def idx_bytes(arr: np.ndarray) -> bytes:
    """The IDX encoding of `arr` (big-endian, header + values)."""
    arr = np.asarray(arr)
    code = IDX_CODES[arr.dtype]
    header = bytes([0, 0, code, arr.ndim]) + struct.pack(f">{arr.ndim}I", *arr.shape)
    return header + arr.astype(arr.dtype.newbyteorder(">")).tobytes()


def write_bytes(path: Path, data: bytes, gz: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(data, mtime=0) if gz else data)
    return path


def write_idx(path: Path, arr: np.ndarray, gz: bool | None = None) -> Path:
    """Write `arr` as IDX; gzipped when `gz` is True or the name ends in .gz."""
    gz = path.name.endswith(".gz") if gz is None else gz
    return write_bytes(path, idx_bytes(arr), gz)


def sample_images(n: int, h: int = 28, w: int = 28, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, size=(n, h, w), dtype=np.uint8)


def sample_labels(n: int, n_classes: int = 10, seed: int = 1) -> np.ndarray:
    return (np.arange(n) % n_classes).astype(np.uint8)[np.random.default_rng(seed).permutation(n)]


def make_mnist_layout(
    root: Path,
    folder: str = "MNIST",
    gz: bool = True,
    n_train: int = 30,
    n_test: int = 10,
    size: int = 28,
) -> Path:
    """torchvision's layout: root/<folder>/raw/{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]."""
    raw = root / folder / "raw"
    ext = ".gz" if gz else ""
    for split, n, seed in (("train", n_train, 0), ("t10k", n_test, 1)):
        write_idx(raw / f"{split}-images-idx3-ubyte{ext}", sample_images(n, size, size, seed), gz)
        write_idx(raw / f"{split}-labels-idx1-ubyte{ext}", sample_labels(n, seed=seed + 10), gz)
    return raw


def mnist_gz_files(n_train: int = 30, n_test: int = 10, size: int = 8) -> dict[str, bytes]:
    """In-memory gz IDX files with the real MNIST names, for the download tests' HTTP server."""
    out = {}
    for split, n, seed in (("train", n_train, 0), ("t10k", n_test, 1)):
        images = idx_bytes(sample_images(n, size, size, seed))
        labels = idx_bytes(sample_labels(n, seed=seed + 10))
        out[f"{split}-images-idx3-ubyte.gz"] = gzip.compress(images, mtime=0)
        out[f"{split}-labels-idx1-ubyte.gz"] = gzip.compress(labels, mtime=0)
    return out


def md5(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def write_csv(path: Path, rows: list[list[object]], header: list[str] | None = None, sep: str = ",") -> Path:
    lines = [sep.join(header)] if header else []
    lines += [sep.join(str(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def make_image_folder(
    root: Path,
    classes: tuple[str, ...] = ("cat", "dog"),
    per_class: int = 3,
    size: tuple[int, int] = (8, 6),
    mode: str = "L",
    fmt: str = "png",
) -> Path:
    """root/<class>/<i>.png images of one size (width, height) and mode; returns root."""
    from PIL import Image

    rng = np.random.default_rng(0)
    w, h = size
    for c in classes:
        (root / c).mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            shape = (h, w) if mode == "L" else (h, w, 3)
            pixels = rng.integers(0, 256, size=shape, dtype=np.uint8)
            Image.fromarray(pixels, mode).save(root / c / f"{i}.{fmt}")
    return root


CIFAR10_NAMES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")


def cifar_batch_bytes(n: int, seed: int = 0, label_max: int = 9) -> bytes:
    rng = np.random.default_rng(seed)
    records = np.empty((n, 3073), np.uint8)
    records[:, 0] = np.arange(n) % (label_max + 1)
    records[:, 1:] = rng.integers(0, 256, size=(n, 3072), dtype=np.uint8)
    return records.tobytes()


def make_cifar_bin(
    folder: Path, per_batch: int = 4, n_batches: int = 5, meta: list[str] | None = None
) -> Path:
    """A cifar-10-batches-bin folder with tiny batches (and batches.meta.txt when `meta` is given)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(1, n_batches + 1):
        (folder / f"data_batch_{i}.bin").write_bytes(cifar_batch_bytes(per_batch, seed=i))
    (folder / "test_batch.bin").write_bytes(cifar_batch_bytes(per_batch, seed=99))
    if meta is not None:
        (folder / "batches.meta.txt").write_text("\n".join(meta) + "\n\n", encoding="utf-8")
    return folder


def cifar_tar_gz(per_batch: int = 2, extra_members: dict[str, bytes] | None = None) -> bytes:
    """A cifar-10-binary.tar.gz lookalike with tiny batches (plus any `extra_members`, e.g. '../evil')."""
    buf = io.BytesIO()
    root = "cifar-10-batches-bin"
    members = {f"{root}/data_batch_{i}.bin": cifar_batch_bytes(per_batch, seed=i) for i in range(1, 6)}
    members[f"{root}/test_batch.bin"] = cifar_batch_bytes(per_batch, seed=99)
    members[f"{root}/batches.meta.txt"] = "\n".join(CIFAR10_NAMES).encode() + b"\n"
    members.update(extra_members or {})
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()
