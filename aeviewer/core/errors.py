"""One error type per kind of user-facing failure; each message names the file and what is wrong."""

from __future__ import annotations

from pathlib import Path


class AeviewerError(Exception):
    """Base of every error a user can cause; the CLI prints it as one line, the GUI as a dialog."""


class DatasetError(AeviewerError):
    """A dataset file or folder that cannot be read as data."""

    def __init__(self, path: str | Path | None, problem: str) -> None:
        self.path = None if path is None else Path(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}" if self.path is not None else problem)


class CheckpointError(AeviewerError):
    """A model file that cannot be loaded or saved."""

    def __init__(self, path: str | Path | None, problem: str) -> None:
        self.path = None if path is None else Path(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}" if self.path is not None else problem)


class DownloadError(AeviewerError):
    """A dataset download that failed (offline, bad checksum, server error)."""


class TrainingError(AeviewerError):
    """Training stopped for a reason the user must act on (e.g. a non-finite loss)."""
