"""`load_dataset`: one entry point that turns a name, a file or a folder into a `Dataset`.

Dispatch is by name first ("digits", "mnist", ...), then by folder layout, then by file
extension, then by the file's first bytes; anything unrecognised gets an error that lists what
is supported. Every failure is a `DatasetError` naming the file and the problem.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from aeviewer.core.data.dataset import Dataset
from aeviewer.core.data.loaders._common import unreadable
from aeviewer.core.data.loaders.cifar import find_cifar_folder, load_cifar_folder, refuse_pickled_cifar
from aeviewer.core.data.loaders.csv_table import load_csv
from aeviewer.core.data.loaders.digits import load_digits
from aeviewer.core.data.loaders.idx import (
    FASHION_MNIST_CLASSES,
    GZIP_MAGIC,
    MNIST_CLASSES,
    find_idx_folder,
    is_idx_name,
    load_idx_file,
    load_idx_folder,
    sniff_idx,
)
from aeviewer.core.data.loaders.image_folder import IMAGE_SUFFIXES, load_image_folder
from aeviewer.core.data.loaders.numpy_files import PICKLE_PROBLEM, load_npy, load_npz
from aeviewer.core.errors import DatasetError

__all__ = ["BUILTIN_NAMES", "describe_supported", "load_dataset"]

#: Names `load_dataset` understands without a path ("digits" is embedded, the rest are downloaded).
BUILTIN_NAMES = ("digits", "mnist", "fashion-mnist", "cifar10")
CSV_SUFFIXES = (".csv", ".tsv")
CSV_GZ_SUFFIXES = (".csv.gz", ".tsv.gz")
_ARCHIVE_SUFFIXES = (".zip", ".tar", ".tgz", ".tar.gz", ".tar.bz2", ".tar.xz", ".7z", ".rar")
_MODEL_SUFFIXES = (".pt", ".pth", ".ckpt", ".safetensors", ".onnx")
_NPY_MAGIC = b"\x93NUMPY"
_ZIP_MAGIC = b"PK\x03\x04"
_PICKLE_SUFFIXES = (".pkl", ".pickle")


def describe_supported() -> str:
    """One sentence listing every supported source, for help texts and 'unknown format' errors."""
    return (
        "aeviewer reads: the names digits, mnist, fashion-mnist and cifar10; .npy/.npz arrays "
        "(npz keys x/images, y/labels, optional x_test/y_test); .csv/.tsv tables (one row per sample, "
        "optional label column); IDX files (*-ubyte or *-ubyte.gz, e.g. MNIST) or a torchvision MNIST "
        "folder; a CIFAR-10 binary folder (data_batch_*.bin, test_batch.bin); a folder of images "
        f"({', '.join(s.lstrip('.') for s in IMAGE_SUFFIXES[:5])}, ...) with one subfolder per class"
    )


def load_dataset(spec: str | Path, label_column: str | int | None = None) -> Dataset:
    """The dataset named by `spec`: a built-in name, or a path to a data file or folder.

    `label_column` (CSV only): a header name, a 1-based column number, or "none"; default: detected.
    """
    if isinstance(spec, str):
        key = spec.strip().lower()
        if key == "digits":
            return load_digits()
        from aeviewer.core.data import download

        canon = download.canonical_name(key)
        if canon is not None:
            return _load_downloaded(canon)
    path = Path(spec).expanduser()
    if not path.exists():
        hint = ""
        if isinstance(spec, str) and not path.suffix and len(path.parts) == 1:
            hint = f" and is not a built-in dataset name ({', '.join(BUILTIN_NAMES)})"
        raise DatasetError(path, f"no such file or folder{hint}")
    if path.is_dir():
        return _load_folder(path)
    if label_column is not None and not path.name.lower().endswith(CSV_SUFFIXES + CSV_GZ_SUFFIXES):
        raise DatasetError(path, "is not a CSV table, so a label column cannot be chosen for it")
    return _load_file(path, label_column)


def _load_downloaded(name: str) -> Dataset:
    from aeviewer.core.data import download

    entry = download.CATALOGUE[name]
    if not download.is_present(name):
        raise DatasetError(None, f"{name} is not downloaded yet: run `aeviewer data get {name}` "
                           f"(it will be stored in {download.data_dir()})")
    folder = download.dataset_path(name)
    ds = load_cifar_folder(folder) if entry.is_archive else load_idx_folder(folder)
    classes = {"mnist": MNIST_CLASSES, "fashion-mnist": FASHION_MNIST_CLASSES}.get(name, ds.class_names)
    return dataclasses.replace(ds, name=name, class_names=classes)


def _load_folder(path: Path) -> Dataset:
    if find_cifar_folder(path) is not None:
        return load_cifar_folder(path)
    refuse_pickled_cifar(path)
    if find_idx_folder(path) is not None:
        return load_idx_folder(path)
    return load_image_folder(path)


def _load_file(path: Path, label_column: str | int | None = None) -> Dataset:
    name = path.name.lower()
    suffix = path.suffix.lower()
    if suffix == ".npy":
        return load_npy(path)
    if suffix == ".npz":
        return load_npz(path)
    if suffix in CSV_SUFFIXES or name.endswith(CSV_GZ_SUFFIXES):
        return load_csv(path, label_column)
    if is_idx_name(path):
        return load_idx_file(path)
    if find_cifar_folder(path) is not None:
        return load_cifar_folder(path)
    refuse_pickled_cifar(path)
    if suffix in _PICKLE_SUFFIXES:
        raise DatasetError(path, PICKLE_PROBLEM)
    if name.startswith("cifar-10-binary") and name.endswith((".tar.gz", ".tgz")):
        raise DatasetError(path, "is the CIFAR-10 archive; extract it and point aeviewer at the "
                           "cifar-10-batches-bin folder (or run `aeviewer data get cifar10`)")
    if name.endswith(_ARCHIVE_SUFFIXES):
        raise DatasetError(path, "is an archive; extract it first and point aeviewer at what it contains")
    if suffix in _MODEL_SUFFIXES:
        raise DatasetError(path, "looks like a model file, not a dataset")
    if suffix in IMAGE_SUFFIXES:
        raise DatasetError(path, "is a single image; point aeviewer at a folder of images with one "
                           "subfolder per class")
    return _load_by_content(path)


def _load_by_content(path: Path) -> Dataset:
    """Last resort for unknown extensions: recognise the format from the first bytes."""
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except OSError as exc:
        raise unreadable(path, exc) from None
    if head.startswith(_NPY_MAGIC):
        return load_npy(path)
    if head.startswith(_ZIP_MAGIC):
        return load_npz(path)
    if head.startswith(GZIP_MAGIC) or sniff_idx(head):
        return load_idx_file(path)
    raise DatasetError(path, f"is not in a format aeviewer recognises. {describe_supported()}")
