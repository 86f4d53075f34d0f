"""Exports: Projector TSV parses with the right rows, GIFs have the expected frames, cancel writes nothing."""

from __future__ import annotations

import csv
import threading

import numpy as np
import pytest

from aeviewer.core.session.export import (
    ExportCancelled,
    ExportError,
    ScatterRenderer,
    encoding_steps,
    manifold_grid,
    path_frames,
    reconstruction_strip,
    save_png,
    tile,
    write_animation,
    write_projector_tsv,
)
from aeviewer.core.session.recording import ProbePath


def read_tsv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f, delimiter="\t"))


def test_projector_tsv_files_parse_with_one_row_per_sample(tmp_path):
    codes = np.random.default_rng(0).standard_normal((37, 3)).astype(np.float32)
    labels = np.arange(37) % 4
    vectors, metadata = write_projector_tsv(tmp_path / "proj", codes, labels, ("zero", "one", "two\tthree", "x"))
    rows = read_tsv(vectors)
    assert len(rows) == 37 and all(len(r) == 3 for r in rows)
    assert np.allclose(np.array(rows, dtype=float), codes, atol=1e-6)
    meta = read_tsv(metadata)
    assert meta[0] == ["label", "class name", "index"] and len(meta) == 38  # header + one row per vector
    assert meta[3] == ["2", "two three", "2"]


def test_projector_metadata_with_one_column_has_no_header(tmp_path):
    _, metadata = write_projector_tsv(tmp_path, np.zeros((5, 2)))
    assert read_tsv(metadata) == [["0"], ["1"], ["2"], ["3"], ["4"]]


def test_projector_export_refuses_non_finite_codes(tmp_path):
    with pytest.raises(ExportError, match="NaN"):
        write_projector_tsv(tmp_path, np.array([[0.0, np.nan]]))
    assert not (tmp_path / "vectors.tsv").exists()


def moving_path(n=12) -> ProbePath:
    path = ProbePath()
    for i in range(n):
        path.add(i / 10, (np.cos(i / 3), np.sin(i / 3)))
    return path


def decode(xy):
    """A stand-in decoder: an 8×8 image whose brightness follows the probe."""
    return np.full(64, (np.tanh(xy[0]) + 1) / 2, dtype=np.float32)


def test_gif_has_one_frame_per_resampled_position_at_the_expected_size(tmp_path):
    import imageio.v3 as iio

    positions = moving_path().resample(fps=10)
    points = np.random.default_rng(0).standard_normal((50, 2))
    renderer = ScatterRenderer(points, np.arange(50) % 3, size=(96, 96))
    seen = []
    out = write_animation(tmp_path / "a.gif", path_frames(positions, decode, (64,), renderer), len(positions),
                          fps=10, progress=lambda d, t: seen.append((d, t)))
    frames = iio.imread(out, index=None)
    assert frames.shape == (len(positions), 96, 192, 3)
    n, total = len(positions), len(positions) + encoding_steps(len(positions))
    assert seen[-1] == (total, total)
    # the bar counts the encoding too: all frames in is not yet 100 % (it sat at 99 % while the GIF was written)
    assert (n, total) in seen and seen.index((n, total)) == len(seen) - 2


def test_mp4_is_written_when_ffmpeg_is_available(tmp_path):
    pytest.importorskip("imageio_ffmpeg")
    positions = moving_path().resample(fps=10)
    out = write_animation(tmp_path / "a.mp4", path_frames(positions, decode, (64,)), len(positions), fps=10)
    assert out.stat().st_size > 0 and out.read_bytes()[4:8] == b"ftyp"


def test_cancelled_export_writes_nothing(tmp_path):
    cancel = threading.Event()
    positions = moving_path().resample(fps=10)

    def progress(done, total):
        if done == 3:
            cancel.set()

    with pytest.raises(ExportCancelled):
        write_animation(tmp_path / "a.gif", path_frames(positions, decode, (64,)), len(positions),
                        progress=progress, cancel=cancel)
    assert list(tmp_path.iterdir()) == []


def test_unknown_animation_suffix_is_refused(tmp_path):
    with pytest.raises(ExportError, match="use .gif or .mp4"):
        write_animation(tmp_path / "a.avi", iter([]), 0)


def test_manifold_grid_and_strip_pngs(tmp_path):
    from PIL import Image

    samples, pts = manifold_grid(decode, ((-1.0, 1.0), (-2.0, 2.0)), n=5)
    assert samples.shape == (25, 64) and np.allclose(pts[0], (-1, 2)) and np.allclose(pts[-1], (1, -2))
    grid = tile([np.repeat(np.repeat(s.reshape(8, 8, 1), 3, 2), 1, 0) for s in (samples * 255).astype(np.uint8)], 5)
    out = save_png(tmp_path / "grid.png", grid)
    assert Image.open(out).size == (5 * 8 + 6 * 2, 5 * 8 + 6 * 2)
    strip = reconstruction_strip(samples[:4], samples[4:8], (64,), scale=2)
    assert strip.shape == (2 * 16 + 3 * 2, 4 * 16 + 5 * 2, 3)


def test_scatter_rendering_puts_the_probe_where_it_is(tmp_path):
    renderer = ScatterRenderer(np.array([[0.0, 0.0], [1.0, 1.0]]), None, size=(100, 100),
                               ranges=((0.0, 1.0), (0.0, 1.0)))
    with_probe = renderer.render(probe=np.array([0.25, 0.75]))
    without = renderer.render()
    changed = np.argwhere(np.any(with_probe != without, axis=2))
    centre = changed.mean(axis=0)  # (row, col)
    assert abs(centre[0] - 25) < 3 and abs(centre[1] - 25) < 3


def test_without_imageio_ffmpeg_mp4_says_what_to_install_and_gif_still_works(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)  # as if it were not installed
    positions = moving_path().resample(fps=10)
    with pytest.raises(ExportError, match=r"needs imageio-ffmpeg .*GIF export works"):
        write_animation(tmp_path / "a.mp4", path_frames(positions, decode, (64,)), len(positions))
    assert list(tmp_path.iterdir()) == []
    assert write_animation(tmp_path / "a.gif", path_frames(positions, decode, (64,)), len(positions)).exists()
