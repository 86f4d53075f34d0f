"""`aeviewer compare`: the comparison table of several checkpoints (and PCA) on one dataset, headless.

Kept out of cli.py so that file stays a list of commands; the figures are `core.session.compare`'s.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from aeviewer.core.errors import AeviewerError

MAX_MODELS = 16


def add_compare_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    compare = sub.add_parser("compare", help="compare models (and PCA) on one dataset: one table row per model")
    compare.add_argument("--data", default="digits", help="the dataset all models are measured on")
    compare.add_argument("--models", nargs="*", default=[], metavar="CHECKPOINT",
                         help="checkpoints (.safetensors, or .pt with its .json)")
    compare.add_argument("--pca", type=int, action="append", default=[], metavar="K",
                         help="add PCA with K components as a model (repeatable)")
    compare.add_argument("--out", required=True, help="the table file to write")
    compare.add_argument("--format", choices=("json", "csv"), help="default: from --out's suffix, else json")
    compare.add_argument("--label-column", metavar="COL", help="CSV data only: the label column")


def cmd_compare(args: argparse.Namespace) -> int:
    from aeviewer.core.atomic import atomic_write, os_problem
    from aeviewer.core.data.loaders import load_dataset
    from aeviewer.core.session.compare import Contender, compare, load_contender, table_csv, table_json

    if not args.models and not args.pca:
        raise AeviewerError("compare needs at least one --models CHECKPOINT or --pca K")
    if len(args.models) + len(args.pca) > MAX_MODELS:
        raise AeviewerError(f"compare takes at most {MAX_MODELS} models at once")
    out = Path(args.out)
    fmt = args.format or ("csv" if out.suffix.lower() == ".csv" else "json")
    dataset = load_dataset(args.data, args.label_column)
    for note in dataset.notes:
        print(f"note: {note}", file=sys.stderr)
    contenders = [load_contender(path, dataset) for path in args.models]  # every file checked before any work
    train = dataset.split(test=False)
    contenders += [Contender.from_pca(train, k) for k in args.pca]

    def progress(done: int, total: int) -> None:
        print(f"compare: {done}/{total} {contenders[done - 1].name}", file=sys.stderr)

    rows = compare(contenders, dataset, progress)
    text = table_csv(rows) if fmt == "csv" else table_json(rows, dataset)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AeviewerError(f"{out}: could not write: {os_problem(exc)}") from exc
    atomic_write({out: text.encode()})
    print(f"{out}: {len(rows)} rows", file=sys.stderr)
    print(out)
    return 0
