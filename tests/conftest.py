"""Fixtures for every test: nothing reads or writes the user's real data folder (datasets, recovery files)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_user_data(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AEVIEWER_DATA_DIR", str(tmp_path_factory.mktemp("user-data")))
    # One thread per bulk job (t-SNE): the suite runs beside other work, and many threads wait on each other.
    monkeypatch.setenv("AEVIEWER_THREADS", "1")
