"""Inspecting a scatter: a hover card (thumbnail and label of the point under the mouse) and Shift+drag selection
with a box or a lasso.

Attached from outside through an event filter on the view's viewport, so ScatterView keeps its own mouse handling.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFrame, QLabel, QRubberBand, QVBoxLayout

from aeviewer.core.latent.selection import points_in_box, points_in_polygon
from aeviewer.gui.views.mosaic_pane import to_qimage
from aeviewer.gui.views.scatter_view import ScatterView
from aeviewer.gui.views.themes import LIGHT, Theme

THUMB_PX = 72


class HoverCard(QFrame):
    def __init__(self, parent) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.Box)
        self.use_theme(LIGHT)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(3, 3, 3, 3)
        layout.setSpacing(1)
        self.image = QLabel()
        self.image.setFixedSize(QSize(THUMB_PX, THUMB_PX))
        self.text = QLabel()
        self.text.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.image)
        layout.addWidget(self.text)
        self.index: int | None = None
        self.hide()

    def use_theme(self, theme: Theme, large: bool = False) -> None:
        self.setStyleSheet(f"HoverCard {{ background: {theme.window}; border: 1px solid {theme.grid}; }}"
                           f"HoverCard QLabel {{ color: {theme.foreground}; }}")

    def show_point(self, index: int, pixels: np.ndarray, text: str, at: QPoint) -> None:
        self.index = index
        pix = QPixmap.fromImage(to_qimage(pixels)).scaled(THUMB_PX, THUMB_PX, Qt.AspectRatioMode.KeepAspectRatio,
                                                         Qt.TransformationMode.FastTransformation)
        self.image.setPixmap(pix)
        self.text.setText(text)
        self.adjustSize()
        parent = self.parentWidget()
        if parent is None:
            return
        x = at.x() + 14 if at.x() + 14 + self.width() < parent.width() else at.x() - 14 - self.width()
        y = at.y() + 14 if at.y() + 14 + self.height() < parent.height() else at.y() - 14 - self.height()
        self.move(max(0, x), max(0, y))
        self.show()
        self.raise_()


class ScatterInspector(QObject):
    """Hover shows the point's picture and label; Shift+drag selects the visible points in a box or a lasso."""

    selected = Signal(object)  # np.ndarray of sample indices

    def __init__(self, view: ScatterView, describe: Callable[[int], tuple[np.ndarray, str]]) -> None:
        super().__init__(view)
        self.view = view
        self.describe = describe
        self.card = HoverCard(view.viewport())
        self.band = QRubberBand(QRubberBand.Shape.Rectangle, view.viewport())
        self._origin: QPoint | None = None
        self.shape = "box"  # or "lasso"
        self._lasso: list[np.ndarray] = []
        self.lasso_item = pg.PlotCurveItem()
        self.lasso_item.setZValue(40)
        view.plotItem.vb.addItem(self.lasso_item, ignoreBounds=True)
        view.viewport().setMouseTracking(True)
        view.viewport().installEventFilter(self)
        self.use_theme(view.theme, view.large)

    def use_theme(self, theme: Theme, large: bool) -> None:
        self.lasso_item.setPen(pg.mkPen(theme.hover, width=3 if large else 1.5, style=Qt.PenStyle.DashLine))

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress:
            self.hide_card()  # a drag (probe, pan or selection) starts: the card must not stay where it began
        if kind == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton \
                and event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self._origin = event.position().toPoint()
            self.card.hide()
            if self.shape == "lasso":
                self._lasso = [self._to_data(self._origin)]
            else:
                self.band.setGeometry(QRect(self._origin, QSize()))
                self.band.show()
            return True
        if kind == QEvent.Type.MouseMove:
            if self._origin is not None:
                if self.shape == "lasso":
                    self._lasso.append(self._to_data(event.position().toPoint()))
                    path = np.array(self._lasso + self._lasso[:1])
                    self.lasso_item.setData(path[:, 0], path[:, 1])
                else:
                    self.band.setGeometry(QRect(self._origin, event.position().toPoint()).normalized())
                return True
            if event.buttons() == Qt.MouseButton.NoButton:
                self.hover(event.position().toPoint())
            else:
                self.hide_card()
        elif kind == QEvent.Type.MouseButtonRelease and self._origin is not None:
            if self.shape == "lasso":
                self._lasso.append(self._to_data(event.position().toPoint()))
                self._origin = None
                self.lasso_item.setData([], [])
                self.select_polygon(np.array(self._lasso))
                return True
            rect = QRect(self._origin, event.position().toPoint()).normalized()
            self._origin = None
            self.band.hide()
            self.select_box(rect)
            return True
        elif kind == QEvent.Type.Leave:
            self.hide_card()
        return False

    def hide_card(self) -> None:
        self.card.hide()
        self.card.index = None
        self.view.mark_hover(None)

    def hover(self, pos: QPoint) -> int | None:
        index = self.view.point_under(pos)
        self.view.mark_hover(index)
        if index is None:
            self.hide_card()
            return None
        if index != self.card.index or not self.card.isVisible():
            pixels, text = self.describe(index)
            self.card.show_point(index, pixels, text, pos)
        return index

    def select_box(self, rect: QRect) -> np.ndarray:
        """Emit the visible points inside a viewport-pixel rectangle."""
        a = self.view.plotItem.vb.mapSceneToView(self.view.mapToScene(rect.topLeft()))
        b = self.view.plotItem.vb.mapSceneToView(self.view.mapToScene(rect.bottomRight()))
        return self.select_region((min(a.x(), b.x()), max(a.x(), b.x())), (min(a.y(), b.y()), max(a.y(), b.y())))

    def _to_data(self, pos: QPoint) -> np.ndarray:
        p = self.view.plotItem.vb.mapSceneToView(self.view.mapToScene(pos))
        return np.array([p.x(), p.y()])

    def select_polygon(self, polygon: np.ndarray) -> np.ndarray:
        """Emit the visible points inside a lasso given in data coordinates."""
        indices = np.flatnonzero(points_in_polygon(self.view.points(), polygon) & self.view.visible_mask())
        self.view.mark_selection(indices)
        self.selected.emit(indices)
        return indices

    def select_region(self, x_range: tuple[float, float], y_range: tuple[float, float]) -> np.ndarray:
        inside = points_in_box(self.view.points(), x_range, y_range) & self.view.visible_mask()
        indices = np.flatnonzero(inside)
        self.view.mark_selection(indices)
        self.selected.emit(indices)
        return indices
