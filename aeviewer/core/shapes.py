"""Sample shapes as people read them, and the one check that a model fits a dataset."""

from __future__ import annotations

from collections.abc import Iterable

from aeviewer.core.data.dataset import Dataset


def format_shape(shape: Iterable[int]) -> str:
    """`(1, 28, 28)` as "1×28×28", the way every message and label writes a shape."""
    return "×".join(str(int(d)) for d in shape) or "()"


def model_fit_problem(input_shape: Iterable[int], dataset: Dataset | None) -> str | None:
    """Why a model taking `input_shape` cannot explore `dataset`, or None when it fits (or no dataset is open)."""
    want = tuple(int(d) for d in input_shape)
    if dataset is None or tuple(dataset.sample_shape) == want:
        return None
    return (f"this model takes {format_shape(want)} inputs, but {dataset.name} has "
            f"{format_shape(dataset.sample_shape)} samples. Open the dataset it was trained on first.")
