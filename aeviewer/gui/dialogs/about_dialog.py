"""Help ▸ About and Help ▸ User guide: what is running (for bug reports) and the README, readable offline."""

from __future__ import annotations

import html
import platform
from importlib.metadata import PackageNotFoundError, metadata
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QImage, QPixmap, QResizeEvent, QTextCursor, QTextDocument
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTextBrowser, QVBoxLayout, QWidget

from aeviewer import __version__
from aeviewer.core.user_guide import user_guide
from aeviewer.gui.views.icons import app_icon

HOMEPAGE = "https://github.com/aeviewer/aeviewer"  # placeholder until the project has a public home
README_URL = f"{HOMEPAGE}#readme"


def compute_device() -> str:
    """The device "auto" training picks, with the GPU's name when there is one."""
    import torch

    if torch.cuda.is_available():
        return f"cuda ({torch.cuda.get_device_name(0)}, CUDA {torch.version.cuda})"
    return "cpu" + (" (this torch build has no CUDA)" if torch.version.cuda is None else " (no GPU found)")


def version_report() -> dict[str, str]:
    """Versions of aeviewer and what it runs on, in the order the About box shows them."""
    import numpy
    import pyqtgraph
    import PySide6
    import torch
    from PySide6.QtCore import qVersion

    return {
        "aeviewer": __version__,
        "torch": torch.__version__,
        "device": compute_device(),
        "Qt": f"{qVersion()} (PySide6 {PySide6.__version__})",
        "pyqtgraph": pyqtgraph.__version__,
        "numpy": numpy.__version__,
        "Python": f"{platform.python_version()} on {platform.system()} {platform.machine()}",
    }


class AboutDialog(QDialog):
    """Name, icon, one line on what aeviewer does, and the version table (selectable, to paste in a bug report)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About aeviewer")
        self.report = version_report()
        layout = QVBoxLayout(self)
        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(96, 96))
        logo.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(logo)
        rows = "".join(f"<tr><td><b>{html.escape(k)}</b>&nbsp;&nbsp;</td><td>{html.escape(v)}</td></tr>"
                       for k, v in self.report.items())
        self.text = QLabel(
            f"<h2>aeviewer {html.escape(__version__)}</h2>"
            "<p>A latent-space explorer for autoencoders: train, drag the probe, decode live.</p>"
            f"<table>{rows}</table>"
            f'<p><a href="{README_URL}">{HOMEPAGE}</a> · MIT licence</p>')
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.text.setOpenExternalLinks(True)
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


def readme_markdown() -> str:
    """The README: from the source checkout when running from one (an editable install's metadata keeps the
    README of the day it was installed), else from the installed package's metadata (pip and the bundle)."""
    source = Path(__file__).resolve().parents[3] / "README.md"
    if source.is_file() and (source.parent / "aeviewer").is_dir():
        return source.read_text(encoding="utf-8")
    try:
        meta: Any = metadata("aeviewer")  # an email.message.Message at run time: the body is the README
        text = meta.get_payload() or meta.get("Description") or ""
    except PackageNotFoundError:
        text = ""
    return text or f"The user guide is the README at {README_URL}"


class ReadmeDialog(QDialog):
    """The README rendered from Markdown, so the guide is there offline and in the bundle."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("aeviewer user guide")
        self.resize(820, 700)
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        source = Path(__file__).resolve().parents[3]
        if (source / "docs").is_dir():  # a checkout: the README's pictures are there
            self.browser.setSearchPaths([str(source)])
        self.browser.setMarkdown(user_guide(readme_markdown()))
        layout.addWidget(self.browser)
        online = QLabel(f'Online: <a href="{README_URL}">{README_URL}</a>')
        online.setOpenExternalLinks(True)
        layout.addWidget(online)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.fit_images()

    def fit_images(self) -> None:
        """Scale every picture down to the text width (a column's width in a table) and let code lines wrap:
        screenshots are wider than the dialog, and a page wider than the view needs a sideways scroll."""
        doc = self.browser.document()
        width = self.browser.viewport().width() - 2 * int(doc.documentMargin()) - 8
        changes = []
        block = doc.begin()
        while block.isValid():
            if block.blockFormat().nonBreakableLines():  # a code block: a long line would widen the page
                wrapping = block.blockFormat()
                wrapping.setNonBreakableLines(False)
                QTextCursor(block).setBlockFormat(wrapping)
            table = QTextCursor(block).currentTable()
            # A picture in a list item or an indented block starts after that indent (a screenshot under a bullet).
            items, fmt = block.textList(), block.blockFormat()
            levels = fmt.indent() + (0 if items is None else items.format().indent())
            indent = int(levels * doc.indentWidth() + fmt.leftMargin())
            limit = max(120, (width // table.columns() - 12) if table is not None else width - indent)
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                if fragment.charFormat().isImageFormat():
                    image = fragment.charFormat().toImageFormat()
                    natural = doc.resource(QTextDocument.ResourceType.ImageResource, QUrl(image.name()))
                    if isinstance(natural, (QImage, QPixmap)) and natural.width() > 0:
                        shown = min(limit, natural.width())
                        image.setWidth(shown)
                        image.setHeight(natural.height() * shown / natural.width())
                        changes.append((fragment.position(), fragment.length(), image))
                it += 1
            block = block.next()
        cursor = QTextCursor(doc)
        for position, length, image in changes:  # after the walk: a format change may split the fragments
            cursor.setPosition(position)
            cursor.setPosition(position + length, QTextCursor.MoveMode.KeepAnchor)
            cursor.setCharFormat(image)
