"""Property tests: whatever a model file or its JSON sidecar holds, loading gives a model or a CheckpointError."""

from __future__ import annotations

import json
import struct
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from aeviewer.core.errors import CheckpointError
from aeviewer.core.models import build_model
from aeviewer.core.train.checkpoint import LoadedCheckpoint, load_checkpoint, save_checkpoint
from tests.fuzz_settings import FUZZ

from .model_data import small_config

_SETTINGS = FUZZ  # 40 examples per test in `make test`, $AEVIEWER_FUZZ_EXAMPLES in `make fuzz`
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 300) | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)


def _valid_files() -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        model = build_model(small_config(hidden=(4,)), seed=0)
        save_checkpoint(root / "m.safetensors", model, dataset_name="d", history=[{"loss": 0.5}])
        save_checkpoint(root / "t.pt", model)
        return {p.name: p.read_bytes() for p in root.iterdir()}


VALID = _valid_files()


def _load(files: dict[str, bytes], name: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for file, data in files.items():
            (root / file).write_bytes(data)
        try:
            loaded = load_checkpoint(root / name)
        except CheckpointError as exc:
            assert exc.path is not None and exc.path.parent == root
            return
        assert isinstance(loaded, LoadedCheckpoint)


def _mutate(data: bytes, cut: int, flips: list[tuple[int, int]]) -> bytes:
    out = bytearray(data)
    for pos, val in flips:
        out[pos % len(out)] = val
    return bytes(out[: max(0, len(out) - cut)])


def test_valid_files_load():
    _load(VALID, "m.safetensors")
    _load(VALID, "t.pt")


@_SETTINGS
@given(name=st.sampled_from(["x.safetensors", "x.pt", "x.pth"]), data=st.binary(max_size=400), sidecar=st.booleans())
def test_random_bytes(name: str, data: bytes, sidecar: bool) -> None:
    files = {name: data}
    if sidecar:
        files["x.json"] = VALID["t.json"]
    _load(files, name)


@_SETTINGS
@given(cut=st.integers(0, 300), flips=st.lists(st.tuples(st.integers(0, 5000), st.integers(0, 255)), max_size=6))
def test_mutated_safetensors(cut: int, flips: list[tuple[int, int]]) -> None:
    _load({"m.safetensors": _mutate(VALID["m.safetensors"], cut, flips)}, "m.safetensors")


@_SETTINGS
@given(cut=st.integers(0, 300), flips=st.lists(st.tuples(st.integers(0, 5000), st.integers(0, 255)), max_size=6))
def test_mutated_pt(cut: int, flips: list[tuple[int, int]]) -> None:
    _load({"t.pt": _mutate(VALID["t.pt"], cut, flips), "t.json": VALID["t.json"]}, "t.pt")


@_SETTINGS
@given(cut=st.integers(0, 200), flips=st.lists(st.tuples(st.integers(0, 2000), st.integers(0, 255)), max_size=6))
def test_mutated_sidecar(cut: int, flips: list[tuple[int, int]]) -> None:
    _load({"t.pt": VALID["t.pt"], "t.json": _mutate(VALID["t.json"], cut, flips)}, "t.pt")


@_SETTINGS
@given(field=st.sampled_from(["format_version", "kind", "config", "dataset_shape", "history", "train_config"]),
       value=_JSON)
def test_sidecar_fields_with_any_json(field: str, value: object) -> None:
    sidecar = json.loads(VALID["t.json"])
    sidecar[field] = value
    _load({"t.pt": VALID["t.pt"], "t.json": json.dumps(sidecar).encode()}, "t.pt")


@_SETTINGS
@given(key=st.sampled_from(sorted(small_config().to_dict())), value=_JSON)
def test_config_fields_with_any_json(key: str, value: object) -> None:
    sidecar = json.loads(VALID["t.json"])
    sidecar["config"][key] = value
    _load({"t.pt": VALID["t.pt"], "t.json": json.dumps(sidecar).encode()}, "t.pt")


@_SETTINGS
@given(entries=st.dictionaries(st.text(max_size=6), _JSON, max_size=4), payload=st.binary(max_size=64),
       dtype=st.sampled_from(["F32", "F16", "I64", "BOOL", "Q7"]),
       offsets=st.lists(st.integers(0, 80), min_size=2, max_size=2), shape=st.lists(st.integers(0, 5), max_size=3))
def test_forged_safetensors_header(entries: dict, payload: bytes, dtype: str, offsets: list[int], shape: list[int]):
    header = json.loads(VALID["m.safetensors"][8 : 8 + struct.unpack("<Q", VALID["m.safetensors"][:8])[0]])
    header.update(entries)
    header["encoder.1.weight"] = {"dtype": dtype, "shape": shape, "data_offsets": offsets}
    text = json.dumps(header).encode()
    _load({"m.safetensors": struct.pack("<Q", len(text)) + text + payload}, "m.safetensors")
