"""`aeviewer` opens the window; subcommands train, encode, describe and fetch data headless.

User mistakes print one line and exit non-zero, never a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aeviewer import __version__
from aeviewer.core.errors import AeviewerError

MODEL_SUFFIXES = {".safetensors", ".pt", ".pth"}
MAX_EXPORT_SIDE = 8192  # pixels per side of an exported scatter
MAX_GRID = 64  # decodes per side of a manifold grid (4,096 decodes)


class ProgressBar:
    """A one-line text progress bar on stderr (no dependency; redraws in place)."""

    def __init__(self, total: int | None, label: str, width: int = 30) -> None:
        self.total, self.label, self.width = total, label, width
        self.tty = sys.stderr.isatty()

    def update(self, done: float, suffix: str = "") -> None:
        if self.total:
            frac = min(1.0, done / self.total)
            bar = "█" * int(frac * self.width) + "·" * (self.width - int(frac * self.width))
            line = f"{self.label} {bar} {frac:6.1%} {suffix}"
        else:
            line = f"{self.label} {suffix}"
        if self.tty:
            sys.stderr.write("\r" + line[:120].ljust(120))
            sys.stderr.flush()

    def close(self) -> None:
        if self.tty:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _add_user_model_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model-code", metavar="FILE.py",
                        help="your own model: a Python file defining an nn.Module with encode and decode")
    parser.add_argument("--weights", metavar="W", help="its weights (.safetensors, or a .pt state dict)")
    parser.add_argument("--model-class", help="the class to build when the file defines several")


def _load_user_model_for(args: argparse.Namespace, dataset):
    """--model-code/--weights → the wrapped user model, probed with the dataset's sample shape."""
    from aeviewer.core.models.user_model import load_user_model

    if not args.weights:
        raise AeviewerError("--model-code needs --weights (safetensors, or a .pt state dict)")
    return load_user_model(args.model_code, args.weights, tuple(dataset.sample_shape), args.model_class)


def _add_label_column_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--label-column", metavar="COL",
                        help="CSV only: the label column (a header name, a 1-based number, -1 for the last, or "
                             "'none'); default: a 'label'/'class'/'y' header, else detected")


def _load_data(args: argparse.Namespace, spec: str | None = None, label_column: str | None = None):
    """load_dataset with --label-column, printing what the loader decided (e.g. a detected label column)."""
    from aeviewer.core.data.loaders import load_dataset

    column = label_column if label_column is not None else getattr(args, "label_column", None)
    dataset = load_dataset(spec if spec is not None else args.data, column)
    for note in dataset.notes:
        print(f"note: {note}", file=sys.stderr)
    return dataset


def _check_training_numbers(args: argparse.Namespace) -> None:
    """Refuse training settings no run can use before loading anything (a bad number is a typo, not a request)."""
    import math

    for flag, value in (("--epochs", args.epochs), ("--batch-size", args.batch_size),
                        ("--checkpoint-every", args.checkpoint_every)):
        if value is not None and not 1 <= value <= 1_000_000:
            raise AeviewerError(f"{flag} {value} is out of range (1 to 1,000,000)")
    if args.lr is not None and not (math.isfinite(args.lr) and 0 < args.lr <= 10):
        raise AeviewerError(f"--lr {args.lr} must be a number above 0 and at most 10")
    for flag, value in (("--beta", args.beta), ("--l1", args.l1)):
        if not (math.isfinite(value) and 0 <= value <= 1e6):
            raise AeviewerError(f"{flag} {value} must be a finite number from 0 to 1,000,000")
    if not 0 <= args.seed < 2**63:
        raise AeviewerError(f"--seed {args.seed} must be a whole number from 0 to 2^63-1")


def _build_parser() -> argparse.ArgumentParser:
    from aeviewer.core.models import BACKBONES, MODEL_KINDS, PRESETS

    parser = argparse.ArgumentParser(prog="aeviewer", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"aeviewer {__version__}")
    parser.add_argument("--data", default="digits", help="dataset to open in the window (default: digits)")
    parser.add_argument("--model", help="model checkpoint to open in the window")
    parser.add_argument("--self-test", action="store_true",
                        help="train a tiny model, decode a point, render the window offscreen; exit 0 if all worked")
    parser.add_argument("--follow", metavar="DIR", help="follow a run folder (aeviewer train --run) as it trains")
    _add_user_model_options(parser)
    sub = parser.add_subparsers(dest="command")

    train = sub.add_parser("train", help="train a model headless and save it")
    train.add_argument("--data", default="digits", help="digits, mnist, fashion-mnist, cifar10 or a path")
    train.add_argument("--model", dest="kind", choices=MODEL_KINDS, default="ae")
    train.add_argument("--preset", choices=sorted(PRESETS), help="a named architecture, e.g. seed-mlp")
    train.add_argument("--backbone", choices=BACKBONES, default="mlp")
    train.add_argument("--latent", type=int, default=2)
    train.add_argument("--loss", choices=("mse", "bce"), default="mse")
    train.add_argument("--beta", type=float, default=1.0, help="VAE KL weight")
    train.add_argument("--l1", type=float, default=1e-4, help="sparse: L1 weight on the code")
    train.add_argument("--epochs", type=int, default=None, help="epochs in all (default 20; with --resume: as before)")
    train.add_argument("--batch-size", type=int, default=None)
    train.add_argument("--lr", type=float, default=None)
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--device", default="auto", help="auto, cpu or cuda")
    train.add_argument("--out", help="where to write the model (default: DATA-KIND-LATENTd.safetensors here)")
    train.add_argument("--run", "--run-dir", dest="run", metavar="DIR",
                       help="write a run folder: config, metrics log, checkpoints, `last` (--run-dir under torchrun)")
    train.add_argument("--resume", metavar="DIR", help="continue the run in DIR from its `last` checkpoint")
    train.add_argument("--checkpoint-every", type=int, default=None, metavar="N",
                       help="with --run: keep a numbered checkpoint every N epochs (default 5; --resume: as before)")
    _add_label_column_option(train)

    encode = sub.add_parser("encode", help="write a dataset's latent codes as .npy")
    encode.add_argument("--model", help="checkpoint (.safetensors, or .pt with its .json)")
    _add_user_model_options(encode)
    encode.add_argument("--data", default="digits")
    encode.add_argument("--split", choices=("all", "train", "test"), default="all")
    encode.add_argument("--out", required=True)
    _add_label_column_option(encode)

    points = sub.add_parser("points", help="show precomputed 2-D coordinates (.npy, N×2; N×D codes: first two PCs)")
    points.add_argument("file", help=".npy of N×2 coordinates or N×D codes")
    points.add_argument("--labels", help=".npy of N integer labels (default: FILE_labels.npy beside it, if any)")
    points.add_argument("--contours", choices=("off", "all", "class"), default="off",
                        help="density contours: over all points or one set per class")

    info = sub.add_parser("info", help="describe a checkpoint, a session or a dataset")
    info.add_argument("file", nargs="?", help="a model, session (.aev) or dataset file (omit with --model-code)")
    info.add_argument("--data", default="digits", help="with --model-code: the dataset whose samples probe it")
    _add_label_column_option(info)
    _add_user_model_options(info)

    data = sub.add_parser("data", help="download or list the standard datasets")
    data_sub = data.add_subparsers(dest="data_command", required=True)
    get = data_sub.add_parser("get", help="download a dataset into the user data folder")
    get.add_argument("name", choices=("mnist", "fashion-mnist", "cifar10"))
    get.add_argument("--mirror", help="base URL to download from instead of the standard mirror")
    data_sub.add_parser("list", help="show which datasets are present")

    export = sub.add_parser("export", help="make figures, animations or Projector TSV headless")
    source = export.add_mutually_exclusive_group(required=True)
    source.add_argument("--session", help="a saved .aev session")
    source.add_argument("--model", help="a model checkpoint (use with --data)")
    source.add_argument("--model-code", metavar="FILE.py", help="your own model file (use with --weights, --data)")
    source.add_argument("--run", metavar="DIR", help="a run folder (aeviewer train --run): with --what replay")
    export.add_argument("--weights", metavar="W", help="with --model-code: its weights (.safetensors or .pt)")
    export.add_argument("--model-class", help="with --model-code: the class to build when the file defines several")
    export.add_argument("--data", default="digits", help="dataset for --model (default: digits)")
    export.add_argument("--what", required=True, choices=("png", "grid", "strip", "gif", "mp4", "tsv", "replay"),
                        help="png: latent scatter; grid: decodes over the view; strip: originals above "
                             "reconstructions; gif/mp4: the probe along a path; tsv: Embedding Projector files; "
                             "replay: how a run's latent space formed (--run DIR; .gif or .mp4 by --out)")
    export.add_argument("--interpolate", type=int, default=0, metavar="N", help="replay: N frames between epochs")
    export.add_argument("--layout", choices=("auto", "codes", "pca", "tsne"), default="auto",
                        help="replay: 2-D codes as they are, PCA planes or warm-started t-SNE (auto: codes or pca)")
    export.add_argument("--out", required=True, help="output file (a folder for tsv)")
    export.add_argument("--path", help="recorded path name for gif/mp4 (default: the first, else 'tour')")
    export.add_argument("--fps", type=float, default=None, help="frames per second (default 25; replay: 4)")
    export.add_argument("--speed", type=float, default=1.0, help="replay speed, 2 = twice as fast")
    export.add_argument("--size", type=int, default=480, help="side of the scatter in pixels")
    export.add_argument("--theme", choices=("light", "dark"), help="default: the session's theme")
    export.add_argument("--grid", type=int, default=15, help="grid: decodes per side")
    _add_label_column_option(export)
    from aeviewer.cli_compare import add_compare_parser

    add_compare_parser(sub)
    return parser


def _model_for(args: argparse.Namespace, dataset):
    """The model `train` asks for (a preset or kind/backbone/latent…), seeded, with its training defaults."""
    from aeviewer.core.models import ModelConfig, build_model, preset
    from aeviewer.core.models.model_limits import check_model_config
    from aeviewer.core.train.trainer import TrainConfig

    try:
        if args.preset:
            config = preset(args.preset, dataset.sample_shape)
            defaults = TrainConfig.for_preset(args.preset)
        else:
            config = ModelConfig(kind=args.kind, backbone=args.backbone, input_shape=dataset.sample_shape,
                                 latent_dim=args.latent, loss=args.loss, beta=args.beta, l1=args.l1)
            defaults = TrainConfig()
        check_model_config(config)  # bounded sizes, and one sample runs through it, before real weights exist
        return config, defaults, build_model(config, seed=args.seed)
    except ValueError as exc:
        raise AeviewerError(f"cannot build that model for {dataset.name}: {exc}") from exc


def cmd_train(args: argparse.Namespace) -> int:
    from aeviewer.core.train.distributed import launched_by_torchrun

    _check_training_numbers(args)
    if args.run or args.resume or launched_by_torchrun():
        return cmd_train_run(args)

    from aeviewer.core.train.checkpoint import save_checkpoint
    from aeviewer.core.train.quality import HealthMonitor, evaluate, quality_summary
    from aeviewer.core.train.trainer import TrainConfig, Trainer

    dataset = _load_data(args)
    config, defaults, model = _model_for(args, dataset)
    train_config = TrainConfig(epochs=args.epochs or 20, batch_size=args.batch_size or defaults.batch_size,
                               lr=args.lr or defaults.lr, seed=args.seed, device=args.device)
    train = dataset.split(test=False)
    trainer = Trainer(model, train.x, train_config)
    print(f"Training {config.kind}/{config.backbone} (latent {config.latent_dim}) on {dataset.name}: "
          f"{len(train):,} samples, {train_config.epochs} epochs, batch {train_config.batch_size}, "
          f"on {trainer.device}", file=sys.stderr)
    bar = ProgressBar(train_config.epochs, "training")
    health = HealthMonitor(train.x)
    interrupted = False
    try:
        for event in trainer.run():
            if event.notice:
                bar.close()
                print(f"note: {event.notice}", file=sys.stderr)
            steps = (event.epoch - 1) + (event.step - (event.epoch - 1) * event.steps_per_epoch) / event.steps_per_epoch
            bar.update(steps, f"epoch {event.epoch}/{event.epochs} {event.samples_per_s:,.0f}/s")
            if event.epoch_done:
                bar.close()
                terms = "  ".join(f"{k} {v:.5g}" for k, v in event.losses.items())
                print(f"epoch {event.epoch:3d}/{event.epochs}  {terms}", file=sys.stderr)
                collapse = health.epoch_end(trainer.model, event.epoch, event.losses)
                if collapse is not None:
                    print(f"warning: {collapse.message}", file=sys.stderr)
    except KeyboardInterrupt:
        interrupted = True
        bar.close()
        trainer.restore_last_epoch()  # mid-epoch weights don't match any history row
        if trainer.completed_epochs == 0:
            print("Interrupted before the first epoch finished: nothing to save.", file=sys.stderr)
            return 130
        print(f"Interrupted: saving the model as of epoch {trainer.completed_epochs} (the last completed one).",
              file=sys.stderr)
    default_out = f"{Path(dataset.name).stem}-{config.kind}-{config.latent_dim}d.safetensors"
    out = save_checkpoint(args.out or default_out, trainer.model, dataset_name=dataset.name,
                          dataset_shape=tuple(dataset.x.shape), history=trainer.history,
                          train_config=train_config)
    if len(dataset.split(test=True)) and not interrupted:
        last = trainer.history[-1] if trainer.history else None
        said = health.watch.reported.message if health.watch.reported is not None else None
        print(quality_summary(evaluate(trainer.model, dataset, losses=last), already_said=said), file=sys.stderr)
    print(out)
    return 130 if interrupted else 0


def cmd_train_run(args: argparse.Namespace) -> int:
    """Train into a run folder (`--run`/`--resume`), possibly as one rank of a torchrun job."""
    from aeviewer.core.train import distributed

    context = distributed.init_distributed(args.device) if distributed.launched_by_torchrun() else None
    finished = False
    try:
        code = _train_run(args, context)
        finished = True
        return code
    finally:
        distributed.shutdown_distributed(finished_together=finished)


@dataclasses.dataclass
class _RunPlan:
    """What `train --run/--resume` will do, decided before anything trains: the folder, data, model, settings
    and, for a resume, the saved config and state."""

    folder: Path
    data_spec: str
    dataset: Any
    config: Any
    model: Any
    train_config: Any
    every: int
    label_column: str | None
    saved: dict[str, Any] | None = None
    resume: Any = None


def _plan_run(args: argparse.Namespace, main_rank: bool) -> _RunPlan:
    """Read a run folder to resume, or check a new one is free; load the data and build or load the model."""
    from aeviewer.core.train import run_folder
    from aeviewer.core.train.trainer import TrainConfig

    if args.run and args.resume:
        raise AeviewerError("give either --run DIR (a new run) or --resume DIR (continue one), not both")
    if args.resume:
        folder = Path(args.resume)
        saved = run_folder.read_config(folder)
        resume = run_folder.load_resume_state(folder)
        config = resume.checkpoint.config
        train_config = TrainConfig.from_dict({**saved["train"], "device": args.device,  # this machine's, not the old
                                              **({"epochs": args.epochs} if args.epochs else {})})
        label_column = args.label_column if args.label_column is not None else saved.get("label_column")
        label_column = label_column if isinstance(label_column, str) else None
        dataset = _load_data(args, saved["data"], label_column)
        if tuple(dataset.sample_shape) != tuple(config.input_shape):
            raise AeviewerError(f"{folder}: the run trained on {tuple(config.input_shape)} samples but "
                                f"{saved['data']} now has {tuple(dataset.sample_shape)}")
        return _RunPlan(folder, saved["data"], dataset, config, resume.checkpoint.model, train_config,
                        args.checkpoint_every or int(saved.get("checkpoint_every") or 5), label_column, saved, resume)
    folder = Path(args.run) if args.run else Path(f"run-{Path(args.data).stem}-{args.kind}")
    if run_folder.checkpoint_path(folder, run_folder.LAST_NAME).exists():
        raise AeviewerError(f"{folder} already holds a run: continue it with --resume {folder}, or pick a new DIR")
    stale_log = folder / run_folder.METRICS_NAME
    if main_rank and stale_log.exists():  # a run that stopped before its first save: start the log afresh
        stale_log.unlink()
    dataset = _load_data(args, args.data)
    config, defaults, model = _model_for(args, dataset)
    train_config = TrainConfig(epochs=args.epochs or 20, batch_size=args.batch_size or defaults.batch_size,
                               lr=args.lr or defaults.lr, seed=args.seed, device=args.device)
    return _RunPlan(folder, args.data, dataset, config, model, train_config, args.checkpoint_every or 5,
                    args.label_column)


def _train_run(args: argparse.Namespace, context) -> int:
    """Plan the run, build its Trainer (sharded under torchrun, at the saved position for a resume), run it."""
    from aeviewer.core.train import distributed, run_folder
    from aeviewer.core.train.trainer import Trainer

    main_rank = context is None or context.is_main
    say = (lambda text: print(text, file=sys.stderr)) if main_rank else (lambda text: None)
    plan = _plan_run(args, main_rank)
    parallel, agreement = None, None
    if context is not None:
        plan.train_config = distributed.shared_seed(dataclasses.replace(plan.train_config, device=context.device),
                                                    context)
        parallel, agreement = distributed.data_parallel(plan.model, context)
    world = context.world_size if context is not None else 1
    point = None
    if plan.resume is not None:
        before = int((plan.saved or {}).get("world_size") or 1)
        point = run_folder.resume_point(plan.resume, before, world)
        if before != world and plan.resume.position[1]:
            say(f"note: the run used {before} process(es), now {world}: the effective batch changes with it")
    train = plan.dataset.split(test=False)
    # restore_on_cancel=False: a stop saves the exact mid-epoch state, to resume bit for bit
    trainer = Trainer(plan.model, train.x, plan.train_config, parallel=parallel, resume=point,
                      restore_on_cancel=False)
    writer = _run_writer(plan, context, world) if main_rank else None
    epoch, step = trainer.position
    cfg, tc = plan.config, plan.train_config
    start = f"resuming at epoch {epoch} step {step}" if plan.resume is not None else "starting"
    say(f"{start}: "
        f"{cfg.kind}/{cfg.backbone} (latent {cfg.latent_dim}) on {plan.dataset.name}, {len(train):,} samples, "
        f"{tc.epochs} epochs on {world} process(es) ({trainer.device}"
        f"{', ' + context.backend if context is not None else ''}); effective batch {world}×{tc.batch_size}"
        f" = {world * tc.batch_size}, learning rate {tc.lr:g}; run folder {plan.folder}")
    return _run_trainer(args, plan, trainer, writer, agreement, world, say)


def _run_writer(plan: _RunPlan, context, world: int):
    """The run folder's writer, with its config.json written (rank 0 only)."""
    from aeviewer.core.train import run_folder

    tc = plan.train_config
    writer = run_folder.RunWriter(plan.folder, dataset_name=plan.dataset.name,
                                  dataset_shape=tuple(plan.dataset.x.shape), checkpoint_every=max(1, plan.every),
                                  world_size=world)
    writer.write_config({"data": plan.data_spec, "model": plan.config.to_dict(), "train": tc.to_dict(),
                         "world_size": world, "batch_size_per_rank": tc.batch_size,
                         "effective_batch_size": tc.batch_size * world, "checkpoint_every": plan.every,
                         "backend": context.backend if context is not None else None,
                         "label_column": plan.label_column if plan.resume is None
                         else (plan.saved or {}).get("label_column")})
    return writer


def _run_trainer(args: argparse.Namespace, plan: _RunPlan, trainer, writer, agreement, world: int, say) -> int:
    """Iterate the Trainer: log, checkpoint and check health at epoch ends; SIGTERM/SIGINT save and stop."""
    import signal

    from aeviewer.core.train import formation, run_folder
    from aeviewer.core.train.checkpoint import save_checkpoint
    from aeviewer.core.train.quality import HealthMonitor

    stop_signal: list[int] = []

    def stop(signum, _frame) -> None:
        stop_signal.append(signum)
        if agreement is not None:
            agreement.request()
        else:
            trainer.cancel()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    health = HealthMonitor(plan.dataset.split(test=False).x)
    replay = None if writer is None else formation.run_recorder(plan.folder, plan.dataset, plan.train_config.epochs,
                                                                trainer.steps_per_epoch, plan.resume is not None)
    if replay is not None and not len(replay.formation):
        replay.record(trainer.model, trainer.steps_per_epoch * (trainer.position[0] - 1) + trainer.position[1],
                      float("nan"))  # the codes before training: where the replay starts
    try:
        for event in trainer.run():
            if writer is None or replay is None:
                continue
            writer.log(event)
            replay.observe(trainer.model, event)
            if event.epoch_done:
                terms = "  ".join(f"{k} {v:.5g}" for k, v in event.losses.items())
                say(f"epoch {event.epoch:3d}/{event.epochs}  {terms}  {event.samples_per_s * world:,.0f} samples/s")
                writer.save(trainer, plan.train_config, numbered=event.epoch % writer.checkpoint_every == 0)
                replay.save(plan.folder / formation.FORMATION_NAME)
                collapse = health.epoch_end(trainer.model, event.epoch, event.losses)
                if collapse is not None:
                    say(f"warning: {collapse.message}")
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if replay is not None and trainer.history:
        epoch, step = trainer.position
        replay.finish(trainer.model, (epoch - 1) * trainer.steps_per_epoch + step,
                      float(trainer.history[-1].get("total", float("nan"))))
        replay.save(plan.folder / formation.FORMATION_NAME)
    if trainer.cancelled or stop_signal:
        if writer is not None:
            last = writer.save(trainer, plan.train_config, numbered=False)
            epoch, step = trainer.position
            say(f"stopped at epoch {epoch} step {step}; saved {last}. "
                f"Continue with: aeviewer train --resume {plan.folder}")
        return 128 + (stop_signal[0] if stop_signal else signal.SIGTERM)
    if writer is not None:
        last = run_folder.checkpoint_path(plan.folder, run_folder.LAST_NAME)
        if args.out:
            last = save_checkpoint(args.out, trainer.model, dataset_name=plan.dataset.name,
                                   dataset_shape=tuple(plan.dataset.x.shape), history=trainer.history,
                                   train_config=plan.train_config)
        print(last)
    return 0


def cmd_encode(args: argparse.Namespace) -> int:

    from aeviewer.core.models.inference import encode_array
    from aeviewer.core.train.checkpoint import load_checkpoint

    if bool(args.model) == bool(args.model_code):
        raise AeviewerError("encode needs either --model CHECKPOINT or --model-code FILE.py --weights W")
    dataset = _load_data(args)
    if args.model_code:
        model = _load_user_model_for(args, dataset)
    else:
        loaded = load_checkpoint(args.model)
        if tuple(dataset.sample_shape) != tuple(loaded.config.input_shape):
            raise AeviewerError(f"{args.model}: the model takes {tuple(loaded.config.input_shape)} inputs but "
                                f"{dataset.name} has {tuple(dataset.sample_shape)}")
        model = loaded.model
    part = dataset if args.split == "all" else dataset.split(test=args.split == "test")
    codes = encode_array(model, part.x)
    out = Path(args.out)
    _atomic_save_npy(out, codes)
    print(f"{out}: {codes.shape[0]:,} codes of {codes.shape[1]} dims", file=sys.stderr)
    return 0


def _atomic_save_npy(path: Path, array) -> None:
    """Write `array` as .npy via a temp file + rename: a full disk or read-only folder leaves any old file intact."""
    import io

    import numpy as np

    from aeviewer.core.atomic import atomic_write, os_problem

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AeviewerError(f"{path}: could not write: {os_problem(exc)}") from exc
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    atomic_write({path: buffer.getvalue()})


def cmd_info(args: argparse.Namespace) -> int:
    if args.model_code:
        model = _load_user_model_for(args, _load_data(args))
        print(f"{args.model_code}: your model, weights {args.weights}")
        for key, value in model.config.to_dict().items():
            print(f"  {key}: {value}")
        print(f"  input: {'flattened' if model.flat_input else 'as the samples are'}")
        print(f"  parameters: {sum(p.numel() for p in model.parameters()):,}")
        return 0
    if not args.file:
        raise AeviewerError("info needs a FILE (or --model-code FILE.py --weights W)")
    path = Path(args.file)
    if path.suffix.lower() == ".aev":
        return _info_session(path)
    if path.suffix.lower() in MODEL_SUFFIXES:
        from aeviewer.core.train.checkpoint import load_checkpoint

        loaded = load_checkpoint(path)
        n_params = sum(p.numel() for p in loaded.model.parameters())
        print(f"{path}: aeviewer model (format {loaded.meta.get('format_version', '?')})")
        for key, value in loaded.config.to_dict().items():
            print(f"  {key}: {value}")
        print(f"  parameters: {n_params:,}")
        if loaded.meta.get("dataset_name"):
            print(f"  trained on: {loaded.meta['dataset_name']} {tuple(loaded.meta.get('dataset_shape') or ())}")
        history = loaded.meta.get("history") or []
        if history:
            last = "  ".join(f"{k} {v:.5g}" if v is not None else f"{k} nan" for k, v in history[-1].items())
            print(f"  epochs trained: {len(history)}; last: {last}")
        return 0
    ds = _load_data(args, args.file)
    n_test = len(ds.split(test=True)) if ds.is_test is not None else 0
    print(f"{ds.source or args.file}: dataset {ds.name!r}")
    print(f"  samples: {len(ds):,} of shape {tuple(ds.sample_shape)} ({len(ds) - n_test:,} train, {n_test:,} test)")
    if ds.y is not None:
        import numpy as np

        counts = np.bincount(ds.y)
        names = ", ".join(f"{ds.class_name(i)}: {c}" for i, c in enumerate(counts) if c)
        print(f"  classes ({int((counts > 0).sum())}): {names}")
    else:
        print("  no labels")
    return 0


def _info_session(path: Path) -> int:
    """`info` on a saved session: what it will reopen (dataset, model, view), after validating all of it."""
    from aeviewer.core.session.session import load_session

    session = load_session(path)
    print(f"{path}: aeviewer session")
    print(f"  dataset: {session.dataset}")
    if session.model is None:
        print("  model: none")
    else:
        config = session.model.config
        source = f" from {config.source}" if getattr(config, "source", "") else ""
        print(f"  model: {config.kind}/{config.backbone} (latent {config.latent_dim}){source}, "
              f"{sum(p.numel() for p in session.model.parameters()):,} parameters")
        history = session.model_meta.get("history") or []
        if history:
            print(f"  epochs trained: {len(history)}")
    if session.projection:
        print(f"  projection: {session.projection}")
    for view, (x, y) in session.probes.items():
        print(f"  probe ({view}): {x:.4g}, {y:.4g}")
    if session.paths:
        print(f"  recorded paths: {', '.join(f'{p.name!r} ({p.duration:.1f} s)' for p in session.paths)}")
    print(f"  theme: {session.theme}")
    return 0


def cmd_data(args: argparse.Namespace) -> int:
    from aeviewer.core.data import download

    if args.data_command == "list":
        for name, present, path in download.list_datasets():
            print(f"{name:14s} {'present' if present else 'missing':8s} {path}")
        return 0
    bar = ProgressBar(None, f"downloading {args.name}")

    def progress(done: int, total: int | None) -> None:
        bar.total = total
        bar.update(done, f"{done / 1e6:.1f} MB")

    try:
        path = download.fetch_dataset(args.name, base_url=args.mirror, progress=progress)
    finally:
        bar.close()
    print(path)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Headless exports from a session or a model + dataset; the same core code as the window's."""
    import numpy as np

    from aeviewer.core.session import export
    from aeviewer.core.session.scene import Scene

    if args.fps is None:
        args.fps = 4.0 if args.what == "replay" else 25.0
    if not 16 <= args.size <= MAX_EXPORT_SIDE:
        raise AeviewerError(f"--size {args.size} is out of range (16 to {MAX_EXPORT_SIDE:,} pixels)")
    if not 2 <= args.grid <= MAX_GRID:
        raise AeviewerError(f"--grid {args.grid} is out of range (2 to {MAX_GRID} decodes per side)")
    if not (0 < args.fps <= 240 and 0 < args.speed <= 1000):
        raise AeviewerError(f"--fps {args.fps:g} or --speed {args.speed:g} is out of range (fps up to 240, "
                            "speed above 0 and up to 1000)")
    if args.what == "replay" or args.run:
        return _export_replay(args)
    if args.session:
        scene = Scene.from_session(args.session)
    elif args.model_code:
        dataset = _load_data(args)
        scene = Scene.from_model(_load_user_model_for(args, dataset), dataset, args.model_code)
    else:
        from aeviewer.core.train.checkpoint import load_checkpoint

        loaded = load_checkpoint(args.model)
        scene = Scene.from_model(loaded.model, _load_data(args), str(args.model), dict(loaded.meta))
    theme = args.theme or scene.session.theme
    shown, space, out = scene.shown, scene.space, Path(args.out)
    if args.what == "tsv":
        vectors, metadata = export.write_projector_tsv(out, space.codes, shown.y, shown.class_names)
        print(f"{vectors}\n{metadata}")
        return 0
    if args.what == "png":
        renderer = export.ScatterRenderer(space.points, shown.y, (args.size, args.size), scene.ranges(), theme,
                                          title=space.projection.label, class_names=shown.class_names)
        written = export.save_png(out, renderer.render(scene.probe()))
    elif args.what == "grid":
        samples, _ = export.manifold_grid(space.decode_at, scene.ranges(), n=max(2, args.grid))
        scale = max(1, 48 // max(export.display_shape(shown.sample_shape)[:2]))
        written = export.save_png(out, export.tile(export.sample_images(samples, shown.sample_shape, scale),
                                                   columns=max(2, args.grid)))
    elif args.what == "strip":
        n = min(12, len(shown))
        idx = np.linspace(0, len(shown) - 1, n).astype(int)
        written = export.save_png(out, export.reconstruction_strip(
            shown.x[idx], space.reconstructions()[idx], shown.sample_shape))
    else:
        if args.what == "mp4" and out.suffix.lower() != ".mp4":
            out = out.with_name(out.name + ".mp4")
        elif args.what == "gif" and out.suffix.lower() != ".gif":
            out = out.with_name(out.name + ".gif")
        path = scene.path(args.path)
        try:
            positions = path.resample(args.fps, args.speed)
        except ValueError as exc:
            raise AeviewerError(str(exc)) from exc
        renderer = export.ScatterRenderer(space.points, shown.y, (args.size, args.size), scene.ranges(), theme,
                                          title=path.name, class_names=shown.class_names)
        bar = ProgressBar(len(positions), f"writing {out.name}")
        try:
            written = export.write_animation(out, export.path_frames(positions, space.decode_at, shown.sample_shape,
                                                                     renderer),
                                             len(positions), args.fps, progress=lambda d, t: bar.update(d))
        finally:
            bar.close()
        print(f"{written}: {len(positions)} frames of {path.name!r} at {args.fps:g} fps", file=sys.stderr)
    print(written)
    return 0


def _export_replay(args: argparse.Namespace) -> int:
    """`export --run DIR --what replay`: the run's stored frames as a GIF/MP4 (core/session/replay_export.py)."""
    from aeviewer.core.session.replay_export import export_run_replay

    if not (args.run and args.what == "replay"):
        raise AeviewerError("--what replay needs --run DIR (a run folder), and --run goes with --what replay")
    out = Path(args.out)
    if out.suffix.lower() not in (".gif", ".mp4"):
        out = out.with_name(out.name + ".gif")
    bar = ProgressBar(None, f"writing {out.name}")
    try:
        written, frames = export_run_replay(args.run, out, layout=args.layout, between=args.interpolate,
                                            fps=args.fps, size=args.size, theme=args.theme or "light",
                                            class_names=tuple(str(c) for c in range(10)),
                                            progress=lambda d, t: bar.update(d))
    finally:
        bar.close()
    print(f"{written}: {frames} frames at {args.fps:g} fps", file=sys.stderr)
    print(written)
    return 0


def cmd_points(args: argparse.Namespace) -> int:
    from aeviewer.gui.app.launch import run_points

    return run_points(args.file, args.labels, args.contours)


def cmd_self_test(args: argparse.Namespace) -> int:
    from aeviewer.gui.app.self_test import run_self_test

    run_self_test()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    from aeviewer.cli_compare import cmd_compare

    commands = {"train": cmd_train, "encode": cmd_encode, "info": cmd_info, "data": cmd_data,
                "export": cmd_export, "points": cmd_points, "compare": cmd_compare}
    try:
        if args.self_test:
            return cmd_self_test(args)
        if args.command is None:
            from aeviewer.gui.app.launch import run_gui

            return run_gui(args.data, args.model, args.model_code, args.weights, args.model_class,
                           follow=args.follow)
        return commands[args.command](args)
    except AeviewerError as exc:
        print(f"aeviewer: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("aeviewer: interrupted", file=sys.stderr)
        return 130
    except MemoryError:
        print("aeviewer: error: out of memory (the data or model is too large for this machine now)",
              file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - last resort: one line, not a traceback ($AEVIEWER_DEBUG shows it)
        if os.environ.get("AEVIEWER_DEBUG"):
            raise
        where = _innermost_frame(exc)
        print(f"aeviewer: internal error (a bug, please report it): {type(exc).__name__}: "
              f"{' '.join(str(exc).split())[:300]}{where}; set AEVIEWER_DEBUG=1 for the traceback", file=sys.stderr)
        return 3


def _innermost_frame(exc: BaseException) -> str:
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return f" (at {Path(tb.tb_frame.f_code.co_filename).name}:{tb.tb_lineno})" if tb is not None else ""


if __name__ == "__main__":
    sys.exit(main())
