"""Light (high-contrast) and dark themes, at normal or presentation size, for the window and its plots."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QMainWindow

THEMES = {
    "light": {"background": "#ffffff", "foreground": "#000000", "window": "#f4f4f4", "probe": "#000000",
              "grid": "#e1e1e1"},
    "dark": {"background": "#121216", "foreground": "#ebebeb", "window": "#1c1c22", "probe": "#ffffff",
             "grid": "#2c2c34"},
}
LARGE_MARKER = 11
NORMAL_PROBE, LARGE_PROBE = 18, 34


def palette_for(name: str) -> QPalette:
    colours = THEMES[name]
    pal = QPalette(QApplication.palette())
    if name == "dark":
        fg, win, base = QColor(colours["foreground"]), QColor(colours["window"]), QColor(colours["background"])
        for role, colour in ((QPalette.ColorRole.Window, win), (QPalette.ColorRole.WindowText, fg),
                             (QPalette.ColorRole.Base, base), (QPalette.ColorRole.AlternateBase, win),
                             (QPalette.ColorRole.Text, fg), (QPalette.ColorRole.Button, win),
                             (QPalette.ColorRole.ButtonText, fg), (QPalette.ColorRole.ToolTipBase, win),
                             (QPalette.ColorRole.ToolTipText, fg), (QPalette.ColorRole.Highlight, QColor("#3d7bd9")),
                             (QPalette.ColorRole.HighlightedText, QColor("#ffffff"))):
            pal.setColor(role, colour)
    return pal


def style_plot(plot: pg.PlotWidget, name: str, large: bool) -> None:
    """Background, axes, title, legend and (scatter views) marker and probe sizes."""
    colours = THEMES[name]
    fg = colours["foreground"]
    plot.setBackground(colours["background"])
    item = plot.plotItem
    font = QFont()
    font.setPointSize(16 if large else 9)
    for side in ("left", "bottom"):
        axis = item.getAxis(side)
        axis.setPen(pg.mkPen(fg))
        axis.setTextPen(pg.mkPen(fg))
        axis.setTickFont(font)
    title = item.titleLabel.text
    item.setTitle(title, color=fg, size="20pt" if large else "11pt")
    legend = getattr(plot, "legend", None)
    if legend is not None:
        legend.setBrush(pg.mkBrush(QColor(colours["background"]).red(), QColor(colours["background"]).green(),
                                   QColor(colours["background"]).blue(), 210))
        legend.setLabelTextColor(fg)
        legend.setLabelTextSize("16pt" if large else "8pt")
        for _, label in legend.items:
            label.setText(label.text, color=fg, size="16pt" if large else "8pt")
    grid = getattr(plot, "grid", None)
    if isinstance(grid, pg.GridItem):
        grid.setPen(pg.mkPen(colours["grid"]))
    probe = getattr(plot, "probe", None)
    if probe is not None:
        probe.setPen(pg.mkPen(colours["probe"], width=4 if large else 2.5))
        probe.set_marker_size(LARGE_PROBE if large else NORMAL_PROBE)
    highlight = getattr(plot, "highlight", None)
    points = getattr(plot, "points", None)
    if points is None:
        return
    size = LARGE_MARKER if large else (6 if len(points()) < 3000 else 4)  # ScatterView's own rule
    for data_item in item.items:
        if isinstance(data_item, pg.ScatterPlotItem) and data_item is not highlight:
            data_item.setSize(size)


def apply_theme(window: QMainWindow, name: str, large: bool = False) -> None:
    """Restyle the whole window: palette and font for the widgets, colours and sizes for the plots."""
    if name not in THEMES:
        raise ValueError(f"unknown theme {name!r}")
    window.setPalette(palette_for(name))
    font = QFont(QApplication.font())
    if large:
        font.setPointSize(max(font.pointSize(), 9) * 2)
    window.setFont(font)
    for plot in window.findChildren(pg.PlotWidget):
        style_plot(plot, name, large)
