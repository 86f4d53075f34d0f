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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from .checkpoint import LoadedCheckpoint, load_checkpoint, save_checkpoint
from .errors import CheckpointError
from .train import TrainConfig, Trainer, TrainProgress

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
    dataset_shape: tuple = ()
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
    path = Path(folder) / CONFIG_NAME
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CheckpointError(path, "does not exist: is this a run folder (made by `aeviewer train --run`)?") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CheckpointError(path, f"is not a readable run config: {exc}") from exc
    if not isinstance(config, dict) or "model" not in config or "train" not in config:
        raise CheckpointError(path, "is not a run config (no model or train section)")
    return config


@dataclass
class ResumeState:
    """Everything needed to continue a run: the loaded `last` checkpoint and its training state."""

    checkpoint: LoadedCheckpoint
    position: tuple[int, int]
    optimizers: dict[str, dict]
    generators: dict[str, torch.Tensor | None]
    history: list[dict] = field(default_factory=list)


def load_resume_state(folder: str | Path, name: str = LAST_NAME) -> ResumeState:
    """Read checkpoint `name` and its state file, checking that both belong to the same save point."""
    weights, state_file = checkpoint_path(folder, name), state_path(folder, name)
    loaded = load_checkpoint(weights)
    try:
        state = torch.load(state_file, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise CheckpointError(state_file, "does not exist: the run cannot be resumed from its last save") from None
    except Exception as exc:  # damaged zip, refused pickle, ...: torch raises many types
        raise CheckpointError(state_file, f"is not a readable training state ({type(exc).__name__}: {exc})") from exc
    history = loaded.meta.get("history") or []
    if not isinstance(state, dict) or "position" not in state or "optimizers" not in state:
        raise CheckpointError(state_file, "is not an aeviewer training state")
    if state.get("epochs_done") != len(history):
        raise CheckpointError(state_file, f"belongs to epoch {state.get('epochs_done')} but {weights.name} to epoch "
                                          f"{len(history)} (a save was interrupted); resume from an epoch-NNNN file")
    epoch, step = state["position"]
    return ResumeState(checkpoint=loaded, position=(int(epoch), int(step)), optimizers=state["optimizers"],
                       generators=state.get("generators") or {}, history=list(history))


def apply_resume_state(trainer: Trainer, resume: ResumeState) -> None:
    """Put optimizer states, history, data position and RNG states into a fresh Trainer on the resumed model."""
    for name, opt in trainer.optimizers.items():
        if name not in resume.optimizers:
            raise CheckpointError(Path("?"), f"the training state has no optimizer '{name}'")
        opt.load_state_dict(resume.optimizers[name])
    trainer.history = [dict(row) for row in resume.history]
    trainer.position = resume.position
    if resume.generators.get("shuffle") is not None:
        trainer.generator_states = dict(resume.generators)


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
            try:
                record = json.loads(line)
            except (UnicodeDecodeError, json.JSONDecodeError):
                self.skipped += 1
                continue
            if isinstance(record, dict) and isinstance(record.get("step"), int):
                records.append(record)
            else:
                self.skipped += 1
        return records


def checkpoint_signature(folder: str | Path, name: str = LAST_NAME) -> tuple[int, int, int] | None:
    """(mtime_ns, size, inode) of a checkpoint's weights file, None while there is none; changes when it is replaced."""
    try:
        st = checkpoint_path(folder, name).stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino
