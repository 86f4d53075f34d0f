"""CSV / TSV tables: one row per sample, an optional header, an optional label column.

Decisions (documented here because users cannot see them in the file):
- The first row is a header when any of its cells is not a number.
- The label column is the one whose header is `label`, `labels`, `class` or `y` (any case). Without a
  header, the first or last column is taken as the labels (with a note) when it holds whole numbers forming
  a small contiguous range of classes (0..k-1 or 1..k, 2 <= k <= 1000) and the other end does not (the last
  wins a tie: MNIST CSVs put it there). `label_column` overrides both: a header name, a 1-based column number
  (negative counts from the end), or "none". Labels may be numbers (0, 1, 2, ...) or text (sorted, numbered).
- A row of D = s×s features with s >= 8 (64, 784, 1024, ...) is shown as a 1×s×s grayscale image,
  so 784 becomes 1×28×28 like MNIST; any other width stays a plain N×D vector.
- Values are scaled like .npy files: within [0, 1] kept, whole numbers within [0, 255] divided by 255.
"""

from __future__ import annotations

import csv
import dataclasses
import gzip
import math
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from aeviewer.core.data.dataset import Dataset
from aeviewer.core.data.loaders._common import (
    check_element_count,
    labels_and_names,
    make_dataset,
    to_unit_float,
    unreadable,
)
from aeviewer.core.errors import DatasetError

if TYPE_CHECKING:
    import _csv  # csv.reader is a function; its result's class lives here

LABEL_COLUMN_NAMES = ("label", "labels", "class", "y")
MIN_IMAGE_SIDE = 8
_BLOCK = 4096
_FLOAT32_MAX = float(np.finfo(np.float32).max)


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _delimiter(first_line: str) -> str:
    for d in (",", "\t", ";"):
        if d in first_line:
            return d
    return ","


def square_side(n_features: int) -> int | None:
    """s when n_features = s×s with s >= 8 (the row is shown as an s×s image), else None."""
    s = math.isqrt(n_features)
    return s if s * s == n_features and s >= MIN_IMAGE_SIDE else None


MAX_LABEL_CLASSES = 1000
GZIP_SUFFIXES = (".csv.gz", ".tsv.gz")
#: Most cells one table may have: parsing runs at a few million cells a second, and .npy loads instantly.
MAX_CELLS = 100_000_000


def load_csv(path: Path, label_column: str | int | None = None) -> Dataset:
    """Samples from a CSV (or TSV) file; seeded hold-out split. See the module docstring for `label_column`."""
    opener = gzip.open if path.name.lower().endswith(GZIP_SUFFIXES) else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="") as f:
            first = f.readline(1 << 20)
            f.seek(0)
            csv.field_size_limit(1 << 20)
            return _parse(path, csv.reader(f, delimiter=_delimiter(first)), label_column)
    except UnicodeDecodeError:
        raise DatasetError(path, "is not a text file (it is not valid UTF-8), so it cannot be read as CSV") \
            from None
    except csv.Error as exc:
        raise DatasetError(path, f"is not valid CSV ({exc})") from None
    except (gzip.BadGzipFile, EOFError, zlib.error):
        raise DatasetError(path, "is not a complete gzip file (damaged or truncated)") from None
    except OSError as exc:
        raise unreadable(path, exc) from None


def _column_index(path: Path, spec: str | int, n_cols: int, header: list[str] | None) -> int | None:
    """The 0-based column `spec` names (a header name, a 1-based number, negative from the end), or None."""
    text = str(spec).strip()
    if text.lower() == "none":
        return None
    if header is not None:
        lowered = [c.lower() for c in header]
        if text.lower() in lowered:
            return lowered.index(text.lower())
    try:
        number = int(text)
    except ValueError:
        names = f" (the header has {', '.join(repr(h) for h in header[:8])}...)" if header else ""
        raise DatasetError(path, f"has no column named {text!r}{names}; give a name or a column number") from None
    index = number - 1 if number > 0 else n_cols + number
    if number == 0 or not 0 <= index < n_cols:
        raise DatasetError(path, f"has {n_cols} columns, so there is no column {number} for the labels")
    return index


def _looks_like_labels(column: np.ndarray) -> bool:
    """Whole numbers forming a contiguous range of 2..MAX_LABEL_CLASSES classes starting at 0 or 1."""
    if not np.all(column == np.round(column)):
        return False
    values = np.unique(column)
    lo, hi = float(values[0]), float(values[-1])
    return lo in (0.0, 1.0) and 2 <= len(values) <= MAX_LABEL_CLASSES and hi - lo + 1 == len(values)


def _split_labels(path: Path, x: np.ndarray, label_column: str | int | None) -> tuple[np.ndarray, int | None, str]:
    """For a table without a header: (features, label column or None, note) by `label_column` or detection."""
    n_cols = x.shape[1]
    if label_column is not None:
        index = _column_index(path, label_column, n_cols, None)
        note = ""
    else:
        if n_cols < 2 or len(x) < 2:
            return x, None, ""
        first, last = _looks_like_labels(x[:, 0]), _looks_like_labels(x[:, -1])
        if not (first or last):
            return x, None, ""
        index = n_cols - 1 if last else 0
        classes = len(np.unique(x[:, index]))
        note = (f"{path.name}: no header, so column {index + 1} ({'the last' if last else 'the first'}) was taken "
                f"as the labels ({classes} classes); use --label-column none to keep it as a feature")
    if index is None:
        return x, None, ""
    if n_cols == 1:
        raise DatasetError(path, "has only a label column and no feature columns")
    return np.delete(x, index, axis=1), index, note


def _parse(path: Path, reader: _csv.Reader, label_column: str | int | None = None) -> Dataset:
    header: list[str] | None = None
    label_col: int | None = None
    n_cols = 0
    width_source = ""
    blocks: list[np.ndarray] = []
    block = np.empty((0, 0), np.float32)
    filled = 0
    labels: list[str] = []
    n_rows = 0
    for row in reader:
        line = reader.line_num
        if not row or all(not c.strip() for c in row):
            continue
        cells = [c.strip() for c in row]
        if header is None and n_rows == 0 and n_cols == 0:
            n_cols = len(cells)
            if not all(_is_number(c) for c in cells):
                header = cells
                lowered = [c.lower() for c in cells]
                label_col = next((lowered.index(n) for n in LABEL_COLUMN_NAMES if n in lowered), None)
                if label_column is not None:
                    label_col = _column_index(path, label_column, n_cols, header)
                width_source = "the header has"
                if n_cols - (label_col is not None) == 0:
                    raise DatasetError(path, "has only a label column and no feature columns")
                continue
            width_source = f"row {line} has"
        if len(cells) != n_cols:
            raise DatasetError(path, f"row {line} has {len(cells)} columns but {width_source} {n_cols}; "
                               "every row must have the same number of columns")
        if filled == len(block):
            if (n_rows + _BLOCK) * n_cols > MAX_CELLS and n_rows * n_cols > 0:
                raise DatasetError(path, f"has more than {MAX_CELLS:,} cells ({n_rows:,} rows of {n_cols:,} read so "
                                   "far), more than aeviewer parses from a text table; save it as .npy instead")
            if filled:
                blocks.append(block)
            n_feat = n_cols - (label_col is not None)
            check_element_count(path, (n_rows + _BLOCK, n_feat), "the table", 4)
            block = np.empty((_BLOCK, n_feat), np.float32)
            filled = 0
        values = block[filled]
        j = 0
        for i, cell in enumerate(cells):
            if i == label_col:
                if not cell:
                    raise DatasetError(path, f"row {line}, {_col(header, i)} is empty")
                labels.append(cell)
                continue
            try:
                value = float(cell)
            except ValueError:
                what = "is empty" if not cell else f"holds {cell[:40]!r}, which is not a number"
                raise DatasetError(path, f"row {line}, {_col(header, i)} {what}") from None
            if not math.isfinite(value) or abs(value) > _FLOAT32_MAX:
                raise DatasetError(path, f"row {line}, {_col(header, i)} holds {cell[:40]!r}; every value "
                                   "must be a finite number")
            values[j] = value
            j += 1
        filled += 1
        n_rows += 1
    if n_rows == 0:
        raise DatasetError(path, "has a header but no data rows" if header else "is empty (no data rows)")
    blocks.append(block[:filled])
    x = np.concatenate(blocks)
    note = ""
    raw: np.ndarray | None = None
    if header is None:
        full = x
        x, label_col, note = _split_labels(path, full, label_column)
        if label_col is not None:
            raw = full[:, label_col].astype(np.float64)
    elif label_col is not None:
        raw = np.array(labels)
        if all(_is_number(v) for v in labels):
            raw = raw.astype(np.float64)
    x = to_unit_float(path, x, "values")
    side = square_side(x.shape[1])
    if side is not None:
        x = x.reshape(len(x), 1, side, side)
    y = None
    class_names: tuple[str, ...] = ()
    if raw is not None:
        assert label_col is not None  # raw holds that column's values
        y, class_names = labels_and_names(path, raw, len(x), f"labels in column {label_col + 1}")
    ds = make_dataset(path.stem, x, y, class_names, path)
    return dataclasses.replace(ds, notes=(note,)) if note else ds


def _col(header: list[str] | None, i: int) -> str:
    """'column 3' or 'column 3 ('pixel2')': numbered like a spreadsheet, named when there is a header."""
    return f"column {i + 1}" + (f" ({header[i]!r})" if header else "")
