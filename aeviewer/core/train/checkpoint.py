"""Save and load trained models: safetensors weights + a JSON sidecar, written atomically, loaded defensively.

A checkpoint is `<name>.safetensors` (weights; model config embedded in its `__metadata__["aeviewer"]`) and
`<name>.json` (format version, kind, config, dataset, training history). Plain PyTorch state_dicts
(`.pt`/`.pth`) are read with `weights_only=True` only, and need the sidecar for their config.
Every failure is a `CheckpointError` naming the file; nothing raw escapes.
"""

from __future__ import annotations

import io
import json
import math
import pickle
import re
import struct
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load as st_load
from safetensors.torch import save as st_save

from aeviewer.core import safe_json
from aeviewer.core.atomic import atomic_write, os_problem
from aeviewer.core.errors import CheckpointError
from aeviewer.core.models import Autoencoder, ModelConfig, build_model
from aeviewer.core.models.model_limits import ModelLimitError, check_model_config
from aeviewer.core.train.trainer import TrainConfig

CHECKPOINT_FORMAT_VERSION = 1
METADATA_KEY = "aeviewer"
TORCH_SUFFIXES = (".pt", ".pth")
_MAX_HEADER_BYTES = 100_000_000  # safetensors' own limit
MAX_WEIGHT = 1e6  # trained autoencoder weights stay within a few hundred


@dataclass
class LoadedCheckpoint:
    """A loaded model (eval mode), its config, and `meta`: dataset_name, dataset_shape, history, ..."""

    model: Autoencoder
    config: ModelConfig
    meta: dict[str, Any] = field(default_factory=dict)


def sidecar_path(path: str | Path) -> Path:
    """`<stem>.json` next to the weights file."""
    return Path(path).with_suffix(".json")


# -- saving --------------------------------------------------------------------------------------------


def save_checkpoint(
    path: str | Path,
    model: Autoencoder,
    *,
    dataset_name: str = "",
    dataset_shape: tuple[int, ...] = (),
    history: list[dict[str, Any]] | None = None,
    train_config: TrainConfig | None = None,
) -> Path:
    """Write weights + sidecar atomically and return the weights' path.

    A suffix other than .safetensors/.pt/.pth gets ".safetensors" appended. `.pt`/`.pth` writes a plain
    state_dict for other PyTorch code. Both files are staged as temp files in the target folder, fsynced,
    then renamed over the old ones, so a failure mid-write leaves any previous checkpoint intact.
    """
    path = Path(path)
    if path.suffix not in (".safetensors", *TORCH_SUFFIXES):
        path = path.with_name(path.name + ".safetensors")
    header = {
        "format_version": CHECKPOINT_FORMAT_VERSION,
        "kind": model.config.kind,
        "config": model.config.to_dict(),
        "dataset_name": dataset_name,
        "dataset_shape": [int(s) for s in dataset_shape],
    }
    sidecar = {
        **header,
        "history": [_json_safe_row(row) for row in (history or [])],
        "train_config": train_config.to_dict() if train_config is not None else None,
    }
    tensors = {k: v.detach().to("cpu", copy=True).contiguous() for k, v in model.state_dict().items()}
    try:
        if path.suffix in TORCH_SUFFIXES:
            buffer = io.BytesIO()
            torch.save(tensors, buffer)
            weights = buffer.getvalue()
        else:
            weights = st_save(tensors, metadata={METADATA_KEY: json.dumps(header)})
        sidecar_bytes = json.dumps(sidecar, indent=2, allow_nan=False).encode()
    except (ValueError, TypeError, RuntimeError) as exc:
        raise CheckpointError(path, f"could not serialise the model: {exc}") from exc
    _atomic_write({path: weights, sidecar_path(path): sidecar_bytes})
    return path


def _json_safe_row(row: dict[str, Any]) -> dict[str, Any]:
    """History row with non-finite floats as None (JSON has no NaN)."""
    out = {}
    for k, v in row.items():
        value = float(v) if isinstance(v, (int, float)) else v
        out[str(k)] = value if not isinstance(value, float) or math.isfinite(value) else None
    return out


def _atomic_write(files: dict[Path, bytes]) -> None:
    atomic_write(files, CheckpointError)


_os_problem = os_problem


# -- loading -------------------------------------------------------------------------------------------


def load_checkpoint(path: str | Path) -> LoadedCheckpoint:
    """Load and validate a .safetensors or .pt/.pth checkpoint; every problem is a CheckpointError."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(path, "does not exist" if not path.exists() else "is not a file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CheckpointError(path, f"could not be read: {_os_problem(exc)}") from exc
    if not data:
        raise CheckpointError(path, "is empty (an interrupted save?)")
    sidecar = _read_sidecar(path)
    if path.suffix in TORCH_SUFFIXES:
        tensors = _read_torch(path, data)
        header = sidecar
        if header is None:
            raise CheckpointError(
                path,
                f"a PyTorch state_dict carries no model config: put its config in {sidecar_path(path).name} "
                "(as written by aeviewer) next to it",
            )
    else:
        tensors, header = _read_safetensors(path, data)
        if header is None:
            header = sidecar
        if header is None:
            side = sidecar_path(path).name
            raise CheckpointError(path, f"has no aeviewer config (no metadata and no {side})")
    _check_version(path, header)
    config = _config_from(path, header)
    model = _model_with(path, config, tensors)
    extra = sidecar or header
    meta = {
        "format_version": int(header["format_version"]),
        "dataset_name": str(extra.get("dataset_name", "")),
        "dataset_shape": _int_list(extra.get("dataset_shape")),
        "history": _history_rows(extra.get("history")),
        "train_config": extra.get("train_config") if isinstance(extra.get("train_config"), dict) else None,
    }
    return LoadedCheckpoint(model=model, config=config, meta=meta)


def _int_list(value: object) -> tuple[int, ...]:
    """The dataset shape, or () when the file holds something else (it is only descriptive)."""
    if isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        return tuple(value)
    return ()


def _history_rows(value: object) -> list[dict[str, float | None]]:
    """Loss history rows as {term: float or None (a non-finite value)}; malformed rows are skipped."""
    if not isinstance(value, list):
        return []
    rows = []
    for row in value:
        if isinstance(row, dict) and all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool))
                                         for v in row.values()):
            rows.append({str(k): None if v is None else float(v) for k, v in row.items()})
    return rows


def _read_sidecar(path: Path) -> dict[str, Any] | None:
    side = sidecar_path(path)
    if not side.is_file():
        return None
    try:
        d = safe_json.loads(side.read_bytes())
    except OSError as exc:
        raise CheckpointError(side, f"is not a readable JSON sidecar: {_os_problem(exc)}") from None
    except safe_json.JsonProblem as exc:
        raise CheckpointError(side, f"is not a readable JSON sidecar: it {exc}") from None
    if not isinstance(d, dict):
        raise CheckpointError(side, "is not a JSON object")
    return d


def _read_safetensors(path: Path, data: bytes) -> tuple[dict[str, torch.Tensor], dict[str, Any] | None]:
    """Check the header by hand (so the message is ours), then let safetensors parse the tensors."""
    if len(data) < 8:
        raise CheckpointError(path, "is too short to be a safetensors file")
    (n,) = struct.unpack("<Q", data[:8])
    if n == 0 or n > _MAX_HEADER_BYTES or 8 + n > len(data):
        raise CheckpointError(path, "is not a safetensors file (bad header size: truncated or other format?)")
    raw = _json_object(path, data[8 : 8 + n], nests="is not a safetensors file aeviewer reads: its header",
                       not_json="is not a safetensors file (its header is not JSON)",
                       not_object="is not a safetensors file (its header is not a JSON object)",
                       max_bytes=_MAX_HEADER_BYTES)
    _check_tensor_table(path, raw, len(data) - 8 - n)
    try:
        tensors = st_load(data)
    except Exception as exc:  # safetensors raises its own SafetensorError and assorted others
        raise CheckpointError(path, f"is a damaged safetensors file: {exc}") from exc
    metadata = raw.get("__metadata__")
    text = metadata.get(METADATA_KEY) if isinstance(metadata, dict) else None
    if text is None:
        return tensors, None
    if not isinstance(text, str):
        raise CheckpointError(path, "has unreadable aeviewer metadata (not JSON)")
    header = _json_object(path, text, nests="has unreadable aeviewer metadata: it",
                          not_json="has unreadable aeviewer metadata (not JSON)",
                          not_object="has unreadable aeviewer metadata (not a JSON object)")
    return tensors, header


def _json_object(path: Path, text: str | bytes, *, nests: str, not_json: str, not_object: str,
                 **limits: int) -> dict[str, Any]:
    """Parse `text` as one JSON object with safe_json's bounds; each way it fails is a CheckpointError."""
    try:
        value = safe_json.loads(text, **limits)
    except safe_json.JsonProblem as exc:
        if "nests" in str(exc):
            raise CheckpointError(path, f"{nests} {exc}") from None
        raise CheckpointError(path, not_json) from None
    if not isinstance(value, dict):
        raise CheckpointError(path, not_object)
    return value


#: Bytes per element of the safetensors dtypes aeviewer reads (sub-byte and exotic types are refused).
_ST_DTYPE_BYTES = {"BOOL": 1, "U8": 1, "I8": 1, "I16": 2, "U16": 2, "F16": 2, "BF16": 2, "I32": 4, "U32": 4,
                   "F32": 4, "I64": 8, "U64": 8, "F64": 8}


def _check_tensor_table(path: Path, raw: dict[str, Any], payload: int) -> None:
    """Validate every tensor entry against the data that follows, so a forged header gets a plain message."""
    spans = []
    for key, entry in raw.items():
        if key == "__metadata__":
            continue
        if not isinstance(entry, dict) or not isinstance(entry.get("shape"), list) \
                or not isinstance(entry.get("data_offsets"), list) or len(entry["data_offsets"]) != 2 \
                or not all(isinstance(v, int) and v >= 0 for v in entry["shape"] + entry["data_offsets"]):
            raise CheckpointError(path, f"is a damaged safetensors file: the entry for tensor '{key}' is malformed")
        dtype = entry.get("dtype")
        if dtype not in _ST_DTYPE_BYTES:
            raise CheckpointError(path, f"tensor '{key}' has data type {dtype!r}, which aeviewer does not read")
        begin, end = entry["data_offsets"]
        size = math.prod(entry["shape"]) * _ST_DTYPE_BYTES[dtype]
        if end - begin != size:
            raise CheckpointError(path, f"is a damaged safetensors file: tensor '{key}' needs {size:,} bytes "
                                  f"but its offsets span {end - begin:,}")
        spans.append((begin, end, key))
    spans.sort()
    covered = 0
    for i, (begin, end, key) in enumerate(spans):
        if begin < covered:
            raise CheckpointError(path, f"is a forged or damaged safetensors file: tensor '{key}' overlaps "
                                  f"tensor '{spans[i - 1][2]}'")
        covered = end
    if covered > payload:
        raise CheckpointError(path, f"is truncated: its header describes {covered:,} bytes of tensor data but "
                              f"only {payload:,} follow (an interrupted save or download?)")


def _read_torch(path: Path, data: bytes) -> dict[str, torch.Tensor]:
    try:
        with warnings.catch_warnings():  # e.g. "Detected pickle protocol 53": the error below says it better
            warnings.simplefilter("ignore")
            obj = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        if "Unsupported global" not in str(exc):  # not a refused object: a damaged or foreign file
            raise CheckpointError(path, "is not a PyTorch weights file (it could not be unpickled)") from exc
        raise CheckpointError(
            path,
            "holds pickled Python objects, not just tensors; aeviewer only loads plain weights "
            "(weights_only=True) because unpickling a file can run code",
        ) from None
    except Exception as exc:  # bad zip, truncated file, ...: torch raises many types
        raise CheckpointError(path, f"is not a loadable PyTorch weights file ({_first_line(exc)})") from exc
    if isinstance(obj, dict) and isinstance(obj.get("state_dict"), dict):
        obj = obj["state_dict"]
    if not isinstance(obj, dict) or not all(isinstance(v, torch.Tensor) for v in obj.values()):
        raise CheckpointError(path, "does not hold a state_dict (a mapping of names to tensors)")
    return {str(k): v for k, v in obj.items()}


def _first_line(exc: Exception) -> str:
    """The first line of an exception message, without terminal colour codes."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _check_version(path: Path, header: dict[str, Any]) -> None:
    version = header.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise CheckpointError(path, f"has an unknown checkpoint format version {version!r}")
    if version > CHECKPOINT_FORMAT_VERSION:
        raise CheckpointError(
            path,
            f"was made by a newer aeviewer (format {version}); this version reads format "
            f"{CHECKPOINT_FORMAT_VERSION}: please upgrade",
        )


def _config_from(path: Path, header: dict[str, Any]) -> ModelConfig:
    """The model config of a file, validated and bounded (model_limits) before anything is built."""
    try:
        config = ModelConfig.from_dict(header.get("config"))  # type: ignore[arg-type]
    except (ValueError, TypeError) as exc:
        raise CheckpointError(path, f"has an invalid model config: {exc}") from None
    try:
        check_model_config(config)
    except ModelLimitError as exc:
        raise CheckpointError(path, f"has a model config aeviewer will not build: {exc}") from None
    return config


def _model_with(path: Path, config: ModelConfig, tensors: dict[str, torch.Tensor]) -> Autoencoder:
    """Build the model for `config` and load `tensors`, checking names, shapes and finiteness first.

    The layout is checked on a weightless ("meta") model, so a forged config with huge layers allocates
    nothing; the real model is only built once the file is known to hold all of its weights.
    """
    try:
        with torch.device("meta"):
            expected = build_model(config).state_dict()
    except (ValueError, RuntimeError) as exc:
        raise CheckpointError(path, f"has a config that cannot be built: {exc}") from exc
    missing = [k for k in expected if k not in tensors]
    if missing:
        article = "an" if config.kind[0] in "aeiou" else "a"
        raise CheckpointError(path, f"lacks weight '{missing[0]}' that {article} {config.kind} model needs")
    unexpected = [k for k in tensors if k not in expected]
    if unexpected:
        article = "an" if config.kind[0] in "aeiou" else "a"
        raise CheckpointError(path, f"has weight '{unexpected[0]}' that {article} {config.kind} model does not have")
    for key, ref in expected.items():
        t = tensors[key]
        if tuple(t.shape) != tuple(ref.shape):
            raise CheckpointError(
                path,
                f"weight '{key}' has shape {tuple(t.shape)} but the config expects {tuple(ref.shape)}",
            )
        if not t.is_floating_point():
            raise CheckpointError(path, f"weight '{key}' is not a floating-point tensor ({t.dtype})")
        if not bool(torch.isfinite(t).all()):
            raise CheckpointError(path, f"weight '{key}' contains NaN or infinite values")
        if t.numel() and float(t.abs().max()) > MAX_WEIGHT:
            raise CheckpointError(path, f"weight '{key}' holds values up to {float(t.abs().max()):.3g}; aeviewer "
                                  f"loads weights within ±{MAX_WEIGHT:g} (larger ones overflow the codes it draws)")
    try:
        model = build_model(config)
    except (ValueError, RuntimeError) as exc:
        raise CheckpointError(path, f"has a config that cannot be built: {exc}") from exc
    model.load_state_dict({k: tensors[k].to(ref.dtype) for k, ref in expected.items()})
    return model.eval()
