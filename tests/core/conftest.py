"""Fixtures shared by the core tests: an isolated data dir so nothing touches the user's files."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """AEVIEWER_DATA_DIR pointed at a fresh temporary folder for the duration of one test."""
    d = tmp_path / "aeviewer-data"
    monkeypatch.setenv("AEVIEWER_DATA_DIR", str(d))
    return d
