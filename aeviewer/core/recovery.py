"""Recovery checkpoints: training autosaves every few minutes, so a crash or a killed app loses little work.

The recovery checkpoint is an ordinary aeviewer checkpoint (`recovery.safetensors` + `recovery.json`) in
`<user data dir>/recovery/` (the data dir honours $AEVIEWER_DATA_DIR), plus `recovery-source.json` saying
which dataset it was trained on. The app deletes it when the work is safe (the model was saved, or the window
closed normally); finding one on start therefore means the last session ended abnormally, and the app offers it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .atomic import atomic_write
from .checkpoint import save_checkpoint, sidecar_path
from .errors import AeviewerError
from .models import Autoencoder
from .train import TrainConfig

DEFAULT_INTERVAL_S = 180.0
RECOVERY_NAME = "recovery.safetensors"
SOURCE_NAME = "recovery-source.json"


def recovery_dir() -> Path:
    """`<user data dir>/recovery` (see core.download.data_dir)."""
    from .download import data_dir

    return data_dir() / "recovery"


def recovery_path(folder: Path | None = None) -> Path:
    return (folder or recovery_dir()) / RECOVERY_NAME


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


def find_recovery(folder: Path | None = None) -> RecoveryInfo | None:
    """The recovery checkpoint left by a session that did not end cleanly, or None."""
    path = recovery_path(folder)
    if not path.is_file():
        return None
    info = {}
    for file in (sidecar_path(path), path.parent / SOURCE_NAME):
        try:
            loaded = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            continue
        if isinstance(loaded, dict):
            info.update(loaded)
    history = info.get("history")
    return RecoveryInfo(
        path=path,
        dataset_name=str(info.get("dataset_name") or ""),
        dataset_spec=str(info.get("dataset_spec") or ""),
        epochs=len(history) if isinstance(history, list) else 0,
        saved_at=path.stat().st_mtime,
    )


def clear_recovery(folder: Path | None = None) -> None:
    """Delete the recovery checkpoint (the work is safe or the user declined it)."""
    path = recovery_path(folder)
    for file in (path, sidecar_path(path), path.parent / SOURCE_NAME):
        file.unlink(missing_ok=True)


class RecoveryAutosaver:
    """Saves the model being trained as the recovery checkpoint at most every `interval_s` seconds.

    Call `maybe_save` from the training thread at epoch ends (weights then match the history). A failed
    autosave never stops training: its message is kept in `error` for the caller to show once.
    """

    def __init__(
        self,
        dataset_name: str,
        dataset_spec: str,
        dataset_shape: tuple,
        train_config: TrainConfig | None = None,
        *,
        interval_s: float = DEFAULT_INTERVAL_S,
        folder: Path | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.dataset_name, self.dataset_spec, self.dataset_shape = dataset_name, dataset_spec, dataset_shape
        self.train_config = train_config
        self.interval_s = interval_s
        self.folder = folder or recovery_dir()
        self.clock = clock
        self.last_save = clock()
        self.saves = 0
        self.error: str | None = None

    def maybe_save(self, model: Autoencoder, history: list[dict], *, force: bool = False) -> Path | None:
        """Save when the interval has passed (or `force`); the saved path, or None."""
        if not force and self.clock() - self.last_save < self.interval_s:
            return None
        self.last_save = self.clock()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = save_checkpoint(recovery_path(self.folder), model, dataset_name=self.dataset_name,
                                   dataset_shape=self.dataset_shape, history=history,
                                   train_config=self.train_config)
            source = json.dumps({"dataset_spec": self.dataset_spec}).encode()
            atomic_write({self.folder / SOURCE_NAME: source})
        except (AeviewerError, OSError) as exc:
            self.error = f"Could not autosave a recovery checkpoint: {exc}"
            return None
        self.saves += 1
        return path
