"""core must never import Qt: the GUI calls core, never the reverse."""

import re
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "aeviewer" / "core"
QT = re.compile(r"^\s*(from|import)\s+(PySide6|PyQt\d|pyqtgraph|superqt|aeviewer\.gui)\b", re.M)


def test_core_has_no_qt_imports():
    offenders = [str(p) for p in CORE.rglob("*.py") if QT.search(p.read_text())]
    assert offenders == []


def test_the_check_catches_an_import():
    assert QT.search("import numpy\nfrom PySide6.QtCore import QObject\n")
