"""The comparison table: several models (and PCA) on one dataset, one row each, the same held-out figures.

Every figure is measured on the dataset's held-out split (codes of the training split only fit the k-NN
classifier and PCA), so the rows compare fairly:

- `mse`: per-value reconstruction MSE (the number `aeviewer train` prints);
- `kl`, `active_dims`: a VAE's mean KL(q(z|x) ‖ N(0, I)) summed over its dimensions, in nats, and how many
  dimensions carry information (posterior means vary by more than 0.01);
- `knn_accuracy`: a 5-nearest-neighbour classifier on the codes, fitted on the training codes;
- `trustworthiness`, `continuity`, `preservation`: of the 2-D view the window shows by default (the latent
  itself for 2-D codes, else the plane of the codes' first two principal components), see `latent.trust`;
- `prior_distance` (VAE/AAE, whose codes are meant to follow N(0, I)): the sliced Wasserstein-1 distance
  between the codes and as many seeded N(0, I) draws, over 128 seeded random directions. 0 is a perfect
  match, and the draws alone leave a small floor (~0.03 for 360 codes); shifting every code by a distance s
  adds about s·√(2/(π·d)). Compare rows with each other rather than read one figure alone.

Lives in core.session because it reads checkpoints (core.train) as well as codes (core.latent).
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np

from aeviewer.core.data.dataset import Dataset
from aeviewer.core.errors import AeviewerError, CheckpointError
from aeviewer.core.latent.embedding import Embedding, pca_embedding
from aeviewer.core.latent.interpolation import attribute_vector, interpolate
from aeviewer.core.latent.pca import PcaBaseline
from aeviewer.core.latent.spaces import MAX_SHOWN, PointDecoder, drawable
from aeviewer.core.latent.trust import trust_report

KNN_K = 5
PRIOR_DIRECTIONS = 128
PRIOR_KINDS = ("vae", "aae")
_SEED = 0


@dataclass(frozen=True)
class ComparisonRow:
    """One model's figures on the held-out split (None where a figure does not apply)."""

    name: str
    kind: str
    latent_dim: int
    mse: float
    kl: float | None
    active_dims: int | None
    knn_accuracy: float | None
    trustworthiness: float
    continuity: float
    preservation: float
    prior_distance: float | None
    n_test: int

    def to_dict(self) -> dict[str, Any]:
        return {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in asdict(self).items()}


COLUMNS = tuple(f.name for f in fields(ComparisonRow))


@dataclass
class Contender:
    """What the table needs of one model: how it encodes and reconstructs, and its kind.

    A checkpoint, a bring-your-own model and PCA all become one of these (`from_model`, `from_pca`).
    """

    name: str
    kind: str
    latent_dim: int
    encode: Callable[[np.ndarray], np.ndarray]
    reconstruct: Callable[[np.ndarray], np.ndarray]
    decode_one: Callable[[np.ndarray], np.ndarray]  # one code → one sample, cheap: called per mouse move
    decode_many: Callable[[np.ndarray], np.ndarray]  # N codes → N samples, batched
    kl_per_dim: Callable[[np.ndarray], np.ndarray] | None = None

    @classmethod
    def from_model(cls, name: str, model: Any) -> Contender:
        from aeviewer.core.models.inference import decode_array, encode_array, reconstruct_array
        from aeviewer.core.train.quality import kl_per_dimension

        config = model.config
        kind = str(getattr(config, "kind", "user"))
        kl = (lambda x: kl_per_dimension(model, x)) if kind == "vae" and hasattr(model, "moments") else None
        model.eval()
        return cls(name, kind, int(config.latent_dim), lambda x: encode_array(model, x),
                   lambda x: reconstruct_array(model, x), PointDecoder(model, int(config.latent_dim)),
                   lambda z: decode_array(model, z), kl)

    @classmethod
    def from_pca(cls, train: Dataset, k: int) -> Contender:
        """PCA with k components fitted on the training split, the linear "model"."""
        limit = min(train.n_features, len(train))
        if not 1 <= k <= limit:
            raise AeviewerError(f"--pca {k}: PCA of {train.name} can have 1 to {limit} components")
        baseline = PcaBaseline().fit(train.flat, n_components=k)
        return cls(f"PCA ({k})", "pca", k, lambda x: baseline.transform(x).astype(np.float32),
                   baseline.reconstruct, baseline.inverse_transform, baseline.inverse_transform)


def load_contender(path: str | Path, dataset: Dataset) -> Contender:
    """A checkpoint as a contender; a file that cannot be read, or does not fit the data, is a CheckpointError."""
    from aeviewer.core.train.checkpoint import load_checkpoint

    loaded = load_checkpoint(path)
    if tuple(loaded.config.input_shape) != tuple(dataset.sample_shape):
        raise CheckpointError(path, f"the model takes {tuple(loaded.config.input_shape)} inputs but "
                              f"{dataset.name} has {tuple(dataset.sample_shape)}")
    return Contender.from_model(Path(path).name, loaded.model)


@dataclass
class ComparedSpace:
    """One contender's codes of the shown samples on its default plane: what one cell of the grid draws."""

    contender: Contender
    codes: np.ndarray  # N×d
    embedding: Embedding
    points: np.ndarray  # N×2, drawable

    @classmethod
    def build(cls, contender: Contender, shown: Dataset) -> ComparedSpace:
        codes = drawable(contender.encode(shown.x))
        embedding = pca_embedding(codes)
        return cls(contender, codes, embedding, drawable(embedding.points))

    @property
    def name(self) -> str:
        return self.contender.name

    def decode_at(self, xy: np.ndarray) -> np.ndarray:
        """The sample under a plane point (the plane's inverse, then the contender's decoder)."""
        return self.contender.decode_one(self.embedding.from_plane(xy))

    def place(self, codes: np.ndarray) -> np.ndarray:
        return drawable(self.embedding.to_plane(codes))

    def path(self, i: int, j: int, steps: int = 8, kind: str = "linear") -> tuple[np.ndarray, np.ndarray]:
        """Codes from sample i to sample j in this contender's own space, and their decodes."""
        codes = interpolate(self.codes[i], self.codes[j], steps, kind)
        return codes, self.contender.decode_many(codes)

    def attribute(self, labels: np.ndarray, towards: int, away_from: int) -> np.ndarray:
        """This contender's own "class `towards` − class `away_from`" vector."""
        return attribute_vector(self.codes, labels, towards, away_from)


def knn_accuracy(train_codes: np.ndarray, train_y: np.ndarray, test_codes: np.ndarray, test_y: np.ndarray,
                 k: int = KNN_K) -> float:
    """Held-out accuracy of a k-nearest-neighbour classifier fitted on the training codes."""
    from sklearn.neighbors import KNeighborsClassifier

    k = max(1, min(k, len(train_codes)))
    clf = KNeighborsClassifier(n_neighbors=k).fit(train_codes, train_y)
    return float(clf.score(test_codes, test_y))


def prior_distance(codes: np.ndarray, directions: int = PRIOR_DIRECTIONS, seed: int = _SEED) -> float:
    """Sliced Wasserstein-1 distance between `codes` and the same number of N(0, I) draws (seeded)."""
    codes = np.asarray(codes, dtype=np.float64)
    n, d = codes.shape
    if n == 0:
        return float("nan")
    rng = np.random.default_rng(seed)
    prior = rng.standard_normal((n, d))
    axes = rng.standard_normal((d, directions))
    axes /= np.linalg.norm(axes, axis=0, keepdims=True)
    a, b = np.sort(codes @ axes, axis=0), np.sort(prior @ axes, axis=0)
    return float(np.abs(a - b).mean())


def _finite(values: np.ndarray) -> np.ndarray:
    return drawable(values).astype(np.float64)


def compare_row(contender: Contender, dataset: Dataset) -> ComparisonRow:
    """The figures of one contender on `dataset`'s held-out split."""
    train, test = dataset.split(test=False), dataset.split(test=True)
    codes = _finite(contender.encode(test.x))
    rec = np.asarray(contender.reconstruct(test.x), dtype=np.float64).reshape(len(test), -1)
    mse = float(((rec - test.flat) ** 2).mean())
    kl = active = None
    if contender.kl_per_dim is not None:
        from aeviewer.core.train.collapse import active_dimensions

        kl, active = float(np.sum(contender.kl_per_dim(test.x))), active_dimensions(codes)
    accuracy = None
    if dataset.y is not None and train is not test and len(train):
        accuracy = knn_accuracy(_finite(contender.encode(train.x)), np.asarray(train.y), codes, np.asarray(test.y))
    shown = codes if len(codes) <= MAX_SHOWN else codes[np.sort(
        np.random.default_rng(_SEED).choice(len(codes), MAX_SHOWN, replace=False))]
    report = trust_report(shown, pca_embedding(shown).points)
    prior = prior_distance(codes) if contender.kind in PRIOR_KINDS else None
    return ComparisonRow(contender.name, contender.kind, contender.latent_dim, mse, kl, active, accuracy,
                         report.trustworthiness, report.continuity, report.mean_preservation, prior, len(test))


def compare(contenders: Sequence[Contender], dataset: Dataset,
            progress: Callable[[int, int], None] | None = None) -> list[ComparisonRow]:
    """One row per contender, in order."""
    rows = []
    for i, contender in enumerate(contenders):
        rows.append(compare_row(contender, dataset))
        if progress is not None:
            progress(i + 1, len(contenders))
    return rows


def table_json(rows: Sequence[ComparisonRow], dataset: Dataset) -> str:
    """The table as JSON: the dataset, what each column means, and the rows."""
    doc = {"dataset": dataset.name, "n_test": len(dataset.split(test=True)), "columns": COLUMN_NOTES,
           "rows": [row.to_dict() for row in rows]}
    return json.dumps(doc, indent=2) + "\n"


def table_csv(rows: Sequence[ComparisonRow]) -> str:
    """The table as CSV, one header line and one line per row (empty where a figure does not apply)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.to_dict().items()})
    return out.getvalue()


COLUMN_NOTES = {
    "mse": "held-out per-value reconstruction MSE",
    "kl": "VAE: mean KL(q(z|x) || N(0,I)) summed over dimensions, nats",
    "active_dims": "VAE: dimensions whose posterior mean varies by more than 0.01",
    "knn_accuracy": f"held-out accuracy of a {KNN_K}-NN classifier on the codes (fitted on the training codes)",
    "trustworthiness": "of the default 2-D view (sklearn.manifold.trustworthiness, k=10)",
    "continuity": "trustworthiness with code space and view swapped, k=10",
    "preservation": "mean share of each point's 10 nearest neighbours in code space kept in the view",
    "prior_distance": f"VAE/AAE: sliced Wasserstein-1 to N(0,I), {PRIOR_DIRECTIONS} directions, seeded",
}
