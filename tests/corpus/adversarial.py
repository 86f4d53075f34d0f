"""The adversarial run: every crafted hostile input through the CLI and the Python API, as a stranger would.

Each case runs in its own process under a memory limit (RLIMIT_AS, like `ulimit -v`) and a timeout, with the
machine's real memory budget (no $AEVIEWER_MEMORY_BUDGET). A case passes when the command prints one line
`aeviewer: error: ...` and exits 2 (or succeeds), or the API raises our own error type. Anything else is
counted: a traceback, another exception type, a signal, a hang past the timeout. Peak memory is the largest
resident size of any case.

    python -m tests.corpus.adversarial [--limit-gb 4] [--timeout 60] [--mutations 8] [--jobs 2] [--keep DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tests.corpus.make_corpus import CORPUS, BadInput

ROOT = Path(__file__).resolve().parents[2]

_API = """
import sys
from pathlib import Path
kind, path = sys.argv[1], Path(sys.argv[2])
from aeviewer.core.errors import AeviewerError
try:
    if kind == "dataset":
        from aeviewer.core.data.loaders import load_dataset; load_dataset(path)
    elif kind == "model":
        from aeviewer.core.train.checkpoint import load_checkpoint; load_checkpoint(path)
    elif kind == "session":
        from aeviewer.core.session.scene import Scene; Scene.from_session(path)
    elif kind == "run":
        from aeviewer.core import run_folder; run_folder.read_config(path); run_folder.load_resume_state(path)
    elif kind == "user-model":
        from aeviewer.core.models.user_model import load_user_model
        load_user_model(path, path.parent / "weights.safetensors", (1, 8, 8))
    elif kind == "recording":
        from aeviewer.core.session.recording import load_probe_path; load_probe_path(path)
    elif kind == "follow":
        from aeviewer.core.train.run_folder import MetricsTail; MetricsTail(path / "metrics.jsonl").read_new()
except AeviewerError as exc:
    print("aeviewer: error:", exc, file=sys.stderr)
    sys.exit(2)
except BaseException as exc:
    import traceback; traceback.print_exc()
    sys.exit(3)
"""
_CLI = "import sys; from aeviewer.cli import main; sys.exit(main(sys.argv[1:]))"


@dataclass
class Outcome:
    name: str
    surface: str
    verdict: str  # "clean error", "accepted", "traceback", "hang", "crash"
    seconds: float
    peak_mb: float
    detail: str = ""


@dataclass
class Case:
    name: str
    surface: str  # "cli" or "api"
    argv: list[str]
    expect_error: bool = True
    input: str = ""  # the input it runs on (several cases share one)


def _limit(limit_bytes: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))
        os.setsid()

    return apply


def run_case(case: Case, limit_bytes: int, timeout: float, workdir: Path) -> Outcome:
    """Run one case in a fresh process under the limits; classify what came out."""
    out, err = workdir / f"{case.name}.{case.surface}.out", workdir / f"{case.name}.{case.surface}.err"
    env = {k: v for k, v in os.environ.items() if k not in ("AEVIEWER_MEMORY_BUDGET", "AEVIEWER_DEBUG")}
    env.update(QT_QPA_PLATFORM="offscreen", AEVIEWER_DATA_DIR=str(workdir / "data"), OMP_NUM_THREADS="1",
               PYTHONPATH=str(ROOT))
    start = time.monotonic()
    with open(out, "wb") as fo, open(err, "wb") as fe:
        proc = subprocess.Popen(case.argv, stdout=fo, stderr=fe, cwd=workdir, env=env,
                                preexec_fn=_limit(limit_bytes))
        timer = threading.Timer(timeout, lambda: _kill(proc))
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.monotonic() - start
    peak_mb = usage.ru_maxrss / 1024
    text = err.read_text(errors="replace").strip()
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("note: ")]
    rc = proc.returncode
    if seconds >= timeout:
        verdict = "hang"
    elif "Traceback" in text or rc == 3:
        verdict = "traceback"
    elif rc < 0:
        verdict = "crash"
    elif rc == 2 and len(lines) == 1 and lines[0].startswith("aeviewer: error: "):
        verdict = "clean error"
    elif rc == 0:
        verdict = "accepted"
    else:
        verdict = "traceback"  # any other exit: not the one line the README promises
    return Outcome(case.name, case.surface, verdict, seconds, peak_mb, (lines[-1] if lines else f"rc {rc}")[:300])


def _kill(proc: subprocess.Popen) -> None:
    with contextlib.suppress(OSError):
        os.killpg(proc.pid, 9)


def _cli_argv(case: BadInput, path: Path) -> list[list[str]]:
    """The commands a stranger would try on this input."""
    py = [sys.executable, "-c", _CLI]
    weights = str(path.parent / "weights.safetensors")
    if case.opens_as == "run":
        return [py + ["train", "--resume", str(path), "--device", "cpu"]]
    if case.opens_as == "user-model":
        return [py + ["info", "--model-code", str(path), "--weights", weights],
                py + ["encode", "--model-code", str(path), "--weights", weights, "--out", str(path.parent / "z.npy")]]
    if case.opens_as == "recording":
        return []
    if case.opens_as == "model":
        return [py + ["info", str(path)], py + ["encode", "--model", str(path), "--out", str(path.parent / "z.npy")]]
    if case.opens_as == "session":
        return [py + ["info", str(path)],
                py + ["export", "--session", str(path), "--what", "png", "--out", str(path.parent / "s.png")]]
    return [py + ["info", str(path)],
            py + ["train", "--data", str(path), "--epochs", "1", "--out", str(path.parent / "m.safetensors")]]


def _mutants(root: Path, count: int, seed: int) -> list[tuple[str, Path, str]]:
    """Random byte mutations of valid files of every format: (name, path, opens_as)."""
    import numpy as np

    from aeviewer.core.models import ModelConfig, build_model
    from aeviewer.core.session.session import Session, save_session
    from aeviewer.core.train.checkpoint import save_checkpoint
    from tests.datafiles import idx_bytes, sample_images, sample_labels, write_csv

    valid = root / "valid"
    valid.mkdir()
    np.save(valid / "x.npy", sample_images(20, 8, 8))
    np.savez(valid / "x.npz", x=sample_images(20, 8, 8), y=sample_labels(20))
    write_csv(valid / "t.csv", [[*img.reshape(-1)[:16], lab] for img, lab in zip(sample_images(20, 4, 4),
                                                                                 sample_labels(20), strict=True)])
    (valid / "train-images-idx3-ubyte").write_bytes(idx_bytes(sample_images(20, 8, 8)))
    model = build_model(ModelConfig(input_shape=(1, 8, 8), hidden=(8,)), seed=0)
    save_checkpoint(valid / "m.safetensors", model, dataset_name="digits")
    save_session(valid / "s.aev", Session(dataset="digits", model=model, probes={"ae": (0.1, 0.2)}))
    files = [(valid / "x.npy", "dataset"), (valid / "x.npz", "dataset"), (valid / "t.csv", "dataset"),
             (valid / "train-images-idx3-ubyte", "dataset"), (valid / "m.safetensors", "model"),
             (valid / "s.aev", "session")]
    rng = random.Random(seed)
    out = []
    for i in range(count):
        for source, kind in files:
            data = bytearray(source.read_bytes())
            for _ in range(rng.randint(1, 6)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            if rng.random() < 0.3:
                data = data[: rng.randrange(1, len(data))]
            folder = root / f"mutant-{source.name}-{i}"
            folder.mkdir()
            target = folder / source.name
            target.write_bytes(bytes(data))
            out.append((f"mutant-{source.name}-{i}", target, kind))
    return out


def _hostile_commands(root: Path) -> list[Case]:
    """Hostile arguments rather than files: absurd sizes and numbers, a run folder to follow with bad lines."""
    py = [sys.executable, "-c", _CLI]
    follow = root / "follow"
    follow.mkdir()
    (follow / "metrics.jsonl").write_bytes(b"[" * 100_000 + b"\n" + b'{"step": 1, "losses": {"a": 1}}\n')
    from aeviewer.core.models import ModelConfig, build_model
    from aeviewer.core.session.recording import ProbePath
    from aeviewer.core.session.session import Session, save_session

    session = save_session(root / "valid.aev", Session(
        dataset="digits", model=build_model(ModelConfig(input_shape=(1, 8, 8), hidden=(8,)), seed=0),
        paths=[ProbePath("drag", [(0.0, 0.0, 0.0), (3000.0, 1.0, 1.0)])]))
    table = root / "labels.csv"
    table.write_text("3,0.1,0.2\n1,0.3,0.4\n2,0.5,0.6\n")
    commands = {
        "export-gif-fps-1e9": ["export", "--session", str(session), "--what", "gif", "--fps", "1e9", "--out", "a"],
        "export-gif-speed-tiny": ["export", "--session", str(session), "--what", "gif", "--speed", "1e-300",
                                  "--out", "b"],
        "export-size-huge": ["export", "--session", str(session), "--what", "png", "--size", "1000000000",
                             "--out", "c.png"],
        "export-grid-huge": ["export", "--session", str(session), "--what", "grid", "--grid", "100000000",
                             "--out", "d.png"],
        "label-column-0": ["info", str(table), "--label-column", "0"],
        "latent-1e9": ["train", "--latent", "1000000000", "--epochs", "1"],
        "epochs-negative": ["train", "--epochs", "-5"],
        "lr-nan": ["train", "--lr", "nan"],
        "batch-0": ["train", "--batch-size", "0"],
        "beta-inf": ["train", "--model", "vae", "--beta", "inf"],
        "seed-huge": ["train", "--seed", str(2**70)],
        "export-fps-1e9": ["export", "--model", "nowhere.safetensors", "--what", "gif", "--fps", "1e9", "--out", "a"],
        "label-column-missing": ["info", str(ROOT / "README.md"), "--label-column", "zz"],
        "resume-not-a-folder": ["train", "--resume", str(ROOT / "README.md")],
        "data-dev-zero": ["info", "/dev/zero"],
        "data-proc": ["info", "/proc/self/mem"],
        "model-dev-null": ["info", "/dev/null.safetensors"],
    }
    cases = [Case(f"cmd-{name}", "cli", py + argv, input=f"cmd-{name}") for name, argv in commands.items()]
    cases.append(Case("follow-bad-metrics", "api", [sys.executable, "-c", _API, "follow", str(follow)],
                      expect_error=False, input="follow-bad-metrics"))
    return cases


def build_cases(root: Path, mutations: int) -> list[Case]:
    cases: list[Case] = []
    for bad in CORPUS:
        folder = root / bad.name
        folder.mkdir()
        path = bad.build(folder)
        cases.append(Case(bad.name, "api", [sys.executable, "-c", _API, bad.opens_as, str(path)], input=bad.name))
        for i, argv in enumerate(_cli_argv(bad, path)):
            cases.append(Case(f"{bad.name}.{argv[3]}" + (f"-{i}" if i else ""), "cli", argv, input=bad.name))
    for name, path, kind in _mutants(root, mutations, seed=14):
        cases.append(Case(name, "api", [sys.executable, "-c", _API, kind, str(path)], expect_error=False, input=name))
        cases.append(Case(name, "cli", [sys.executable, "-c", _CLI, "info", str(path)], expect_error=False,
                          input=name))
    cases.extend(_hostile_commands(root))
    return cases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit-gb", type=float, default=4.0, help="address-space limit per case (ulimit -v)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a case counts as a hang")
    parser.add_argument("--mutations", type=int, default=8, help="random mutants of each valid file format")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", help="keep the inputs and outputs in this folder")
    parser.add_argument("--json", help="write every outcome to this JSON file")
    args = parser.parse_args(argv)
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="aeviewer-adversarial-"))
    root.mkdir(parents=True, exist_ok=True)
    inputs, logs = root / "inputs", root / "logs"
    inputs.mkdir(exist_ok=True)
    logs.mkdir(exist_ok=True)
    cases = build_cases(inputs, args.mutations)
    limit = int(args.limit_gb * 1024**3)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        outcomes = list(pool.map(lambda c: run_case(c, limit, args.timeout, logs), cases))
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o.verdict] = counts.get(o.verdict, 0) + 1
    bad = [o for o in outcomes if o.verdict in ("traceback", "hang", "crash")]
    worst = max(outcomes, key=lambda o: o.peak_mb)
    slowest = max(outcomes, key=lambda o: o.seconds)
    inputs_n = len({c.input for c in cases})
    loaded = [c.name for c, o in zip(cases, outcomes, strict=True) if c.expect_error and o.verdict == "accepted"]
    print(f"adversarial run: {len(outcomes)} runs of {inputs_n} inputs in {time.monotonic() - started:.0f} s "
          f"(limit {args.limit_gb:g} GB address space, timeout {args.timeout:g} s)")
    for verdict in ("clean error", "accepted", "traceback", "crash", "hang"):
        print(f"  {verdict:12s} {counts.get(verdict, 0)}")
    print(f"  peak memory  {worst.peak_mb:,.0f} MB ({worst.name}, {worst.surface})")
    print(f"  slowest      {slowest.seconds:.1f} s ({slowest.name}, {slowest.surface})")
    for o in bad:
        print(f"  ! {o.verdict}: {o.name} ({o.surface}): {o.detail}")
    if loaded:  # within this machine's budget and limits these load, which is allowed; listed to be seen
        print(f"  loaded within the limits although crafted to fail: {', '.join(loaded)}")
    if args.json:
        Path(args.json).write_text(json.dumps([o.__dict__ for o in outcomes], indent=1))
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
