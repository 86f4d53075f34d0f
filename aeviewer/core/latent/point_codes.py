"""Precomputed coordinates as a points-only space: an `.npy` of 2-D points (or of D-dim codes, shown on their
first two principal components), with optional labels, and no decoder.

Embedding Projector users ask to "show precomputed 2-D coordinates". The file is memory-mapped and checked from
its header first (numeric dtype, 2-D shape, a file long enough for that shape, the memory budget), so a hostile
or truncated file is refused with one message before anything is allocated. Never a pickle.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from aeviewer.core.data.loaders.numpy_files import PICKLE_PROBLEM, read_npy_header
from aeviewer.core.errors import DatasetError
from aeviewer.core.memory_budget import MemoryBudgetExceeded, check_bytes

#: Rows the principal components of D-dim codes are fitted on (a seeded sample): enough for two axes.
PCA_SAMPLE = 100_000
#: Points per pass when converting or projecting: a few MB of temporaries whatever N is.
CHUNK = 1 << 18
MAX_CLASSES = 10_000


@dataclass(frozen=True)
class PointCodes:
    """Points to show, and where they came from; `note` says what the axes are."""

    points: np.ndarray  # (N, 2) float32, possibly a read-only memory map
    labels: np.ndarray | None  # (N,) int64 or None
    class_names: tuple[str, ...]
    source: Path
    note: str

    @property
    def n(self) -> int:
        return len(self.points)


def _header(path: Path) -> tuple[tuple[int, ...], np.dtype, int]:
    """Shape, dtype and data offset from the .npy header alone."""
    try:
        with path.open("rb") as f:
            shape, fortran, dtype = read_npy_header(f)
            offset = f.tell()
    except OSError as exc:
        raise DatasetError(path, f"cannot be read ({exc.strerror or exc})") from None
    except Exception as exc:  # noqa: BLE001 - numpy's header parser raises many types on garbage
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
        raise DatasetError(path, f"is not a valid NumPy .npy file ({first})") from None
    if dtype.hasobject:
        raise DatasetError(path, PICKLE_PROBLEM)
    if fortran:
        raise DatasetError(path, "is stored in Fortran order; save it with np.save(path, np.ascontiguousarray(a))")
    return tuple(int(d) for d in shape), dtype, offset


def _mapped(path: Path, what: str) -> tuple[np.ndarray, np.dtype]:
    shape, dtype, offset = _header(path)
    expected = offset + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    size = path.stat().st_size
    if size < expected:
        raise DatasetError(path, f"is truncated: its header says {'×'.join(map(str, shape))} {dtype} {what} "
                                 f"({expected:,} bytes) but the file has {size:,} bytes")
    return np.load(path, mmap_mode="r", allow_pickle=False), dtype


def load_point_codes(path: str | Path, labels_path: str | Path | None = None) -> PointCodes:
    """Open an (N, 2) array of coordinates, or (N, D) codes shown on their first two principal components."""
    path = Path(path)
    shape, dtype, _ = _header(path)
    if dtype.kind not in "fiu":
        raise DatasetError(path, f"holds {dtype} values; coordinates must be numbers (float or integer)")
    if len(shape) != 2 or shape[1] < 2 or shape[0] < 1:
        raise DatasetError(path, f"has shape {shape}; aeviewer shows an (N, 2) array of coordinates or (N, D) "
                                 "codes with D >= 2, one row per point")
    n, d = shape
    in_place = d == 2 and dtype == np.float32
    # the view's prepared copy (x and y float32) always; a float32 copy of the coordinates unless mapped as is
    needed = n * 8 * (1 if in_place else 2)
    try:
        check_bytes(needed, f"{n:,} points")
    except MemoryBudgetExceeded as exc:
        raise DatasetError(path, str(exc)) from None
    raw, _ = _mapped(path, "values")
    if in_place:
        points, note = raw, "the file's own coordinates"
    elif d == 2:
        points, note = _converted(raw), "the file's own coordinates"
    else:
        points, note = _first_two_components(raw), f"the first two principal components of {d}-D codes"
    labels, names = (None, ()) if labels_path is None else _labels(Path(labels_path), n)
    return PointCodes(points, labels, names, path, note)


def _converted(raw: np.ndarray) -> np.ndarray:
    out = np.empty((len(raw), 2), dtype=np.float32)
    for start in range(0, len(raw), CHUNK):
        out[start:start + CHUNK] = raw[start:start + CHUNK, :2]
    return out


def _first_two_components(raw: np.ndarray) -> np.ndarray:
    """Project onto two principal axes fitted on a seeded sample of the finite rows, in chunks."""
    n = len(raw)
    rng = np.random.default_rng(0)
    sample_rows = np.sort(rng.choice(n, min(n, PCA_SAMPLE), replace=False))
    sample = np.asarray(raw[sample_rows], dtype=np.float64)
    sample = sample[np.isfinite(sample).all(axis=1)]
    if len(sample) < 2:
        raise DatasetError(None, "has fewer than two finite rows to find principal axes from")
    mean = sample.mean(axis=0)
    _, _, vt = np.linalg.svd(sample - mean, full_matrices=False)
    axes = vt[:2].T
    out = np.empty((n, 2), dtype=np.float32)
    for start in range(0, n, CHUNK):
        out[start:start + CHUNK] = (np.asarray(raw[start:start + CHUNK], dtype=np.float64) - mean) @ axes
    return out


def _labels(path: Path, n: int) -> tuple[np.ndarray, tuple[str, ...]]:
    raw, dtype = _mapped(path, "labels")
    if dtype.kind not in "iu" or raw.ndim != 1:
        raise DatasetError(path, f"holds {raw.shape} {dtype} values; labels must be one integer per point")
    if len(raw) != n:
        raise DatasetError(path, f"has {len(raw):,} labels for {n:,} points")
    labels = np.asarray(raw, dtype=np.int64)
    if len(labels) and (labels.min() < 0 or labels.max() >= MAX_CLASSES):
        raise DatasetError(path, f"has labels from {labels.min()} to {labels.max()}; aeviewer reads classes "
                                 f"0 to {MAX_CLASSES - 1}")
    return labels, tuple(str(c) for c in range(int(labels.max()) + 1 if len(labels) else 0))
