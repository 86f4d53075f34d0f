"""Sessions: a saved view comes back identical, and damaged files say what is wrong."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest
import torch

from aeviewer.core.errors import CheckpointError
from aeviewer.core.models import build_model
from aeviewer.core.models.inference import reconstruct_array
from aeviewer.core.session.recording import ProbePath
from aeviewer.core.session.session import Session, load_session, models_equal, save_session
from tests.core.model_data import blobs, small_config


def a_session() -> Session:
    model = build_model(small_config(), seed=3)
    path = ProbePath("drag", space="ae")
    for t, x, y in [(0.0, 0.1, 0.2), (0.05, 0.3, 0.25), (0.2, 0.9, -0.4)]:
        path.add(t, (x, y))
    return Session(dataset="digits", model=model,
                   model_meta={"history": [{"loss": 0.5}, {"loss": float("nan")}], "dataset_shape": (10, 1, 8, 8)},
                   projection="latent z₁, z₂", probes={"ae": (0.25, -1.5), "pca": (3.0, 4.0)},
                   view_ranges={"ae": ((-2.0, 2.5), (-1.0, 1.25)), "pca": ((-9.0, 9.0), (-7.0, 7.5))},
                   theme="dark", paths=[path], selected=7)


def test_a_session_round_trips_to_an_identical_state(tmp_path):
    original = a_session()
    written = save_session(tmp_path / "talk", original)
    assert written.name == "talk.aev"
    back = load_session(written)
    assert back.dataset == "digits" and back.theme == "dark" and back.selected == 7
    assert back.probes == original.probes
    assert back.view_ranges == original.view_ranges
    assert back.projection == original.projection
    assert [p.to_dict() for p in back.paths] == [p.to_dict() for p in original.paths]
    assert models_equal(back.model, original.model)
    x = blobs(16)
    assert np.array_equal(reconstruct_array(back.model, x), reconstruct_array(original.model, x))
    assert back.model_meta["history"][1]["loss"] is None  # NaN saved as JSON null, not a broken file


def test_session_holds_no_pickle_only_json_and_safetensors(tmp_path):
    written = save_session(tmp_path / "s.aev", a_session())
    with zipfile.ZipFile(written) as zf:
        assert sorted(zf.namelist()) == ["model.safetensors", "session.json"]
        json.loads(zf.read("session.json"))


def test_saving_over_a_session_never_leaves_half_a_file(tmp_path, monkeypatch):
    target = save_session(tmp_path / "s.aev", a_session())
    before = target.read_bytes()
    import aeviewer.core.atomic as atomic

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", broken_replace)
    with pytest.raises(CheckpointError, match="disk is full"):
        save_session(target, a_session())
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["s.aev"]


def test_a_session_without_a_model_round_trips(tmp_path):
    back = load_session(save_session(tmp_path / "s.aev", Session(dataset="/data/x.npz")))
    assert back.model is None and back.dataset == "/data/x.npz" and back.paths == []


@pytest.mark.parametrize("damage, message", [
    (lambda p: p.write_bytes(b"not a zip"), "not a readable zip"),
    (lambda p: p.write_bytes(p.read_bytes()[:200]), "not a readable zip"),
])
def test_damaged_session_files_name_the_file(tmp_path, damage, message):
    target = save_session(tmp_path / "s.aev", a_session())
    damage(target)
    with pytest.raises(CheckpointError, match=message) as info:
        load_session(target)
    assert str(target) in str(info.value)


def rewrite(path, json_doc=None, weights=None, drop=()):
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist() if n not in drop}
    if json_doc is not None:
        members["session.json"] = json.dumps(json_doc).encode()
    if weights is not None:
        members["model.safetensors"] = weights
    with zipfile.ZipFile(path, "w") as zf:
        for n, data in members.items():
            zf.writestr(n, data)


@pytest.mark.parametrize("edit, message", [
    (lambda d: d.update(format_version=99), "newer aeviewer"),
    (lambda d: d.update(theme="neon"), r"field theme: Input should be 'light' or 'dark' \(got 'neon'\)"),
    (lambda d: d.update(probes={"ae": [1.0]}), "field probes.ae.1: Field required"),
    (lambda d: d.update(dataset=""), "field dataset: String should have at least 1 character"),
    (lambda d: d["paths"][0]["samples"].append(["a", 1, 2]), r"field paths.0.samples.3.0: Input should be a valid"),
    (lambda d: d.update(probes={"ae": [1e308, 0]}), r"field probes.ae.0: Input should be less than or equal to 10+"),
    (lambda d: d.update(view_ranges={"pca": [[0, 1], [2, 2]]}), r"field view_ranges.pca: its y range \[2, 2\] is"),
    (lambda d: d.update(paths={"a": 1}), "field paths: Input should be a valid array"),
    (lambda d: d["model"]["meta"].update(history="abc"), "field model.meta.history: Input should be a valid array"),
    (lambda d: d["model"]["config"].update(latent_dim=5), "shape"),
])
def test_invalid_session_contents_are_refused_with_the_reason(tmp_path, edit, message):
    target = save_session(tmp_path / "s.aev", a_session())
    with zipfile.ZipFile(target) as zf:
        doc = json.loads(zf.read("session.json"))
    edit(doc)
    rewrite(target, json_doc=doc)
    with pytest.raises(CheckpointError, match=message):
        load_session(target)


def test_missing_or_damaged_weights_are_refused(tmp_path):
    target = save_session(tmp_path / "s.aev", a_session())
    rewrite(target, drop=("model.safetensors",))
    with pytest.raises(CheckpointError, match="no model.safetensors"):
        load_session(target)
    target = save_session(tmp_path / "t.aev", a_session())
    rewrite(target, weights=b"\x08\x00\x00\x00\x00\x00\x00\x00{}garbage")
    with pytest.raises(CheckpointError, match="damaged model weights|lacks weight|not a safetensors file"):
        load_session(target)


def test_model_outputs_survive_exactly(tmp_path):
    session = a_session()
    back = load_session(save_session(tmp_path / "s.aev", session))
    z = torch.from_numpy(np.random.default_rng(0).standard_normal((5, 2)).astype(np.float32))
    with torch.inference_mode():
        assert torch.equal(back.model.decode(z), session.model.eval().decode(z))


def test_dataset_reference_is_the_builtin_name_or_an_absolute_path(tmp_path, monkeypatch):
    from aeviewer.core.data.dataset import Dataset
    from aeviewer.core.session.session import dataset_reference

    x = np.zeros((2, 4), dtype=np.float32)
    assert dataset_reference(Dataset("digits", x, source="scikit-learn digits")) == "digits"
    (tmp_path / "d.npy").write_bytes(b"")
    monkeypatch.chdir(tmp_path)
    assert dataset_reference(Dataset("d", x, source="d.npy")) == str(tmp_path.resolve() / "d.npy")
