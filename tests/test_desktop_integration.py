"""The desktop files, icons and entry points that make aeviewer an app in the menu, not a terminal command."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
RESOURCES = ROOT / "resources"
PACKAGE_RESOURCES = ROOT / "aeviewer" / "resources"
APP_ID = "io.github.aeviewer.aeviewer"
DESKTOP = RESOURCES / f"{APP_ID}.desktop"
METAINFO = RESOURCES / f"{APP_ID}.metainfo.xml"

sys.path.insert(0, str(RESOURCES))
import make_icons  # noqa: E402

sys.path.remove(str(RESOURCES))


def pyproject() -> dict:
    tomllib = pytest.importorskip("tomllib")  # Python ≥ 3.11
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils not installed")
def test_the_desktop_file_validates():
    result = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstream not installed")
def test_the_metainfo_validates():
    result = subprocess.run(["appstreamcli", "validate", "--no-net", str(METAINFO)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_desktop_file_metainfo_icon_and_entry_points_agree():
    entry, meta = desktop_entry(), ET.parse(METAINFO).getroot()
    assert entry["Icon"] == APP_ID == meta.findtext("id")
    assert meta.find("launchable").text == DESKTOP.name
    scripts = pyproject()["project"]
    assert entry["Exec"].split()[0] in {**scripts["scripts"], **scripts["gui-scripts"]}
    assert meta.find("releases/release").get("version") == scripts["version"], "metainfo's latest release"
    assert meta.find("screenshots/screenshot/image").text.endswith("docs/screenshot.png")
    assert (ROOT / "docs" / "screenshot.png").is_file()


def test_icon_pngs_exist_at_every_size():
    for size in make_icons.SIZES:
        png = RESOURCES / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        with Image.open(png) as image:
            assert image.size == (size, size), png
            assert image.mode == "RGBA" and image.getextrema()[3][0] == 0, f"{png}: corners should be transparent"


def test_the_package_copies_match_their_sources():
    """resources/ holds the sources; make_icons.py copies them into the package. A stale copy fails here."""
    pairs = [(RESOURCES / "aeviewer.svg", PACKAGE_RESOURCES / "icons" / "aeviewer.svg")]
    pairs += [(RESOURCES / "icons" / "hicolor" / f"{n}x{n}" / "apps" / f"{APP_ID}.png",
               PACKAGE_RESOURCES / "icons" / f"aeviewer-{n}.png") for n in make_icons.PACKAGE_SIZES]
    pairs += [(svg, PACKAGE_RESOURCES / "toolbar" / svg.name) for svg in (RESOURCES / "toolbar").glob("*.svg")]
    assert len(pairs) > 10
    for source, copy in pairs:
        assert copy.read_bytes() == source.read_bytes(), f"{copy} is stale: run python resources/make_icons.py"
    shipped = {p.name for p in (PACKAGE_RESOURCES / "toolbar").iterdir()}
    assert shipped == {p.name for p in (RESOURCES / "toolbar").iterdir()}


def test_package_data_covers_every_icon():
    patterns = pyproject()["tool"]["setuptools"]["package-data"]["aeviewer.resources"]
    files = {p for p in PACKAGE_RESOURCES.rglob("*")
             if p.is_file() and p.suffix != ".py" and "__pycache__" not in p.parts}
    covered = {p for pattern in patterns for p in PACKAGE_RESOURCES.glob(pattern)}
    assert files and files == covered


def test_installed_entry_points_open_the_cli():
    """Run against the installed metadata: `make test` reinstalls when pyproject.toml changes."""
    from aeviewer.cli import main

    console = {ep.name: ep for ep in entry_points(group="console_scripts") if ep.name.startswith("aeviewer")}
    gui = {ep.name: ep for ep in entry_points(group="gui_scripts") if ep.name.startswith("aeviewer")}
    assert console["aeviewer"].load() is main
    assert gui["aeviewer-gui"].load() is main
