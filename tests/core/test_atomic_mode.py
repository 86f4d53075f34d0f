"""Saved files get ordinary permissions, not the 0600 of a temp file."""

from __future__ import annotations

import os
from pathlib import Path

from aeviewer.core.atomic import atomic_write


def test_new_files_follow_the_umask_and_replaced_files_keep_their_mode(tmp_path: Path):
    new = tmp_path / "new.bin"
    atomic_write({new: b"x"})
    mask = os.umask(0o022)
    os.umask(mask)
    assert new.stat().st_mode & 0o777 == 0o666 & ~mask

    kept = tmp_path / "kept.bin"
    kept.write_bytes(b"old")
    kept.chmod(0o640)
    atomic_write({kept: b"new"})
    assert kept.read_bytes() == b"new" and kept.stat().st_mode & 0o777 == 0o640
