"""Both themes as a viewer sees them: every mark stands out from its background, disabled fields look disabled,
and a 2x export keeps the legend and the lines at their on-screen proportions."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QLineEdit, QMainWindow, QSpinBox, QSplitter, QVBoxLayout, QWidget

from aeviewer.core.contrast import MIN_MARK_CONTRAST, composite, contrast_ratio
from aeviewer.core.data.loaders import load_dataset
from aeviewer.core.latent.spaces import AutoencoderSpace, shown_samples
from aeviewer.core.models import ModelConfig, build_model
from aeviewer.core.state import ExplorerState
from aeviewer.gui.views.themes import THEMES, apply_theme


@pytest.fixture
def themed_views(qtbot):
    """A latent view with a path, generated stars, a selection and a probe, the PCA view and a loss plot in one
    window: what apply_theme restyles."""
    from aeviewer.gui.panels.explore_tabs import ExploreDock
    from aeviewer.gui.views.loss_plot import LossPlot
    from aeviewer.gui.views.scatter_view import ScatterView
    from aeviewer.gui.workers.probe_decoder import ProbeDecoder

    digits = load_dataset("digits")
    shown = shown_samples(digits)
    model = build_model(ModelConfig(input_shape=digits.sample_shape, latent_dim=2), seed=0).eval()
    state = ExplorerState(dataset=digits, shown=shown, model=model, ae_space=AutoencoderSpace.build(model, shown))
    window = QMainWindow()
    qtbot.addWidget(window)
    ae, pca, loss = ScatterView("latent"), ScatterView("pca"), LossPlot()
    split = QSplitter()
    for widget in (ae, pca, loss):
        split.addWidget(widget)
    window.setCentralWidget(split)
    decoder = ProbeDecoder(state, {"ae": lambda *_: None, "pca": lambda *_: None}, on_error=pytest.fail)
    dock = ExploreDock(state, ae, pca, decoder, parent=window)
    window.addDockWidget(pg.QtCore.Qt.DockWidgetArea.LeftDockWidgetArea, dock)
    for view in (ae, pca):
        view.set_points(state.ae_space.points, shown.y, shown.class_names)
        view.fit_to_data()
    for index in (4, 40):
        dock._remember_selection(index)
    dock.generate()
    dock.inspectors[0].select_region((-10.0, 10.0), (-10.0, 10.0))
    ae.set_highlight(3)
    for step in range(1, 30):
        loss.add(step, {"total": 1.0 / step, "recon": 0.8 / step, "kl": 0.2 / step})
    loss.flush()
    window.resize(1200, 500)
    window.show()
    qtbot.waitExposed(window)
    yield window, ae, pca, loss, dock
    decoder.close()


def _pen_colours(pen) -> list[QColor]:
    pen = pg.mkPen(pen)
    return [] if pen.style() == pg.QtCore.Qt.PenStyle.NoPen else [pen.color()]


def _brush_colours(brush) -> list[QColor]:
    brush = pg.mkBrush(brush)
    return [] if brush.style() == pg.QtCore.Qt.BrushStyle.NoBrush else [brush.color()]


def _outline_or_fill(pen, brush) -> list[QColor]:
    """A filled symbol stands out by its outline when it has one (a yellow dot ringed in black), else by its fill."""
    return _pen_colours(pen) or _brush_colours(brush)


def mark_colours(plot: pg.PlotWidget) -> dict[str, QColor]:
    """Every pen colour a plot draws data, text and axes with, and the fill of marks without an outline (the faint
    grid aside)."""
    marks: dict[str, QColor] = {}

    def put(name: str, colours: list[QColor]) -> None:
        for i, colour in enumerate(colours):
            marks[f"{name}#{i}"] = colour

    item = plot.plotItem
    for n, data in enumerate({id(i): i for i in [*item.items, *item.vb.childGroup.childItems()]}.values()):
        name = f"{type(data).__name__}{n}"
        if isinstance(data, pg.PlotDataItem):
            if len(data.xData if data.xData is not None else []):
                put(name + ".pen", _pen_colours(data.opts["pen"]))
                if data.opts["symbol"] is not None:
                    put(name + ".symbol", _outline_or_fill(data.opts["symbolPen"], data.opts["symbolBrush"]))
        elif isinstance(data, pg.ScatterPlotItem) and len(data.data):
            put(name, _outline_or_fill(data.opts["pen"], data.opts["brush"]))
        elif isinstance(data, pg.TargetItem):
            put(name + ".pen", _pen_colours(data.pen))
            put(name + ".hoverPen", _pen_colours(data.hoverPen))
        elif isinstance(data, pg.PlotCurveItem):
            put(name + ".pen", _pen_colours(data.opts["pen"]))
    for side in ("left", "bottom"):
        axis = item.getAxis(side)
        put(f"axis-{side}", [axis.pen().color(), axis.textPen().color()])
    put("title", [pg.mkColor(item.titleLabel.opts["color"])])
    for _, label in plot.legend.items:
        put(f"legend-{label.text}", [pg.mkColor(label.opts["color"])])
    return marks


@pytest.mark.parametrize("name", list(THEMES))
def test_every_mark_of_the_scatters_and_the_loss_plot_stands_out_from_the_background(themed_views, name):
    window, ae, pca, loss, _dock = themed_views
    apply_theme(window, name)
    background = THEMES[name].background
    for plot in (ae, pca, loss):
        assert plot.backgroundBrush().color().name() == background
        marks = mark_colours(plot)
        assert len(marks) > 8, "the fixture should draw curves, points, a path, rings and text"
        for mark, colour in marks.items():
            if colour.alpha() < 128:
                continue  # a see-through veil (the probe's fill), not a mark
            seen = composite(colour.name(), background, colour.alphaF())
            assert contrast_ratio(seen, background) >= MIN_MARK_CONTRAST, f"{name}: {mark} {colour.name()}"
        grid = plot.grid.opts["pen"].color().name()
        assert contrast_ratio(grid, background) > 1.1, "the grid is faint but there"


def test_the_total_loss_curve_and_the_path_change_colour_with_the_theme(themed_views):
    window, ae, _pca, loss, dock = themed_views
    seen = {}
    for name in THEMES:
        apply_theme(window, name)
        seen[name] = (loss._curves["total"].opts["pen"].color().name(), dock.path_item.opts["pen"].color().name(),
                      ae._groups[0].opts["brush"].color().name())
    assert seen["light"] != seen["dark"]
    assert seen["dark"][0] == THEMES["dark"].foreground  # "total" was black on black


@pytest.mark.parametrize("name", list(THEMES))
def test_disabled_fields_look_disabled(qtbot, name):
    window = QMainWindow()
    qtbot.addWidget(window)
    box = QWidget()
    layout = QVBoxLayout(box)
    fields = [QLineEdit("60 epochs"), QLineEdit("60 epochs"), QSpinBox(), QSpinBox()]
    for field in fields:
        layout.addWidget(field)
    fields[1].setEnabled(False)
    fields[3].setEnabled(False)
    window.setCentralWidget(box)
    apply_theme(window, name)
    window.show()
    qtbot.waitExposed(window)
    pal = fields[1].palette()
    active, disabled = QPalette.ColorGroup.Active, QPalette.ColorGroup.Disabled
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        assert pal.color(disabled, role) != pal.color(active, role)
    base = pal.color(active, QPalette.ColorRole.Base).name()
    assert contrast_ratio(pal.color(disabled, QPalette.ColorRole.Text).name(), base) < \
        contrast_ratio(pal.color(active, QPalette.ColorRole.Text).name(), base)
    for enabled, greyed in ((fields[0], fields[1]), (fields[2], fields[3])):
        assert enabled.grab().toImage() != greyed.grab().toImage(), "a disabled field is drawn like an enabled one"


def _pixels(path) -> np.ndarray:
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width() * 3].reshape(image.height(), image.width(), 3).astype(int)


def _near(pixels: np.ndarray, colour: str, tolerance: int = 40) -> np.ndarray:
    target = np.array(QColor(colour).getRgb()[:3])
    return np.abs(pixels - target).max(axis=2) <= tolerance


def test_a_2x_export_keeps_the_legend_and_the_path_in_proportion(themed_views, tmp_path):
    from aeviewer.gui.actions.export_actions import export_plot_png

    window, ae, *_rest, dock = themed_views
    apply_theme(window, "dark")
    theme = THEMES["dark"]
    ae.clear_marks()  # rings, stars and the cross share the path's colour: leave the path alone to be measured
    dock.clear_generated()
    ae.probe.hide()
    x = ae.points()[:, 0]
    dock.recent = []
    for index in (int(np.argmin(x)), int(np.argmax(x))):
        dock._remember_selection(index)
    images = {scale: _pixels(export_plot_png(ae, tmp_path / f"latent-{scale}.png", scale=scale)) for scale in (1, 2)}
    assert images[2].shape[1] == 2 * images[1].shape[1]
    source = ae.plotItem.sceneBoundingRect()
    legend = ae.legend.sceneBoundingRect().translated(-source.left(), -source.top())

    def legend_ink(scale: int) -> int:
        """Legend text pixels (the theme's foreground) inside where the legend sits on screen, scaled."""
        x0, y0 = int(legend.left() * scale), int(legend.top() * scale)
        x1, y1 = int(legend.right() * scale), int(legend.bottom() * scale)
        return int(_near(images[scale][y0:y1, x0:x1], theme.foreground, 60).sum())

    assert legend_ink(1) > 20
    assert legend_ink(2) > 3 * legend_ink(1), "the legend must grow with the picture (it was drawn at 1x)"
    # The path's dashes: the path colour is the foreground, so look between its two ends, away from text.
    x, y = dock.path_item.getData()
    ends = [ae.plotItem.vb.mapViewToScene(pg.QtCore.QPointF(float(px), float(py))) for px, py in ((x[0], y[0]),
                                                                                              (x[-1], y[-1]))]

    def path_ink(scale: int) -> int:
        xs = sorted(int((p.x() - source.left()) * scale) for p in ends)
        ys = sorted(int((p.y() - source.top()) * scale) for p in ends)
        pad = 8 * scale  # the line's width reaches past its ends' box
        return int(_near(images[scale][ys[0] - pad:ys[1] + pad, xs[0]:xs[1] + 1], theme.path, 50).sum())

    assert path_ink(1) > 10, "the path is visible on the dark background"
    assert path_ink(2) > 3 * path_ink(1), "the path's width grows with the picture, not only its length"
