"""Property tests: whatever bytes a file holds, loading gives a Dataset or a DatasetError, nothing else."""

from __future__ import annotations

import gzip
import io
import tempfile
from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from aeviewer.core.data.dataset import Dataset
from aeviewer.core.data.loaders import load_dataset
from aeviewer.core.errors import DatasetError
from tests.datafiles import cifar_batch_bytes, idx_bytes, sample_images, sample_labels
from tests.fuzz_settings import FUZZ

_SETTINGS = FUZZ  # 40 examples per test in `make test`, $AEVIEWER_FUZZ_EXAMPLES in `make fuzz`
_NAMES = ["x-images-idx3-ubyte", "x-images-idx3-ubyte.gz", "d.npy", "d.npz", "t.csv", "blob.dat"]


def _load(name: str, data: bytes, extra: dict[str, bytes] | None = None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / name).write_bytes(data)
        for other, blob in (extra or {}).items():
            (root / other).write_bytes(blob)
        try:
            ds = load_dataset(root / name)
        except DatasetError as exc:
            assert name in str(exc) or (exc.path is not None and exc.path.parent == root)
            return
        assert isinstance(ds, Dataset)
        assert np.isfinite(ds.x).all() and ds.x.min() >= 0.0 and ds.x.max() <= 1.0


@_SETTINGS
@given(name=st.sampled_from(_NAMES), data=st.binary(max_size=300))
def test_random_bytes(name: str, data: bytes) -> None:
    _load(name, data)


def _valid_idx() -> bytes:
    return idx_bytes(sample_images(3, 4, 4))


@_SETTINGS
@given(
    gz=st.booleans(),
    cut=st.integers(0, 70),
    flips=st.lists(st.tuples(st.integers(0, 59), st.integers(0, 255)), max_size=4),
)
def test_mutated_idx(gz: bool, cut: int, flips: list[tuple[int, int]]) -> None:
    data = bytearray(_valid_idx())
    for pos, val in flips:
        data[pos % len(data)] = val
    data = bytes(data[: len(data) - cut])
    labels = idx_bytes(sample_labels(3))
    if gz:
        _load("a-images-idx3-ubyte.gz", gzip.compress(data), {"a-labels-idx1-ubyte.gz": gzip.compress(labels)})
    else:
        _load("a-images-idx3-ubyte", data, {"a-labels-idx1-ubyte": labels})


@_SETTINGS
@given(cut=st.integers(0, 200), flips=st.lists(st.tuples(st.integers(0, 400), st.integers(0, 255)), max_size=4))
def test_mutated_npy(cut: int, flips: list[tuple[int, int]]) -> None:
    buf = io.BytesIO()
    np.save(buf, np.linspace(0, 1, 40).reshape(4, 10))
    data = bytearray(buf.getvalue())
    for pos, val in flips:
        data[pos % len(data)] = val
    _load("d.npy", bytes(data[: len(data) - cut]))


@_SETTINGS
@given(text=st.text(alphabet=st.sampled_from(list("0123456789.,;-\t\n abelnax")), max_size=200))
def test_random_csv(text: str) -> None:
    _load("t.csv", text.encode())


@_SETTINGS
@given(cut=st.integers(0, 3073 * 2), label=st.integers(0, 255))
def test_mutated_cifar_batch(cut: int, label: int) -> None:
    data = bytearray(cifar_batch_bytes(2))
    data[0] = label
    _load("data_batch_1.bin", bytes(data[: len(data) - cut]))


@_SETTINGS
@given(cut=st.integers(0, 300), flips=st.lists(st.tuples(st.integers(0, 2000), st.integers(0, 255)), max_size=4))
def test_mutated_npz(cut: int, flips: list[tuple[int, int]]) -> None:
    buf = io.BytesIO()
    np.savez(buf, x=np.linspace(0, 1, 40).reshape(4, 10), y=np.array([0, 1, 0, 1]))
    data = bytearray(buf.getvalue())
    for pos, val in flips:
        data[pos % len(data)] = val
    _load("d.npz", bytes(data[: len(data) - cut]))
