import json
import os
import struct

import numpy as np
import pytest
import torch
from safetensors.torch import save_file

from aeviewer.core import atomic
from aeviewer.core.errors import CheckpointError
from aeviewer.core.models import build_model
from aeviewer.core.models.inference import decode_array, encode_array
from aeviewer.core.train.checkpoint import CHECKPOINT_FORMAT_VERSION, load_checkpoint, save_checkpoint
from aeviewer.core.train.trainer import TrainConfig

from .model_data import blobs, small_config


def _assert_same_outputs(a, b, x):
    np.testing.assert_array_equal(encode_array(a, x), encode_array(b, x))
    z = np.random.default_rng(0).standard_normal((5, a.config.latent_dim)).astype(np.float32)
    np.testing.assert_array_equal(decode_array(a, z), decode_array(b, z))


@pytest.mark.parametrize(
    ("kind", "backbone", "suffix"),
    [
        ("ae", "mlp", ".safetensors"),
        ("vae", "conv", ".safetensors"),
        ("aae", "mlp", ".pt"),
        ("sparse", "conv", ".pth"),
    ],
)
def test_save_load_round_trip(tmp_path, kind, backbone, suffix):
    model = build_model(small_config(kind=kind, backbone=backbone), seed=1)
    history = [{"recon": 0.1, "total": 0.2}, {"recon": 0.05, "total": float("nan")}]
    path = save_checkpoint(
        tmp_path / f"m{suffix}",
        model,
        dataset_name="blobs",
        dataset_shape=(256, 1, 8, 8),
        history=history,
        train_config=TrainConfig(epochs=2),
    )
    assert path == tmp_path / f"m{suffix}"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, "m.json"])
    loaded = load_checkpoint(path)
    assert loaded.config == model.config
    assert not loaded.model.training
    assert loaded.meta["dataset_name"] == "blobs"
    assert loaded.meta["dataset_shape"] == (256, 1, 8, 8)
    assert loaded.meta["history"] == [{"recon": 0.1, "total": 0.2}, {"recon": 0.05, "total": None}]
    assert loaded.meta["format_version"] == CHECKPOINT_FORMAT_VERSION
    assert loaded.meta["train_config"]["epochs"] == 2
    _assert_same_outputs(model, loaded.model, blobs(20))


def test_safetensors_without_sidecar_uses_its_metadata(tmp_path):
    model = build_model(small_config(kind="vae"), seed=2)
    path = save_checkpoint(tmp_path / "m", model)
    assert path.name == "m.safetensors"
    (tmp_path / "m.json").unlink()
    loaded = load_checkpoint(path)
    assert loaded.config == model.config and loaded.meta["history"] == []
    _assert_same_outputs(model, loaded.model, blobs(10))


def test_plain_torch_state_dict_with_sidecar(tmp_path):
    model = build_model(small_config(), seed=3)
    save_checkpoint(tmp_path / "m.safetensors", model)  # writes m.json
    torch.save(model.state_dict(), tmp_path / "m.pt")
    _assert_same_outputs(model, load_checkpoint(tmp_path / "m.pt").model, blobs(10))


def test_failed_save_leaves_the_old_checkpoint_intact(tmp_path, monkeypatch):
    old = build_model(small_config(), seed=4)
    path = save_checkpoint(tmp_path / "m.safetensors", old, dataset_name="old")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def boom(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", boom)
    with pytest.raises(CheckpointError, match="disk is full") as info:
        save_checkpoint(path, build_model(small_config(), seed=5), dataset_name="new")
    assert "m.safetensors" in str(info.value)
    monkeypatch.undo()
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert after == before  # old files untouched, no temp files left
    loaded = load_checkpoint(path)
    assert loaded.meta["dataset_name"] == "old"
    _assert_same_outputs(old, loaded.model, blobs(10))


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_read_only_folder_is_a_checkpoint_error(tmp_path, monkeypatch):
    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    # chmod doesn't stop root (CI containers), so simulate the folder refusing new files.
    monkeypatch.setattr(atomic.tempfile, "mkstemp", denied)
    with pytest.raises(CheckpointError, match="read-only"):
        save_checkpoint(tmp_path / "m.safetensors", build_model(small_config()))
    assert list(tmp_path.iterdir()) == []


def test_missing_folder_is_a_checkpoint_error(tmp_path):
    with pytest.raises(CheckpointError, match="does not exist"):
        save_checkpoint(tmp_path / "nope" / "m.safetensors", build_model(small_config()))


def _metadata_file(tmp_path, tensors, header, name="bad.safetensors"):
    path = tmp_path / name
    save_file(tensors, str(path), metadata={"aeviewer": json.dumps(header)})
    return path


def _header(model, **over):
    return {"format_version": 1, "kind": model.config.kind, "config": model.config.to_dict(), **over}


def _bad(path, match):
    with pytest.raises(CheckpointError, match=match) as info:
        load_checkpoint(path)
    assert path.name in str(info.value)


def test_missing_and_empty_files(tmp_path):
    _bad(tmp_path / "gone.safetensors", "does not exist")
    (tmp_path / "empty.safetensors").write_bytes(b"")
    _bad(tmp_path / "empty.safetensors", "empty")


def test_garbage_and_truncated_files(tmp_path):
    (tmp_path / "junk.safetensors").write_bytes(b"hello world, not a model")
    _bad(tmp_path / "junk.safetensors", "not a safetensors file")
    (tmp_path / "hdr.safetensors").write_bytes(struct.pack("<Q", 5) + b"{{{{{")
    _bad(tmp_path / "hdr.safetensors", "not JSON")
    good = save_checkpoint(tmp_path / "good.safetensors", build_model(small_config()))
    (tmp_path / "cut.safetensors").write_bytes(good.read_bytes()[:-100])
    _bad(tmp_path / "cut.safetensors", "truncated")
    (tmp_path / "junk.pt").write_bytes(b"not a zip")
    (tmp_path / "junk.json").write_text(json.dumps(_header(build_model(small_config()))))
    _bad(tmp_path / "junk.pt", "PyTorch")


def test_shape_mismatch_names_the_key_and_both_shapes(tmp_path):
    small = build_model(small_config(latent_dim=2))
    other = build_model(small_config(latent_dim=3))
    path = _metadata_file(tmp_path, other.state_dict(), _header(small))
    _bad(path, r"weight 'encoder\.\d+\.weight' has shape \(3, 16\) but the config expects \(2, 16\)")


def test_missing_and_unexpected_weights(tmp_path):
    model = build_model(small_config())
    tensors = dict(model.state_dict())
    tensors.pop("decoder.0.bias")
    _bad(_metadata_file(tmp_path, tensors, _header(model)), "lacks weight 'decoder.0.bias'")
    tensors = {**model.state_dict(), "extra.weight": torch.zeros(2)}
    _bad(_metadata_file(tmp_path, tensors, _header(model), "extra.safetensors"), "'extra.weight'")


def test_unknown_version_invalid_config_and_nan(tmp_path):
    model = build_model(small_config())
    newer = _metadata_file(tmp_path, model.state_dict(), _header(model, format_version=99))
    _bad(newer, "newer aeviewer.*format 99")
    bad_cfg = _header(model)
    bad_cfg["config"]["kind"] = "gan"
    invalid = _metadata_file(tmp_path, model.state_dict(), bad_cfg, "cfg.safetensors")
    _bad(invalid, "invalid model config.*kind")
    with torch.no_grad():
        model.decoder[0].weight[0, 0] = float("nan")
    path = save_checkpoint(tmp_path / "nan.safetensors", model)
    _bad(path, "'decoder.0.weight' contains NaN")


def test_pt_without_sidecar_asks_for_a_config(tmp_path):
    torch.save(build_model(small_config()).state_dict(), tmp_path / "raw.pt")
    _bad(tmp_path / "raw.pt", "config")


def test_pickled_objects_are_refused(tmp_path):
    model = build_model(small_config())
    save_checkpoint(tmp_path / "obj.pt", model)
    torch.save({"model": model}, tmp_path / "obj.pt")  # a whole pickled module, not a state_dict
    _bad(tmp_path / "obj.pt", "pickled Python objects")


def test_bad_sidecar(tmp_path):
    path = save_checkpoint(tmp_path / "m.pt", build_model(small_config()))
    (tmp_path / "m.json").write_text("{not json")
    with pytest.raises(CheckpointError, match="m.json"):
        load_checkpoint(path)
