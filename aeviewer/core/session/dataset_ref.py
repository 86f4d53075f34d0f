"""How a session points at its dataset so that reopening it gives exactly the same data, or says why not.

A local file named `mnist.npz` is not the official MNIST: a reference is a built-in name only when the data came
from the built-in source, else a path (absolute, plus relative to the session file so a folder moved as a whole
still opens) with a content fingerprint (size + SHA-256 of the first megabyte) that must match on reopening.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path
from typing import Any

from aeviewer.core.data.dataset import Dataset

HEAD_BYTES = 1 << 20
MAX_FOLDER_FILES = 200_000  # a folder fingerprint lists at most this many files (then it stops, still stable)
DIGITS_SOURCE = "scikit-learn digits"


class DatasetMismatch(ValueError):
    """The data at a session's path is not the data the session was saved with."""


def builtin_name(dataset: Dataset) -> str | None:
    """'digits', 'mnist', ... when `dataset` came from aeviewer's own copy of it, else None."""
    if dataset.name == "digits" and dataset.source == DIGITS_SOURCE:
        return "digits"
    from aeviewer.core.data import download

    if download.canonical_name(dataset.name) != dataset.name or not dataset.source:
        return None
    try:
        home = (download.data_dir() / download.get_entry(dataset.name).folder).resolve()
        if Path(dataset.source).resolve().is_relative_to(home):
            return dataset.name
    except (OSError, ValueError, KeyError):
        return None
    return None


def fingerprint(path: str | Path) -> dict[str, Any]:
    """{"size", "head_sha256"} of a file, or of a folder's sorted file list and its first file's head."""
    path = Path(path)
    digest = hashlib.sha256()
    if path.is_dir():
        total, first = 0, None
        entries = []
        for root, dirs, files in os.walk(path):
            dirs.sort()
            for name in sorted(files):
                file = Path(root) / name
                try:
                    size = file.stat().st_size
                except OSError:
                    continue
                entries.append(f"{file.relative_to(path).as_posix()}\t{size}\n")
                total += size
                first = first or file
                if len(entries) >= MAX_FOLDER_FILES:
                    break
            if len(entries) >= MAX_FOLDER_FILES:
                break
        digest.update("".join(entries).encode("utf-8", "surrogateescape"))
        if first is not None:
            digest.update(_head(first))
        return {"size": total, "head_sha256": digest.hexdigest()}
    digest.update(_head(path))
    return {"size": path.stat().st_size, "head_sha256": digest.hexdigest()}


def _head(path: Path) -> bytes:
    with open(path, "rb") as f:
        return f.read(HEAD_BYTES)


def reference_for(spec: str, session_file: Path) -> dict[str, Any]:
    """The session's record of the dataset opened as `spec`: a built-in name, or its path(s) and fingerprint."""
    from aeviewer.core.data.loaders import BUILTIN_NAMES

    if spec in BUILTIN_NAMES:
        return {"name": spec, "builtin": spec}
    source = Path(spec)
    ref: dict[str, Any] = {"name": source.stem, "path": spec}
    if source.exists():
        source = source.resolve()
        ref["path"] = str(source)
        with contextlib.suppress(ValueError):  # another drive on Windows: the absolute path only
            ref["relative"] = os.path.relpath(source, session_file.resolve().parent)
        ref["fingerprint"] = fingerprint(source)
    return ref


def resolve(ref: dict[str, Any], session_file: Path) -> str:
    """The spec to load (a built-in name or an absolute path); DatasetMismatch when the data has changed."""
    if ref.get("builtin"):
        return str(ref["builtin"])
    candidates = []
    if ref.get("relative"):
        candidates.append(session_file.resolve().parent / ref["relative"])
    if ref.get("path"):
        candidates.append(Path(ref["path"]))
    existing: list[Path] = []
    for c in candidates:
        if c.exists() and all(c.resolve() != e.resolve() for e in existing):
            existing.append(c)
    if not existing:  # loading it will say "no such file or folder", naming the path
        return str(ref.get("path") or ref.get("relative") or ref.get("name") or "")
    want = ref.get("fingerprint")
    if want is None:
        return str(existing[0].resolve())
    seen = []
    for candidate in existing:
        try:
            got = fingerprint(candidate)
        except OSError:
            continue
        if got == want:
            return str(candidate.resolve())
        seen.append(f"{candidate} ({got['size']:,} bytes)")
    raise DatasetMismatch(f"its dataset has changed since the session was saved: it was {want['size']:,} bytes "
                          f"with content hash {want['head_sha256'][:12]}…, but {', '.join(seen) or 'it'} differs; "
                          "aeviewer will not open a different dataset under the same name")
