"""IDX loader: torchvision's MNIST layout (raw and gz) and every malformed-header case."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np
import pytest

from aeviewer.core.data.loaders import load_dataset
from aeviewer.core.data.loaders.idx import FASHION_MNIST_CLASSES, read_idx
from aeviewer.core.errors import DatasetError
from tests.datafiles import idx_bytes, make_mnist_layout, sample_images, write_bytes, write_idx


@pytest.mark.parametrize("gz", [True, False])
def test_torchvision_layout_loads_with_its_own_split(tmp_path: Path, gz: bool) -> None:
    make_mnist_layout(tmp_path, gz=gz, n_train=30, n_test=10)
    ds = load_dataset(tmp_path)
    assert ds.name == "mnist"
    assert ds.x.shape == (40, 1, 28, 28) and ds.x.dtype == np.float32
    expected = np.concatenate([sample_images(30, seed=0), sample_images(10, seed=1)])
    np.testing.assert_allclose(ds.x[:, 0], expected / 255.0, rtol=1e-6)
    assert ds.is_test is not None
    assert not ds.is_test[:30].any() and ds.is_test[30:].all()
    assert ds.class_names == tuple(str(i) for i in range(10))
    assert ds.y is not None and ds.y.dtype == np.int64 and set(ds.y) <= set(range(10))


@pytest.mark.parametrize("sub", ["", "MNIST", "MNIST/raw"])
def test_layout_accepted_at_every_level(tmp_path: Path, sub: str) -> None:
    make_mnist_layout(tmp_path, n_train=5, n_test=3, size=8)
    ds = load_dataset(tmp_path / sub if sub else tmp_path)
    assert len(ds) == 8 and ds.image_shape == (1, 8, 8)


def test_single_images_file_finds_its_labels(tmp_path: Path) -> None:
    raw = make_mnist_layout(tmp_path, n_train=10, n_test=4, size=8)
    ds = load_dataset(raw / "t10k-images-idx3-ubyte.gz")
    assert len(ds) == 4 and ds.y is not None
    assert ds.is_test is not None and ds.is_test.sum() == 1  # seeded 20% hold-out, not the source split


def test_labels_file_alone_points_to_images(tmp_path: Path) -> None:
    raw = make_mnist_layout(tmp_path, n_train=10, n_test=4, size=8)
    assert len(load_dataset(raw / "train-labels-idx1-ubyte.gz")) == 10
    (raw / "train-images-idx3-ubyte.gz").unlink()
    with pytest.raises(DatasetError, match="labels file"):
        load_dataset(raw / "train-labels-idx1-ubyte.gz")


def test_fashion_mnist_gets_its_class_names(tmp_path: Path) -> None:
    make_mnist_layout(tmp_path, folder="FashionMNIST", n_train=4, n_test=2, size=8)
    ds = load_dataset(tmp_path / "FashionMNIST")
    assert ds.name == "fashion-mnist"
    assert ds.class_names == FASHION_MNIST_CLASSES
    assert ds.class_names[0] == "T-shirt/top" and ds.class_names[9] == "Ankle boot"


def test_root_with_both_mnist_and_fashion_is_ambiguous(tmp_path: Path) -> None:
    make_mnist_layout(tmp_path, folder="MNIST", n_train=4, n_test=2, size=8)
    make_mnist_layout(tmp_path, folder="FashionMNIST", n_train=4, n_test=2, size=8)
    with pytest.raises(DatasetError, match="MNIST and FashionMNIST"):
        load_dataset(tmp_path)


def test_uncompressed_copy_preferred_over_gz(tmp_path: Path) -> None:
    raw = make_mnist_layout(tmp_path, gz=True, n_train=4, n_test=2, size=8)
    make_mnist_layout(tmp_path, gz=False, n_train=4, n_test=2, size=8)
    (raw / "train-images-idx3-ubyte.gz").write_bytes(b"broken")  # would fail if it were read
    assert len(load_dataset(raw)) == 6


def test_only_train_split_gets_holdout(tmp_path: Path) -> None:
    raw = make_mnist_layout(tmp_path, n_train=10, n_test=4, size=8)
    for f in raw.glob("t10k-*"):
        f.unlink()
    ds = load_dataset(raw)
    assert len(ds) == 10 and ds.is_test is not None and ds.is_test.sum() == 2


@pytest.mark.parametrize(
    ("dtype", "values", "expected"),
    [
        (np.int16, [[0, 255]], [[0.0, 1.0]]),
        (np.int32, [[0, 51]], [[0.0, 0.2]]),
        (np.float32, [[0.0, 0.5]], [[0.0, 0.5]]),
        (np.float64, [[0.25, 1.0]], [[0.25, 1.0]]),
        (np.int8, [[0, 127]], [[0.0, 127 / 255]]),
    ],
)
def test_other_idx_dtypes(tmp_path: Path, dtype: type, values: list, expected: list) -> None:
    arr = np.array([values] * 5, dtype=dtype)  # 5×1×2
    path = write_idx(tmp_path / "foo-images-idx3-ubyte", arr)
    ds = load_dataset(path)
    np.testing.assert_allclose(ds.x[0, 0], np.array(expected), rtol=1e-6)
    assert ds.y is None


# ------------------------------------------------------------------------------------ errors


def _err(path: Path) -> str:
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    assert path.name in str(info.value)
    return info.value.problem


def test_wrong_magic(tmp_path: Path) -> None:
    data = bytearray(idx_bytes(sample_images(2, 4, 4)))
    data[0] = 0x12
    problem = _err(write_bytes(tmp_path / "x-images-idx3-ubyte", bytes(data)))
    assert "not an IDX file" in problem and "two zero bytes" in problem


def test_unknown_dtype_code(tmp_path: Path) -> None:
    data = bytearray(idx_bytes(sample_images(2, 4, 4)))
    data[2] = 0x07
    assert "data type code 0x07" in _err(write_bytes(tmp_path / "x-images-idx3-ubyte", bytes(data)))


@pytest.mark.parametrize("ndim", [0, 9])
def test_bad_number_of_dims(tmp_path: Path, ndim: int) -> None:
    data = bytes([0, 0, 8, ndim]) + b"\x00" * 40
    assert f"{ndim} dimensions" in _err(write_bytes(tmp_path / "x-images-idx3-ubyte", data))


def test_header_cut_off(tmp_path: Path) -> None:
    assert "cut off" in _err(write_bytes(tmp_path / "x-images-idx3-ubyte", bytes([0, 0, 8, 3, 0, 0])))


def test_too_short_for_a_header(tmp_path: Path) -> None:
    assert "2 bytes" in _err(write_bytes(tmp_path / "x-images-idx3-ubyte", b"\x00\x00"))


@pytest.mark.parametrize(("cut", "word"), [(-5, "truncated"), (7, "extra bytes")])
def test_size_mismatch_raw(tmp_path: Path, cut: int, word: str) -> None:
    data = idx_bytes(sample_images(3, 4, 4))
    data = data[:cut] if cut < 0 else data + b"\x00" * cut
    problem = _err(write_bytes(tmp_path / "x-images-idx3-ubyte", data))
    assert word in problem and "3×4×4" in problem and f"{len(data):,} bytes" in problem


def test_absurd_dims_refused_without_allocating(tmp_path: Path) -> None:
    header = bytes([0, 0, 8, 3]) + struct.pack(">3I", 4_000_000_000, 60_000, 60_000)
    for gz in (False, True):
        name = "x-images-idx3-ubyte" + (".gz" if gz else "")
        problem = _err(write_bytes(tmp_path / name, header + b"\x00" * 16, gz=gz))
        assert "more than aeviewer will load" in problem


def test_gz_payload_shorter_than_header(tmp_path: Path) -> None:
    data = idx_bytes(sample_images(3, 4, 4))[:-10]
    problem = _err(write_bytes(tmp_path / "x-images-idx3-ubyte.gz", data, gz=True))
    assert "truncated or corrupt" in problem and "3×4×4" in problem


def test_gz_with_more_data_than_header_declares_stops_reading(tmp_path: Path) -> None:
    # a small header followed by megabytes of zeros: a tiny gzip bomb; only what the header declares is read
    data = idx_bytes(sample_images(3, 4, 4)) + b"\x00" * 5_000_000
    assert "more data" in _err(write_bytes(tmp_path / "x-images-idx3-ubyte.gz", data, gz=True))


def test_gz_that_is_not_gzip(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "train-images-idx3-ubyte.gz", idx_bytes(sample_images(2, 4, 4)))
    problem = _err(path)
    assert "not a gzip file" in problem


def test_truncated_gzip_stream(tmp_path: Path) -> None:
    blob = gzip.compress(idx_bytes(sample_images(20, 8, 8)))
    path = write_bytes(tmp_path / "x-images-idx3-ubyte.gz", blob[: len(blob) // 2])
    assert "truncated" in _err(path)


def test_corrupt_gzip_stream(tmp_path: Path) -> None:
    blob = bytearray(gzip.compress(idx_bytes(sample_images(20, 8, 8))))
    blob[20:40] = b"\xff" * 20
    with pytest.raises(DatasetError) as info:
        read_idx(write_bytes(tmp_path / "x-images-idx3-ubyte.gz", bytes(blob)))
    assert "x-images-idx3-ubyte.gz" in str(info.value)


def test_image_and_label_counts_differ(tmp_path: Path) -> None:
    raw = make_mnist_layout(tmp_path, n_train=10, n_test=4, size=8)
    write_idx(raw / "train-labels-idx1-ubyte.gz", np.zeros(9, np.uint8))
    with pytest.raises(DatasetError) as info:
        load_dataset(tmp_path)
    msg = str(info.value)
    assert "train-labels-idx1-ubyte.gz" in msg and "9 labels" in msg and "10 images" in msg


def test_missing_labels_file_in_layout(tmp_path: Path) -> None:
    raw = make_mnist_layout(tmp_path, n_train=10, n_test=4, size=8)
    (raw / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DatasetError, match="no labels file"):
        load_dataset(tmp_path)


def test_labels_in_the_images_slot(tmp_path: Path) -> None:
    path = write_idx(tmp_path / "odd-images-idx3-ubyte", np.zeros(5, np.uint8))
    assert "labels file, not images" in _err(path)


def test_labels_with_wrong_rank(tmp_path: Path) -> None:
    write_idx(tmp_path / "a-images-idx3-ubyte", sample_images(4, 4, 4))
    write_idx(tmp_path / "a-labels-idx1-ubyte", np.zeros((4, 2), np.uint8))
    with pytest.raises(DatasetError, match="one label per sample"):
        load_dataset(tmp_path / "a-images-idx3-ubyte")


def test_idx_recognised_by_content_without_the_usual_name(tmp_path: Path) -> None:
    path = write_idx(tmp_path / "pixels.dat", sample_images(5, 4, 4), gz=False)
    assert load_dataset(path).x.shape == (5, 1, 4, 4)
    path = write_idx(tmp_path / "pixels2.dat", sample_images(5, 4, 4), gz=True)
    assert load_dataset(path).x.shape == (5, 1, 4, 4)
