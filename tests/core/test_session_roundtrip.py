"""Sessions reopen exactly what was saved: the same data (by content), the same model outputs, the same view.

For every kind of dataset source and every kind of model source; plus the two ways it used to go wrong: a local
`mnist.npz` saved as the name "mnist", and a dataset replaced by another file under the same path.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aeviewer.core.data.loaders import load_dataset
from aeviewer.core.errors import CheckpointError
from aeviewer.core.models import ModelConfig, build_model
from aeviewer.core.models.user_model import load_user_model
from aeviewer.core.session.dataset_ref import fingerprint
from aeviewer.core.session.recording import ProbePath
from aeviewer.core.session.schema import MAX_COORD
from aeviewer.core.session.session import Session, dataset_reference, load_session, save_session
from tests.datafiles import make_image_folder, make_mnist_layout, sample_images, sample_labels, write_csv

BYO_CODE = """
import torch
from torch import nn


class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Linear({n}, 2)
        self.dec = nn.Linear(2, {n})

    def encode(self, x):
        return self.enc(x.reshape(len(x), -1))

    def decode(self, z):
        return torch.sigmoid(self.dec(z))
"""


def _npy(root: Path) -> str:
    np.save(root / "x.npy", sample_images(12, 6, 6).astype(np.float32) / 255)
    return str(root / "x.npy")


def _local_mnist_npz(root: Path) -> str:
    np.savez(root / "mnist.npz", x=sample_images(12, 6, 6), y=sample_labels(12, 3))
    return str(root / "mnist.npz")


def _csv(root: Path) -> str:
    images, labels = sample_images(12, 6, 6), sample_labels(12, 3)
    rows = [[*(v / 255 for v in img.reshape(-1)), lab] for img, lab in zip(images, labels, strict=True)]
    return str(write_csv(root / "t.csv", rows))


def _torchvision(root: Path) -> str:
    make_mnist_layout(root / "tv", n_train=12, n_test=4, size=6)
    return str(root / "tv" / "MNIST")


def _images(root: Path) -> str:
    return str(make_image_folder(root / "imgs", size=(6, 6), per_class=4))


DATASETS = {"digits": lambda root: "digits", "npy": _npy, "mnist.npz": _local_mnist_npz, "csv": _csv,
            "torchvision folder": _torchvision, "image folder": _images}


def _model(kind: str, dataset, root: Path):
    if kind == "none":
        return None
    if kind == "aeviewer":
        return build_model(ModelConfig(input_shape=tuple(dataset.sample_shape), latent_dim=2, hidden=(8,)), seed=1)
    code = root / "code" / "tiny.py"
    code.parent.mkdir(exist_ok=True)
    code.write_text(BYO_CODE.format(n=dataset.n_features))
    torch.manual_seed(3)
    return load_user_model(code, None, tuple(dataset.sample_shape))


def _outputs(model, dataset) -> np.ndarray:
    with torch.inference_mode():
        x = torch.from_numpy(dataset.x[:5])
        z = model.encode(x)
        return torch.cat([z.reshape(5, -1), model.decode(z).reshape(5, -1)], 1).numpy()


@pytest.mark.parametrize("model_kind", ["none", "aeviewer", "your own"])
@pytest.mark.parametrize("source", DATASETS)
def test_a_session_reopens_the_same_data_model_and_view(tmp_path, source, model_kind):
    root = (tmp_path / "project").resolve()
    root.mkdir()
    spec = DATASETS[source](root)
    dataset = load_dataset(spec)
    model = _model(model_kind, dataset, root)
    view = {"probes": {"ae": (0.25, -1.5), "pca": (3.0, 4.0)},
            "view_ranges": {"ae": ((-2.0, 2.0), (-1.0, 3.0))},
            "paths": [ProbePath("drag", [(0.0, 0.0, 0.0), (0.5, 1.0, 1.0)])], "selected": 3, "theme": "dark"}
    saved = save_session(root / "s.aev", Session(dataset=dataset_reference(dataset), model=model, **view))
    # The whole project folder moves: paths stored relative to the session file still find everything.
    moved = (tmp_path / "moved").resolve()
    shutil.move(root, moved)
    back = load_session(moved / saved.name)
    reopened = load_dataset(back.dataset)
    if source == "digits":
        assert back.dataset == "digits"
    else:
        assert Path(back.dataset).is_relative_to(moved.resolve())  # the moved copy, found by the relative path
        original = fingerprint(moved / Path(dataset.source).resolve().relative_to(root))
        assert fingerprint(back.dataset) == original
    np.testing.assert_array_equal(reopened.x, dataset.x)
    assert (reopened.y is None) == (dataset.y is None)
    if model is None:
        assert back.model is None
    else:
        np.testing.assert_array_equal(_outputs(back.model, reopened), _outputs(model, dataset))
        assert back.model.config.kind == model.config.kind
    assert back.probes == view["probes"] and back.view_ranges == view["view_ranges"]
    assert [p.samples for p in back.paths] == [p.samples for p in view["paths"]]
    assert (back.selected, back.theme) == (3, "dark")


def test_a_local_mnist_npz_is_not_taken_for_mnist(tmp_path, data_dir):
    spec = _local_mnist_npz(tmp_path)
    dataset = load_dataset(spec)
    assert dataset.name == "mnist"
    back = load_session(save_session(tmp_path / "s.aev", Session(dataset=dataset_reference(dataset))))
    assert back.dataset == str(Path(spec).resolve())  # not "mnist is not downloaded yet", not the official set


def test_a_different_dataset_under_the_same_path_is_refused(tmp_path):
    spec = _npy(tmp_path)
    saved = save_session(tmp_path / "s.aev", Session(dataset=dataset_reference(load_dataset(spec))))
    np.save(spec, np.zeros((3, 36), np.float32))
    with pytest.raises(CheckpointError, match="its dataset has changed since the session was saved"):
        load_session(saved)


coords = st.floats(-MAX_COORD, MAX_COORD, allow_nan=False)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(probe=st.tuples(coords, coords), lo=st.tuples(coords, coords), span=st.floats(1e-3, 1e5))
def test_any_valid_view_round_trips_exactly(tmp_path, probe, lo, span):
    view_ranges = {"ae": ((lo[0], lo[0] + span), (lo[1], lo[1] + span))}
    if max(abs(v) for r in view_ranges["ae"] for v in r) > MAX_COORD:
        return
    back = load_session(save_session(tmp_path / "v.aev", Session(dataset="digits", probes={"ae": probe},
                                                                 view_ranges=view_ranges)))
    assert back.probes["ae"] == probe and back.view_ranges == view_ranges
