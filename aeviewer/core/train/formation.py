"""How the latent space formed: the codes of a fixed seeded subset of the shown samples, kept while training.

A `Formation` is small on purpose (codes only, float16 when they fit, at most `MAX_SAMPLES` samples and
`MAX_FRAMES` frames) so keeping it costs the training thread little and it travels in a run folder
(`formation.npz`) and in a session. The file is a plain npz read with `allow_pickle=False`; every field is
checked on load and a bad one is one `CheckpointError` naming the file and the field.
"""

from __future__ import annotations

import contextlib
import io
import math
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from aeviewer.core.atomic import atomic_write
from aeviewer.core.data.dataset import Dataset
from aeviewer.core.errors import CheckpointError
from aeviewer.core.models import Autoencoder
from aeviewer.core.models.inference import encode_array
from aeviewer.core.train.trainer import TrainProgress

FORMATION_NAME = "formation.npz"
FORMATION_VERSION = 1
MAX_SAMPLES = 2_000  # a fixed subset: enough to see clusters form, cheap to encode every epoch
DEFAULT_SAMPLES = 500
MAX_FRAMES = 400  # frames kept; a longer run keeps every other one (see `FormationRecorder.record`)
MIN_FRAMES = 20  # a run of fewer epochs is snapshotted every N steps to get about this many
MAX_LATENT = 4096
MAX_FILE_BYTES = 256 * 1024 * 1024
#: Most of the training thread's time the replay may take; a due frame waits while it has taken more (beyond
#: `FREE_SECONDS`, so a run of a few seconds on a tiny dataset still keeps every frame).
TIME_SHARE = 0.04
FREE_SECONDS = 1.0
_FLOAT16_MAX = 60_000.0  # float16 holds up to 65 504; larger codes are kept as float32
_FIELDS = ("format_version", "indices", "labels", "epochs", "steps", "losses", "codes")


@dataclass
class Formation:
    """Frames of codes: `codes[f]` holds the codes of the shown samples `indices` after `steps[f]` steps.

    `epochs[f]` is fractional for a snapshot within an epoch (0 = before training); `losses[f]` the total loss
    of the last report (NaN before training); `labels` the samples' classes, or -1 where there are none.
    """

    indices: np.ndarray
    labels: np.ndarray
    epochs: list[float] = field(default_factory=list)
    steps: list[int] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    frames: list[np.ndarray] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.frames)

    def copy(self) -> Formation:
        """A copy another thread may read while this one grows (the frames themselves are never changed)."""
        return Formation(self.indices, self.labels, list(self.epochs), list(self.steps), list(self.losses),
                         list(self.frames))

    @property
    def codes(self) -> np.ndarray:
        """F×N×D codes (float32)."""
        if not self.frames:
            return np.zeros((0, len(self.indices), 0), np.float32)
        return np.stack([f.astype(np.float32) for f in self.frames])

    def append(self, epoch: float, step: int, loss: float, codes: np.ndarray) -> None:
        codes = np.nan_to_num(np.asarray(codes, np.float32), nan=0.0, posinf=3e38, neginf=-3e38)
        small = codes.size == 0 or float(np.abs(codes).max()) < _FLOAT16_MAX
        self.frames.append(codes.astype(np.float16 if small else np.float32))
        self.epochs.append(float(epoch))
        self.steps.append(int(step))
        self.losses.append(float(loss))

    def thin(self) -> None:
        """Keep every other frame (the first and the newest always stay)."""
        keep = sorted(set(range(0, len(self.frames), 2)) | {len(self.frames) - 1})
        for name in ("epochs", "steps", "losses", "frames"):
            values = getattr(self, name)
            setattr(self, name, [values[i] for i in keep])

    def label(self, f: int) -> str:
        """'epoch 3 · loss 0.0412' for frame `f`, as the replay and its export show it."""
        epoch, loss = self.epochs[f], self.losses[f]
        when = f"epoch {epoch:g}" if epoch == int(epoch) else f"epoch {epoch:.2f}"
        return when if not math.isfinite(loss) else f"{when} · loss {loss:.4g}"

    def to_bytes(self) -> bytes:
        codes = self.frames
        dtype = np.float16 if all(c.dtype == np.float16 for c in codes) else np.float32
        stacked = np.stack([c.astype(dtype) for c in codes]) if codes else np.zeros((0, len(self.indices), 0), dtype)
        buffer = io.BytesIO()
        np.savez(buffer, format_version=np.array(FORMATION_VERSION, np.int64),
                 indices=np.asarray(self.indices, np.int64), labels=np.asarray(self.labels, np.int64),
                 epochs=np.asarray(self.epochs, np.float64), steps=np.asarray(self.steps, np.int64),
                 losses=np.asarray(self.losses, np.float64), codes=stacked)
        return buffer.getvalue()


def save_formation(path: str | Path, formation: Formation) -> Path:
    """Write `formation` as an npz, atomically (a follower never reads half a file)."""
    path = Path(path)
    atomic_write({path: formation.to_bytes()}, CheckpointError)
    return path


def load_formation(path: str | Path) -> Formation:
    """Read a formation file; a missing, damaged or hostile one is one CheckpointError naming it."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise CheckpointError(path, "does not exist: this run kept no replay (train it with aeviewer "
                                    "train --run)") from None
    except OSError as exc:
        raise CheckpointError(path, f"cannot be read: {exc.strerror or exc}") from None
    if size > MAX_FILE_BYTES:
        raise CheckpointError(path, f"is implausibly large for a replay ({size:,} bytes; at most "
                                    f"{MAX_FILE_BYTES:,})")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CheckpointError(path, f"cannot be read: {exc.strerror or exc}") from None
    return formation_from_bytes(data, path)


def formation_from_bytes(data: bytes, where: str | Path) -> Formation:
    """Parse and check an npz replay (from a file or a session member); errors name `where`."""
    arrays = _read_npz(data, Path(where))
    return _checked(arrays, Path(where))


def _read_npz(data: bytes, where: Path) -> dict[str, np.ndarray]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for info in zf.infolist():  # refuse a zip bomb before inflating it
                if info.file_size > MAX_FILE_BYTES:
                    raise CheckpointError(where, f"is not a plausible replay: {info.filename} inflates to "
                                                 f"{info.file_size:,} bytes")
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            missing = [name for name in _FIELDS if name not in npz.files]
            if missing:
                raise CheckpointError(where, f"is not an aeviewer replay (no {', '.join(missing)})")
            return {name: npz[name] for name in _FIELDS}
    except CheckpointError:
        raise
    except ValueError as exc:
        if "pickle" in str(exc).lower():
            raise CheckpointError(where, "holds pickled Python objects; aeviewer reads only plain arrays (unpickling "
                                         "a file can run code)") from None
        raise CheckpointError(where, f"is not a readable replay ({_one_line(exc)})") from None
    except Exception as exc:  # noqa: BLE001 - a damaged zip/npy fails in many ways (zlib, struct, EOF)
        raise CheckpointError(where, f"is not a readable replay ({type(exc).__name__}: {_one_line(exc)})") from None


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__


def _checked(a: dict[str, np.ndarray], where: Path) -> Formation:
    def bad(name: str, problem: str) -> CheckpointError:
        return CheckpointError(where, f"field {name}: {problem}")

    version = a["format_version"]
    if version.shape != () or version.dtype.kind != "i":
        raise bad("format_version", "expected one whole number")
    if int(version) > FORMATION_VERSION:
        raise CheckpointError(where, f"was made by a newer aeviewer (replay format {int(version)}); please upgrade")
    if int(version) < 1:
        raise bad("format_version", f"unknown version {int(version)}")
    codes = a["codes"]
    if codes.dtype not in (np.float16, np.float32) or codes.ndim != 3:
        raise bad("codes", f"expected frames × samples × latent float16/float32, got {codes.dtype} {codes.shape}")
    n_frames, n, dim = codes.shape
    if not (n_frames <= MAX_FRAMES and 0 < n <= MAX_SAMPLES and 0 < dim <= MAX_LATENT) and n_frames:
        raise bad("codes", f"{n_frames} frames of {n} samples × {dim}: at most {MAX_FRAMES} frames of "
                           f"{MAX_SAMPLES} samples × {MAX_LATENT}")
    if not np.all(np.isfinite(codes)):
        raise bad("codes", "holds NaN or infinite values")
    for name, kind, length in (("indices", "i", n), ("labels", "i", n), ("epochs", "f", n_frames),
                               ("steps", "i", n_frames), ("losses", "f", n_frames)):
        value = a[name]
        if value.ndim != 1 or value.dtype.kind != kind or len(value) != length:
            raise bad(name, f"expected {length} {'whole numbers' if kind == 'i' else 'numbers'}, got "
                            f"{value.dtype} {value.shape}")
    if len(a["indices"]) and (a["indices"].min() < 0 or a["indices"].max() >= 2**31):
        raise bad("indices", "sample numbers must be ≥ 0")
    if len(a["labels"]) and (a["labels"].min() < -1 or a["labels"].max() >= 100_000):
        raise bad("labels", "class numbers must be -1 (none) up to 99 999")
    epochs, steps = a["epochs"], a["steps"]
    if not (np.all(np.isfinite(epochs)) and np.all(epochs >= 0) and np.all(epochs <= 1e9)):
        raise bad("epochs", "expected finite epoch numbers from 0 up")
    if np.any(steps < 0) or np.any(steps >= 2**50) or np.any(np.diff(steps) < 0):
        raise bad("steps", "expected step numbers from 0 up, in order")
    formation = Formation(indices=a["indices"].astype(np.int64), labels=a["labels"].astype(np.int64))
    formation.epochs = [float(v) for v in epochs]
    formation.steps = [int(v) for v in steps]
    formation.losses = [float(v) for v in a["losses"]]
    formation.frames = [np.array(c) for c in codes]
    return formation


def fixed_subset(n_shown: int, size: int = DEFAULT_SAMPLES, seed: int = 0) -> np.ndarray:
    """Sorted indices of a seeded subset of the shown samples: the same ones in every frame."""
    size = max(1, min(int(size), MAX_SAMPLES, n_shown))
    return np.sort(np.random.default_rng(seed).choice(n_shown, size, replace=False)).astype(np.int64)


class FormationRecorder:
    """Keeps a Formation while a Trainer runs: call `observe(model, event)` with each TrainProgress.

    A run of at least `MIN_FRAMES` epochs is snapshotted at each epoch's end; a shorter one every
    `steps_between` steps (at the first progress event past it), so it still gives about `MIN_FRAMES` frames.
    `seconds` adds up the time spent encoding and saving: what the training thread pays for the replay. While
    that is over `TIME_SHARE` of the time since the recorder was made (plus `FREE_SECONDS`), a due frame waits
    for a later event (tiny epochs of a big model), so the replay never slows training by more than that.
    """

    def __init__(self, x: np.ndarray, labels: np.ndarray | None, epochs: int, steps_per_epoch: int, *,
                 size: int = DEFAULT_SAMPLES, seed: int = 0, indices: np.ndarray | None = None,
                 time_share: float | None = TIME_SHARE) -> None:
        self.indices = fixed_subset(len(x), size, seed) if indices is None else np.asarray(indices, np.int64)
        self.x = np.ascontiguousarray(np.asarray(x)[self.indices])
        lab = np.full(len(self.indices), -1, np.int64) if labels is None else np.asarray(labels)[self.indices]
        self.formation = Formation(indices=self.indices, labels=lab.astype(np.int64))
        self.steps_per_epoch = max(1, int(steps_per_epoch))
        total = max(1, int(epochs)) * self.steps_per_epoch
        self.per_epoch = epochs >= MIN_FRAMES  # frames at epoch ends only (every 2nd, 4th… once thinned)
        self.steps_between = self.steps_per_epoch if self.per_epoch else max(1, math.ceil(total / MIN_FRAMES))
        self._next_step = 0
        self._step_offset, self._epoch_offset = 0, 0.0
        self.seconds = 0.0
        self.time_share = time_share  # None: every due frame, whatever it costs (tests, exact replays)
        self.postponed = 0  # due frames that waited for the time budget
        self._started = time.perf_counter()

    def continue_from(self, formation: Formation, *, steps_restart: bool = False) -> bool:
        """Go on from a replay of the same samples (a resumed run); False when it does not fit.

        `steps_restart`: the new Trainer counts steps from 0 again (the window trains on with a new one), so
        its steps and epochs are counted on from the replay's last frame.
        """
        if not np.array_equal(formation.indices, self.indices) or not len(formation):
            return False
        self.formation = formation.copy()
        if steps_restart:
            self._step_offset = formation.steps[-1]
            self._epoch_offset = formation.epochs[-1]
            self._next_step = self.steps_between
        else:
            self._next_step = formation.steps[-1] + self.steps_between
        return True

    def wants(self, event: TrainProgress) -> bool:
        due = event.step >= self._next_step and (event.epoch_done or not self.per_epoch)
        if due and self.time_share is not None and \
                self.seconds > FREE_SECONDS + self.time_share * (time.perf_counter() - self._started):
            self.postponed += 1
            return False
        return due

    def record(self, model: Autoencoder, step: int, loss: float) -> None:
        """Encode the subset with the current weights (eval mode, no grad; the training mode is restored)."""
        start = time.perf_counter()
        codes = encode_array(model, self.x)
        self.formation.append(self._epoch_offset + step / self.steps_per_epoch, self._step_offset + step, loss,
                              codes)
        if len(self.formation) > MAX_FRAMES:
            self.formation.thin()
            self.steps_between *= 2
        self._next_step = step + self.steps_between
        self.seconds += time.perf_counter() - start

    def observe(self, model: Autoencoder, event: TrainProgress) -> bool:
        """Record a frame if this event is due one; True when it did."""
        if not self.wants(event):
            return False
        loss = event.losses.get("total", next(iter(event.losses.values()), math.nan))
        self.record(model, event.step, float(loss))
        return True

    def finish(self, model: Autoencoder, step: int, loss: float) -> None:
        """The last frame is the trained model, even when its due frame waited for the time budget."""
        if not len(self.formation) or self.formation.steps[-1] < self._step_offset + step:
            self.record(model, step, loss)

    def save(self, path: str | Path) -> Path:
        start = time.perf_counter()
        try:
            return save_formation(path, self.formation)
        finally:
            self.seconds += time.perf_counter() - start


def run_recorder(folder: str | Path, dataset: Dataset, epochs: int, steps_per_epoch: int,
                 resumed: bool) -> FormationRecorder:
    """The recorder of a run folder: the window's shown samples of `dataset`; a resumed run goes on from its
    `formation.npz` when that is there and readable (else it starts a new replay)."""
    from aeviewer.core.latent.spaces import shown_samples

    shown = shown_samples(dataset)
    recorder = FormationRecorder(shown.x, shown.y, epochs, steps_per_epoch)
    path = Path(folder) / FORMATION_NAME
    if resumed and path.exists():
        with contextlib.suppress(CheckpointError):
            recorder.continue_from(load_formation(path))
    return recorder
