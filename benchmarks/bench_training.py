"""Training throughput: our Trainer against a DataLoader(TensorDataset) loop and a bare index-shuffling loop.

Same model (seed-mlp), data (60 000 × 784 synthetic, MNIST-sized), batch (256), optimizer (Adam) and
device, in the same process. Figures are ratios of samples/s; targets from issue 7.
"""

from __future__ import annotations

import argparse
import time

import torch
from torch.utils.data import DataLoader, TensorDataset

from aeviewer.core.models import build_model, preset
from aeviewer.core.train.trainer import TrainConfig, Trainer
from benchmarks.common import Figure, emit, machine


def make_data(n: int, d: int = 784) -> torch.Tensor:
    g = torch.Generator().manual_seed(0)
    return torch.rand(n, 1, 28, 28, generator=g) if d == 784 else torch.rand(n, d, generator=g)


def fresh_model(device: torch.device):
    torch.manual_seed(0)
    return build_model(preset("seed-mlp", (1, 28, 28)), seed=0).to(device)


def dataloader_loop(x: torch.Tensor, epochs: int, batch: int, device: torch.device) -> float:
    """The way pytorch/examples' VAE trains: a DataLoader over a TensorDataset, model(x), loss, step."""
    model = fresh_model(device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loader = DataLoader(TensorDataset(x, torch.zeros(len(x))), batch_size=batch, shuffle=True)
    model.train()
    t0 = time.perf_counter()
    for _ in range(epochs):
        for data, _ in loader:
            data = data.to(device)
            opt.zero_grad()
            recon = model(data)
            loss = torch.nn.functional.mse_loss(recon, data)
            loss.backward()
            opt.step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    return epochs * len(x) / (time.perf_counter() - t0)


def bare_loop(x: torch.Tensor, epochs: int, batch: int, device: torch.device) -> float:
    """A bare tensor loop: data on the device, randperm indices, no DataLoader."""
    model = fresh_model(device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    xd = x.to(device)
    model.train()
    t0 = time.perf_counter()
    for _ in range(epochs):
        perm = torch.randperm(len(xd), device=device)
        for i in range(0, len(xd), batch):
            data = xd[perm[i : i + batch]]
            opt.zero_grad()
            loss = torch.nn.functional.mse_loss(model(data), data)
            loss.backward()
            opt.step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    return epochs * len(x) / (time.perf_counter() - t0)


def trainer_loop(x: torch.Tensor, epochs: int, batch: int, device: torch.device) -> float:
    model = fresh_model(device)
    trainer = Trainer(model, x, TrainConfig(epochs=epochs, batch_size=batch, lr=1e-3, device=str(device)),
                      report_every=10_000)
    t0 = time.perf_counter()
    for _ in trainer.run():
        pass
    if device.type == "cuda":
        torch.cuda.synchronize()
    return epochs * len(x) / (time.perf_counter() - t0)


def measure(n: int, epochs: int, batch: int, device: torch.device, repeats: int) -> dict[str, float]:
    x = make_data(n)
    # Warm up every path once (allocator, kernels), then take the best of `repeats` interleaved runs.
    runs = {"trainer": trainer_loop, "dataloader": dataloader_loop, "bare": bare_loop}
    for fn in runs.values():
        fn(x[: batch * 8], 1, batch, device)
    best = dict.fromkeys(runs, 0.0)
    for _ in range(repeats):
        for name, fn in runs.items():
            best[name] = max(best[name], fn(x, epochs, batch, device))
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=60_000)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = parser.parse_args()
    device = torch.device(args.device)
    sps = measure(args.samples, args.epochs, 256, device, args.repeats)
    detail = (f"{sps['trainer']:,.0f} vs DataLoader {sps['dataloader']:,.0f} vs bare {sps['bare']:,.0f} samples/s; "
              f"{args.samples:,}×784 seed-mlp batch 256 on {device}; {machine()}")
    figures = [
        Figure(f"training vs DataLoader loop ({device.type})", sps["trainer"] / sps["dataloader"], "×", 1.5,
               lower_is_better=False, detail=detail),
        Figure(f"training vs bare tensor loop ({device.type})", sps["trainer"] / sps["bare"], "×", 1.0,
               lower_is_better=False),
    ]
    if device.type == "cuda":
        figures.append(Figure("seed-mlp epoch on 60k (cuda)", args.samples / sps["trainer"], "s", 0.3))
    emit(figures)


if __name__ == "__main__":
    main()
