"""CIFAR-10, binary version only (cifar-10-batches-bin/*.bin: 1 label byte + 3072 pixel bytes a record).

The "python version" of CIFAR-10 is a pickle, and loading a pickle can run arbitrary code, so
aeviewer refuses it with an explanation instead of reading it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np

from aeviewer.core.data.dataset import Dataset
from aeviewer.core.data.loaders._common import check_element_count, make_dataset, unreadable
from aeviewer.core.errors import DatasetError

CIFAR10_CLASSES = (
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
)
RECORD_BYTES = 1 + 3 * 32 * 32
BIN_FOLDER = "cifar-10-batches-bin"
PY_FOLDER = "cifar-10-batches-py"
TRAIN_FILES = tuple(f"data_batch_{i}.bin" for i in range(1, 6))
TEST_FILE = "test_batch.bin"
META_FILE = "batches.meta.txt"
_PICKLED_NAME = re.compile(r"^(data_batch_\d+|test_batch|batches\.meta)$")
PICKLE_PROBLEM = (
    "is the Python version of CIFAR-10, which is stored as a pickle (loading a pickle can run code), "
    "so aeviewer only reads the binary version: get cifar-10-binary.tar.gz, "
    "or run `aeviewer data get cifar10`"
)


def find_cifar_folder(path: Path) -> Path | None:
    """The folder holding the .bin batches when `path` is it, its parent, or one of its files."""
    if path.is_file() and path.suffix == ".bin" and (path.name in TRAIN_FILES or path.name == TEST_FILE):
        path = path.parent
    for candidate in (path, path / BIN_FOLDER):
        if candidate.is_dir() and any((candidate / n).is_file() for n in (*TRAIN_FILES, TEST_FILE)):
            return candidate
    return None


def refuse_pickled_cifar(path: Path) -> None:
    """DatasetError when `path` is (or holds) the pickled python version of CIFAR."""
    if path.name == PY_FOLDER or (path.is_file() and _PICKLED_NAME.match(path.name)):
        raise DatasetError(path, PICKLE_PROBLEM)
    if path.name.startswith("cifar-10-python") or path.name.startswith("cifar-100-python"):
        raise DatasetError(path, PICKLE_PROBLEM)
    if path.is_dir() and ((path / PY_FOLDER).is_dir() or (path / "data_batch_1").is_file()):
        raise DatasetError(path, PICKLE_PROBLEM)


def _class_names(folder: Path) -> tuple[str, ...]:
    meta = folder / META_FILE
    try:
        names = tuple(line.strip() for line in meta.read_text(encoding="utf-8").splitlines() if line.strip())
    except (OSError, UnicodeDecodeError):
        return CIFAR10_CLASSES
    return names[:10] if len(names) >= 10 else CIFAR10_CLASSES


def _read_batch(path: Path) -> tuple[np.ndarray, np.ndarray]:
    try:
        size = os.path.getsize(path)
        if size == 0 or size % RECORD_BYTES:
            raise DatasetError(
                path, f"is {size:,} bytes, which is not a whole number of CIFAR-10 records "
                f"({RECORD_BYTES:,} bytes each: 1 label byte + 3072 pixel bytes); the file is truncated "
                "or is not a CIFAR-10 binary batch"
            )
        records = np.fromfile(path, dtype=np.uint8).reshape(-1, RECORD_BYTES)
    except OSError as exc:
        raise unreadable(path, exc) from None
    labels = records[:, 0].astype(np.int64)
    bad = np.flatnonzero(labels >= len(CIFAR10_CLASSES))
    if bad.size:
        raise DatasetError(
            path, f"record {bad[0] + 1} has label {labels[bad[0]]}, but CIFAR-10 labels are 0-9; this is not "
            "a CIFAR-10 binary batch (CIFAR-100's binary format is not supported)"
        )
    return records[:, 1:].reshape(-1, 3, 32, 32), labels


def load_cifar_folder(path: Path) -> Dataset:
    """CIFAR-10 binary batches as N×3×32×32; data_batch_* are training, test_batch the test split."""
    folder = find_cifar_folder(path)
    if folder is None:
        refuse_pickled_cifar(path)
        raise DatasetError(path, f"holds no CIFAR-10 binary batches ({TRAIN_FILES[0]} ... {TEST_FILE})")
    sizes = [(folder / n).stat().st_size for n in (*TRAIN_FILES, TEST_FILE) if (folder / n).is_file()]
    check_element_count(folder, (sum(sizes),), "the CIFAR-10 batches")
    xs, ys, tests = [], [], []
    for name in (*TRAIN_FILES, TEST_FILE):
        f = folder / name
        if f.is_file():
            x, y = _read_batch(f)
            xs.append(x)
            ys.append(y)
            tests.append(np.full(len(y), name == TEST_FILE))
    is_test = np.concatenate(tests)
    split = is_test if 0 < is_test.sum() < len(is_test) else None
    x = np.concatenate(xs).astype(np.float32) / np.float32(255.0)
    return make_dataset("cifar10", x, np.concatenate(ys), _class_names(folder), folder, split)
