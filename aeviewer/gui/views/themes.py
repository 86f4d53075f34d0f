"""Light (high-contrast) and dark themes, at normal or presentation size, for the window and its plots.

A `Theme` is one palette: every mark a view draws (curves, paths, the probe cross, selection rings, text,
legends, axes, grid) takes its colour from it. `apply_theme` gives the widgets its QPalette and calls
`use_theme(theme, large)` on every object of the window that draws marks, so a view re-colours itself on
a theme change instead of the theme reaching into the view.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QObject
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QMainWindow

LARGE_MARKER = 11
NORMAL_PROBE, LARGE_PROBE = 18, 34
POINT_ALPHA = 210  # class dots are a little see-through, so dense regions read darker


@dataclass(frozen=True)
class Theme:
    """The colours of one theme ("#rrggbb"); each mark of each view reads its own field."""

    name: str
    background: str  # plot background
    foreground: str  # text, axes, the "total" loss curve, rings
    window: str  # widget background
    base: str  # field background
    disabled_text: str  # text of a disabled field or button: visibly greyer than `foreground`
    accent: str  # the widget highlight (selected rows, focus)
    grid: str  # deliberately faint: it sits behind everything
    probe: str  # the probe cross
    hover: str  # the probe cross under the mouse, the lasso
    path: str  # interpolation path line and marker outlines
    marker: str  # fill of path dots and generated stars (outlined in `path`): no class colour
    muted: str  # points without a label
    classes: tuple[str, ...]  # one per class (and per extra loss term), each >= 3:1 on `background`

    def class_colour(self, label: int, n_classes: int, alpha: int = 255) -> QColor:
        """The colour of class `label`; more classes than the palette holds get evenly spaced hues."""
        colour = QColor(self.classes[label % len(self.classes)]) if n_classes <= len(self.classes) \
            else pg.intColor(label, hues=n_classes)
        colour.setAlpha(alpha)
        return colour

    def veil(self, alpha: int) -> QColor:
        """The background colour at `alpha`: the fill behind legends and cards."""
        colour = QColor(self.background)
        colour.setAlpha(alpha)
        return colour

    def qpalette(self) -> QPalette:
        """The widgets' palette, with a disabled group that looks disabled (greyed text, flat fields)."""
        pal = QPalette(QApplication.palette())
        fg, win, base = QColor(self.foreground), QColor(self.window), QColor(self.base)
        active = ((QPalette.ColorRole.Window, win), (QPalette.ColorRole.WindowText, fg),
                  (QPalette.ColorRole.Base, base), (QPalette.ColorRole.AlternateBase, win),
                  (QPalette.ColorRole.Text, fg), (QPalette.ColorRole.Button, win),
                  (QPalette.ColorRole.ButtonText, fg), (QPalette.ColorRole.ToolTipBase, win),
                  (QPalette.ColorRole.ToolTipText, fg),
                  (QPalette.ColorRole.PlaceholderText, QColor(self.disabled_text)),
                  (QPalette.ColorRole.Highlight, QColor(self.accent)),
                  (QPalette.ColorRole.HighlightedText, QColor("#ffffff")))
        for role, colour in active:
            pal.setColor(role, colour)  # every group
        grey = QColor(self.disabled_text)
        for role, colour in ((QPalette.ColorRole.WindowText, grey), (QPalette.ColorRole.Text, grey),
                             (QPalette.ColorRole.ButtonText, grey), (QPalette.ColorRole.Base, win),
                             (QPalette.ColorRole.Highlight, grey)):
            pal.setColor(QPalette.ColorGroup.Disabled, role, colour)
        return pal


LIGHT = Theme(
    name="light", background="#ffffff", foreground="#000000", window="#f4f4f4", base="#ffffff",
    disabled_text="#8c8c8c", accent="#2f6fce", grid="#e1e1e1", probe="#000000", hover="#d00000",
    path="#111111", marker="#ffd400", muted="#555555",
    classes=("#1f77b4", "#c45400", "#23802a", "#d62728", "#8250c0",
             "#8c564b", "#c2338f", "#6e6e6e", "#737300", "#0e7a8f"))
DARK = Theme(
    name="dark", background="#121216", foreground="#ebebeb", window="#1c1c22", base="#121216",
    disabled_text="#6e6e78", accent="#3d7bd9", grid="#2c2c34", probe="#ffffff", hover="#ff5a5a",
    path="#ebebeb", marker="#ffd400", muted="#a8a8b0",
    classes=("#4ea3e6", "#ff9a3c", "#5cc65c", "#ff6b6b", "#b895e6",
             "#c99a8a", "#f59ad6", "#b4b4b4", "#d4d54a", "#3fd6e6"))
THEMES: dict[str, Theme] = {t.name: t for t in (LIGHT, DARK)}


def theme_named(name: str) -> Theme:
    if name not in THEMES:
        raise ValueError(f"unknown theme {name!r} (use one of {', '.join(THEMES)})")
    return THEMES[name]


def palette_for(name: str) -> QPalette:
    return theme_named(name).qpalette()


def text_size(large: bool) -> str:
    """Legend text size: presentation mode doubles it."""
    return "16pt" if large else "8pt"


def style_plot(plot: pg.PlotWidget, theme: Theme, large: bool) -> None:
    """Background, axes, axis labels, title, legend and grid of any plot; the data marks are the view's own."""
    fg = theme.foreground
    plot.setBackground(theme.background)
    item = plot.plotItem
    font = QFont()
    font.setPointSize(16 if large else 9)
    for side in ("left", "bottom"):
        axis = item.getAxis(side)
        axis.setPen(pg.mkPen(fg))
        axis.setTextPen(pg.mkPen(fg))  # also the axis label's colour
        axis.setTickFont(font)
        axis.labelStyle["font-size"] = "16pt" if large else "9pt"
        axis._updateLabel()  # pyqtgraph redraws the label only on this (AxisItem has no public setter)
    item.setTitle(item.titleLabel.text, color=fg, size="20pt" if large else "11pt")
    legend = getattr(plot, "legend", None)
    if isinstance(legend, pg.LegendItem):
        legend.setBrush(pg.mkBrush(theme.veil(210)))
        legend.setPen(pg.mkPen(theme.grid))
        legend.setLabelTextColor(fg)
        legend.setLabelTextSize(text_size(large))
        for _, label in legend.items:
            label.setText(label.text, color=fg, size=text_size(large))
        legend.layout.setSpacing(0)
        legend.updateSize()
    grid = getattr(plot, "grid", None)
    if isinstance(grid, pg.GridItem):
        grid.setPen(pg.mkPen(theme.grid))


def apply_theme(window: QMainWindow, name: str, large: bool = False) -> None:
    """Restyle the whole window: palette and font for the widgets, and each mark-drawing object's colours."""
    theme = theme_named(name)
    window.setPalette(theme.qpalette())
    font = QFont(QApplication.font())
    if large:
        font.setPointSize(max(font.pointSize(), 9) * 2)
    window.setFont(font)
    for obj in window.findChildren(QObject):
        use_theme = getattr(obj, "use_theme", None)
        if callable(use_theme):
            use_theme(theme, large)
        elif isinstance(obj, pg.PlotWidget):
            style_plot(obj, theme, large)
