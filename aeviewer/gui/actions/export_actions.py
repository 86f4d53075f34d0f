"""The Export menu: panels as PNG (2×) and SVG, manifold grid and reconstruction strip, Projector TSV.

Plots go through pyqtgraph's exporters; plain widget panels are rendered at twice their size.
Everything is written to a temp file and renamed into place.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pyqtgraph.exporters as pg_exporters
from PySide6.QtCore import QSize
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QWidget

from aeviewer.core.data.images import display_shape
from aeviewer.core.errors import AeviewerError
from aeviewer.core.session.export import (
    ExportError,
    _as_new_file,
    manifold_grid,
    reconstruction_strip,
    sample_images,
    save_png,
    tile,
    write_projector_tsv,
)
from aeviewer.gui.views.export_scale import scaled_for_export
from aeviewer.gui.views.file_dialogs import open_folder, save_file

PNG_SCALE = 2


def _staged(path: Path, write) -> Path:
    """Run `write(tmp_path)` then rename over `path`; the temp keeps the suffix so exporters pick the format."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent if path.parent.exists() else None, prefix=f".{path.stem}.",
                               suffix=path.suffix)
    os.close(fd)
    try:
        write(tmp)
        if not Path(tmp).stat().st_size:
            raise ExportError(f"{path}: nothing was written")
        _as_new_file(Path(tmp))
        os.replace(tmp, path)
    except OSError as exc:
        raise ExportError(f"{path}: could not write: {exc.strerror or exc}") from exc
    finally:
        with contextlib.suppress(OSError):
            Path(tmp).unlink(missing_ok=True)
    return path


def _settle(plot: pg.PlotWidget) -> None:
    """Draw the points a live plot holds back between redraws (the loss plot), so the file has them all."""
    flush = getattr(plot, "flush", None)
    if callable(flush):
        flush()


def export_plot_png(plot: pg.PlotWidget, path: str | Path, scale: int = PNG_SCALE) -> Path:
    """The plot at `scale` times its on-screen width (pyqtgraph re-renders, so lines stay sharp; the legend and
    line widths grow with it)."""
    _settle(plot)
    exporter = pg_exporters.ImageExporter(plot.plotItem)
    width = max(1, int(plot.plotItem.sceneBoundingRect().width() * scale))
    exporter.parameters()["width"] = width

    def write(tmp: str) -> None:
        with scaled_for_export(plot, width / max(1.0, plot.plotItem.sceneBoundingRect().width())):
            exporter.export(tmp)

    return _staged(Path(path), write)


def export_plot_svg(plot: pg.PlotWidget, path: str | Path) -> Path:
    """pyqtgraph's SVG exporter; where it fails (it cannot parse Qt >= 6.10's SVG paths, pyqtgraph
    issue #3485) the plot is painted into Qt's own QSvgGenerator, which is vector output too."""
    _settle(plot)

    def write(tmp: str) -> None:
        try:
            pg_exporters.SVGExporter(plot.plotItem).export(tmp)
        except ValueError:
            _qt_svg(plot, tmp)

    return _staged(Path(path), write)


def _qt_svg(widget: QWidget, filename: str) -> None:
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgGenerator

    generator = QSvgGenerator()
    generator.setFileName(filename)
    generator.setSize(widget.size())
    generator.setViewBox(QRect(0, 0, widget.width(), widget.height()))
    generator.setTitle(getattr(widget.plotItem.titleLabel, "text", "") if hasattr(widget, "plotItem") else "")
    painter = QPainter(generator)
    try:
        # A plot is a QGraphicsView: its render(painter) is not QWidget's (painter, offset) overload.
        widget.render(painter)  # type: ignore[call-overload]
    finally:
        painter.end()


def export_widget_png(widget: QWidget, path: str | Path, scale: int = PNG_SCALE) -> Path:
    """Any panel, rendered at `scale`× device pixel ratio (not an upscaled screenshot)."""
    size = widget.size()
    pixmap = QPixmap(QSize(size.width() * scale, size.height() * scale))
    pixmap.setDevicePixelRatio(scale)
    pixmap.fill(widget.palette().window().color())
    widget.render(pixmap)

    def write(tmp: str) -> None:
        if not pixmap.save(tmp, "PNG"):
            raise ExportError(f"{path}: Qt could not write the PNG")

    return _staged(Path(path), write)


class ExportActions:
    """Builds the Export menu of a MainWindow and runs its exports (file dialogs here, work in core)."""

    def __init__(self, window) -> None:
        self.owner = window
        menu = window.menuBar().addMenu("E&xport")
        self.menu = menu
        w = window
        for title, plot in (("Latent view", w.ae_view), ("PCA view", w.pca_view), ("Loss plot", w.loss_plot)):
            sub = menu.addMenu(title)
            sub.addAction("PNG (2×)…").triggered.connect(lambda _=False, p=plot, t=title: self._ask_plot(p, t, "png"))
            sub.addAction("SVG…").triggered.connect(lambda _=False, p=plot, t=title: self._ask_plot(p, t, "svg"))
        menu.addAction("Decoded samples panel as PNG (2×)…").triggered.connect(self._ask_samples_png)
        menu.addSeparator()
        menu.addAction("Manifold grid as PNG…").triggered.connect(lambda: self._ask("grid.png", self.export_grid))
        menu.addAction("Reconstruction strip as PNG…").triggered.connect(
            lambda: self._ask("reconstructions.png", self.export_strip))
        menu.addAction("Probe path / tour as GIF or MP4…").triggered.connect(
            lambda: window.recordings.export_dialog())
        menu.addSeparator()
        menu.addAction("Codes as Embedding Projector TSV…").triggered.connect(self._ask_tsv)

    # --- what the menu does (also called by tests) -----------------------------------------------------
    def export_grid(self, path: str | Path, n: int = 15) -> Path:
        """Decodes over an n×n grid spanning the latent view's visible range."""
        w = self.owner
        if w.ae_space is None:
            raise ExportError("no model to decode with")
        (x0, x1), (y0, y1) = w.ae_view.plotItem.vb.viewRange()
        ranges = ((float(x0), float(x1)), (float(y0), float(y1)))
        samples, _ = manifold_grid(w.ae_space.decode_at, ranges, n)
        shape = w.shown.sample_shape
        scale = max(1, 48 // max(display_shape(shape)[:2]))
        return save_png(path, tile(sample_images(samples, shape, scale), columns=n))

    def export_strip(self, path: str | Path, n: int = 12) -> Path:
        w = self.owner
        if w.ae_space is None:
            raise ExportError("no model to decode with")
        idx = np.linspace(0, len(w.shown) - 1, min(n, len(w.shown))).astype(int)
        return save_png(path, reconstruction_strip(w.shown.x[idx], w.ae_space.reconstructions()[idx],
                                                   w.shown.sample_shape))

    def export_tsv(self, folder: str | Path) -> tuple[Path, Path]:
        w = self.owner
        if w.ae_space is None:
            raise ExportError("no model: nothing to export")
        return write_projector_tsv(folder, w.ae_space.codes, w.shown.y, w.shown.class_names)

    # --- dialogs ------------------------------------------------------------------------------------
    def _run(self, fn, *args) -> None:
        try:
            out = fn(*args)
        except AeviewerError as exc:
            self.owner.show_error(str(exc))
            return
        shown = out[0].parent if isinstance(out, tuple) else out
        self.owner.statusBar().showMessage(f"Wrote {shown}", 8000)

    def _ask(self, default: str, fn) -> None:
        name = save_file(self.owner, self.owner.settings, "export", "Export", default, "PNG image (*.png)")
        if name:
            self._run(fn, name if name.lower().endswith(".png") else name + ".png")

    def _ask_plot(self, plot: pg.PlotWidget, title: str, kind: str) -> None:
        default = title.lower().replace(" ", "-") + f".{kind}"
        name = save_file(self.owner, self.owner.settings, "export", f"Export {title}", default,
                         f"{kind.upper()} (*.{kind})")
        if name:
            name = name if name.lower().endswith(f".{kind}") else f"{name}.{kind}"
            self._run(export_plot_png if kind == "png" else export_plot_svg, plot, name)

    def _ask_samples_png(self) -> None:
        name = save_file(self.owner, self.owner.settings, "export", "Export panel", "samples.png",
                         "PNG image (*.png)")
        if name:
            self._run(export_widget_png, self.owner.samples, name if name.lower().endswith(".png") else name + ".png")

    def _ask_tsv(self) -> None:
        folder = open_folder(self.owner, self.owner.settings, "export", "Folder for vectors.tsv and metadata.tsv")
        if folder:
            self._run(self.export_tsv, folder)
