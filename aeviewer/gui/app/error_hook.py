"""A last line of defence: any uncaught exception (GUI thread or worker thread) becomes an error dialog.

The dialog shows the traceback in a copyable details box and has a "Copy details" button; the app goes on.
Exceptions from other threads are handed to the GUI thread through a queued signal. An identical report
while its box is still open only counts up in that box: a failing timer or a retry loop cannot bury the
window under dialogs.
"""

from __future__ import annotations

import sys
import threading
import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox


class ExceptionReporter(QObject):
    """Receives exceptions from any thread and shows them on the GUI thread; `shown` lists the reports."""

    report = Signal(str, str)  # summary, details

    def __init__(self) -> None:
        super().__init__()
        self.shown: list[str] = []
        self.boxes: list[QMessageBox] = []
        self.repeats: dict[str, int] = {}  # details of each open box → how many times it was reported
        self.report.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def handle(self, exc_type, exc, tb, where: str = "") -> None:
        if exc_type is not None and issubclass(exc_type, KeyboardInterrupt):
            return
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        summary = f"Something went wrong{where}: {exc_type.__name__}: {exc}".strip()
        sys.stderr.write(details)
        self.report.emit(summary, details)

    @staticmethod
    def _text(summary: str, times: int) -> str:
        again = f"\n\nThis happened {times} times." if times > 1 else ""
        return (summary.splitlines()[0][:300] + again
                + "\n\nThe app keeps running; please report this with the details below.")

    def _show(self, summary: str, details: str) -> None:
        if details in self.repeats:  # its box is open: count, don't open another
            self.repeats[details] += 1
            box = next(b for b in self.boxes if b.detailedText() == details)
            box.setText(self._text(summary, self.repeats[details]))
            return
        self.shown.append(details)
        self.repeats[details] = 1
        parent = QApplication.activeWindow()
        box = QMessageBox(QMessageBox.Icon.Critical, "aeviewer: unexpected error", self._text(summary, 1),
                          parent=parent)
        box.setDetailedText(details)
        copy = box.addButton("Copy details", QMessageBox.ButtonRole.ActionRole)
        copy.clicked.disconnect()  # keep the box open after copying
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(details))
        box.addButton(QMessageBox.StandardButton.Close)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _=0, b=box: self._closed(b, details))
        self.boxes.append(box)
        box.open()

    def _closed(self, box: QMessageBox, details: str) -> None:
        if box in self.boxes:
            self.boxes.remove(box)
        self.repeats.pop(details, None)


def install_exception_hook() -> tuple[ExceptionReporter, Callable[[], None]]:
    """Route sys.excepthook and threading.excepthook to an error dialog; returns the reporter and an undo."""
    reporter = ExceptionReporter()
    old_sys, old_threading = sys.excepthook, threading.excepthook

    def sys_hook(exc_type, exc, tb) -> None:
        reporter.handle(exc_type, exc, tb)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        name = f" in thread {args.thread.name}" if args.thread is not None else ""
        reporter.handle(args.exc_type, args.exc_value, args.exc_traceback, name)

    sys.excepthook = sys_hook
    threading.excepthook = thread_hook

    def uninstall() -> None:
        sys.excepthook, threading.excepthook = old_sys, old_threading

    return reporter, uninstall
