"""Sessions: everything needed to reopen the exact view, in one `.aev` file.

An `.aev` file is a zip with `session.json` (dataset reference, model config and metadata, projection,
probe positions, view ranges, theme, recorded paths) and `model.safetensors` (the weights; no pickle).
Saving is atomic (temp file + os.replace); loading validates everything and raises `CheckpointError`
naming the file.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch
from pydantic import ValidationError
from safetensors.torch import save as st_save

from aeviewer.core import safe_json
from aeviewer.core.atomic import atomic_write
from aeviewer.core.data.dataset import Dataset
from aeviewer.core.errors import CheckpointError
from aeviewer.core.memory_budget import MemoryBudgetExceeded, check_bytes
from aeviewer.core.models import Autoencoder
from aeviewer.core.session.dataset_ref import DatasetMismatch, builtin_name, reference_for, resolve
from aeviewer.core.session.recording import ProbePath
from aeviewer.core.session.schema import (
    MAX_PATH_SECONDS,
    MIN_SPAN,
    ModelEntry,
    SessionDoc,
    UserModelRef,
    first_problem,
)
from aeviewer.core.train.checkpoint import _config_from, _json_safe_row, _model_with, _read_safetensors
from aeviewer.core.train.formation import FORMATION_NAME, MAX_FILE_BYTES, Formation, formation_from_bytes

if TYPE_CHECKING:
    from aeviewer.core.models.user_model import UserAutoencoder  # imported lazily: it runs user code

SESSION_FORMAT_VERSION = 2  # 2: the dataset is a reference with a fingerprint; models may be your own
SESSION_SUFFIX = ".aev"
SESSION_JSON = "session.json"
SESSION_WEIGHTS = "model.safetensors"
SESSION_REPLAY = FORMATION_NAME  # optional: how the latent space formed (an npz with its own format version)
THEMES = ("light", "dark")
VIEWS = ("ae", "pca")
_MAX_WEIGHT_BYTES = 1_000_000_000  # model_limits allows 200M parameters: 800 MB of float32


@dataclass
class Session:
    """A saved view. `view_ranges[view]` is ((x0, x1), (y0, y1)); `probes[view]` is (x, y)."""

    dataset: str  # a built-in name or an absolute path (see core.dataset_ref: checked against its fingerprint)
    model: Autoencoder | UserAutoencoder | None = None
    model_meta: dict[str, Any] = field(default_factory=dict)
    projection: str = ""
    probes: dict[str, tuple[float, float]] = field(default_factory=dict)
    view_ranges: dict[str, tuple[tuple[float, float], tuple[float, float]]] = field(default_factory=dict)
    theme: str = "light"
    paths: list[ProbePath] = field(default_factory=list)
    selected: int | None = None
    formation: Formation | None = None  # the replay of training, when one was kept


def dataset_reference(dataset: Dataset) -> str:
    """What `load_dataset` needs to load this dataset again: its built-in name (only when it came from the
    built-in source: a local `mnist.npz` is not MNIST), else its absolute source path."""
    name = builtin_name(dataset)
    if name is not None:
        return name
    if dataset.source and Path(dataset.source).exists():
        return str(Path(dataset.source).resolve())  # absolute: a session opens from any folder
    return dataset.source or dataset.name


def save_session(path: str | Path, session: Session) -> Path:
    """Write `session` as a `.aev` zip (suffix added when missing), atomically; returns the path written."""
    path = Path(path)
    if path.suffix.lower() != SESSION_SUFFIX:
        path = path.with_name(path.name + SESSION_SUFFIX)
    if session.theme not in THEMES:
        raise CheckpointError(path, f"unknown theme {session.theme!r} (use one of {', '.join(THEMES)})")
    try:
        dataset = reference_for(session.dataset, path)
    except OSError as exc:
        raise CheckpointError(path, f"could not fingerprint its dataset {session.dataset}: {exc}") from None
    doc: dict[str, Any] = {
        "format_version": SESSION_FORMAT_VERSION,
        "dataset": dataset,
        "model": None,
        "projection": session.projection,
        "probes": {k: [float(v[0]), float(v[1])] for k, v in session.probes.items()},
        "view_ranges": {k: [[float(r[0][0]), float(r[0][1])], [float(r[1][0]), float(r[1][1])]]
                        for k, r in session.view_ranges.items()},
        "theme": session.theme,
        "paths": [p.to_dict() for p in session.paths],
        "selected": session.selected,
    }
    buffer = io.BytesIO()
    try:
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            if session.model is not None:
                meta = dict(session.model_meta)
                meta["history"] = [_json_safe_row(r) for r in meta.get("history") or []]
                meta["dataset_shape"] = [int(s) for s in meta.get("dataset_shape") or ()]
                meta = {k: meta[k] for k in ("history", "dataset_name", "dataset_shape") if k in meta}
                doc["model"] = _model_entry(path, session.model, meta)
                tensors = {k: v.detach().to("cpu", copy=True).contiguous()
                           for k, v in _weights_of(session.model).items()}
                zf.writestr(SESSION_WEIGHTS, st_save(tensors))
            if session.formation is not None and len(session.formation):
                zf.writestr(SESSION_REPLAY, session.formation.to_bytes())
            zf.writestr(SESSION_JSON, json.dumps(doc, indent=2, allow_nan=False))
    except (ValueError, TypeError, RuntimeError) as exc:
        raise CheckpointError(path, f"could not serialise the session: {exc}") from exc
    atomic_write({path: buffer.getvalue()}, CheckpointError)
    return path


def _model_entry(path: Path, model: Autoencoder | UserAutoencoder, meta: dict[str, Any]) -> dict[str, Any]:
    """The model's description in session.json: an aeviewer config, or the user's own model file."""
    from aeviewer.core.models.user_model import UserAutoencoder

    if isinstance(model, UserAutoencoder):
        code = Path(model.config.source).resolve()
        user: dict[str, Any] = {"code": str(code), "class_name": model.config.class_name,
                                "input_shape": [int(s) for s in model.config.input_shape]}
        with contextlib.suppress(ValueError):  # another drive on Windows: the absolute path only
            user["relative"] = os.path.relpath(code, path.resolve().parent)
        return {"kind": "user", "user": user, "meta": meta}
    return {"kind": model.config.kind, "config": model.config.to_dict(), "meta": meta}


def _weights_of(model: Autoencoder | UserAutoencoder) -> dict[str, torch.Tensor]:
    from aeviewer.core.models.user_model import UserAutoencoder

    return model.module.state_dict() if isinstance(model, UserAutoencoder) else model.state_dict()


def load_session(path: str | Path) -> Session:
    """Read and validate a `.aev` file; every problem is a CheckpointError naming it."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(path, "does not exist" if not path.exists() else "is not a file")
    try:
        zf = zipfile.ZipFile(path)
    except Exception as exc:  # noqa: BLE001 - zipfile raises many types on garbage (struct, overflow, ...)
        raise CheckpointError(path, f"is not an aeviewer session (not a readable zip: {_one_line(exc)})") from None
    with zf:
        raw = _member(path, zf, SESSION_JSON, safe_json.MAX_BYTES)
        doc = _read_json(path, raw)
        _check_version(path, doc)
        try:
            valid = SessionDoc.model_validate_json(raw)
        except ValidationError as exc:
            raise CheckpointError(path, f"has an invalid {SESSION_JSON}: {first_problem(exc)}") from None
        model = _read_model(path, zf, valid.model)
        formation = _read_replay(path, zf)
    session = _session_from(path, valid, model)
    session.formation = formation
    return session


def _read_replay(path: Path, zf: zipfile.ZipFile) -> Formation | None:
    """The session's replay member, if it has one; a bad one is one error naming the session and the member."""
    if SESSION_REPLAY not in zf.namelist():
        return None
    raw = _member(path, zf, SESSION_REPLAY, MAX_FILE_BYTES)
    try:
        return formation_from_bytes(raw, SESSION_REPLAY)
    except CheckpointError as exc:
        raise CheckpointError(path, f"has a bad replay: {exc}") from None


def _member(path: Path, zf: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """One zip member, refused before inflating when it declares more bytes than it can sensibly be."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise CheckpointError(path, f"is not an aeviewer session (it has no {name})") from None
    if info.file_size > limit:
        raise CheckpointError(path, f"has an implausibly large {name} ({info.file_size:,} bytes inflated; "
                              f"at most {limit:,})")
    try:
        check_bytes(info.file_size * 2, f"inflating {name}")
    except MemoryBudgetExceeded as exc:
        raise CheckpointError(path, str(exc)) from None
    try:
        with zf.open(name) as f:
            data = f.read(limit + 1)
    except Exception as exc:  # noqa: BLE001 - a damaged zip fails in many ways (zlib, CRC, struct, truncation)
        raise CheckpointError(path, f"is damaged: {name} cannot be read ({_one_line(exc)})") from None
    if len(data) > limit:
        raise CheckpointError(path, f"has an implausibly large {name} (over {limit:,} bytes)")
    return data


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:200]
    return text or type(exc).__name__


def _read_json(path: Path, raw: bytes) -> dict[str, Any]:
    try:
        doc = safe_json.loads(raw)
    except safe_json.JsonProblem as exc:
        raise CheckpointError(path, f"has an unreadable {SESSION_JSON}: it {exc}") from None
    if not isinstance(doc, dict):
        raise CheckpointError(path, f"{SESSION_JSON} is not a JSON object")
    return doc


def _check_version(path: Path, doc: dict[str, Any]) -> None:
    version = doc.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise CheckpointError(path, f"has an unknown session format version {version!r}")
    if version > SESSION_FORMAT_VERSION:
        raise CheckpointError(path, f"was made by a newer aeviewer (session format {version}); please upgrade")


def _read_model(path: Path, zf: zipfile.ZipFile, desc: ModelEntry | None) -> Autoencoder | UserAutoencoder | None:
    if desc is None:
        return None
    raw = _member(path, zf, SESSION_WEIGHTS, _MAX_WEIGHT_BYTES)
    tensors, _ = _read_safetensors(path, raw)
    if desc.kind == "user":
        if desc.user is None:
            raise CheckpointError(path, f"has an invalid {SESSION_JSON}: field model.user: a model of kind 'user' "
                                        "needs its code file")
        return _user_model(path, desc.user, tensors)
    if desc.config is None:
        raise CheckpointError(path, f"has an invalid {SESSION_JSON}: field model.config: missing")
    config = _config_from(path, {"config": desc.config})
    return _model_with(path, config, tensors)


def _user_model(path: Path, user: UserModelRef, tensors: dict[str, torch.Tensor]) -> UserAutoencoder:
    """Rebuild a bring-your-own model from its code file (relative paths: relative to the session file)."""
    from aeviewer.core.models.user_model import load_user_model

    candidates = []
    if user.relative:
        candidates.append(path.resolve().parent / user.relative)
    code = Path(user.code)
    code = code if code.is_absolute() else path.resolve().parent / code
    if code not in candidates:
        candidates.append(code)
    found = next((c for c in candidates if c.is_file()), None)
    if found is None:
        raise CheckpointError(path, f"needs its model code {user.code}, which is not there any more (looked in "
                                    f"{' and '.join(str(c) for c in candidates)})")
    return load_user_model(found, None, tuple(user.input_shape), user.class_name, state=tensors)


def _session_from(path: Path, doc: SessionDoc, model: Autoencoder | UserAutoencoder | None) -> Session:
    if isinstance(doc.dataset, str):  # format 1: a name or an absolute path, without a fingerprint
        dataset = doc.dataset
    else:
        try:
            dataset = resolve(doc.dataset.model_dump(), path)
        except DatasetMismatch as exc:
            raise CheckpointError(path, str(exc)) from None
    ranges: dict[str, tuple[tuple[float, float], tuple[float, float]]] = {}
    for view, (xr, yr) in doc.view_ranges.items():
        for axis, (lo, hi) in (("x", xr), ("y", yr)):
            if not hi - lo >= MIN_SPAN:
                raise CheckpointError(path, f"has an invalid {SESSION_JSON}: field view_ranges.{view}: its {axis} "
                                            f"range [{lo:g}, {hi:g}] is empty or reversed")
        ranges[view] = (xr, yr)  # pydantic already made them tuples
    paths = []
    for p in doc.paths:
        probe_path = ProbePath(name=p.name, space=p.space)
        for t, x, y in p.samples:
            probe_path.add(t, (x, y))
        if probe_path.duration > MAX_PATH_SECONDS:
            raise CheckpointError(path, f"has an invalid {SESSION_JSON}: recorded path {p.name!r} lasts "
                                        f"{probe_path.duration:,.0f} s; the longest aeviewer replays is "
                                        f"{MAX_PATH_SECONDS:,.0f} s")
        paths.append(probe_path)
    meta = doc.model.meta.model_dump() if doc.model is not None else {}
    return Session(dataset=dataset, model=model, model_meta=meta if model is not None else {},
                   projection=doc.projection, probes={k: v for k, v in doc.probes.items()},
                   view_ranges=ranges, theme=doc.theme, paths=paths, selected=doc.selected)


def models_equal(a: torch.nn.Module, b: torch.nn.Module) -> bool:
    """Same parameter names and bit-identical values (for tests and 'unsaved changes' checks)."""
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)
