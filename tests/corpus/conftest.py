"""The corpus runs under a fixed memory budget, so memory refusals name the same numbers on every machine."""

from __future__ import annotations

import pytest

from aeviewer.core.memory_budget import BUDGET_ENV
from tests.corpus.make_corpus import CORPUS_MEMORY_BUDGET


@pytest.fixture(autouse=True)
def fixed_memory_budget(monkeypatch):
    monkeypatch.setenv(BUDGET_ENV, str(CORPUS_MEMORY_BUDGET))
