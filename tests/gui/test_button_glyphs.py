"""Buttons carry icons, not symbol glyphs: "⏸" drew as an empty box with the default fonts (issue 16)."""

from __future__ import annotations

import unicodedata

from PySide6.QtWidgets import QAbstractButton


def test_no_button_text_holds_a_symbol_glyph_and_play_buttons_have_icons(make_main_window, qtbot):
    w = make_main_window()
    buttons = w.findChildren(QAbstractButton)
    assert len(buttons) > 20
    glyphs = [(b.text(), ch) for b in buttons for ch in b.text() if unicodedata.category(ch) == "So"]
    assert not glyphs, glyphs
    play = w.explore.interpolation.play_button
    assert not play.icon().isNull() and play.text() == "Play"
    w.explore.interpolation._play(True)
    assert play.text() == "Pause" and not play.icon().isNull()
    assert not w.recordings.record_button.icon().isNull() and not w.recordings.play_button.icon().isNull()
