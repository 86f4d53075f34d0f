"""`aeviewer` opens the window; subcommands train, encode, describe and fetch data headless.

User mistakes print one line and exit non-zero, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from aeviewer import __version__
from aeviewer.core.errors import AeviewerError

MODEL_SUFFIXES = {".safetensors", ".pt", ".pth"}


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
    from aeviewer.core.user_model import load_user_model

    if not args.weights:
        raise AeviewerError("--model-code needs --weights (safetensors, or a .pt state dict)")
    return load_user_model(args.model_code, args.weights, tuple(dataset.sample_shape), args.model_class)


def _build_parser() -> argparse.ArgumentParser:
    from aeviewer.core.models import BACKBONES, MODEL_KINDS, PRESETS

    parser = argparse.ArgumentParser(prog="aeviewer", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"aeviewer {__version__}")
    parser.add_argument("--data", default="digits", help="dataset to open in the window (default: digits)")
    parser.add_argument("--model", help="model checkpoint to open in the window")
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
    train.add_argument("--l1", type=float, default=1e-3, help="sparse: L1 weight on the code")
    train.add_argument("--epochs", type=int, default=20)
    train.add_argument("--batch-size", type=int, default=None)
    train.add_argument("--lr", type=float, default=None)
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--device", default="auto", help="auto, cpu or cuda")
    train.add_argument("--out", help="where to write the model (default: DATA-KIND-LATENTd.safetensors here)")

    encode = sub.add_parser("encode", help="write a dataset's latent codes as .npy")
    encode.add_argument("--model", help="checkpoint (.safetensors, or .pt with its .json)")
    _add_user_model_options(encode)
    encode.add_argument("--data", default="digits")
    encode.add_argument("--split", choices=("all", "train", "test"), default="all")
    encode.add_argument("--out", required=True)

    info = sub.add_parser("info", help="describe a checkpoint or a dataset")
    info.add_argument("file", nargs="?", help="a model or dataset file (omit with --model-code)")
    info.add_argument("--data", default="digits", help="with --model-code: the dataset whose samples probe it")
    _add_user_model_options(info)

    data = sub.add_parser("data", help="download or list the standard datasets")
    data_sub = data.add_subparsers(dest="data_command", required=True)
    get = data_sub.add_parser("get", help="download a dataset into the user data folder")
    get.add_argument("name", choices=("mnist", "fashion-mnist", "cifar10"))
    get.add_argument("--mirror", help="base URL to download from instead of the standard mirror")
    data_sub.add_parser("list", help="show which datasets are present")
    return parser


def cmd_train(args: argparse.Namespace) -> int:
    import numpy as np

    from aeviewer.core.checkpoint import save_checkpoint
    from aeviewer.core.loaders import load_dataset
    from aeviewer.core.models import ModelConfig, build_model, preset
    from aeviewer.core.train import TrainConfig, Trainer

    dataset = load_dataset(args.data)
    try:
        if args.preset:
            config = preset(args.preset, dataset.sample_shape)
            defaults = TrainConfig.for_preset(args.preset)
        else:
            config = ModelConfig(kind=args.kind, backbone=args.backbone, input_shape=dataset.sample_shape,
                                 latent_dim=args.latent, loss=args.loss, beta=args.beta, l1=args.l1)
            defaults = TrainConfig()
        model = build_model(config)
    except ValueError as exc:
        raise AeviewerError(f"cannot build that model for {dataset.name}: {exc}") from exc
    train_config = TrainConfig(epochs=args.epochs, batch_size=args.batch_size or defaults.batch_size,
                               lr=args.lr or defaults.lr, seed=args.seed, device=args.device)
    train = dataset.split(test=False)
    trainer = Trainer(model, train.x, train_config)
    print(f"Training {config.kind}/{config.backbone} (latent {config.latent_dim}) on {dataset.name}: "
          f"{len(train):,} samples, {train_config.epochs} epochs, batch {train_config.batch_size}, "
          f"on {trainer.device}", file=sys.stderr)
    bar = ProgressBar(train_config.epochs, "training")
    interrupted = False
    try:
        for event in trainer.run():
            steps = (event.epoch - 1) + (event.step - (event.epoch - 1) * event.steps_per_epoch) / event.steps_per_epoch
            bar.update(steps, f"epoch {event.epoch}/{event.epochs} {event.samples_per_s:,.0f}/s")
            if event.epoch_done:
                bar.close()
                terms = "  ".join(f"{k} {v:.5g}" for k, v in event.losses.items())
                print(f"epoch {event.epoch:3d}/{event.epochs}  {terms}", file=sys.stderr)
    except KeyboardInterrupt:
        interrupted = True
        bar.close()
        print("Interrupted: saving the model as it is now.", file=sys.stderr)
    default_out = f"{Path(dataset.name).stem}-{config.kind}-{config.latent_dim}d.safetensors"
    out = save_checkpoint(args.out or default_out, trainer.model, dataset_name=dataset.name,
                          dataset_shape=tuple(dataset.x.shape), history=trainer.history,
                          train_config=train_config)
    test = dataset.split(test=True)
    if len(test) and not interrupted:
        from aeviewer.core.inference import reconstruct_array

        recon = reconstruct_array(trainer.model, test.x)
        err = float(np.mean((recon.reshape(len(test), -1) - test.flat) ** 2))
        print(f"held-out reconstruction MSE {err:.5f}", file=sys.stderr)
    print(out)
    return 130 if interrupted else 0



def cmd_encode(args: argparse.Namespace) -> int:

    from aeviewer.core.checkpoint import load_checkpoint
    from aeviewer.core.inference import encode_array
    from aeviewer.core.loaders import load_dataset

    if bool(args.model) == bool(args.model_code):
        raise AeviewerError("encode needs either --model CHECKPOINT or --model-code FILE.py --weights W")
    dataset = load_dataset(args.data)
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
    import os
    import tempfile

    import numpy as np

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            np.save(f, array)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise AeviewerError(f"{path}: could not write: {exc.strerror or exc}") from exc


def cmd_info(args: argparse.Namespace) -> int:
    if args.model_code:
        from aeviewer.core.loaders import load_dataset

        model = _load_user_model_for(args, load_dataset(args.data))
        print(f"{args.model_code}: your model, weights {args.weights}")
        for key, value in model.config.to_dict().items():
            print(f"  {key}: {value}")
        print(f"  input: {'flattened' if model.flat_input else 'as the samples are'}")
        print(f"  parameters: {sum(p.numel() for p in model.parameters()):,}")
        return 0
    if not args.file:
        raise AeviewerError("info needs a FILE (or --model-code FILE.py --weights W)")
    path = Path(args.file)
    if path.suffix.lower() in MODEL_SUFFIXES:
        from aeviewer.core.checkpoint import load_checkpoint

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
            last = "  ".join(f"{k} {v:.5g}" for k, v in history[-1].items())
            print(f"  epochs trained: {len(history)}; last: {last}")
        return 0
    from aeviewer.core.loaders import load_dataset

    ds = load_dataset(args.file)
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


def cmd_data(args: argparse.Namespace) -> int:
    from aeviewer.core import download

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


def main(argv: Sequence[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    commands = {"train": cmd_train, "encode": cmd_encode, "info": cmd_info, "data": cmd_data}
    try:
        if args.command is None:
            from aeviewer.gui.app import run_gui

            return run_gui(args.data, args.model, args.model_code, args.weights, args.model_class)
        return commands[args.command](args)
    except AeviewerError as exc:
        print(f"aeviewer: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
