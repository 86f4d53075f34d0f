"""Figures and files for talks and other tools, made without a window.

Embedding Projector TSV, image mosaics (manifold grid, reconstruction strip), a Pillow rendering of
the latent scatter, and animations (GIF via Pillow, MP4 via imageio-ffmpeg) of a probe moving
along a path. Long exports take `progress(done, total)` and a `cancel` threading.Event.
"""

from __future__ import annotations

import colorsys
import contextlib
import os
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from aeviewer.core.data.images import display_shape, to_pixels
from aeviewer.core.errors import AeviewerError

Progress = Callable[[int, int | None], None]

#: Tableau's ten, as in the window: the same colours in figures as on screen.
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
           "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
THEME_COLOURS = {
    "light": {"background": (255, 255, 255), "foreground": (0, 0, 0), "grid": (225, 225, 225),
              "probe": (0, 0, 0), "trail": (200, 0, 0)},
    "dark": {"background": (18, 18, 22), "foreground": (235, 235, 235), "grid": (55, 55, 62),
             "probe": (255, 255, 255), "trail": (255, 210, 0)},
}


class ExportCancelled(AeviewerError):  # noqa: N818 (a user action, not an error condition)
    """The user cancelled an export; nothing was written."""


class ExportError(AeviewerError):
    """An export that could not be written (unwritable folder, missing encoder, ...)."""


def _check_cancel(cancel: threading.Event | None, what: str) -> None:
    if cancel is not None and cancel.is_set():
        raise ExportCancelled(f"{what}: cancelled, nothing written")


def _atomic_bytes_writer(path: Path, write: Callable[[Path], object]) -> Path:
    """Let `write(tmp)` produce the file next to `path`, then rename it into place; never leave half a file."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=path.suffix + ".tmp")
        os.close(fd)
    except OSError as exc:
        raise ExportError(f"{path}: could not write: {exc.strerror or exc}") from exc
    tmp = Path(tmp_name)
    try:
        write(tmp)
        _as_new_file(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        raise ExportError(f"{path}: could not write: {exc.strerror or exc}") from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
    return path


def _as_new_file(path: Path) -> None:
    """Give a temp file (created 0600) the permissions a plainly created file would have."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


# -- Embedding Projector ------------------------------------------------------------------------------


def write_projector_tsv(folder: str | Path, codes: np.ndarray, labels: np.ndarray | None = None,
                        class_names: tuple[str, ...] = (), progress: Progress | None = None,
                        cancel: threading.Event | None = None) -> tuple[Path, Path]:
    """Write `vectors.tsv` (one code per line, tab-separated) and `metadata.tsv` for projector.tensorflow.org.

    The Projector reads a metadata file with one column as plain values (no header) and one with
    several columns as a header row plus values; so: labels → header `label\\tclass name\\tindex`,
    no labels → just the sample index per line.
    """
    folder = Path(folder)
    codes = np.asarray(codes, dtype=np.float64)
    if codes.ndim != 2 or len(codes) == 0:
        raise ExportError(f"{folder}: nothing to export (codes of shape {codes.shape})")
    if not np.all(np.isfinite(codes)):
        raise ExportError(f"{folder}: the codes contain NaN or infinite values; retrain or reload the model")
    n = len(codes)
    lines = []
    for i, row in enumerate(codes):
        if i % 1000 == 0:
            _check_cancel(cancel, str(folder))
            if progress:
                progress(i, n)
        lines.append("\t".join(f"{v:.7g}" for v in row))
    vectors = "\n".join(lines) + "\n"
    if labels is None:
        metadata = "".join(f"{i}\n" for i in range(n))
    else:
        labels = np.asarray(labels)
        if len(labels) != n:
            raise ExportError(f"{folder}: {n} codes but {len(labels)} labels")
        rows = ["label\tclass name\tindex"]
        for i, y in enumerate(labels):
            name = class_names[int(y)] if 0 <= int(y) < len(class_names) else str(int(y))
            rows.append(f"{int(y)}\t{_tsv_cell(name)}\t{i}")
        metadata = "\n".join(rows) + "\n"
    _check_cancel(cancel, str(folder))
    out_v = _atomic_bytes_writer(folder / "vectors.tsv", lambda p: p.write_text(vectors, encoding="utf-8"))
    out_m = _atomic_bytes_writer(folder / "metadata.tsv", lambda p: p.write_text(metadata, encoding="utf-8"))
    if progress:
        progress(n, n)
    return out_v, out_m


def _tsv_cell(text: str) -> str:
    return " ".join(str(text).replace("\t", " ").splitlines()) or "-"


# -- image mosaics ------------------------------------------------------------------------------------


def sample_images(samples: np.ndarray, sample_shape: tuple[int, ...], scale: int = 1) -> list[np.ndarray]:
    """Samples in [0, 1] → RGB uint8 images, each pixel repeated `scale` times (crisp upscaling)."""
    out = []
    for s in samples:
        px = to_pixels(s, sample_shape)
        if px.shape[2] == 1:
            px = np.repeat(px, 3, axis=2)
        if scale > 1:
            px = px.repeat(scale, axis=0).repeat(scale, axis=1)
        out.append(px)
    return out


def tile(images: list[np.ndarray], columns: int, gap: int = 2, background: tuple[int, int, int] = (255, 255, 255)
         ) -> np.ndarray:
    """Lay equal-size RGB images out in rows of `columns`, `gap` pixels apart."""
    if not images:
        raise ExportError("nothing to tile: no images")
    h, w = images[0].shape[:2]
    columns = max(1, min(columns, len(images)))
    rows = -(-len(images) // columns)
    canvas = np.empty((rows * h + (rows + 1) * gap, columns * w + (columns + 1) * gap, 3), dtype=np.uint8)
    canvas[...] = background
    for k, img in enumerate(images):
        r, c = divmod(k, columns)
        y, x = gap + r * (h + gap), gap + c * (w + gap)
        canvas[y : y + h, x : x + w] = img[..., :3]
    return canvas


def manifold_grid(decode_at: Callable[[np.ndarray], np.ndarray], ranges: tuple[tuple[float, float], ...],
                  n: int = 15) -> tuple[np.ndarray, np.ndarray]:
    """Decodes of an n×n grid over the plane `ranges` ((x0, x1), (y0, y1)), top row = largest y.

    Returns (samples n*n×…, grid points n*n×2), row by row, for `tile(…, columns=n)`.
    """
    (x0, x1), (y0, y1) = ranges
    xs = np.linspace(x0, x1, n)
    ys = np.linspace(y1, y0, n)
    pts = np.array([(x, y) for y in ys for x in xs])
    return np.stack([decode_at(p) for p in pts]), pts


def reconstruction_strip(originals: np.ndarray, reconstructions: np.ndarray, sample_shape: tuple[int, ...],
                         scale: int = 4) -> np.ndarray:
    """Two rows: originals above, their reconstructions below."""
    top = sample_images(originals, sample_shape, scale)
    bottom = sample_images(reconstructions, sample_shape, scale)
    return tile(top + bottom, columns=len(top))


def save_png(path: str | Path, pixels: np.ndarray) -> Path:
    """Write an H×W×3 (or ×1) uint8 image as PNG, atomically."""
    pixels = np.asarray(pixels, dtype=np.uint8)
    image = Image.fromarray(pixels[..., 0] if pixels.ndim == 3 and pixels.shape[2] == 1 else pixels)
    return _atomic_bytes_writer(Path(path), lambda p: image.save(p, format="PNG"))


# -- the latent scatter, drawn with Pillow --------------------------------------------------------------


def class_colour(label: int, n_classes: int) -> tuple[int, int, int]:
    if n_classes <= len(PALETTE):
        h = PALETTE[label % len(PALETTE)]
        return int(h[1:3], 16), int(h[3:5], 16), int(h[5:7], 16)
    r, g, b = colorsys.hsv_to_rgb((label % max(n_classes, 1)) / max(n_classes, 1), 0.75, 0.9)
    return int(r * 255), int(g * 255), int(b * 255)


def fit_ranges(points: np.ndarray, padding: float = 0.08) -> tuple[tuple[float, float], tuple[float, float]]:
    """The view ranges that show all points with a margin (as the window's 'fit to data')."""
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    lo, hi = points.min(axis=0), points.max(axis=0)
    span = np.maximum(hi - lo, 1e-6)
    lo, hi = lo - padding * span, hi + padding * span
    return (float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1]))


class ScatterRenderer:
    """Draws the latent scatter once, then cheap frames of it with the probe (and its trail) on top."""

    def __init__(self, points: np.ndarray, labels: np.ndarray | None, size: tuple[int, int] = (480, 480),
                 ranges: tuple[tuple[float, float], tuple[float, float]] | None = None, theme: str = "light",
                 marker: float | None = None, title: str = "", class_names: tuple[str, ...] = ()) -> None:
        if theme not in THEME_COLOURS:
            raise ExportError(f"unknown theme {theme!r} (use one of {', '.join(THEME_COLOURS)})")
        self.theme = theme
        self.colours = THEME_COLOURS[theme]
        self.size = (int(size[0]), int(size[1]))
        points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        self.ranges = ranges if ranges is not None else fit_ranges(points)
        w, h = self.size
        scale = w / 480
        self.marker = marker if marker is not None else max(1.5, 2.2 * scale)
        self.probe_size = 9 * scale
        self.base = Image.new("RGB", self.size, self.colours["background"])
        draw = ImageDraw.Draw(self.base)
        for k in range(1, 8):  # a light grid, as in the window
            gx, gy = k * w / 8, k * h / 8
            draw.line([(gx, 0), (gx, h)], fill=self.colours["grid"])
            draw.line([(0, gy), (w, gy)], fill=self.colours["grid"])
        xy = self.to_pixels(points)
        labs = np.zeros(len(points), dtype=int) if labels is None else np.asarray(labels, dtype=int)
        n_classes = int(labs.max()) + 1 if len(labs) else 1
        r = self.marker
        for (px, py), lab in zip(xy, labs, strict=True):
            colour = (85, 85, 85) if labels is None else class_colour(int(lab), n_classes)
            draw.ellipse([px - r, py - r, px + r, py + r], fill=colour)
        if title:
            draw.text((8, 6), _plain(title), fill=self.colours["foreground"], font=_font(int(14 * scale)))
        if labels is not None and class_names:
            self._legend(draw, sorted(set(labs.tolist())), class_names, n_classes, scale)
        draw.rectangle([0, 0, w - 1, h - 1], outline=self.colours["foreground"])

    def _legend(self, draw: ImageDraw.ImageDraw, present: list[int], class_names: tuple[str, ...], n_classes: int,
                scale: float) -> None:
        """Class colours and names down the right edge, on a translucent-looking panel."""
        font = _font(int(11 * scale))
        line = int(14 * scale)
        names = [_plain(class_names[c] if c < len(class_names) else str(c)) for c in present]
        width = int(max(draw.textlength(n, font=font) for n in names) + 22 * scale)
        x0, y0 = self.size[0] - width - 4, 4
        draw.rectangle([x0, y0, x0 + width, y0 + line * len(names) + 6], fill=self.colours["background"],
                       outline=self.colours["grid"])
        for k, (c, name) in enumerate(zip(present, names, strict=True)):
            cy = y0 + 4 + k * line + line / 2
            r = 4 * scale
            draw.ellipse([x0 + 6, cy - r, x0 + 6 + 2 * r, cy + r], fill=class_colour(c, n_classes))
            draw.text((x0 + 10 + 2 * r, cy - line / 2 + 1), name, fill=self.colours["foreground"], font=font)

    def to_pixels(self, xy: np.ndarray) -> np.ndarray:
        """Plane coordinates → pixel coordinates (y up)."""
        (x0, x1), (y0, y1) = self.ranges
        xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        w, h = self.size
        return np.stack([(xy[:, 0] - x0) / (x1 - x0) * w, (y1 - xy[:, 1]) / (y1 - y0) * h], axis=1)

    def render(self, probe: np.ndarray | None = None, trail: np.ndarray | None = None) -> np.ndarray:
        """An H×W×3 uint8 frame: the scatter, the trail so far, and the probe's cross."""
        img = self.base.copy()
        draw = ImageDraw.Draw(img)
        width = max(2, int(round(self.probe_size / 4)))
        if trail is not None and len(trail) > 1:
            draw.line([tuple(p) for p in self.to_pixels(trail)], fill=self.colours["trail"], width=width)
        if probe is not None:
            (px, py), s = self.to_pixels(probe)[0], self.probe_size
            draw.ellipse([px - s, py - s, px + s, py + s], outline=self.colours["probe"], width=width)
            draw.line([(px - 1.6 * s, py), (px + 1.6 * s, py)], fill=self.colours["probe"], width=width)
            draw.line([(px, py - 1.6 * s), (px, py + 1.6 * s)], fill=self.colours["probe"], width=width)
        return np.asarray(img)


def _plain(text: str) -> str:
    """Subscript digits as plain ones: Pillow's built-in font has no glyphs for them."""
    return str(text).translate(str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789"))


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1 has one fixed-size default font
        return ImageFont.load_default()


# -- animations of a probe path -------------------------------------------------------------------------


def path_frames(positions: np.ndarray, decode_at: Callable[[np.ndarray], np.ndarray], sample_shape: tuple[int, ...],
                renderer: ScatterRenderer | None = None, trail: bool = True) -> Iterator[np.ndarray]:
    """Frames of a probe moving through `positions`: the scatter with the probe (when a renderer is given)
    beside the decode at the probe, upscaled to the scatter's height with crisp pixels."""
    positions = np.asarray(positions, dtype=np.float64).reshape(-1, 2)
    side = renderer.size[1] if renderer is not None else 256
    h, w, _ = display_shape(sample_shape)
    scale = max(1, side // max(h, w))
    for i, xy in enumerate(positions):
        decoded = sample_images(decode_at(xy)[None], sample_shape, scale)[0]
        panel = np.empty((side, max(side, decoded.shape[1]), 3), dtype=np.uint8)
        panel[...] = THEME_COLOURS["light" if renderer is None else renderer.theme]["background"]
        oy, ox = (side - decoded.shape[0]) // 2, (panel.shape[1] - decoded.shape[1]) // 2
        panel[oy : oy + decoded.shape[0], ox : ox + decoded.shape[1]] = decoded
        if renderer is None:
            yield panel
        else:
            scatter = renderer.render(xy, positions[: i + 1] if trail else None)
            yield np.concatenate([scatter, panel], axis=1)


ANIMATION_SUFFIXES = (".gif", ".mp4")


def write_animation(path: str | Path, frames: Iterable[np.ndarray], n_frames: int, fps: float = 25.0,
                    progress: Progress | None = None, cancel: threading.Event | None = None) -> Path:
    """Encode frames as an animated GIF (Pillow) or MP4 (imageio-ffmpeg), by the suffix of `path`.

    Identical consecutive frames are merged in a GIF (their durations add up). Written atomically;
    a cancel leaves no file and raises ExportCancelled.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in ANIMATION_SUFFIXES:
        raise ExportError(f"{path}: unknown animation format {suffix or '(no suffix)'}; use .gif or .mp4")
    if not fps > 0:
        raise ExportError(f"{path}: frames per second must be positive, got {fps}")
    encode = _encode_gif if suffix == ".gif" else _encode_mp4
    total = n_frames + encoding_steps(n_frames)

    def write(tmp: Path) -> None:
        encode(tmp, _counted(frames, n_frames, total, path, progress, cancel), fps)

    out = _atomic_bytes_writer(path, write)
    if progress:
        progress(total, total)
    return out


def encoding_steps(n_frames: int) -> int:
    """Progress steps for the encoder's last pass after the final frame (a GIF's compression and write, the
    MP4 encoder's flush): about a fifth of the time, so the bar does not sit at 99 % while the file is written."""
    return max(1, n_frames // 4)


def _counted(frames: Iterable[np.ndarray], n: int, total: int, path: Path, progress: Progress | None,
             cancel: threading.Event | None) -> Iterator[np.ndarray]:
    """The frames, with progress (frames done, `total`) as each one is rendered and handed to the encoder."""
    count = 0
    for frame in frames:
        _check_cancel(cancel, str(path))
        if progress:
            progress(count, total)
        yield frame
        count += 1
    if count == 0:
        raise ExportError(f"{path}: no frames to write (is the path empty?)")
    if progress:
        progress(min(count, n), total)  # every frame is in; what is left is the encoder's last pass


def _encode_gif(tmp: Path, frames: Iterator[np.ndarray], fps: float) -> None:
    """Pillow's GIF writer. Each frame is reduced to its own palette as it arrives: that is ~80 % of the
    encoding, which imageio's Pillow plugin did all at close while the progress bar sat at 99 %."""
    from PIL import Image

    images = [Image.fromarray(np.ascontiguousarray(frame[..., :3])).quantize(256, method=Image.Quantize.MEDIANCUT)
              for frame in frames]
    if images:  # identical consecutive frames are merged by Pillow (their durations add up)
        images[0].save(tmp, format="GIF", save_all=True, append_images=images[1:],
                       duration=int(round(1000 / fps)), loop=0)


def _encode_mp4(tmp: Path, frames: Iterator[np.ndarray], fps: float) -> None:
    try:
        import imageio_ffmpeg
        imageio_ffmpeg.get_ffmpeg_exe()
    except ImportError as exc:
        raise ExportError("MP4 export needs imageio-ffmpeg (pip install 'aeviewer[export]'); GIF export works "
                          "without it") from exc
    except RuntimeError as exc:
        raise ExportError(f"MP4 export needs an ffmpeg program and none was found ({exc}); export a GIF "
                          "instead, or install ffmpeg") from exc
    writer = None
    try:
        for frame in frames:
            frame = _even(np.ascontiguousarray(frame[..., :3]))
            if writer is None:
                writer = imageio_ffmpeg.write_frames(str(tmp), (frame.shape[1], frame.shape[0]), fps=fps,
                                                     codec="libx264", pix_fmt_out="yuv420p", quality=7,
                                                     macro_block_size=2, output_params=["-f", "mp4"])
                writer.send(None)
            writer.send(frame)
    finally:
        if writer is not None:
            writer.close()


def _even(frame: np.ndarray) -> np.ndarray:
    """H.264 in yuv420p needs even sides: drop a last odd row/column."""
    h, w = frame.shape[:2]
    return frame[: h - h % 2, : w - w % 2]
