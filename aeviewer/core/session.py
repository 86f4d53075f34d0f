"""Sessions: everything needed to reopen the exact view, in one `.aev` file.

An `.aev` file is a zip with `session.json` (dataset reference, model config and metadata, projection,
probe positions, view ranges, theme, recorded paths) and `model.safetensors` (the weights; no pickle).
Saving is atomic (temp file + os.replace); loading validates everything and raises `CheckpointError`
naming the file.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.torch import load as st_load
from safetensors.torch import save as st_save

from aeviewer.core.atomic import atomic_write
from aeviewer.core.checkpoint import _config_from, _json_safe_row, _model_with
from aeviewer.core.dataset import Dataset
from aeviewer.core.errors import CheckpointError
from aeviewer.core.models import Autoencoder
from aeviewer.core.recording import ProbePath

SESSION_FORMAT_VERSION = 1
SESSION_SUFFIX = ".aev"
SESSION_JSON = "session.json"
SESSION_WEIGHTS = "model.safetensors"
THEMES = ("light", "dark")
VIEWS = ("ae", "pca")
_MAX_MEMBER_BYTES = 2_000_000_000  # refuse zip bombs before inflating them


@dataclass
class Session:
    """A saved view. `view_ranges[view]` is ((x0, x1), (y0, y1)); `probes[view]` is (x, y)."""

    dataset: str
    model: Autoencoder | None = None
    model_meta: dict[str, Any] = field(default_factory=dict)
    projection: str = ""
    probes: dict[str, tuple[float, float]] = field(default_factory=dict)
    view_ranges: dict[str, tuple[tuple[float, float], tuple[float, float]]] = field(default_factory=dict)
    theme: str = "light"
    paths: list[ProbePath] = field(default_factory=list)
    selected: int | None = None


def dataset_reference(dataset: Dataset) -> str:
    """What `load_dataset` needs to load this dataset again: its built-in name, else its source path."""
    from aeviewer.core.loaders import BUILTIN_NAMES

    if dataset.name in BUILTIN_NAMES:
        return dataset.name
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
    doc: dict[str, Any] = {
        "format_version": SESSION_FORMAT_VERSION,
        "dataset": session.dataset,
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
                doc["model"] = {"kind": session.model.config.kind, "config": session.model.config.to_dict(),
                                "meta": meta}
                tensors = {k: v.detach().to("cpu", copy=True).contiguous()
                           for k, v in session.model.state_dict().items()}
                zf.writestr(SESSION_WEIGHTS, st_save(tensors))
            zf.writestr(SESSION_JSON, json.dumps(doc, indent=2, allow_nan=False))
    except (ValueError, TypeError, RuntimeError) as exc:
        raise CheckpointError(path, f"could not serialise the session: {exc}") from exc
    atomic_write({path: buffer.getvalue()}, CheckpointError)
    return path


def load_session(path: str | Path) -> Session:
    """Read and validate a `.aev` file; every problem is a CheckpointError naming it."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(path, "does not exist" if not path.exists() else "is not a file")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise CheckpointError(path, f"is not an aeviewer session (not a readable zip: {exc})") from exc
    with zf:
        doc = _read_json(path, zf)
        _check_version(path, doc)
        model, meta = _read_model(path, zf, doc.get("model"))
        try:
            return _session_from(doc, model, meta)
        except (ValueError, TypeError, KeyError, IndexError) as exc:
            raise CheckpointError(path, f"has an invalid session description: {exc}") from exc


def _member(path: Path, zf: zipfile.ZipFile, name: str) -> bytes:
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise CheckpointError(path, f"is not an aeviewer session (it has no {name})") from None
    if info.file_size > _MAX_MEMBER_BYTES:
        raise CheckpointError(path, f"has an implausibly large {name} ({info.file_size:,} bytes)")
    try:
        return zf.read(name)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:  # CRC errors, truncation
        raise CheckpointError(path, f"is damaged: {name} cannot be read ({exc})") from exc


def _read_json(path: Path, zf: zipfile.ZipFile) -> dict:
    try:
        doc = json.loads(_member(path, zf, SESSION_JSON))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CheckpointError(path, f"has an unreadable {SESSION_JSON}: {exc}") from exc
    if not isinstance(doc, dict):
        raise CheckpointError(path, f"{SESSION_JSON} is not a JSON object")
    return doc


def _check_version(path: Path, doc: dict) -> None:
    version = doc.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise CheckpointError(path, f"has an unknown session format version {version!r}")
    if version > SESSION_FORMAT_VERSION:
        raise CheckpointError(path, f"was made by a newer aeviewer (session format {version}); please upgrade")


def _read_model(path: Path, zf: zipfile.ZipFile, desc: Any) -> tuple[Autoencoder | None, dict]:
    if desc is None:
        return None, {}
    if not isinstance(desc, dict):
        raise CheckpointError(path, "has a model entry that is not a JSON object")
    config = _config_from(path, desc)
    raw = _member(path, zf, SESSION_WEIGHTS)
    try:
        tensors = st_load(raw)
    except Exception as exc:  # safetensors raises its own error types
        raise CheckpointError(path, f"has damaged model weights ({SESSION_WEIGHTS}): {exc}") from exc
    model = _model_with(path, config, tensors)
    meta = desc.get("meta") if isinstance(desc.get("meta"), dict) else {}
    return model, dict(meta)


def _pair(value: Any, what: str) -> tuple[float, float]:
    if not (isinstance(value, list) and len(value) == 2):
        raise ValueError(f"{what} is not a pair of numbers")
    a, b = (float(v) for v in value)
    if not (np.isfinite(a) and np.isfinite(b)):
        raise ValueError(f"{what} is not finite")
    return a, b


def _session_from(doc: dict, model: Autoencoder | None, meta: dict) -> Session:
    dataset = doc.get("dataset")
    if not isinstance(dataset, str) or not dataset:
        raise ValueError("no dataset reference")
    theme = doc.get("theme", "light")
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}")
    probes = {str(k): _pair(v, f"probe {k}") for k, v in (doc.get("probes") or {}).items()}
    ranges = {}
    for k, r in (doc.get("view_ranges") or {}).items():
        if not (isinstance(r, list) and len(r) == 2):
            raise ValueError(f"view range {k} is not [[x0, x1], [y0, y1]]")
        ranges[str(k)] = (_pair(r[0], f"view range {k} x"), _pair(r[1], f"view range {k} y"))
    unknown = [k for k in [*probes, *ranges] if k not in VIEWS]
    if unknown:
        raise ValueError(f"unknown view {unknown[0]!r}")
    paths = [ProbePath.from_dict(p) for p in doc.get("paths") or []]
    selected = doc.get("selected")
    if selected is not None and (not isinstance(selected, int) or isinstance(selected, bool) or selected < 0):
        raise ValueError(f"selected sample {selected!r} is not an index")
    return Session(dataset=dataset, model=model, model_meta=meta, projection=str(doc.get("projection", "")),
                   probes=probes, view_ranges=ranges, theme=theme, paths=paths, selected=selected)


def models_equal(a: torch.nn.Module, b: torch.nn.Module) -> bool:
    """Same parameter names and bit-identical values (for tests and 'unsaved changes' checks)."""
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)
