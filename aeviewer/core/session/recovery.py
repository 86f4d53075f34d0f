"""Recovery checkpoints: training autosaves every few minutes, so a crash or a killed app loses little work.

The recovery checkpoint is an ordinary aeviewer checkpoint (`recovery.safetensors` + `recovery.json`) plus
`recovery-source.json` saying which dataset it was trained on. Each running app has its own folder
`<user data dir>/recovery/instance-<pid>-<id>/`, locked (filelock) for as long as it runs, so two windows never
touch each other's files. The app deletes its own checkpoint when the work is safe (the model was saved, or the
window closed normally). On start, a checkpoint in a folder whose lock nobody holds was left by an app that
ended abnormally: `find_recovery` adopts it (moves it into this app's folder) and the app offers it.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from aeviewer.core import safe_json
from aeviewer.core.atomic import atomic_write
from aeviewer.core.errors import AeviewerError
from aeviewer.core.models import Autoencoder
from aeviewer.core.train.checkpoint import save_checkpoint, sidecar_path
from aeviewer.core.train.trainer import TrainConfig

DEFAULT_INTERVAL_S = 180.0
RECOVERY_NAME = "recovery.safetensors"
SOURCE_NAME = "recovery-source.json"


def recovery_dir() -> Path:
    """`<user data dir>/recovery` (see core.download.data_dir)."""
    from aeviewer.core.data.download import data_dir

    return data_dir() / "recovery"


LOCK_NAME = "instance.lock"
_FILES = (RECOVERY_NAME, "recovery.json", SOURCE_NAME)


@dataclass
class _Instance:
    folder: Path
    lock: FileLock


_instances: dict[Path, _Instance] = {}


def _base(folder: Path | None) -> Path:
    return Path(folder) if folder is not None else recovery_dir()


def instance_folder(folder: Path | None = None) -> Path:
    """This app's own recovery folder under `folder` (default: the user's), created and locked on first use."""
    base = _base(folder).absolute()
    mine = _instances.get(base)
    if mine is None:
        own = base / f"instance-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        own.mkdir(parents=True, exist_ok=True)
        lock = FileLock(own / LOCK_NAME, timeout=0)
        lock.acquire()
        mine = _instances[base] = _Instance(own, lock)
    return mine.folder


def recovery_path(folder: Path | None = None) -> Path:
    """This app's recovery checkpoint file under `folder` (default: the user's recovery dir)."""
    return instance_folder(folder) / RECOVERY_NAME


@dataclass
class RecoveryInfo:
    """A recovery checkpoint found on disk, described for the "recover?" prompt."""

    path: Path
    dataset_name: str
    dataset_spec: str
    epochs: int
    saved_at: float  # seconds since the epoch

    def describe(self) -> str:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(self.saved_at))
        on = f" on {self.dataset_name}" if self.dataset_name else ""
        return f"a model trained{on} for {self.epochs} epoch(s), autosaved {when}"


def _abandoned(base: Path, own: Path) -> list[Path]:
    """Folders (and the old shared layout, `base` itself) whose app is gone: nobody holds their lock."""
    found = []
    if (base / RECOVERY_NAME).is_file():
        found.append(base)
    with contextlib.suppress(OSError):
        for sub in sorted(base.iterdir()):
            if sub.is_dir() and sub.name.startswith("instance-") and sub != own:
                found.append(sub)
    return found


def _adopt(source: Path, own: Path) -> bool:
    """Move an abandoned checkpoint into this app's folder, holding the source's lock so no other app does too."""
    lock = FileLock(source / LOCK_NAME, timeout=0) if source.name.startswith("instance-") else None
    try:
        if lock is not None:
            lock.acquire()
    except (Timeout, OSError):
        return False  # its app is still running (or another app is adopting it right now)
    try:
        moved = False
        if (source / RECOVERY_NAME).is_file() and not (own / RECOVERY_NAME).is_file():
            for name in _FILES:
                with contextlib.suppress(FileNotFoundError):
                    os.replace(source / name, own / name)
            moved = True
        if lock is not None and not (source / RECOVERY_NAME).exists():
            lock.release()
            shutil.rmtree(source, ignore_errors=True)  # an empty folder of an app that is gone
        return moved
    except OSError:
        return False
    finally:
        if lock is not None and lock.is_locked:
            lock.release()


def find_recovery(folder: Path | None = None) -> RecoveryInfo | None:
    """This app's recovery checkpoint, adopting one an app that ended abnormally left behind; else None.

    Another running app's checkpoint is never touched: its folder is locked.
    """
    try:
        own = instance_folder(folder)
    except (OSError, Timeout):  # a read-only or unreachable data dir: nothing can be recovered from it
        return None
    path = own / RECOVERY_NAME
    if not path.is_file():
        for source in _abandoned(_base(folder).absolute(), own):
            if _adopt(source, own):
                break
    if not path.is_file():
        return None
    info: dict[str, Any] = {}
    for file in (sidecar_path(path), path.parent / SOURCE_NAME):
        try:
            loaded = safe_json.loads(file.read_bytes())
        except (OSError, safe_json.JsonProblem):
            continue
        if isinstance(loaded, dict):
            info.update(loaded)
    history = info.get("history")
    try:
        saved_at = path.stat().st_mtime
    except OSError:
        return None
    return RecoveryInfo(
        path=path,
        dataset_name=str(info.get("dataset_name") or "")[:200],
        dataset_spec=str(info.get("dataset_spec") or "")[:4096],
        epochs=len(history) if isinstance(history, list) else 0,
        saved_at=saved_at,
    )


def clear_recovery(folder: Path | None = None) -> None:
    """Delete this app's recovery checkpoint (the work is safe or the user declined it); never another app's."""
    try:
        own = instance_folder(folder)
    except (OSError, Timeout):
        return
    for name in _FILES:
        with contextlib.suppress(OSError):
            (own / name).unlink(missing_ok=True)


@atexit.register
def _tidy_on_exit() -> None:
    """An app that exits with nothing to recover leaves no folder behind."""
    for mine in list(_instances.values()):
        if not (mine.folder / RECOVERY_NAME).exists():
            with contextlib.suppress(Exception):
                mine.lock.release()
                shutil.rmtree(mine.folder, ignore_errors=True)


class RecoveryAutosaver:
    """Saves the model being trained as the recovery checkpoint at most every `interval_s` seconds.

    Call `maybe_save` from the training thread at epoch ends (weights then match the history). A failed
    autosave never stops training: its message is kept in `error` for the caller to show once.
    """

    def __init__(
        self,
        dataset_name: str,
        dataset_spec: str,
        dataset_shape: tuple[int, ...],
        train_config: TrainConfig | None = None,
        *,
        interval_s: float = DEFAULT_INTERVAL_S,
        folder: Path | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.dataset_name, self.dataset_spec, self.dataset_shape = dataset_name, dataset_spec, dataset_shape
        self.train_config = train_config
        self.interval_s = interval_s
        self.folder = folder
        self.clock = clock
        self.last_save = clock()
        self.saves = 0
        self.error: str | None = None

    def maybe_save(self, model: Autoencoder, history: list[dict[str, Any]], *, force: bool = False) -> Path | None:
        """Save when the interval has passed (or `force`); the saved path, or None."""
        if not force and self.clock() - self.last_save < self.interval_s:
            return None
        self.last_save = self.clock()
        try:
            own = instance_folder(self.folder)
            path = save_checkpoint(own / RECOVERY_NAME, model, dataset_name=self.dataset_name,
                                   dataset_shape=self.dataset_shape, history=history,
                                   train_config=self.train_config)
            source = json.dumps({"dataset_spec": self.dataset_spec}).encode()
            atomic_write({own / SOURCE_NAME: source})
        except (AeviewerError, OSError, Timeout) as exc:
            self.error = f"Could not autosave a recovery checkpoint: {exc}"
            return None
        self.saves += 1
        return path
