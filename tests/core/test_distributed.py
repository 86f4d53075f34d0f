"""`aeviewer train` under torchrun with two CPU processes (gloo) matches one process with the same effective batch."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from aeviewer.cli import main
from aeviewer.core.train.checkpoint import load_checkpoint
from aeviewer.core.train.run_folder import checkpoint_path, read_config

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def epoch_losses(folder: Path) -> list[dict[str, float]]:
    records = [json.loads(line) for line in (folder / "metrics.jsonl").read_text().splitlines()]
    return [r["losses"] for r in records if r["epoch_done"]]


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_torchrun_two_ranks_match_one_process_with_the_same_effective_batch(tmp_path):
    rng = np.random.default_rng(0)
    np.savez(tmp_path / "d.npz", x=rng.random((320, 12), dtype=np.float32))  # 256 train = 8 global batches of 32
    common = ["--data", str(tmp_path / "d.npz"), "--model", "ae", "--epochs", "3", "--device", "cpu", "--seed", "1"]
    ddp, single = tmp_path / "ddp", tmp_path / "single"
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nnodes=1", "--nproc-per-node=2",
           "--master-addr=127.0.0.1", f"--master-port={free_port()}",
           "-m", "aeviewer.cli", "train", "--run-dir", str(ddp), "--batch-size", "16", *common]
    proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=200,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"})
    assert proc.returncode == 0, proc.stderr
    assert "effective batch 2×16 = 32" in proc.stderr and "gloo" in proc.stderr
    assert proc.stdout.strip().splitlines() == [str(checkpoint_path(ddp, "last"))]  # rank 0 alone prints

    assert main(["train", "--run", str(single), "--batch-size", "32", *common]) == 0

    # Rank 0 alone wrote: one line per report (two writers would double them), all marked world size 2.
    lines = (ddp / "metrics.jsonl").read_text().splitlines()
    assert len(lines) == len((single / "metrics.jsonl").read_text().splitlines())
    assert all(json.loads(line)["world_size"] == 2 for line in lines)
    config = read_config(ddp)
    assert (config["world_size"], config["effective_batch_size"], config["backend"]) == (2, 32, "gloo")
    assert sorted(p.name for p in ddp.iterdir()) == sorted(p.name for p in single.iterdir())

    # Same global batches (shared seed, each rank a half), averaged gradients = the 32-sample mean gradient:
    # only float32 summation order differs, which moves losses by ~1e-7 relative; 1e-4 leaves room for growth.
    for got, want in zip(epoch_losses(ddp), epoch_losses(single), strict=True):
        assert got["total"] == pytest.approx(want["total"], rel=1e-4)
    a = load_checkpoint(checkpoint_path(ddp, "last")).model.state_dict()
    b = load_checkpoint(checkpoint_path(single, "last")).model.state_dict()
    assert all(torch.allclose(a[k], b[k], rtol=1e-4, atol=1e-5) for k in a)
