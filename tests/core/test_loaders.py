"""load_dataset dispatch and the npy/npz, CSV, image-folder, CIFAR-10 and digits loaders."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest

from aeviewer.core.data.loaders import describe_supported, load_dataset
from aeviewer.core.data.loaders.cifar import CIFAR10_CLASSES
from aeviewer.core.errors import DatasetError
from tests.datafiles import CIFAR10_NAMES, cifar_batch_bytes, make_cifar_bin, make_image_folder, write_csv


def _problem(spec: Path, *words: str) -> str:
    """Load `spec`, expect a DatasetError naming the file and containing every one of `words`."""
    with pytest.raises(DatasetError) as info:
        load_dataset(spec)
    msg = str(info.value)
    assert spec.name in msg, msg
    for w in words:
        assert w in msg, msg
    return msg


# ------------------------------------------------------------------------------------ digits


def test_digits_builtin() -> None:
    ds = load_dataset("digits")
    assert ds.name == "digits"
    assert ds.x.shape == (1797, 1, 8, 8) and ds.x.dtype == np.float32
    assert ds.x.min() == 0.0 and ds.x.max() == 1.0
    assert ds.class_names == tuple(str(i) for i in range(10))
    assert ds.is_test is not None and ds.is_test.sum() == round(1797 * 0.2)
    again = load_dataset("Digits")
    np.testing.assert_array_equal(again.is_test, ds.is_test)  # seeded


# --------------------------------------------------------------------------------- npy / npz


def test_npy_uint8_images(tmp_path: Path) -> None:
    arr = np.arange(5 * 4 * 3, dtype=np.uint8).reshape(5, 4, 3)
    np.save(tmp_path / "a.npy", arr)
    ds = load_dataset(tmp_path / "a.npy")
    assert ds.x.shape == (5, 1, 4, 3) and ds.y is None and ds.name == "a"
    np.testing.assert_allclose(ds.x[:, 0], arr / 255.0, rtol=1e-6)
    assert ds.is_test is not None and ds.is_test.sum() == 1


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        ((6, 10), (6, 10)),
        ((6, 5, 5, 3), (6, 3, 5, 5)),
        ((6, 5, 5, 1), (6, 1, 5, 5)),
        ((6, 3, 5, 5), (6, 3, 5, 5)),
    ],
)
def test_npy_layouts(tmp_path: Path, shape: tuple, expected: tuple) -> None:
    arr = np.random.default_rng(0).random(shape)
    np.save(tmp_path / "a.npy", arr)
    ds = load_dataset(tmp_path / "a.npy")
    assert ds.x.shape == expected


def test_npy_nhwc_is_transposed_not_reshaped(tmp_path: Path) -> None:
    arr = np.random.default_rng(0).random((2, 4, 5, 3)).astype(np.float32)
    np.save(tmp_path / "a.npy", arr)
    np.testing.assert_array_equal(load_dataset(tmp_path / "a.npy").x, arr.transpose(0, 3, 1, 2))


def test_float_in_0_255_whole_numbers_scaled(tmp_path: Path) -> None:
    np.save(tmp_path / "a.npy", np.array([[0.0, 128.0, 255.0]] * 5))
    np.testing.assert_allclose(load_dataset(tmp_path / "a.npy").x[0], [0, 128 / 255, 1], rtol=1e-6)


def test_npz_with_labels_and_own_split(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    np.savez(tmp_path / "d.npz", x=rng.random((8, 4)), y=np.arange(8) % 3,
             x_test=rng.random((2, 4)), y_test=np.array([0, 2]))
    ds = load_dataset(tmp_path / "d.npz")
    assert ds.x.shape == (10, 4)
    assert ds.is_test is not None and ds.is_test.tolist() == [False] * 8 + [True] * 2
    assert ds.y is not None and ds.y.tolist()[-2:] == [0, 2]
    assert ds.class_names == ("0", "1", "2")


def test_npz_images_labels_keys_and_text_labels(tmp_path: Path) -> None:
    labels = np.array(["dog", "cat", "dog", "emu"])
    np.savez(tmp_path / "d.npz", images=np.zeros((4, 3, 3), np.uint8), labels=labels)
    ds = load_dataset(tmp_path / "d.npz")
    assert ds.x.shape == (4, 1, 3, 3)
    assert ds.class_names == ("cat", "dog", "emu") and ds.y is not None and ds.y.tolist() == [1, 0, 1, 2]


def test_npz_class_names_key(tmp_path: Path) -> None:
    names = np.array(["no", "yes"])
    np.savez(tmp_path / "d.npz", x=np.zeros((4, 2)), y=np.array([0, 1, 1, 0]), class_names=names)
    assert load_dataset(tmp_path / "d.npz").class_names == ("no", "yes")


def test_npz_pickle_refused(tmp_path: Path) -> None:
    np.savez(tmp_path / "evil.npz", x=np.array([{"a": 1}, None], dtype=object))
    _problem(tmp_path / "evil.npz", "contains Python objects (pickle)", "never loads")


def test_npy_pickle_refused(tmp_path: Path) -> None:
    np.save(tmp_path / "evil.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    _problem(tmp_path / "evil.npy", "pickle")


def test_plain_pickle_named_npy_refused(tmp_path: Path) -> None:
    (tmp_path / "evil.npy").write_bytes(pickle.dumps([1, 2, 3]))
    _problem(tmp_path / "evil.npy", "pickle")
    (tmp_path / "evil.npz").write_bytes(pickle.dumps([1, 2, 3]))
    _problem(tmp_path / "evil.npz", "pickle")


def test_npy_not_numpy(tmp_path: Path) -> None:
    (tmp_path / "t.npy").write_text("1,2,3", encoding="utf-8")
    _problem(tmp_path / "t.npy", "not a .npy file")


def test_npy_truncated(tmp_path: Path) -> None:
    np.save(tmp_path / "t.npy", np.zeros((10, 10)))
    data = (tmp_path / "t.npy").read_bytes()
    (tmp_path / "t.npy").write_bytes(data[:-50])
    _problem(tmp_path / "t.npy", "not a valid .npy")


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_and_inf_refused(tmp_path: Path, bad: float) -> None:
    arr = np.zeros((4, 3))
    arr[2, 1] = bad
    np.save(tmp_path / "n.npy", arr)
    _problem(tmp_path / "n.npy", "NaN" if np.isnan(bad) else "infinity", "finite")


def test_value_range_reported(tmp_path: Path) -> None:
    np.save(tmp_path / "r.npy", np.array([[-3.2, 7.1], [0.0, 1.0]]))
    _problem(tmp_path / "r.npy", "range from -3.2 to 7.1", "expected [0, 1]")


@pytest.mark.parametrize("shape", [(5,), (2, 3, 4, 5, 6), (3, 5, 5, 7)])
def test_wrong_rank_refused(tmp_path: Path, shape: tuple) -> None:
    np.save(tmp_path / "w.npy", np.zeros(shape))
    _problem(tmp_path / "w.npy", "×".join(str(s) for s in shape))


def test_npz_missing_x_key(tmp_path: Path) -> None:
    np.savez(tmp_path / "k.npz", foo=np.zeros((2, 2)), bar=np.zeros(2))
    _problem(tmp_path / "k.npz", "'x' or 'images'", "'foo'")


def test_npz_label_count_mismatch(tmp_path: Path) -> None:
    np.savez(tmp_path / "c.npz", x=np.zeros((5, 2)), y=np.zeros(4, int))
    _problem(tmp_path / "c.npz", "4 labels", "5 samples")


def test_npz_not_a_zip(tmp_path: Path) -> None:
    (tmp_path / "z.npz").write_bytes(b"hello there")
    _problem(tmp_path / "z.npz", "not a valid .npz")


def test_npz_fractional_labels(tmp_path: Path) -> None:
    np.savez(tmp_path / "f.npz", x=np.zeros((3, 2)), y=np.array([0.5, 1.0, 2.0]))
    _problem(tmp_path / "f.npz", "whole numbers")


# ----------------------------------------------------------------------------------------- CSV


def test_csv_with_header_and_label(tmp_path: Path) -> None:
    rows = [[0.1, 0.2, 1], [0.3, 0.4, 0], [0.5, 0.6, 1]]
    path = write_csv(tmp_path / "t.csv", rows, header=["a", "b", "label"])
    ds = load_dataset(path)
    assert ds.x.shape == (3, 2) and ds.y is not None and ds.y.tolist() == [1, 0, 1]
    np.testing.assert_allclose(ds.x[1], [0.3, 0.4], rtol=1e-6)


def test_csv_without_header_has_no_labels(tmp_path: Path) -> None:
    ds = load_dataset(write_csv(tmp_path / "t.csv", [[1, 2, 3], [4, 5, 6]]))
    assert ds.x.shape == (2, 3) and ds.y is None
    np.testing.assert_allclose(ds.x[1], np.array([4, 5, 6]) / 255.0, rtol=1e-6)


def test_csv_784_columns_become_28x28(tmp_path: Path) -> None:
    rows = [[i % 10] + [(i + j) % 256 for j in range(784)] for i in range(4)]
    header = ["label"] + [f"p{j}" for j in range(784)]
    ds = load_dataset(write_csv(tmp_path / "mnist.csv", rows, header=header))
    assert ds.x.shape == (4, 1, 28, 28) and ds.y is not None and ds.y.tolist() == [0, 1, 2, 3]
    assert ds.x[1, 0, 0, 0] == pytest.approx(1 / 255)


def test_csv_small_square_stays_vector(tmp_path: Path) -> None:
    assert load_dataset(write_csv(tmp_path / "iris.csv", [[0.1, 0.2, 0.3, 0.4]] * 3)).x.shape == (3, 4)


def test_csv_text_labels_and_tabs(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.tsv", [["dog", 0.1], ["cat", 0.2]], header=["Class", "f"], sep="\t")
    ds = load_dataset(path)
    assert ds.class_names == ("cat", "dog") and ds.y is not None and ds.y.tolist() == [1, 0]


def test_csv_ragged_row(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("a,b,c\n1,2,3\n4,5\n", encoding="utf-8")
    _problem(path, "row 3 has 2 columns", "header has 3")


def test_csv_non_numeric_cell(tmp_path: Path) -> None:
    path = tmp_path / "n.csv"
    path.write_text("a,b,c\n1,2,3\n4,oops,6\n", encoding="utf-8")
    _problem(path, "row 3", "column 2", "'b'", "'oops'", "not a number")


def test_csv_empty_cell(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text("1,2\n3,\n", encoding="utf-8")
    _problem(path, "row 2", "column 2", "empty")


def test_csv_empty_and_header_only(tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_text("", encoding="utf-8")
    _problem(tmp_path / "e.csv", "empty")
    (tmp_path / "h.csv").write_text("a,b\n", encoding="utf-8")
    _problem(tmp_path / "h.csv", "no data rows")


def test_csv_nan_and_range(tmp_path: Path) -> None:
    _problem(write_csv(tmp_path / "n.csv", [[0.1, "nan"]]), "row 1, column 2", "'nan'", "finite")
    _problem(write_csv(tmp_path / "i.csv", [[0.1, 0.2], [1e300, 0]]), "row 2, column 1", "finite")
    _problem(write_csv(tmp_path / "r.csv", [[-1, 300]]), "range from -1 to 300")


def test_csv_binary_file(tmp_path: Path) -> None:
    (tmp_path / "b.csv").write_bytes(b"\xff\xfe\x00\x81garbage")
    _problem(tmp_path / "b.csv", "not a text file")


# -------------------------------------------------------------------------------- image folder


def test_image_folder_grayscale(tmp_path: Path) -> None:
    root = make_image_folder(tmp_path / "imgs", classes=("b", "a"), per_class=3, size=(8, 6))
    ds = load_dataset(root)
    assert ds.x.shape == (6, 1, 6, 8)
    assert ds.class_names == ("a", "b") and ds.y is not None and sorted(ds.y.tolist()) == [0, 0, 0, 1, 1, 1]
    assert ds.x.min() >= 0.0 and ds.x.max() <= 1.0


def test_image_folder_rgb_when_any_is_colour(tmp_path: Path) -> None:
    root = make_image_folder(tmp_path / "imgs", classes=("a",), per_class=2, size=(5, 5), mode="L")
    make_image_folder(root, classes=("b",), per_class=2, size=(5, 5), mode="RGB")
    ds = load_dataset(root)
    assert ds.x.shape == (4, 3, 5, 5)
    np.testing.assert_array_equal(ds.x[0, 0], ds.x[0, 1])  # the gray image replicated to RGB


def test_image_folder_rgb_with_gray_content_is_gray(tmp_path: Path) -> None:
    from PIL import Image

    (tmp_path / "c").mkdir()
    for i in range(3):
        Image.new("RGB", (4, 4), (i * 40,) * 3).save(tmp_path / "c" / f"{i}.png")
    assert load_dataset(tmp_path).x.shape == (3, 1, 4, 4)


def test_flat_image_folder_is_unlabelled(tmp_path: Path) -> None:
    make_image_folder(tmp_path / "x", classes=("c",), per_class=3, size=(4, 4))
    flat = tmp_path / "x" / "c"
    ds = load_dataset(flat)
    assert ds.y is None and len(ds) == 3


def test_image_folder_mixed_sizes(tmp_path: Path) -> None:
    root = make_image_folder(tmp_path / "imgs", classes=("a",), per_class=1, size=(8, 6))
    make_image_folder(root, classes=("b",), per_class=1, size=(5, 5))
    msg = _problem(root, "different sizes", "8×6", "5×5")
    assert "0.png" in msg and ("a/0.png" in msg or "a\\0.png" in msg)


def test_image_folder_empty(tmp_path: Path) -> None:
    (tmp_path / "empty" / "cls").mkdir(parents=True)
    _problem(tmp_path / "empty", "contains no images")


def test_image_folder_unreadable_image(tmp_path: Path) -> None:
    root = make_image_folder(tmp_path / "imgs", classes=("a",), per_class=2, size=(4, 4))
    (root / "a" / "broken.png").write_bytes(b"not a png at all")
    with pytest.raises(DatasetError) as info:
        load_dataset(root)
    assert "broken.png" in str(info.value) and "not a readable image" in str(info.value)


def test_image_folder_truncated_image(tmp_path: Path) -> None:
    root = make_image_folder(tmp_path / "imgs", classes=("a",), per_class=2, size=(16, 16), fmt="png")
    data = (root / "a" / "1.png").read_bytes()
    (root / "a" / "1.png").write_bytes(data[: len(data) // 2])
    with pytest.raises(DatasetError, match=r"1\.png.*not a readable image"):
        load_dataset(root)


def test_single_image_file_explains(tmp_path: Path) -> None:
    root = make_image_folder(tmp_path / "imgs", classes=("a",), per_class=1, size=(4, 4))
    _problem(root / "a" / "0.png", "single image")


# -------------------------------------------------------------------------------------- CIFAR


def test_cifar_binary_folder(tmp_path: Path) -> None:
    folder = make_cifar_bin(tmp_path / "cifar-10-batches-bin", per_batch=4)
    for spec in (folder, tmp_path, folder / "data_batch_3.bin"):
        ds = load_dataset(spec)
        assert ds.x.shape == (24, 3, 32, 32) and ds.name == "cifar10"
        assert ds.class_names == CIFAR10_CLASSES
        assert ds.is_test is not None and ds.is_test.sum() == 4 and ds.is_test[-4:].all()
    raw = np.frombuffer(cifar_batch_bytes(4, seed=1), np.uint8).reshape(4, 3073)
    np.testing.assert_allclose(ds.x[:4], raw[:, 1:].reshape(4, 3, 32, 32) / 255.0, rtol=1e-6)
    assert ds.y is not None and ds.y[:4].tolist() == raw[:, 0].tolist()


def test_cifar_meta_names(tmp_path: Path) -> None:
    names = [n.upper() for n in CIFAR10_NAMES]
    folder = make_cifar_bin(tmp_path / "c", per_batch=2, meta=names)
    assert load_dataset(folder).class_names == tuple(names)


def test_cifar_bad_size(tmp_path: Path) -> None:
    folder = make_cifar_bin(tmp_path / "c", per_batch=2)
    (folder / "data_batch_2.bin").write_bytes(cifar_batch_bytes(2)[:-100])
    with pytest.raises(DatasetError) as info:
        load_dataset(folder)
    assert "data_batch_2.bin" in str(info.value) and "3,073" in str(info.value)


def test_cifar_bad_label(tmp_path: Path) -> None:
    folder = make_cifar_bin(tmp_path / "c", per_batch=2)
    (folder / "test_batch.bin").write_bytes(cifar_batch_bytes(20, label_max=15))
    with pytest.raises(DatasetError, match=r"test_batch\.bin.*record 11 has label 10"):
        load_dataset(folder)


@pytest.mark.parametrize("target", ["folder", "file", "parent"])
def test_pickled_cifar_refused(tmp_path: Path, target: str) -> None:
    py = tmp_path / "cifar-10-batches-py"
    py.mkdir()
    for n in ("data_batch_1", "test_batch", "batches.meta"):
        (py / n).write_bytes(pickle.dumps({"nothing": "here"}))
    spec = {"folder": py, "file": py / "data_batch_1", "parent": tmp_path}[target]
    msg = _problem(spec, "only reads the binary version", "pickle")
    assert "aeviewer data get cifar10" in msg


# ----------------------------------------------------------------------------------- dispatch


def test_missing_path(tmp_path: Path) -> None:
    _problem(tmp_path / "nope.npz", "no such file or folder")


def test_unknown_name_hint() -> None:
    with pytest.raises(DatasetError, match="not a built-in dataset name"):
        load_dataset("imagenet")


def test_unknown_format_lists_supported(tmp_path: Path) -> None:
    (tmp_path / "notes.xyz").write_text("hello", encoding="utf-8")
    msg = _problem(tmp_path / "notes.xyz", "not in a format aeviewer recognises")
    assert describe_supported() in msg
    for word in (".npy", ".csv", "IDX", "CIFAR-10", "digits"):
        assert word in describe_supported()


def test_npy_recognised_by_content(tmp_path: Path) -> None:
    np.save(tmp_path / "a.npy", np.zeros((3, 2)))
    (tmp_path / "a.npy").rename(tmp_path / "a.data")
    assert load_dataset(tmp_path / "a.data").x.shape == (3, 2)


@pytest.mark.parametrize(
    ("name", "word"),
    [
        ("model.pt", "model file"),
        ("x.pkl", "pickle"),
        ("d.zip", "archive"),
        ("cifar-10-binary.tar.gz", "extract it"),
    ],
)
def test_explained_refusals(tmp_path: Path, name: str, word: str) -> None:
    (tmp_path / name).write_bytes(b"whatever")
    _problem(tmp_path / name, word)


@pytest.mark.parametrize("name", ["mnist", "fashion-mnist", "cifar10"])
def test_named_dataset_not_downloaded(data_dir: Path, name: str) -> None:
    with pytest.raises(DatasetError) as info:
        load_dataset(name)
    assert f"aeviewer data get {name}" in str(info.value)


def test_npy_absurd_shape_refused_from_header(tmp_path: Path) -> None:
    import io

    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": "<f8", "fortran_order": False,
                                               "shape": (100_000, 100_000, 1_000)})
    (tmp_path / "huge.npy").write_bytes(buf.getvalue() + b"\x00" * 64)
    _problem(tmp_path / "huge.npy", "more than aeviewer will load")


def test_digits_read_without_scikit_learn_equal_scikit_learns_own():
    from sklearn.datasets import load_digits as sk_load_digits

    from aeviewer.core.data.loaders.digits import load_digits

    ds, bunch = load_digits(), sk_load_digits()
    np.testing.assert_array_equal(ds.x.reshape(len(ds), 64) * 16, bunch.data)
    np.testing.assert_array_equal(ds.y, bunch.target)
