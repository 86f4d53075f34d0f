"""Shared checks that turn raw arrays from any file format into a valid `Dataset`.

Every loader funnels through here so that scaling rules, shape rules and error wording are the
same whatever the file format.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from aeviewer.core.data.dataset import Dataset
from aeviewer.core.errors import DatasetError
from aeviewer.core.memory_budget import FLOAT32_PIPELINE_BYTES, MemoryBudgetExceeded, check_bytes

#: Fraction and seed of the hold-out given to sources without their own train/test split.
HOLDOUT_FRACTION = 0.2
HOLDOUT_SEED = 0

#: Refuse arrays larger than this many values before allocating them (a corrupt header or a
#: hostile file must not make aeviewer try to allocate tens of gigabytes).
MAX_ELEMENTS = 2**31

#: Channel counts aeviewer can show as images: grayscale and RGB.
IMAGE_CHANNELS = (1, 3)


def fmt_num(value: float) -> str:
    """Short human form of a number for error messages (7.1, not 7.099999904632568)."""
    return f"{value:.4g}"


def check_element_count(path: Path | None, shape: tuple[int, ...], what: str = "data", itemsize: int = 1) -> int:
    """The number of values `shape` holds; DatasetError if it is absurdly large or would not fit in memory.

    The memory estimate counts the raw values (`itemsize` bytes each) plus the float32 copies the pipeline
    makes from them, and is compared with `memory_budget.budget_bytes()` before anything is allocated.
    """
    count = 1
    for dim in shape:
        count *= int(dim)
    dims = "×".join(str(d) for d in shape)
    if count > MAX_ELEMENTS:
        raise DatasetError(
            path, f"{what} claims a shape of {dims} ({count:,} values), more than aeviewer will load "
            f"({MAX_ELEMENTS:,}); the file is corrupt or far too large"
        )
    try:
        check_bytes(count * (int(itemsize) + FLOAT32_PIPELINE_BYTES), f"{what} ({dims} values)")
    except MemoryBudgetExceeded as exc:
        raise DatasetError(path, str(exc)) from None
    return count


def to_unit_float(path: Path | None, arr: np.ndarray, what: str = "values") -> np.ndarray:
    """float32 copy of `arr` scaled into [0, 1].

    uint8 is divided by 255. Other numbers are kept when already within [0, 1], divided by 255 when
    they are whole numbers within [0, 255] (8-bit pixels stored as int or float); anything else is
    refused rather than silently rescaled, because a min-max rescale would hide a wrong file.
    """
    if arr.dtype == np.uint8:
        return arr.astype(np.float32) / np.float32(255.0)
    if arr.dtype == np.bool_:
        return arr.astype(np.float32)
    if not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise DatasetError(path, f"{what} have type {arr.dtype}; expected numbers")
    if arr.size == 0:
        return arr.astype(np.float32)
    if np.issubdtype(arr.dtype, np.floating):
        finite = np.isfinite(arr)
        if not finite.all():
            bad = arr[~finite]
            kinds = sorted({"NaN" if np.isnan(v) else "infinity" for v in bad[:1000]})
            raise DatasetError(
                path, f"{what} contain {' and '.join(kinds)} ({bad.size:,} of {arr.size:,} values); "
                "every value must be a finite number"
            )
    lo, hi = float(arr.min()), float(arr.max())
    if lo >= 0.0 and hi <= 1.0:
        return arr.astype(np.float32)
    whole = np.issubdtype(arr.dtype, np.integer) or bool(np.all(arr == np.round(arr)))
    if whole and lo >= 0.0 and hi <= 255.0:
        return (arr.astype(np.float32) / np.float32(255.0)).astype(np.float32)
    raise DatasetError(
        path, f"{what} range from {fmt_num(lo)} to {fmt_num(hi)}; expected [0, 1] "
        "or whole numbers in [0, 255]"
    )


def to_sample_layout(path: Path | None, arr: np.ndarray, what: str = "the data") -> np.ndarray:
    """`arr` reshaped to N×D or N×C×H×W.

    N×H×W becomes N×1×H×W; N×H×W×C with C in (1, 3) is transposed to N×C×H×W. A 4-D array whose
    second axis is 1 or 3 is taken as already N×C×H×W (that wins when both readings fit).
    """
    if arr.ndim == 2:
        return arr
    if arr.ndim == 3:
        return arr[:, None, :, :]
    if arr.ndim == 4:
        if arr.shape[1] in IMAGE_CHANNELS:
            return arr
        if arr.shape[3] in IMAGE_CHANNELS:
            return np.ascontiguousarray(arr.transpose(0, 3, 1, 2))
        raise DatasetError(
            path, f"{what} has shape {_shape(arr.shape)}; 4-D images need 1 or 3 channels, "
            "as N×C×H×W or N×H×W×C"
        )
    raise DatasetError(
        path, f"{what} has {arr.ndim} dimension(s) (shape {_shape(arr.shape)}); expected "
        "N×D vectors, N×H×W images, or N×C×H×W / N×H×W×C images with 1 or 3 channels"
    )


def to_labels(path: Path | None, y: np.ndarray, n_samples: int, what: str = "labels") -> np.ndarray:
    """int64 class labels (0, 1, 2, ...) checked against the number of samples."""
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise DatasetError(path, f"{what} have shape {_shape(y.shape)}; expected one label per sample")
    if len(y) != n_samples:
        raise DatasetError(path, f"there are {n_samples:,} samples but {len(y):,} {what}")
    if y.dtype == np.bool_:
        return y.astype(np.int64)
    if not (np.issubdtype(y.dtype, np.integer) or np.issubdtype(y.dtype, np.floating)):
        raise DatasetError(path, f"{what} have type {y.dtype}; expected whole numbers 0, 1, 2, ...")
    if len(y) == 0:
        return y.astype(np.int64)
    if np.issubdtype(y.dtype, np.floating) and not (np.isfinite(y).all() and np.all(y == np.round(y))):
        raise DatasetError(path, f"{what} must be whole numbers 0, 1, 2, ...; found fractional or NaN values")
    lo, hi = float(y.min()), float(y.max())
    if lo < 0:
        raise DatasetError(path, f"{what} must be 0 or more; found {fmt_num(lo)}")
    if hi > 100_000:
        raise DatasetError(path, f"{what} go up to {fmt_num(hi)}; that is not a class number")
    return y.astype(np.int64)


def numbered_class_names(y: np.ndarray | None) -> tuple[str, ...]:
    """"0", "1", ... up to the largest label: the best names a file without names can give."""
    if y is None or len(y) == 0:
        return ()
    return tuple(str(i) for i in range(int(y.max()) + 1))


def make_dataset(
    name: str,
    x: np.ndarray,
    y: np.ndarray | None,
    class_names: tuple[str, ...],
    source: Path | str,
    is_test: np.ndarray | None = None,
) -> Dataset:
    """The final Dataset; sources without their own split get the standard seeded hold-out."""
    if len(x) == 0:
        raise DatasetError(Path(source) if source else None, "contains no samples")
    ds = Dataset(name, np.ascontiguousarray(x, dtype=np.float32), y, class_names, str(source), is_test)
    if is_test is None:
        ds = ds.with_holdout(HOLDOUT_FRACTION, seed=HOLDOUT_SEED)
    return ds


def _shape(shape: tuple[int, ...]) -> str:
    return "×".join(str(d) for d in shape) or "()"


def unreadable(path: Path, exc: OSError) -> DatasetError:
    """DatasetError for a file the OS would not let us read (missing, permissions, a folder...)."""
    reason = exc.strerror or exc.__class__.__name__
    return DatasetError(path, f"cannot be read ({reason})")


def labels_and_names(path: Path | None, y: np.ndarray, n_samples: int, what: str = "labels"
                     ) -> tuple[np.ndarray, tuple[str, ...]]:
    """Labels as 0, 1, 2, ... plus class names; text labels ("cat", "dog") are numbered in sorted order."""
    if y.dtype.kind in "US":
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if y.ndim != 1 or len(y) != n_samples:
            return to_labels(path, y, n_samples, what), ()  # raises the usual shape/count error
        names, codes = np.unique(y.astype(str), return_inverse=True)
        return codes.astype(np.int64), tuple(str(n) for n in names)
    labels = to_labels(path, y, n_samples, what)
    return labels, numbered_class_names(labels)
