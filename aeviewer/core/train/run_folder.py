"""Run folders: what a long (possibly remote, possibly distributed) training run leaves behind, and how to read it live.

Layout of a run folder:
- `config.json`: model config, train config, data spec, world size, effective batch size (written once, atomically).
- `metrics.jsonl`: one JSON object per line, only ever appended (step, epoch, losses, samples/s, device, world size).
- `epoch-0005.safetensors` (+ `.json` sidecar + `.state.pt`) every N epochs, and `last.*` after every save point.
  The `.state.pt` holds what resuming needs beyond the weights: optimizer states, the position in the data order
  and the RNG states (plain tensors and numbers, read back with `weights_only=True`).

Every file is staged and renamed into place, so a reader (the GUI following a run over a shared or synced folder)
never sees half a file; it still reads only complete lines of the log and tolerates a checkpoint vanishing mid-read.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from pydantic import ValidationError

from aeviewer.core import safe_json
from aeviewer.core.errors import CheckpointError
from aeviewer.core.models import ModelConfig
from aeviewer.core.models.model_limits import check_model_config
from aeviewer.core.train.checkpoint import LoadedCheckpoint, load_checkpoint, save_checkpoint
from aeviewer.core.train.run_schema import RunConfigDoc, first_problem
from aeviewer.core.train.trainer import ResumePoint, TrainConfig, Trainer, TrainProgress

CONFIG_NAME = "config.json"
METRICS_NAME = "metrics.jsonl"
LAST_NAME = "last"
STATE_SUFFIX = ".state.pt"
RUN_FORMAT_VERSION = 1


def checkpoint_path(folder: str | Path, name: str) -> Path:
    """Weights file of checkpoint `name` ("last", "epoch-0004") in a run folder."""
    return Path(folder) / f"{name}.safetensors"


def state_path(folder: str | Path, name: str) -> Path:
    return Path(folder) / f"{name}{STATE_SUFFIX}"


def _readable(*paths: Path) -> None:
    """Temp files are created 0600; give run files the umask's usual mode so a follower on another account can read."""
    umask = os.umask(0)
    os.umask(umask)
    for path in paths:
        with contextlib.suppress(OSError):
            os.chmod(path, 0o666 & ~umask)


def _atomic_bytes(path: Path, data: bytes) -> None:
    """Write `data` to `path` via a fsynced temp file + os.replace; a failure leaves the old file intact."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        _readable(Path(tmp))
        os.replace(tmp, path)
    except OSError as exc:
        raise CheckpointError(path, f"could not write: {exc.strerror or exc}") from exc
    finally:
        with contextlib.suppress(OSError):
            Path(tmp).unlink(missing_ok=True)


# -- writing (rank 0 only) ------------------------------------------------------------------------------


@dataclass
class RunWriter:
    """Writes one run folder; `log` appends metrics, `save` writes a resumable checkpoint."""

    folder: Path
    dataset_name: str = ""
    dataset_shape: tuple[int, ...] = ()
    checkpoint_every: int = 1
    world_size: int = 1

    def __post_init__(self) -> None:
        self.folder = Path(self.folder)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CheckpointError(self.folder, f"could not create the run folder: {exc.strerror or exc}") from exc

    def write_config(self, config: dict[str, Any]) -> None:
        data = json.dumps({"format_version": RUN_FORMAT_VERSION, **config}, indent=2, allow_nan=False)
        _atomic_bytes(self.folder / CONFIG_NAME, data.encode())

    def log(self, event: TrainProgress) -> None:
        """Append one complete line (a single write of a whole line, flushed) for a progress event."""
        record = {
            "step": event.step,
            "epoch": event.epoch,
            "epoch_done": event.epoch_done,
            "losses": {k: (v if v == v and abs(v) != float("inf") else None) for k, v in event.losses.items()},
            "samples_per_s": event.samples_per_s * self.world_size,
            "device": event.device,
            "world_size": self.world_size,
        }
        line = json.dumps(record, allow_nan=False) + "\n"
        path = self.folder / METRICS_NAME
        try:
            with open(path, "a", encoding="utf-8") as f:
                f.write(line)
                f.flush()
        except OSError as exc:
            raise CheckpointError(path, f"could not append metrics: {exc.strerror or exc}") from exc

    def save(self, trainer: Trainer, train_config: TrainConfig, *, numbered: bool) -> Path:
        """Write `last` (and `epoch-NNNN` when `numbered`): state file first, then weights + sidecar."""
        epoch, step_in_epoch = trainer.position
        state = {
            "format_version": RUN_FORMAT_VERSION,
            "position": [int(epoch), int(step_in_epoch)],
            "epochs_done": len(trainer.history),
            "optimizers": {name: opt.state_dict() for name, opt in trainer.optimizers.items()},
            "generators": {
                "shuffle": trainer.epoch_shuffle_state,
                "noise": trainer.noise_generator.get_state() if trainer.noise_generator is not None else None,
            },
        }
        buffer = io.BytesIO()
        torch.save(state, buffer)
        names = [LAST_NAME] + ([f"epoch-{len(trainer.history):04d}"] if numbered else [])
        for name in reversed(names):  # `last` is written last: a follower sees it only when all else is there
            _atomic_bytes(state_path(self.folder, name), buffer.getvalue())
            weights = save_checkpoint(checkpoint_path(self.folder, name), trainer.model, dataset_name=self.dataset_name,
                                      dataset_shape=self.dataset_shape, history=trainer.history,
                                      train_config=train_config)
            _readable(weights, weights.with_suffix(".json"))
        return checkpoint_path(self.folder, LAST_NAME)


# -- reading ------------------------------------------------------------------------------------------


def read_config(folder: str | Path) -> dict[str, Any]:
    """The run's config.json, checked against `RunConfigDoc` (types, ranges, a buildable bounded model config).

    Every problem is one CheckpointError naming config.json and the field.
    """
    path = Path(folder) / CONFIG_NAME
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CheckpointError(path, "does not exist: is this a run folder (made by `aeviewer train --run`)?") from None
    except OSError as exc:
        raise CheckpointError(path, f"is not a readable run config: {exc.strerror or exc}") from None
    try:
        config = safe_json.loads(raw)
    except safe_json.JsonProblem as exc:
        raise CheckpointError(path, f"is not a readable run config: it {exc}") from None
    if not isinstance(config, dict) or "model" not in config or "train" not in config:
        raise CheckpointError(path, "is not a run config (no model or train section)")
    try:
        RunConfigDoc.model_validate_json(raw)
    except ValidationError as exc:
        raise CheckpointError(path, f"is not a valid run config: {first_problem(exc)}") from None
    try:
        check_model_config(ModelConfig.from_dict(config["model"]))
    except (ValueError, TypeError) as exc:
        raise CheckpointError(path, f"is not a valid run config: field model: {exc}") from None
    return config


@dataclass
class ResumeState:
    """Everything needed to continue a run: the loaded `last` checkpoint and its training state."""

    checkpoint: LoadedCheckpoint
    position: tuple[int, int]
    optimizers: dict[str, dict[str, Any]]
    generators: dict[str, torch.Tensor | None]
    history: list[dict[str, Any]] = field(default_factory=list)
    state_file: Path | None = None


def load_resume_state(folder: str | Path, name: str = LAST_NAME) -> ResumeState:
    """Read checkpoint `name` and its state file, checking that both belong to the same save point."""
    weights, state_file = checkpoint_path(folder, name), state_path(folder, name)
    loaded = load_checkpoint(weights)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            state = torch.load(state_file, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise CheckpointError(state_file, "does not exist: the run cannot be resumed from its last save") from None
    except Exception as exc:  # noqa: BLE001 - damaged zip, refused pickle, ...: torch raises many types
        if "Unsupported global" in str(exc) or "weights_only" in str(exc):
            raise CheckpointError(state_file, "holds pickled Python objects, not just tensors; aeviewer only loads "
                                              "plain training states (weights_only=True) because unpickling a file "
                                              "can run code") from None
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
        raise CheckpointError(state_file, f"is not a readable training state ({type(exc).__name__}: {first})") \
            from None
    history = loaded.meta.get("history") or []
    if not isinstance(state, dict) or "position" not in state or "optimizers" not in state:
        raise CheckpointError(state_file, "is not an aeviewer training state")
    position = state.get("position")
    if not (isinstance(position, (list, tuple)) and len(position) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 2**40 for v in position)):
        raise CheckpointError(state_file, f"field position: expected [epoch, step] whole numbers, got {position!r:.80}")
    optimizers = state.get("optimizers")
    if not (isinstance(optimizers, dict) and all(isinstance(k, str) and isinstance(v, dict)
                                                 for k, v in optimizers.items())):
        raise CheckpointError(state_file, "field optimizers: expected a mapping of optimizer names to their states")
    generators = state.get("generators") or {}
    if not (isinstance(generators, dict)
            and all(v is None or _is_generator_state(v) for v in generators.values())):
        raise CheckpointError(state_file, "field generators: expected CPU random-generator states (uint8 tensors "
                                          f"of {_GENERATOR_STATE.numel():,} bytes)")
    if state.get("epochs_done") != len(history):
        raise CheckpointError(state_file, f"belongs to epoch {state.get('epochs_done')!r:.40} but {weights.name} to "
                                          f"epoch {len(history)} (a save was interrupted); resume from an epoch-NNNN "
                                          "file")
    epoch, step = position
    return ResumeState(checkpoint=loaded, position=(int(epoch), int(step)), optimizers=optimizers,
                       generators=generators, history=list(history), state_file=state_file)


_GENERATOR_STATE = torch.Generator().get_state()


def _is_generator_state(value: object) -> bool:
    return isinstance(value, torch.Tensor) and value.dtype == torch.uint8 and value.shape == _GENERATOR_STATE.shape


def resume_point(resume: ResumeState, world_before: int = 1, world_now: int = 1) -> ResumePoint:
    """The Trainer's `resume=` for this state. When the number of processes changed, the step within the
    epoch is counted again in the new global batches, so the same samples count as consumed."""
    epoch, step = resume.position
    if world_before != world_now and step:
        step = step * world_before // world_now
    return ResumePoint(position=(epoch, step), history=[dict(row) for row in resume.history],
                       optimizer_states=dict(resume.optimizers), generator_states=dict(resume.generators),
                       source=resume.state_file)


class MetricsTail:
    """Reads a growing metrics log incrementally: only complete lines, never a half-written one.

    Keeps the byte offset of the first unread line; a line without its newline yet is left for the next call.
    A malformed complete line is skipped (counted in `skipped`), so one bad write never stops a follower.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.offset = 0
        self.skipped = 0

    def read_new(self) -> list[dict[str, Any]]:
        try:
            with open(self.path, "rb") as f:
                size = os.fstat(f.fileno()).st_size
                if size < self.offset:  # the log was replaced (a new run in the same folder): start over
                    self.offset = 0
                f.seek(self.offset)
                chunk = f.read()
        except FileNotFoundError:
            return []
        end = chunk.rfind(b"\n")
        if end < 0:
            return []
        self.offset += end + 1
        records = []
        for line in chunk[: end + 1].splitlines():
            record = safe_json.loads_line(line)  # never raises: deep nesting, bad UTF-8, huge numbers: skipped
            if isinstance(record, dict) and isinstance(record.get("step"), int) and _plain_record(record):
                records.append(record)
            else:
                self.skipped += 1
        return records


def _plain_record(record: dict[str, Any]) -> bool:
    """A metrics record whose losses (when present) are a flat mapping of names to numbers or None."""
    losses = record.get("losses", {})
    return isinstance(losses, dict) and all(
        v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in losses.values())


def checkpoint_signature(folder: str | Path, name: str = LAST_NAME) -> tuple[int, int, int] | None:
    """(mtime_ns, size, inode) of a checkpoint's weights file, None while there is none; changes when it is replaced."""
    try:
        st = checkpoint_path(folder, name).stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino
