"""The window shows the same message as the core and CLI for every bad input, and never runs code from a file."""

from __future__ import annotations

from tests.corpus.make_corpus import CORPUS, MARKER_NAME


def test_open_path_shows_the_corpus_messages(make_main_window, qtbot, tmp_path):
    window = make_main_window()
    before = window.dataset
    for case in CORPUS:
        folder = tmp_path / case.name
        folder.mkdir()
        path = case.build(folder)
        window.last_error = None
        window.files.open_path(path)
        qtbot.waitUntil(lambda: window.last_error is not None, timeout=20_000)
        assert window.last_error == case.expected_message(folder, path), case.name
        assert not (folder / MARKER_NAME).exists(), case.name
    assert window.dataset is before  # nothing was half-applied
