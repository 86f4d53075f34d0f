"""Find shown samples from a typed query: a class name ("7", "sneaker"), a label number, or a sample index.

Datasets carry no other per-sample metadata yet, so labels and indices are what a query can match.
A query that names a class selects that class (on digits "7" is the class, not sample 7); "#7" or
"index 7" always means the sample; a number that is no class name is a sample index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from aeviewer.core.data.dataset import Dataset

_INDEX = re.compile(r"^(?:#|index\s*|sample\s*)(\d+)$", re.IGNORECASE)


@dataclass(frozen=True)
class SearchResult:
    """The matching sample indices (into the shown set) and one line saying what matched, for the UI."""

    indices: np.ndarray
    message: str


def search_samples(shown: Dataset, query: str) -> SearchResult:
    text = query.strip()
    none = np.empty(0, np.int64)
    if not text:
        return SearchResult(none, "Type a class name, a label number or a sample index (#12).")
    n = len(shown)
    index = _INDEX.match(text)
    if index is None and shown.y is not None:
        names = {name.casefold(): i for i, name in enumerate(shown.class_names)}
        label = names.get(text.casefold())
        if label is None and text.isdigit() and not shown.class_names:
            label = int(text)
        if label is not None:
            found = np.flatnonzero(shown.y == label)
            if len(found):
                message = f"{len(found):,} samples of class {shown.class_name(label)}"
                return SearchResult(found.astype(np.int64), message)
            return SearchResult(none, f"No shown sample has the class {shown.class_name(label)}.")
    number = index.group(1) if index is not None else (text if text.isdigit() else None)
    if number is not None:
        i = int(number)
        if i < n:
            return SearchResult(np.array([i], np.int64), f"sample #{i}")
        return SearchResult(none, f"There is no sample #{i}: the view shows samples #0–#{n - 1}.")
    return SearchResult(none, f"Nothing matches {text!r}: type a class name, a label number or a sample index (#12).")
