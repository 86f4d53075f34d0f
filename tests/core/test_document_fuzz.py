"""Property tests for the documents aeviewer reads back: sessions (.aev), recorded paths, run folders, CSV labels.

Whatever the bytes or the JSON values, loading gives a value or our own error type naming the file; never a
TypeError, KeyError, RecursionError or anything else.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import torch
from hypothesis import given
from hypothesis import strategies as st

from aeviewer.core.data.loaders import load_dataset
from aeviewer.core.errors import AeviewerError, CheckpointError, DatasetError
from aeviewer.core.models import build_model
from aeviewer.core.session.recording import ProbePath, load_probe_path
from aeviewer.core.session.session import Session, load_session, save_session
from aeviewer.core.train import run_folder
from tests.fuzz_settings import FUZZ

from .model_data import small_config

#: Any JSON value, with the numbers a hostile file would use (huge, tiny, negative zero) and some nesting.
_NUMBERS = st.integers(-(2**70), 2**70) | st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(
    [1e308, -1e308, 5e-324, -0.0, 2**63, 10**13])
_JSON = st.recursive(
    st.none() | st.booleans() | _NUMBERS | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=16,
)


def _mutate(data: bytes, cut: int, flips: list[tuple[int, int]]) -> bytes:
    out = bytearray(data)
    for pos, val in flips:
        out[pos % len(out)] = val
    return bytes(out[: max(0, len(out) - cut)])


_FLIPS = st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(0, 255)), max_size=6)


def _valid_session() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        model = build_model(small_config(hidden=(4,)), seed=0)
        path = save_session(Path(tmp) / "s.aev", Session(
            dataset="digits", model=model, model_meta={"history": [{"loss": 0.5}]}, projection="PCA",
            probes={"ae": (0.1, 0.2)}, view_ranges={"ae": ((0, 1), (0, 1))},
            paths=[ProbePath("p", [(0.0, 0.0, 0.0), (1.0, 1.0, 1.0)])], selected=2))
        return path.read_bytes()


SESSION = _valid_session()
with zipfile.ZipFile(io.BytesIO(SESSION)) as _zf:
    SESSION_DOC = json.loads(_zf.read("session.json"))
    SESSION_WEIGHTS = _zf.read("model.safetensors")


def _open_session(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s.aev"
        path.write_bytes(data)
        try:
            load_session(path)
        except CheckpointError as exc:
            assert exc.path == path
            assert "\n" not in str(exc)


def _session_with(doc: object, weights: bytes = SESSION_WEIGHTS) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("session.json", json.dumps(doc))
        zf.writestr("model.safetensors", weights)
    return buffer.getvalue()


def _set(doc: dict, where: list[object], value: object) -> dict:
    """A copy of `doc` with the value at the path `where` (walked as far as it goes) replaced by `value`."""
    doc = json.loads(json.dumps(doc))
    node = doc
    for i, key in enumerate(where):
        container = node
        if isinstance(node, dict) and node:
            key = sorted(node)[key % len(node)] if isinstance(key, int) else key
        elif isinstance(node, list) and node:
            key = key % len(node) if isinstance(key, int) else 0
        else:
            break
        if i == len(where) - 1 or not isinstance(container[key], (dict, list)):
            container[key] = value
            break
        node = container[key]
    return doc


@FUZZ
@given(cut=st.integers(0, 400), flips=_FLIPS)
def test_mutated_session_bytes(cut, flips):
    _open_session(_mutate(SESSION, cut, flips))


@FUZZ
@given(where=st.lists(st.integers(0, 50), min_size=1, max_size=5), value=_JSON)
def test_session_fields_with_any_json(where, value):
    _open_session(_session_with(_set(SESSION_DOC, where, value)))


@FUZZ
@given(cut=st.integers(0, 200), flips=_FLIPS)
def test_session_with_mutated_weights(cut, flips):
    _open_session(_session_with(SESSION_DOC, _mutate(SESSION_WEIGHTS, cut, flips)))


@FUZZ
@given(doc=_JSON)
def test_recording_of_any_json(doc):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.json"
        path.write_text(json.dumps(doc))
        try:
            recorded = load_probe_path(path)
        except AeviewerError as exc:
            assert str(exc).startswith(str(path))
            return
        assert recorded.frame_count(30.0, 0.1) <= 2_000_000


def _valid_run(root: Path) -> Path:
    run = root / "run"
    run.mkdir()
    model = build_model(small_config(hidden=(4,)), seed=0)
    from aeviewer.core.train.checkpoint import save_checkpoint

    save_checkpoint(run / "last.safetensors", model, dataset_name="d", history=[{"loss": 0.5}])
    (run / "config.json").write_text(json.dumps({
        "format_version": 1, "data": "digits", "model": model.config.to_dict(),
        "train": {"epochs": 2, "batch_size": 8, "lr": 0.01, "seed": 0, "device": "cpu"}, "world_size": 1}))
    torch.save({"format_version": 1, "position": [1, 0], "epochs_done": 1, "optimizers": {},
                "generators": {"shuffle": torch.Generator().get_state(), "noise": None}}, run / "last.state.pt")
    return run


def _resume(run: Path) -> None:
    try:
        run_folder.read_config(run)
        run_folder.load_resume_state(run)
    except CheckpointError as exc:
        assert exc.path is not None and exc.path.parent == run


@FUZZ
@given(where=st.lists(st.integers(0, 50), min_size=1, max_size=4), value=_JSON)
def test_run_config_fields_with_any_json(where, value):
    with tempfile.TemporaryDirectory() as tmp:
        run = _valid_run(Path(tmp))
        config = json.loads((run / "config.json").read_text())
        (run / "config.json").write_text(json.dumps(_set(config, where, value)))
        _resume(run)


@FUZZ
@given(cut=st.integers(0, 300), flips=_FLIPS, target=st.sampled_from(["last.state.pt", "config.json"]))
def test_mutated_run_files(cut, flips, target):
    with tempfile.TemporaryDirectory() as tmp:
        run = _valid_run(Path(tmp))
        (run / target).write_bytes(_mutate((run / target).read_bytes(), cut, flips))
        _resume(run)


@FUZZ
@given(lines=st.lists(st.binary(max_size=40) | _JSON.map(lambda v: json.dumps(v).encode()), max_size=8))
def test_a_follower_survives_any_metrics_lines(lines):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "metrics.jsonl"
        good = json.dumps({"step": 7, "epoch": 1, "losses": {"loss": 0.5}}).encode()
        path.write_bytes(b"\n".join([*lines, b"[" * 100_000, good]) + b"\n")
        records = run_folder.MetricsTail(path).read_new()
        assert records[-1]["step"] == 7


@FUZZ
@given(table=st.lists(st.lists(st.integers(0, 300) | st.floats(-1, 300, allow_nan=False), min_size=1, max_size=6),
                      min_size=1, max_size=12),
       label_column=st.sampled_from([None, "none", "1", "-1", "7", "label"]))
def test_csv_tables_with_any_numbers(table, label_column):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.csv"
        path.write_text("\n".join(",".join(str(v) for v in row) for row in table) + "\n")
        try:
            ds = load_dataset(path, label_column)
        except DatasetError as exc:
            assert exc.path == path
            return
        assert np.isfinite(ds.x).all() and ds.x.min() >= 0 and ds.x.max() <= 1
        assert ds.y is None or len(ds.y) == len(ds.x)
