"""The window shows the same message as the core and CLI for every bad input, and never runs code from a file."""

from __future__ import annotations

from aeviewer.core.memory_budget import BUDGET_ENV
from tests.corpus.make_corpus import CORPUS, CORPUS_MEMORY_BUDGET, MARKER_NAME


def test_open_path_shows_the_corpus_messages(make_main_window, qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv(BUDGET_ENV, str(CORPUS_MEMORY_BUDGET))
    window = make_main_window()
    before = window.dataset
    for case in CORPUS:
        if case.opens_as not in ("dataset", "model", "session"):
            continue  # opened from their own dialogs; tests/gui/test_bad_inputs_round_two.py covers those
        folder = tmp_path / case.name
        folder.mkdir()
        path = case.build(folder)
        window.last_error = None
        window.files.open_path(path)
        qtbot.waitUntil(lambda: window.last_error is not None, timeout=20_000)
        assert window.last_error == case.expected_message(folder, path), case.name
        assert not (folder / MARKER_NAME).exists(), case.name
    assert window.dataset is before  # nothing was half-applied
