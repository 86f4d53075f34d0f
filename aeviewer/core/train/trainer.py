"""Training loop as a generator of progress events, controllable (pause/resume/cancel) from another thread.

Why not a DataLoader: the datasets fit in memory, so the whole set is ONE tensor moved to the device once;
each epoch draws a seeded `torch.randperm` and index-selects batches — no per-sample collation, no workers.
Loss terms are summed on the device and only synchronised at reporting points, so the GPU is never stalled
by a per-step `.item()`.
"""

from __future__ import annotations

import copy
import math
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import Tensor

from aeviewer.core.errors import CheckpointError, TrainingError
from aeviewer.core.models import Autoencoder
from aeviewer.core.models.presets import preset_train_defaults

_PAUSE_POLL_S = 0.1


@dataclass
class TrainConfig:
    """How to train; `device="auto"` picks CUDA when available, else CPU."""

    epochs: int = 20
    batch_size: int = 128
    lr: float = 1e-3
    seed: int | None = 0
    device: str = "auto"

    @classmethod
    def for_preset(cls, name: str, **overrides: Any) -> TrainConfig:
        """Defaults of preset `name` (e.g. the seed model's batch 256), then `overrides`."""
        return cls(**{**preset_train_defaults(name), **overrides})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TrainConfig:
        """Inverse of `to_dict`; unknown keys are ignored (they carry no meaning for training)."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})


@dataclass
class TrainProgress:
    """One progress event; `losses` are means since the previous event, or the epoch means if `epoch_done`."""

    epoch: int
    epochs: int
    step: int
    steps_per_epoch: int
    losses: dict[str, float] = field(default_factory=dict)
    samples_per_s: float = 0.0
    device: str = "cpu"
    epoch_done: bool = False
    notice: str = ""  # something the user should read (e.g. "out of GPU memory: batch halved"); empty if none


class NonFiniteLossError(TrainingError):
    """A loss term became NaN/inf; the model and optimizer were restored to the last good epoch."""

    def __init__(self, term: str, epoch: int, restored_epoch: int) -> None:
        self.term = term
        self.epoch = epoch
        self.restored_epoch = restored_epoch
        where = f"the end of epoch {restored_epoch}" if restored_epoch else "their initial values"
        what = "the weights" if term == "weights" else f"the loss term '{term}'"
        super().__init__(
            f"{what} became NaN or infinite in epoch {epoch}; the weights were restored to {where}. "
            "Try a lower learning rate, or switch the loss between MSE and BCE."
        )


def is_out_of_memory(exc: BaseException) -> bool:
    """True for CUDA's (or another accelerator's) out-of-memory error, which a smaller batch may avoid."""
    return isinstance(exc, torch.cuda.OutOfMemoryError) or (
        isinstance(exc, RuntimeError) and "out of memory" in str(exc).lower())


def resolve_device(name: str) -> torch.device:
    """"auto" → cuda when available, else cpu; anything else is passed to torch.device."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


def make_adam(params: list[torch.nn.Parameter], lr: float,
              betas: tuple[float, float] = (0.9, 0.999)) -> torch.optim.Optimizer:
    """Adam with the fused kernel (measured fastest on CPU and CUDA), else PyTorch's default choice."""
    try:
        return torch.optim.Adam(params, lr=lr, betas=betas, fused=True)
    except (RuntimeError, ValueError, TypeError):  # a device without a fused Adam kernel
        return torch.optim.Adam(params, lr=lr, betas=betas)


def make_optimizers(model: Autoencoder, lr: float) -> dict[str, torch.optim.Optimizer]:
    """One Adam per parameter group of `model`, each scaled by the model's own `optimizer_options`."""
    options = model.optimizer_options()
    optimizers = {}
    for name, params in model.optimizer_groups().items():
        opts = options.get(name, {})
        beta1, beta2 = opts.get("betas", (0.9, 0.999))
        optimizers[name] = make_adam(params, lr * float(opts.get("lr_scale", 1.0)), (float(beta1), float(beta2)))
    return optimizers


@dataclass(frozen=True)
class Parallel:
    """How this process shares a data-parallel run (core/train/distributed.py builds one): its shard, how loss sums
    are averaged across ranks, how optimizers are wrapped, and a stop check every rank makes at the same step."""

    rank: int = 0
    world_size: int = 1
    reduce_terms: Callable[[Tensor], Tensor] | None = None
    wrap_optimizer: Callable[[torch.optim.Optimizer], torch.optim.Optimizer] | None = None
    should_stop: Callable[[], bool] | None = None


@dataclass
class ResumePoint:
    """Where an interrupted run left off (core/train/run_folder.py reads one): the next (epoch, step), the finished
    epochs' losses, the optimizers' states and the shuffle/noise generators' states."""

    position: tuple[int, int] = (1, 0)
    history: list[dict[str, float]] = field(default_factory=list)
    optimizer_states: dict[str, dict[str, Any]] = field(default_factory=dict)
    generator_states: dict[str, Tensor | None] = field(default_factory=dict)
    source: Path | None = None  # the state file, named in errors about it


class _Sums:
    """Loss sums of the epoch and of the current report window, summed on the device (no sync per step)."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.epoch: Tensor | None = None
        self.window: Tensor | None = None
        self.epoch_steps = self.window_steps = self.window_samples = 0
        self.window_start = time.perf_counter()

    def add(self, terms: dict[str, Tensor], samples: int) -> None:
        self.names = self.names or list(terms)
        values = torch.stack([terms[k] for k in self.names]).float()
        self.epoch = values if self.epoch is None else self.epoch + values
        self.window = values if self.window is None else self.window + values
        self.epoch_steps += 1
        self.window_steps += 1
        self.window_samples += samples

    def samples_per_s(self) -> float:
        return self.window_samples / max(time.perf_counter() - self.window_start, 1e-9)

    def new_window(self) -> None:
        self.window, self.window_steps, self.window_samples = None, 0, 0
        self.window_start = time.perf_counter()


class Trainer:
    """Trains `model` on `x` (N×input_shape, values in [0, 1]); iterate `run()` to drive it.

    Threading: `run()` is meant to be iterated in a worker thread; `pause()`, `resume()` and `cancel()`
    may be called from any thread (they only flip `threading.Event`s). A paused `run()` blocks between
    steps, waiting on the resume event in `_PAUSE_POLL_S` slices so a cancel while paused still ends it.
    `on_pause(True)` is called from the training thread once it has stopped between steps, and
    `on_pause(False)` when it leaves the pause (resumed or cancelled): a caller waits on that, not on time.
    After `cancel()` the current step finishes and `run()` returns without another event; a cancelled
    Trainer stays cancelled (make a new one to train further — the model and its weights carry over).

    Non-finite losses are checked at reporting points only (checking every step would force a device
    sync every step). When a term is NaN/inf there, model and optimizer are restored to the snapshot taken
    at the end of the last good epoch (or at the start) and `NonFiniteLossError` is raised from `run()`.

    Faults: out of (GPU) memory restores the last epoch's snapshot and restarts that epoch with half the
    batch; at batch 1 on an accelerator training moves to the CPU (at the configured batch). A cancel also
    restores the snapshot, so the model is always the last *completed* epoch and matches `history`.
    Each fault is described in `notices` and in the next event's `notice`.
    """

    def __init__(
        self,
        model: Autoencoder,
        x: np.ndarray | Tensor,
        config: TrainConfig,
        *,
        report_every: int = 20,
        parallel: Parallel | None = None,
        resume: ResumePoint | None = None,
        restore_on_cancel: bool = True,
        on_pause: Callable[[bool], None] | None = None,
    ) -> None:
        if config.epochs < 1 or config.batch_size < 1 or not config.lr > 0:
            raise TrainingError(
                f"epochs and batch size must be ≥ 1 and the learning rate > 0 (got {config.epochs}, "
                f"{config.batch_size}, {config.lr})"
            )
        expected = tuple(model.config.input_shape)
        if tuple(x.shape[1:]) != expected or len(x) == 0:
            raise TrainingError(
                f"the model expects samples of shape {expected} but the data is {tuple(x.shape)}"
            )
        self.model = model
        self.config = config
        self.report_every = max(1, int(report_every))
        self._device = resolve_device(config.device)
        self.model.to(self._device)
        self.x = torch.as_tensor(x, dtype=torch.float32).to(self._device)
        if getattr(model, "output_bias_pending", False):
            model.fit_output_bias(self.x.mean(dim=0))
        self.parallel = parallel or Parallel()
        self.rank, self.world_size = self.parallel.rank, self.parallel.world_size
        if len(self.x) < self.world_size:
            raise TrainingError(f"{len(self.x)} samples cannot be split over {self.world_size} ranks")
        self.optimizers = make_optimizers(model, config.lr)
        if self.parallel.wrap_optimizer is not None:
            self.optimizers = {name: self.parallel.wrap_optimizer(opt) for name, opt in self.optimizers.items()}
        resume = resume or ResumePoint()
        if resume.optimizer_states:
            self._load_optimizer_states(resume)
        self.history: list[dict[str, float]] = [dict(row) for row in resume.history]
        self.position: tuple[int, int] = resume.position  # (epoch, step within it) of the next step to run
        # restore {"shuffle", "noise"} in run(), so a resumed run draws what an uninterrupted one would
        self.generator_states = dict(resume.generator_states) if resume.generator_states.get("shuffle") is not None \
            else None
        # A cancel returns the model to the last completed epoch (so it matches `history`); a run folder that
        # saves the exact mid-epoch position for a resume turns this off.
        self.restore_on_cancel = restore_on_cancel
        self._cancel = threading.Event()
        self._running = threading.Event()  # set = not paused
        self._running.set()
        self._on_pause = on_pause
        self._snapshot: tuple[dict[str, Tensor], dict[str, Any]] | None = None
        self._good_epoch = 0
        self.batch_size = config.batch_size  # may shrink when memory runs out
        self.notices: list[str] = []
        self._pending_notice = ""
        self.fell_back_to_cpu = False
        self.epoch_shuffle_state: Tensor | None = None  # shuffle state before this epoch's permutation
        self.noise_generator: torch.Generator | None = None
        self._step = 0
        self._epoch_offset = 0  # epochs finished before this run's first epoch (history of a resumed run)
        self._epoch_cancelled = False

    def _load_optimizer_states(self, resume: ResumePoint) -> None:
        """A saved run's optimizer states; a missing or forged one is a CheckpointError naming the field."""
        where = resume.source or Path("?")
        for name, opt in self.optimizers.items():
            if name not in resume.optimizer_states:
                raise CheckpointError(where, f"field optimizers: the training state has no optimizer '{name}'")
            try:
                opt.load_state_dict(resume.optimizer_states[name])
            except Exception as exc:  # noqa: BLE001 - a forged state fails in torch with many types
                first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
                raise CheckpointError(where, f"field optimizers.{name}: does not fit the model ({first})") from None

    # -- control, callable from any thread ------------------------------------------------------------

    def cancel(self) -> None:
        self._cancel.set()
        self._running.set()  # wake a paused run so it can return

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    @property
    def device(self) -> str:
        return str(self._device)

    @property
    def steps_per_epoch(self) -> int:
        if self.world_size == 1:
            return math.ceil(len(self.x) / self.batch_size)
        n, global_batch = len(self.x), min(self.batch_size, len(self.x)) * self.world_size
        steps = math.ceil(n / global_batch)
        return steps - 1 if steps > 1 and 0 < n % global_batch < self.world_size else steps  # no empty shards

    @property
    def completed_epochs(self) -> int:
        """Epochs whose end the model has reached (the snapshot the model returns to on cancel)."""
        return self._good_epoch

    def restore_last_epoch(self) -> None:
        """Put the weights back to the end of the last completed epoch (or the start): e.g. after Ctrl+C."""
        self._restore_snapshot()

    # -- the loop -------------------------------------------------------------------------------------

    def run(self) -> Iterator[TrainProgress]:
        """Train, yielding a TrainProgress every `report_every` steps and at each epoch's end."""
        cfg = self.config
        n = len(self.x)
        shuffle = torch.Generator()
        if cfg.seed is not None:
            shuffle.manual_seed(cfg.seed)
            self._seed_noise()
        else:
            shuffle.seed()  # a fresh Generator has a fixed default seed; None means "different every run"
        states = self.generator_states or {}
        if (shuffle_state := states.get("shuffle")) is not None:  # resuming: same permutation and noise
            shuffle.set_state(shuffle_state)
            if self.noise_generator is not None and (noise_state := states.get("noise")) is not None:
                self.noise_generator.set_state(noise_state)
        self.model.train()
        self._take_snapshot()
        first_epoch, first_step = self.position
        self._epoch_offset = len(self.history) - (first_epoch - 1)
        self._step = (first_epoch - 1) * self.steps_per_epoch + first_step
        try:
            epoch = first_epoch
            while epoch <= cfg.epochs:
                try:
                    yield from self._epoch(epoch, shuffle, first_step if epoch == first_epoch else 0)
                except RuntimeError as exc:
                    if not is_out_of_memory(exc):
                        raise
                    self._recover_from_oom(min(self.batch_size, n))
                    first_epoch, first_step = epoch, 0
                    self.position = (epoch, 0)
                    continue  # the same epoch again, from its start
                if self.cancelled or self._epoch_cancelled:
                    if self.restore_on_cancel:
                        self._restore_snapshot()
                    return
                epoch += 1
        finally:
            self.model.noise_generator = None
            self.model.eval()

    def _epoch(self, epoch: int, shuffle: torch.Generator, first_step: int = 0) -> Iterator[TrainProgress]:
        """One epoch from `first_step` (a resume may start mid-epoch); sets `_epoch_cancelled` if it stopped
        early. Each rank trains on its shard of every global batch of `batch × world_size` samples."""
        self._epoch_cancelled = False
        steps, batch = self.steps_per_epoch, min(self.batch_size, len(self.x))
        self.epoch_shuffle_state = shuffle.get_state()
        perm = torch.randperm(len(self.x), generator=shuffle).to(self._device)
        sums = _Sums()
        for i in range(first_step, steps):
            self.position = (epoch, i)
            if not self._may_step(sums):
                self._epoch_cancelled = True
                return
            idx = self._shard(perm[i * batch * self.world_size : (i + 1) * batch * self.world_size])
            sums.add(self.model.train_step(self.x.index_select(0, idx), self.optimizers), len(idx))
            self._step += 1
            self.position = (epoch, i + 1)
            epoch_done = i == steps - 1
            if not epoch_done and self._step % self.report_every:
                continue
            yield self._report(epoch, steps, sums, epoch_done, shuffle)
            if self.cancelled:
                self._epoch_cancelled = True
                return
            sums.new_window()

    def _may_step(self, sums: _Sums) -> bool:
        """False when the run should stop before this step: cancelled, agreed across ranks, or while paused.
        Paused time does not count towards samples/s."""
        if self.parallel.should_stop is not None and self.parallel.should_stop():
            self.cancel()
        wait_start = time.perf_counter()
        ok = self._wait_if_paused()
        sums.window_start += time.perf_counter() - wait_start
        return ok

    def _shard(self, idx: Tensor) -> Tensor:
        return torch.tensor_split(idx, self.world_size)[self.rank] if self.world_size > 1 else idx

    def _report(self, epoch: int, steps: int, sums: _Sums, epoch_done: bool,
                shuffle: torch.Generator) -> TrainProgress:
        """The progress event for the window (or the epoch, which also checks and snapshots the weights)."""
        if epoch_done:
            means = self._means(sums.names, sums.epoch, sums.epoch_steps, epoch)
            self._check_weights(epoch)
            self.history.append(means)
            self._good_epoch = self._epoch_offset + epoch
            self._take_snapshot()
            self.position = (epoch + 1, 0)
            self.epoch_shuffle_state = shuffle.get_state()
        else:
            means = self._means(sums.names, sums.window, sums.window_steps, epoch)
        notice, self._pending_notice = self._pending_notice, ""
        return TrainProgress(epoch=epoch, epochs=self.config.epochs, step=self._step, steps_per_epoch=steps,
                             losses=means, samples_per_s=sums.samples_per_s(), device=self.device,
                             epoch_done=epoch_done, notice=notice)

    def _seed_noise(self) -> None:
        if self.config.seed is not None:
            noise = torch.Generator(device=self._device)
            noise.manual_seed(self.config.seed + 1 + self.rank)  # each rank draws its own noise
            self.model.noise_generator = self.noise_generator = noise

    def _on_accelerator(self) -> bool:
        return self._device.type != "cpu"

    def _recover_from_oom(self, bs: int) -> None:
        """Back to the last epoch's weights, then a smaller batch, or the CPU once batch 1 does not fit."""
        self._restore_snapshot()
        if self._on_accelerator() and torch.cuda.is_available():
            torch.cuda.empty_cache()
        if bs > 1:
            self.batch_size = max(1, bs // 2)
            self._notify(f"Out of {self.device} memory at batch {bs}: retrying the epoch with batch {self.batch_size}.")
            return
        if not self._on_accelerator():
            raise TrainingError("ran out of memory even with a batch of 1 sample: the model is too large for "
                                "this machine (try a smaller model or fewer hidden units)")
        old = self.device
        self._device = torch.device("cpu")
        self.model.to(self._device)
        self.x = self.x.to(self._device)
        self._restore_snapshot()  # moves the optimizer state to the CPU with the parameters
        self._take_snapshot()
        self._seed_noise()
        self.batch_size = self.config.batch_size
        self.fell_back_to_cpu = True
        self._notify(f"Out of {old} memory even at batch 1: training goes on on the CPU (slower) with batch "
                     f"{self.batch_size}.")

    def _notify(self, message: str) -> None:
        self.notices.append(message)
        self._pending_notice = f"{self._pending_notice} {message}".strip()

    def _wait_if_paused(self) -> bool:
        """Block while paused, acknowledging the stop and the restart through `on_pause`; False when cancelled."""
        if self._running.is_set():
            return not self.cancelled
        if self._on_pause is not None:
            self._on_pause(True)
        while not self._running.wait(_PAUSE_POLL_S) and not self.cancelled:
            pass
        if self._on_pause is not None:
            self._on_pause(False)
        return not self.cancelled

    def _means(self, names: list[str], total: Tensor | None, count: int, epoch: int) -> dict[str, float]:
        """Sync once, turn sums into means, and roll back + raise if any term is not finite."""
        if total is not None and self.parallel.reduce_terms is not None:
            total = self.parallel.reduce_terms(total)
        values = (total / count).tolist() if total is not None else []
        means = dict(zip(names, values, strict=True))
        for name, value in means.items():
            if not math.isfinite(value):
                self._restore_snapshot()
                raise NonFiniteLossError(name, epoch, self._good_epoch)
        return means

    def _check_weights(self, epoch: int) -> None:
        """Once per epoch: a last update can break the weights after a finite loss; never snapshot that."""
        params = list(self.model.parameters())
        if params and not bool(torch.stack([torch.isfinite(p).all() for p in params]).all()):
            self._restore_snapshot()
            raise NonFiniteLossError("weights", epoch, self._good_epoch)

    def _take_snapshot(self) -> None:
        """Copy weights and optimizer state (the rollback target when a loss explodes)."""
        weights = {k: v.detach().clone() for k, v in self.model.state_dict().items()}
        optim = {name: copy.deepcopy(opt.state_dict()) for name, opt in self.optimizers.items()}
        self._snapshot = (weights, optim)

    def _restore_snapshot(self) -> None:
        if self._snapshot is None:
            return
        weights, optim = self._snapshot
        self.model.load_state_dict(weights)
        for name, opt in self.optimizers.items():
            opt.load_state_dict(copy.deepcopy(optim[name]))

    # -- helpers --------------------------------------------------------------------------------------

    def encode_all(self, x: np.ndarray | Tensor, batch_size: int = 1024) -> np.ndarray:
        """Codes of `x` with the current weights (see inference.encode_array)."""
        from aeviewer.core.models.inference import encode_array

        return encode_array(self.model, x, batch_size=batch_size)
