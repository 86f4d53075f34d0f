"""Atomic file writes: a save either fully replaces the old file or leaves it untouched (temp file + os.replace)."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from aeviewer.core.errors import AeviewerError


class WriteError(AeviewerError):
    """A file that could not be written (full disk, read-only folder, ...); the previous file survives."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


def atomic_write(files: dict[Path, bytes], error: Callable[[Path, str], Exception] = WriteError) -> None:
    """Stage every file as a fsynced temp file in its folder, then os.replace them all; clean up on error.

    A failure raises `error(path, "could not write: <reason>")` and leaves every target as it was.
    """
    staged: dict[Path, Path] = {}
    current = next(iter(files))
    try:
        for target, data in files.items():
            current = target
            fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            tmp = Path(tmp_name)
            staged[target] = tmp
            os.chmod(tmp, _mode_for(target))  # mkstemp makes 0600; a save should look like any other file
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
        for target, tmp in staged.items():
            current = target
            os.replace(tmp, target)
        fsync_dir(current.parent)
    except OSError as exc:
        raise error(current, f"could not write: {os_problem(exc)}") from exc
    finally:
        for tmp in staged.values():
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _current_umask()  # read once: os.umask can only be read by setting it


def _mode_for(target: Path) -> int:
    """The replaced file's permissions, or what a newly created file would get."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~_UMASK


def fsync_dir(folder: Path) -> None:
    """Make the renames durable (POSIX); harmless no-op where directories can't be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def os_problem(exc: OSError) -> str:
    """What an OSError means for the user, in words."""
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "permission denied (is the folder read-only?)"
    if exc.errno == errno.ENOENT:
        return "the folder does not exist"
    return exc.strerror or str(exc)
