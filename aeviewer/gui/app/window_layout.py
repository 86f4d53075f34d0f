"""How the window shares its space: the two scatters win it, side panels scroll or give way.

The central area is two splitters: the scatters and the samples panel side by side, the loss plot below.
When the window gets small, the samples panel and then the left docks shrink (their contents scroll) before
a scatter goes under `SCATTER_MIN_PX`, and the loss plot gives up height. Presentation mode moves the
samples panel under the scatters as a strip, so each scatter gets about half the width; leaving puts it
back exactly as it was.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow, QSplitter, QWidget

SCATTER_MIN_PX = 250  # below this a scatter of ten classes stops being readable
SCATTER_COMFORT_PX = 400  # the panels grow back only while both scatters keep this much
DOCK_MIN_PX = 220  # the left docks scroll sideways below their content's width, down to this
DOCK_USUAL_PX, SAMPLES_USUAL_PX = 330, 330  # their widths on a roomy screen
LOSS_MIN_PX, LOSS_USUAL_PX = 120, 220  # the loss plot's height on a short window, and on a tall one
START_SIZE = QSize(1500, 900)
FRAME_ALLOWANCE = QSize(16, 48)  # a window manager's borders and title bar, unknown until shown
STRIP_SHARE = 0.38  # of the height, for the samples strip in presentation mode


def start_size(window: QWidget, wanted: QSize = START_SIZE) -> QSize:
    """`wanted`, clamped so the window with its frame fits the screen's available area."""
    screen = window.screen()
    if screen is None:
        return wanted
    room = screen.availableGeometry().size() - FRAME_ALLOWANCE
    return wanted.boundedTo(room).expandedTo(window.minimumSizeHint())


class ViewsLayout(QObject):
    """The central splitters of a window, kept so the scatters get the room."""

    def __init__(self, window: QMainWindow, ae_view: QWidget, pca_view: QWidget, samples: QWidget,
                 loss_plot: QWidget) -> None:
        super().__init__(window)
        self.window, self.samples = window, samples
        self.scatters = (ae_view, pca_view)
        self.top = QSplitter(Qt.Orientation.Horizontal)
        for widget in (ae_view, pca_view, samples):
            self.top.addWidget(widget)
            self.top.setCollapsible(self.top.indexOf(widget), False)
        for index, stretch in enumerate((1, 1, 0)):  # a growing window widens the scatters
            self.top.setStretchFactor(index, stretch)
        self.top.setSizes([520, 420, 330])
        self.main = QSplitter(Qt.Orientation.Vertical)
        self.main.addWidget(self.top)
        self.main.addWidget(loss_plot)
        self.main.setStretchFactor(0, 1)
        self.main.setStretchFactor(1, 0)
        self.main.setSizes([650, 220])
        self.presenting = False
        self._saved: tuple[QByteArray, QByteArray] | None = None
        self._balance_timer = QTimer(self, singleShot=True, interval=0)
        self._balance_timer.timeout.connect(self.balance)
        self._refit_timer = QTimer(self, singleShot=True, interval=0)
        self._refit_timer.timeout.connect(self.fit_presentation)
        self.top.installEventFilter(self)
        self.main.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize:  # act after the layout has settled
            if obj is self.top:
                self._balance_timer.start()
            elif obj is self.main:
                (self._refit_timer if self.presenting else self._balance_timer).start()
        return False

    def left_docks(self) -> list[QDockWidget]:
        w = self.window
        return [d for d in w.findChildren(QDockWidget) if d.isVisible() and not d.visibleRegion().isEmpty()
                and not d.isFloating() and w.dockWidgetArea(d) == Qt.DockWidgetArea.LeftDockWidgetArea]

    def balance(self) -> None:
        """Room for a scatter under SCATTER_MIN_PX comes from the samples panel, then from the left docks;
        once both scatters are comfortable again, the panels grow back towards their usual width."""
        if self.presenting or not self.top.isVisible():
            return
        self._balance_height()
        ae, pca, side = self.top.sizes()
        docks = self.left_docks()
        dock = max((d.width() for d in docks), default=0)
        if min(ae, pca) < SCATTER_MIN_PX:
            taken = max(0, min(side - self.samples.minimumSizeHint().width(), 2 * SCATTER_MIN_PX - (ae + pca)))
            pair, side = ae + pca + taken, side - taken
            floor = min(SCATTER_MIN_PX, pair // 2)  # the narrower scatter first, then both alike
            ae = min(max(ae, floor), pair - floor)
            self.top.setSizes([ae, pair - ae, side])
            still_short = 2 * SCATTER_MIN_PX - pair
            if still_short > 0 and dock > DOCK_MIN_PX:  # the central area grows and balance runs again
                self.window.resizeDocks(docks, [max(DOCK_MIN_PX, dock - still_short)] * len(docks),
                                        Qt.Orientation.Horizontal)
            return
        spare = 2 * (min(ae, pca) - SCATTER_COMFORT_PX)
        if spare <= 0:
            return
        if side < SAMPLES_USUAL_PX:
            grown = min(SAMPLES_USUAL_PX - side, spare)
            spare -= grown
            self.top.setSizes([ae - grown // 2, pca - grown + grown // 2, side + grown])
        if spare > 0 and docks and dock < DOCK_USUAL_PX:
            self.window.resizeDocks(docks, [min(DOCK_USUAL_PX, dock + spare)] * len(docks), Qt.Orientation.Horizontal)

    def _balance_height(self) -> None:
        """On a short window the loss plot gives the scatters height, down to a quarter of it; on a tall
        one it grows back to its usual height."""
        top, loss = self.main.sizes()[:2]
        if top < SCATTER_COMFORT_PX and loss > LOSS_MIN_PX:
            target = max(LOSS_MIN_PX, (top + loss) // 4)
        elif loss < LOSS_USUAL_PX:
            target = loss + max(0, min(LOSS_USUAL_PX - loss, top - SCATTER_COMFORT_PX - 100))
        else:
            return
        if target != loss:
            self.main.setSizes([top + loss - target, target])

    # --- presentation ---------------------------------------------------------------------------------
    def set_presenting(self, on: bool) -> None:
        """On: the samples panel becomes a strip under the scatters. Off: back where and as large as it was."""
        if on == self.presenting:
            return
        self.presenting = on
        strip = getattr(self.samples, "set_strip", None)
        if on:
            self._saved = (self.top.saveState(), self.main.saveState())
            self.main.insertWidget(1, self.samples)
            if strip is not None:
                strip(True)
            self.fit_presentation()
            return
        if strip is not None:
            strip(False)  # first: a strip's width must not widen the window when it goes back beside the views
        self.top.insertWidget(2, self.samples)
        self.restore_sizes()

    def restore_sizes(self) -> None:
        """The splitters as they were before presenting (again once the window has its old size back)."""
        if self._saved is not None and not self.presenting:
            self.top.restoreState(self._saved[0])
            self.main.restoreState(self._saved[1])

    def fit_presentation(self) -> None:
        """Re-split a presenting window after it changed size (full screen arrives after the switch)."""
        if not self.presenting:
            return
        height = max(self.main.height(), 1)
        self.main.setSizes([int(height * (1 - STRIP_SHARE)), int(height * STRIP_SHARE), 0])  # loss plot hidden
        half = max(self.top.width(), 2) // 2
        self.top.setSizes([half, half])
