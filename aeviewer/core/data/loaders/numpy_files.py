"""NumPy .npy / .npz files, always loaded with allow_pickle=False.

A pickle can run arbitrary code when loaded, so object arrays are refused with an explanation
instead of being loaded. Array headers are checked before loading so a bogus shape cannot make
aeviewer allocate absurd amounts of memory.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, cast

import numpy as np

from aeviewer.core.data.dataset import Dataset
from aeviewer.core.data.loaders._common import (
    check_element_count,
    labels_and_names,
    make_dataset,
    to_sample_layout,
    to_unit_float,
    unreadable,
)
from aeviewer.core.errors import DatasetError

NPZ_X_KEYS = ("x", "images")
NPZ_Y_KEYS = ("y", "labels")
NPZ_X_TEST_KEYS = ("x_test", "images_test")
NPZ_Y_TEST_KEYS = ("y_test", "labels_test")
NPZ_CLASS_NAMES_KEY = "class_names"
PICKLE_PROBLEM = (
    "contains Python objects (pickle), which aeviewer never loads because loading a pickle can run code"
)


def read_npy_header(f: IO[bytes]) -> tuple[tuple[int, ...], bool, np.dtype]:
    """Shape, Fortran order and dtype from a .npy header (f is left at the data); raises on garbage."""
    version = np.lib.format.read_magic(f)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
    elif version in ((2, 0), (3, 0)):
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
    else:
        raise ValueError(f"unsupported .npy version {version}")
    return tuple(shape), bool(fortran), dtype


def _check_header(path: Path, f: IO[bytes], what: str) -> None:
    """Refuse object arrays and absurd shapes from the .npy header alone, before any data is read."""
    try:
        shape, _, dtype = read_npy_header(f)
    except Exception as exc:  # noqa: BLE001 - numpy's header parser raises many types on garbage
        raise DatasetError(path, f"{what} is not a valid NumPy array ({_short(exc)})") from None
    if dtype.hasobject:
        raise DatasetError(path, f"{what} {PICKLE_PROBLEM}")
    check_element_count(path, tuple(shape), what, dtype.itemsize)


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else exc.__class__.__name__


_NPY_MAGIC = b"\x93NUMPY"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")


def _head(path: Path) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read(8)
    except OSError as exc:
        raise unreadable(path, exc) from None


def _refuse_plain_pickle(path: Path, head: bytes) -> None:
    """A pickle renamed to .npy/.npz starts with the pickle protocol byte 0x80."""
    if head[:1] == b"\x80":
        raise DatasetError(path, PICKLE_PROBLEM)


def _load_npy(path: Path) -> np.ndarray:
    head = _head(path)
    _refuse_plain_pickle(path, head)
    if not head.startswith(_NPY_MAGIC):
        raise DatasetError(path, "is not a .npy file (it does not start with the NumPy signature)")
    try:
        with open(path, "rb") as f:
            _check_header(path, f, "the file")
        # np.load is typed Any; a file with the .npy signature loads as one array.
        return cast(np.ndarray, np.load(path, allow_pickle=False))
    except DatasetError:
        raise
    except ValueError as exc:
        if "pickle" in str(exc).lower():
            raise DatasetError(path, PICKLE_PROBLEM) from None
        raise DatasetError(path, f"is not a valid .npy file ({_short(exc)})") from None
    except OSError as exc:
        raise unreadable(path, exc) from None


def _npz_array(path: Path, npz: np.lib.npyio.NpzFile, key: str) -> np.ndarray:
    assert npz.zip is not None  # None only once the NpzFile is closed
    try:
        with npz.zip.open(f"{key}.npy") as f:
            _check_header(path, f, f"array {key!r}")
        return npz[key]
    except DatasetError:
        raise
    except ValueError as exc:
        if "pickle" in str(exc).lower():
            raise DatasetError(path, f"array {key!r} {PICKLE_PROBLEM}") from None
        raise DatasetError(path, f"array {key!r} cannot be read ({_short(exc)})") from None
    except Exception as exc:  # noqa: BLE001 - a damaged zip fails in many ways (zlib, struct, CRC, ...)
        raise DatasetError(path, f"array {key!r} cannot be read ({_short(exc)})") from None


def _first_key(keys: list[str], wanted: tuple[str, ...]) -> str | None:
    lower = {k.lower(): k for k in keys}
    return next((lower[w] for w in wanted if w in lower), None)


def _to_x(path: Path, arr: np.ndarray, key: str) -> np.ndarray:
    return to_unit_float(path, to_sample_layout(path, arr, f"array {key!r}"), f"values in array {key!r}")


def load_npy(path: Path) -> Dataset:
    """A single .npy array of samples (no labels); seeded hold-out split."""
    arr = _load_npy(path)
    x = to_unit_float(path, to_sample_layout(path, arr, "the array"), "values")
    return make_dataset(path.stem, x, None, (), path)


def load_npz(path: Path) -> Dataset:
    """An .npz with `x`/`images`, optional `y`/`labels`, optional `x_test`/`y_test` giving the split."""
    head = _head(path)
    _refuse_plain_pickle(path, head)
    if head.startswith(_NPY_MAGIC):
        raise DatasetError(path, "is named .npz but holds a single array; rename it to .npy")
    if not head.startswith(_ZIP_MAGICS):
        raise DatasetError(path, "is not a valid .npz file (it is not a zip archive)")
    try:
        npz = np.load(path, allow_pickle=False)
    except Exception as exc:  # noqa: BLE001 - a damaged zip fails in many ways (zlib, struct, ...)
        if isinstance(exc, ValueError) and "pickle" in str(exc).lower():
            raise DatasetError(path, PICKLE_PROBLEM) from None
        raise DatasetError(path, f"is not a valid .npz file ({_short(exc)})") from None
    if not isinstance(npz, np.lib.npyio.NpzFile):
        raise DatasetError(path, "is named .npz but holds a single array; rename it to .npy")
    with npz:
        keys = list(npz.files)
        x_key = _first_key(keys, NPZ_X_KEYS)
        if x_key is None:
            if len(keys) != 1:
                found = ", ".join(repr(k) for k in keys) or "no arrays"
                raise DatasetError(path, f"has no array named 'x' or 'images' (it has {found})")
            x_key = keys[0]
        y_key = _first_key(keys, NPZ_Y_KEYS)
        xt_key = _first_key(keys, NPZ_X_TEST_KEYS)
        yt_key = _first_key(keys, NPZ_Y_TEST_KEYS)
        if yt_key is not None and xt_key is None:
            raise DatasetError(path, f"has {yt_key!r} but no 'x_test' to go with it")
        if xt_key is not None and (y_key is None) != (yt_key is None):
            raise DatasetError(path, "has labels for only one of the training and test arrays; "
                               "give both 'y' and 'y_test' or neither")

        x = _to_x(path, _npz_array(path, npz, x_key), x_key)
        xs, ys_raw = [x], [_npz_array(path, npz, y_key) if y_key else None]
        if xt_key is not None:
            xt = _to_x(path, _npz_array(path, npz, xt_key), xt_key)
            if xt.shape[1:] != x.shape[1:]:
                raise DatasetError(path, f"samples in {xt_key!r} have shape {_dims(xt.shape[1:])} but "
                                   f"samples in {x_key!r} have shape {_dims(x.shape[1:])}")
            xs.append(xt)
            ys_raw.append(_npz_array(path, npz, yt_key) if yt_key else None)
        names_arr = None
        cn_key = _first_key(keys, (NPZ_CLASS_NAMES_KEY,))
        if cn_key is not None:
            names_arr = _npz_array(path, npz, cn_key)

    y = None
    class_names: tuple[str, ...] = ()
    if y_key is not None:
        raw = [r for r in ys_raw if r is not None]
        for r, xx, key in zip(raw, xs, (y_key, yt_key), strict=False):
            if len(r) != len(xx):
                raise DatasetError(path, f"array {key!r} has {len(r):,} labels but there are "
                                   f"{len(xx):,} samples")
        try:
            joined = np.concatenate(raw)
        except ValueError:
            raise DatasetError(path, "the training and test labels have different shapes") from None
        y, class_names = labels_and_names(path, joined, sum(len(xx) for xx in xs), f"labels in {y_key!r}")
    if names_arr is not None and names_arr.dtype.kind in "US" and names_arr.ndim == 1:
        if y is not None and len(names_arr) <= int(y.max(initial=0)):
            raise DatasetError(path, f"has {len(names_arr)} class names but labels go up to {int(y.max())}")
        class_names = tuple(str(n) for n in names_arr)
    is_test = None
    if len(xs) == 2:
        is_test = np.concatenate([np.zeros(len(xs[0]), bool), np.ones(len(xs[1]), bool)])
    x_all = np.concatenate(xs) if len(xs) == 2 else xs[0]
    return make_dataset(path.stem, x_all, y, class_names, path, is_test)


def _dims(shape: tuple[int, ...]) -> str:
    return "×".join(str(d) for d in shape)
