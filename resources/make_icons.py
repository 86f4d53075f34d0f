"""Render the application icon to PNGs and copy the icons the app loads into the package.

Sources live here (aeviewer.svg, toolbar/*.svg). Outputs, committed so a checkout needs no build step:
  resources/icons/hicolor/<N>x<N>/apps/<APP_ID>.png and scalable/apps/<APP_ID>.svg  (freedesktop icon theme layout)
  aeviewer/resources/                                                              (package data shipped by pip)
Run after editing an SVG:  python resources/make_icons.py
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE_RESOURCES = HERE.parent / "aeviewer" / "resources"
APP_ID = "io.github.aeviewer.aeviewer"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
PACKAGE_SIZES = (16, 24, 32, 48, 64, 128, 256)  # window/taskbar icon sizes; 512 only for the desktop theme


def render_png(svg: Path, size: int, out: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    out.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(out), "PNG"):
        raise SystemExit(f"{out}: could not write")


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    svg = HERE / "aeviewer.svg"
    theme = HERE / "icons" / "hicolor"
    for size in SIZES:
        render_png(svg, size, theme / f"{size}x{size}" / "apps" / f"{APP_ID}.png")
    (theme / "scalable" / "apps").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(svg, theme / "scalable" / "apps" / f"{APP_ID}.svg")

    icons = PACKAGE_RESOURCES / "icons"
    if icons.exists():
        shutil.rmtree(icons)
    icons.mkdir(parents=True)
    shutil.copyfile(svg, icons / "aeviewer.svg")
    for size in PACKAGE_SIZES:
        shutil.copyfile(theme / f"{size}x{size}" / "apps" / f"{APP_ID}.png", icons / f"aeviewer-{size}.png")
    toolbar = PACKAGE_RESOURCES / "toolbar"
    if toolbar.exists():
        shutil.rmtree(toolbar)
    shutil.copytree(HERE / "toolbar", toolbar)
    print(f"wrote {len(SIZES)} PNGs under {theme} and the package icons under {PACKAGE_RESOURCES}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
