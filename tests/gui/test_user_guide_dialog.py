"""Help ▸ User guide opens on what a user does, and its pictures fit the dialog: no sideways scrolling."""

from __future__ import annotations

from PySide6.QtGui import QTextCursor


def _image_widths(doc) -> list[float]:
    widths, block = [], doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.isImageFormat():
                widths.append(fmt.toImageFormat().width())
            it += 1
        block = block.next()
    return widths


def test_the_guide_fits_the_dialog_and_starts_with_the_app(make_main_window, qtbot):
    w = make_main_window()
    dialog = w.show_readme()
    qtbot.waitExposed(dialog)
    browser = dialog.browser
    assert "make run" not in browser.toPlainText()[:1500]
    widths = _image_widths(browser.document())
    assert widths and all(0 < width <= browser.viewport().width() for width in widths)  # the pictures were found
    assert browser.horizontalScrollBar().maximum() == 0
    dialog.resize(560, 500)  # narrower: the pictures follow
    qtbot.waitUntil(lambda: browser.viewport().width() < 540, timeout=5_000)
    assert max(_image_widths(browser.document())) <= browser.viewport().width()
    assert browser.horizontalScrollBar().maximum() == 0
    assert QTextCursor(browser.document()).block().text() == "aeviewer"
    dialog.close()
