"""Data-parallel training under `torchrun`: process group set-up, gradient averaging, agreement on stopping.

Why not DistributedDataParallel: DDP synchronises gradients through hooks armed by its wrapper's `forward`,
but our models train through `model.train_step(x, optimizers)`, which calls `encode`/`decode`/`loss` on the
module itself, and the adversarial model runs two backward passes into two optimizers per step. So each
optimizer is wrapped instead: before its `step()` the gradients of exactly its parameters are averaged across
ranks with one all-reduce of a flat buffer. That is the same maths as DDP (mean of per-rank mean gradients =
gradient of the global-batch mean when shards are equal), works for any `train_step`, and needs no model change.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
import torch.distributed as dist
from torch import Tensor

from aeviewer.core.errors import TrainingError
from aeviewer.core.models import Autoencoder
from aeviewer.core.train.trainer import Parallel, TrainConfig


@dataclass(frozen=True)
class DistributedContext:
    """Where this process sits in a torchrun job."""

    rank: int
    world_size: int
    local_rank: int
    backend: str
    device: str

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def launched_by_torchrun() -> bool:
    """True inside a torchrun worker (it sets RANK, WORLD_SIZE and the rendezvous address)."""
    return all(k in os.environ for k in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"))


def init_distributed(device: str = "auto") -> DistributedContext:
    """Join the process group: NCCL with one GPU per local rank when CUDA is used, gloo on CPU."""
    rank, world = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    use_cuda = device.startswith("cuda") or (device == "auto" and torch.cuda.is_available())
    if use_cuda:
        if not torch.cuda.is_available():
            raise TrainingError(f"rank {rank}: --device {device} asks for CUDA but no GPU is visible")
        torch.cuda.set_device(local_rank)
        backend, device_name = "nccl", f"cuda:{local_rank}"
    else:
        backend, device_name = "gloo", "cpu"
    if not dist.is_initialized():
        dist.init_process_group(backend=backend, rank=rank, world_size=world)
    return DistributedContext(rank, world, local_rank, backend, device_name)


def shutdown_distributed(finished_together: bool = True) -> None:
    """Leave the process group. After a run that every rank finished (or stopped at the agreed step), wait
    for the others first: a rank that tore down gloo while rank 0 was still saving its checkpoint was
    aborted now and then ("terminate called without an active exception", exit -6). After an error the
    others may never arrive, so no waiting then."""
    if dist.is_available() and dist.is_initialized():
        if finished_together:
            dist.barrier()
        dist.destroy_process_group()


def broadcast_parameters(model: Autoencoder) -> None:
    """Give every rank rank 0's weights (and buffers), so the replicas start identical."""
    for tensor in model.state_dict().values():
        dist.broadcast(tensor, src=0)


class GradientAveragingOptimizer:
    """Wraps an optimizer: `step()` first averages its parameters' gradients across ranks (one all-reduce).

    Everything else (`zero_grad`, `state_dict`, `param_groups`, ...) is the wrapped optimizer's.
    Every rank runs the same `train_step` code, so the set of parameters holding a gradient is the same on all.
    """

    def __init__(self, optimizer: torch.optim.Optimizer, world_size: int) -> None:
        self.optimizer = optimizer
        self.world_size = world_size

    def __getattr__(self, name: str) -> Any:
        return getattr(self.optimizer, name)

    def _grads(self) -> list[Tensor]:
        return [p.grad for group in self.optimizer.param_groups for p in group["params"] if p.grad is not None]

    def step(self, closure: Callable[[], float] | None = None) -> float | None:  # as torch.optim.Optimizer.step
        grads = self._grads()
        if grads:
            flat = torch.cat([g.reshape(-1) for g in grads])
            dist.all_reduce(flat, op=dist.ReduceOp.SUM)
            flat /= self.world_size
            offset = 0
            for g in grads:
                g.copy_(flat[offset : offset + g.numel()].view_as(g))
                offset += g.numel()
        return self.optimizer.step(closure)

    def state_dict(self) -> dict[str, Any]:
        return self.optimizer.state_dict()

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.optimizer.load_state_dict(state)

    def zero_grad(self, set_to_none: bool = True) -> None:
        self.optimizer.zero_grad(set_to_none=set_to_none)


class StopAgreement:
    """A stop request (SIGTERM on any rank) becomes a stop on every rank at the same step.

    Ranks must leave the loop together or the next all-reduce would wait forever, so every `check_every` steps
    (the same steps on every rank) they all-reduce (MAX) a one-number flag. Not every step: reading the flag
    back waits for the GPU, and the trainer otherwise never stalls the GPU between reports. The Trainer calls
    it before each step (`Parallel.should_stop`) and cancels itself when it answers True.
    """

    def __init__(self, device: str, check_every: int = 10) -> None:
        self.requested = False
        self.check_every = max(1, check_every)
        self._calls = 0
        self._flag = torch.zeros(1, device=device)

    def request(self) -> None:
        self.requested = True

    def __call__(self) -> bool:
        self._calls += 1
        if self._calls % self.check_every:
            return False
        self._flag.fill_(1.0 if self.requested else 0.0)
        dist.all_reduce(self._flag, op=dist.ReduceOp.MAX)
        if self._flag.item() > 0:
            self.requested = True
        return self.requested


def shared_seed(config: TrainConfig, context: DistributedContext) -> TrainConfig:
    """`config` with a seed every rank shares (they must draw the same permutation): rank 0's random one when
    the caller gave none. A copy: the caller's config is not changed."""
    if config.seed is not None:
        return config
    seed = torch.tensor([int.from_bytes(os.urandom(4), "little") >> 1], dtype=torch.int64, device=context.device)
    dist.broadcast(seed, src=0)
    return dataclasses.replace(config, seed=int(seed.item()))


def data_parallel(model: Autoencoder, context: DistributedContext) -> tuple[Parallel, StopAgreement]:
    """Rank 0's weights on every rank, and the Trainer's `parallel=` settings: sharded batches, gradients and
    loss reports averaged across ranks, and the stop agreement (call its `request()` on a signal)."""
    broadcast_parameters(model)
    world = context.world_size

    def average(total: Tensor) -> Tensor:
        total = total.clone()
        dist.all_reduce(total, op=dist.ReduceOp.SUM)
        return total / world

    def wrap(optimizer: torch.optim.Optimizer) -> torch.optim.Optimizer:
        return GradientAveragingOptimizer(optimizer, world)  # type: ignore[return-value]

    agreement = StopAgreement(context.device)
    return Parallel(context.rank, world, reduce_terms=average, wrap_optimizer=wrap, should_stop=agreement), agreement
