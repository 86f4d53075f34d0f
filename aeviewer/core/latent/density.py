"""Every point at any size: class-coloured density images and kernel-density contours, without Qt.

Above a few hundred thousand points one marker per point is neither readable nor fast, so the scatter draws
an aggregate instead (datashader's categorical shading): each screen pixel's colour is the count-weighted mean
of its points' class colours, and its opacity grows with the log of its count, so a lone point still shows and
a dense core does not saturate the rest. The per-pixel sums are accumulated in chunks, so a redraw of N points
holds a few screen-sized arrays and one chunk of temporaries, never a per-point copy of the codes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch

#: Points binned per pass: the temporaries (indices, masks, weights) stay a few MB whatever N is.
CHUNK = 1 << 18
#: Points per pass while preparing: its sort holds ~10 temporaries of this length (~5 MB in all).
PREPARE_CHUNK = 1 << 16
#: Opacity of a pixel that holds one point (0-255); the densest pixel is opaque.
MIN_ALPHA = 90
#: Grey for points without a label.
UNLABELLED_RGB = (85, 85, 85)

Range = tuple[float, float]


@dataclass(frozen=True)
class DensityImage:
    """An RGBA picture of `counts.sum()` points over `x_range` × `y_range`; row 0 is the lowest y."""

    rgba: np.ndarray  # (height, width, 4) uint8
    counts: np.ndarray  # (height, width) int64: points per pixel
    x_range: Range
    y_range: Range

    @property
    def total(self) -> int:
        return int(self.counts.sum())


def pixel_index(points: np.ndarray, x_range: Range, y_range: Range, width: int, height: int,
                ) -> tuple[np.ndarray, np.ndarray]:
    """The flat pixel index (row * width + col) of each point inside the rectangle, and which points those are.

    A point on the upper edge falls in the last pixel, so a rectangle fitted to the data holds every point.
    """
    x0, x1 = x_range
    y0, y1 = y_range
    sx = width / (x1 - x0) if x1 > x0 else 0.0
    sy = height / (y1 - y0) if y1 > y0 else 0.0
    # float32 arithmetic on float32 codes: half the memory traffic of float64, and pixels need no more.
    fx = (points[:, 0] - np.float32(x0)) * np.float32(sx)
    fy = (points[:, 1] - np.float32(y0)) * np.float32(sy)
    inside = (fx >= 0) & (fx <= width) & (fy >= 0) & (fy <= height)  # NaN compares False: dropped
    ix = np.minimum(fx[inside].astype(np.int32), width - 1)
    iy = np.minimum(fy[inside].astype(np.int32), height - 1)
    return iy * width + ix, inside


def class_counts(points: np.ndarray, labels: np.ndarray, n_classes: int, x_range: Range, y_range: Range,
                 width: int, height: int) -> np.ndarray:
    """Points per class per pixel, (n_classes, height, width): the exact aggregate the shading summarises."""
    out = np.zeros(n_classes * width * height, dtype=np.int64)
    for start in range(0, len(points), CHUNK):
        flat, inside = pixel_index(points[start:start + CHUNK], x_range, y_range, width, height)
        lab = np.asarray(labels[start:start + CHUNK])[inside].astype(np.int64)
        out += np.bincount(lab * (width * height) + flat, minlength=out.size)
    return out.reshape(n_classes, height, width)


#: Coarse cells per side used to order each class's points, so consecutive points land in nearby pixels and
#: the per-pixel counting stays in cache (about 3x faster than the points' own order on 10 M points).
ORDER_CELLS = 64


def _order_side(n_classes: int) -> int:
    """Cells per side of the ordering grid: as fine as a 16-bit (class, cell) key allows, at least 8."""
    side = ORDER_CELLS
    while side > 8 and n_classes * side * side > 1 << 16:
        side //= 2
    return side


def _chunks(n: int, size: int = 0) -> Iterator[slice]:
    size = size or CHUNK
    for start in range(0, n, size):
        yield slice(start, min(n, start + size))


def finite_bounds(points: np.ndarray) -> tuple[Range, Range] | None:
    """The x and y range of the finite points, in chunks (no N-long temporaries); None when none are finite."""
    lo, hi = np.full(2, np.inf), np.full(2, -np.inf)
    for part in _chunks(len(points)):
        chunk = np.asarray(points[part])
        ok = np.isfinite(chunk).all(axis=1)
        if ok.any():
            lo = np.minimum(lo, chunk[ok].min(axis=0))
            hi = np.maximum(hi, chunk[ok].max(axis=0))
    if not np.isfinite(lo).all():
        return None
    return (float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1]))


def points_near(points: np.ndarray, x: float, y: float, rx: float, ry: float, chunk: int = 1 << 20) -> np.ndarray:
    """Indices of the points within the box x ± rx, y ± ry, in chunks with reused buffers (a hover over 10 M
    points: no 40 MB temporaries per mouse move)."""
    size = min(chunk, max(1, len(points)))
    inside = np.empty(size, dtype=bool)
    test = np.empty(size, dtype=bool)
    found = []
    lo = np.array([x - rx, y - ry], dtype=points.dtype if points.dtype.kind == "f" else np.float64)
    hi = np.array([x + rx, y + ry], dtype=lo.dtype)
    for part in _chunks(len(points), size):
        block = points[part]
        n = len(block)
        a, b = inside[:n], test[:n]
        np.greater_equal(block[:, 0], lo[0], out=a)
        np.less_equal(block[:, 0], hi[0], out=b)
        a &= b
        if not a.any():
            continue
        hits = np.flatnonzero(a)
        near_y = (block[hits, 1] >= lo[1]) & (block[hits, 1] <= hi[1])
        found.append(hits[near_y] + part.start)
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def _cells(coords: np.ndarray, bounds: Range, side: int) -> np.ndarray:
    """Cell index 0..side-1 of each coordinate within `bounds` (the edges clipped in, whatever the rounding)."""
    scale = side / (bounds[1] - bounds[0]) if bounds[1] > bounds[0] else 0.0
    with np.errstate(invalid="ignore"):  # NaN and inf: their bucket is overwritten by the caller
        cells = ((np.asarray(coords, dtype=np.float64) - bounds[0]) * scale).astype(np.int64)
    return np.clip(cells, 0, side - 1)


class DensityPoints:
    """Points prepared once for repeated shading: finite points only, grouped by class, x and y contiguous.

    Prepared off the GUI thread when the data changes; each pan or zoom then costs one pass over the points
    with preallocated chunk buffers (allocating per-pass temporaries cost more than the arithmetic at 10 M).
    The copy is the codes' size again (x and y float32, non-finite points left out); the labels are not kept.
    """

    def __init__(self, points: np.ndarray, labels: np.ndarray | None = None, n_classes: int = 0) -> None:
        pts = points if isinstance(points, np.ndarray) else np.asarray(points)
        lab = None if labels is None else np.asarray(labels)
        self.n = len(pts)
        self.n_classes = 1 if lab is None else max(int(n_classes), int(lab.max()) + 1 if len(lab) else 1)
        self.bounds = finite_bounds(pts) or ((0.0, 1.0), (0.0, 1.0))
        side = _order_side(self.n_classes + 1)  # one bucket more: the non-finite points, left out
        buckets = (self.n_classes + 1) * side * side
        # A counting sort on (class, cell), in chunks: no N-long index array (argsort's int64 order is the
        # codes' size again), and linear time (~1 s for 10 M points).
        counts = np.zeros(buckets, dtype=np.int64)
        for part in _chunks(self.n, PREPARE_CHUNK):
            counts += np.bincount(self._keys(pts[part], None if lab is None else lab[part], side), minlength=buckets)
        starts = np.concatenate([[0], np.cumsum(counts)])
        self.n_finite = int(starts[-side * side - 1])
        self.offsets = starts[np.arange(self.n_classes + 1) * side * side]
        self.x = np.empty(self.n_finite, dtype=np.float32)
        self.y = np.empty(self.n_finite, dtype=np.float32)
        free = starts[:-1].copy()
        for part in _chunks(self.n, PREPARE_CHUNK):
            key = self._keys(pts[part], None if lab is None else lab[part], side)
            order = np.argsort(key, kind="stable")
            sorted_key = key[order]
            rank = np.arange(len(key)) - np.searchsorted(sorted_key, sorted_key, side="left")
            dest = free[sorted_key] + rank
            keep = sorted_key < self.n_classes * side * side
            moved = np.asarray(pts[part], dtype=np.float32)[order]
            self.x[dest[keep]] = moved[keep, 0]
            self.y[dest[keep]] = moved[keep, 1]
            free += np.bincount(key, minlength=buckets)
        buffer = min(CHUNK, max(len(self.x), 1))
        self._f = np.empty(buffer, dtype=np.float32)
        self._ix = np.empty(buffer, dtype=np.int32)
        self._iy = np.empty(buffer, dtype=np.int32)
        self._iy_t = torch.from_numpy(self._iy)  # the same memory, for index_add_

    def _keys(self, chunk: np.ndarray, lab: np.ndarray | None, side: int) -> np.ndarray:
        """Bucket of each point: class * side² + cell; non-finite points go to the last class's buckets."""
        chunk = np.asarray(chunk)
        key: np.ndarray = _cells(chunk[:, 0], self.bounds[0], side) + _cells(chunk[:, 1], self.bounds[1], side) * side
        if lab is not None:
            key += np.asarray(lab).astype(np.int64) * (side * side)
        key[~np.isfinite(chunk).all(axis=1)] = self.n_classes * side * side
        return key

    @property
    def nbytes(self) -> int:
        """Bytes this object holds: the sorted copy and the chunk buffers."""
        return int(self.x.nbytes + self.y.nbytes + self._f.nbytes + self._ix.nbytes + self._iy.nbytes)

    def _bin(self, coords: np.ndarray, lo: float, scale: float, limit: int, out: np.ndarray) -> None:
        """Padded pixel index (0 and limit+1 are the off-screen borders) of a chunk of one coordinate.

        numpy with preallocated buffers, single-threaded on purpose: torch's two-thread elementwise ops ran
        ~100x slower than one thread while other processes shared the two cores.
        """
        f = self._f[:len(coords)]
        np.subtract(coords, np.float32(lo), out=f)
        np.multiply(f, np.float32(scale), out=f)
        np.add(f, np.float32(1.0), out=f)
        np.clip(f, np.float32(0.0), np.float32(limit + 1.0), out=f)
        out[...] = f  # truncation toward zero: floor, since f >= 0

    def classes(self) -> list[int]:
        """The classes that have points (0 alone for unlabelled points)."""
        return [c for c in range(len(self.offsets) - 1) if self.offsets[c + 1] > self.offsets[c]]

    def count(self, x_range: Range, y_range: Range, width: int, height: int, cls: int | None = None) -> np.ndarray:
        """Points per pixel (height, width), int64, of one class or all."""
        stride = width + 2
        total = torch.zeros(stride * (height + 2), dtype=torch.int32)
        one = torch.ones((), dtype=torch.int32)
        for index, _ in self._pixel_chunks(x_range, y_range, width, height, cls):
            total.index_add_(0, index, one.expand(len(index)))
        return total.numpy().reshape(height + 2, stride)[1:-1, 1:-1].astype(np.int64)

    def kde(self, x_range: Range, y_range: Range, grid: int = 0, cls: int | None = None,
            bandwidth_cells: float = 3.0) -> np.ndarray:
        """A Gaussian kernel-density estimate on a grid × grid lattice (rows = y), of one class or all.

        A binned KDE (histogram, then a Gaussian blur) is what datashader and seaborn use at scale: one pass
        over the points plus a blur of a small grid, against N × grid² for an exact KDE.
        """
        from scipy.ndimage import gaussian_filter  # scikit-learn's dependency; imported here to keep start-up lean

        grid = grid or CONTOUR_GRID
        hist = self.count(x_range, y_range, grid, grid, cls).astype(np.float64)
        return np.asarray(gaussian_filter(hist, bandwidth_cells, mode="constant"))

    def _pixel_chunks(self, x_range: Range, y_range: Range, width: int, height: int, cls: int | None = None,
                      ) -> Iterator[tuple[torch.Tensor, int]]:
        """(padded flat pixel index as a torch view, class) for each chunk of points, class by class."""
        stride = width + 2
        sx = width / (x_range[1] - x_range[0]) if x_range[1] > x_range[0] else 0.0
        sy = height / (y_range[1] - y_range[0]) if y_range[1] > y_range[0] else 0.0
        for c in ([cls] if cls is not None else range(len(self.offsets) - 1)):
            a, b = int(self.offsets[c]), int(self.offsets[c + 1])
            for start in range(a, b, len(self._f)):
                stop = min(b, start + len(self._f))
                ix, iy = self._ix[:stop - start], self._iy[:stop - start]
                self._bin(self.x[start:stop], x_range[0], sx, width, ix)
                self._bin(self.y[start:stop], y_range[0], sy, height, iy)
                np.multiply(iy, np.int32(stride), out=iy)
                np.add(iy, ix, out=iy)
                yield self._iy_t[:stop - start], c

    def shade(self, palette: np.ndarray | None, x_range: Range, y_range: Range, width: int, height: int,
              visible: np.ndarray | None = None, per_class: bool | None = None) -> DensityImage:
        """The class-coloured density of every point inside the rectangle, at `width` × `height` pixels.

        `palette` is (n_classes, 3) RGB (None: grey). Each point adds 1 to its pixel's count and its class
        colour to the pixel's colour sums with torch's `index_add_` into four screen-sized accumulators (about
        1 ms per million points); numpy's bincount allocates and sums a screen-sized array per call instead.
        """
        width, height = max(1, int(width)), max(1, int(height))
        pal = None if palette is None else np.asarray(palette, dtype=np.float32).reshape(-1, 3)
        stride = width + 2
        size = stride * (height + 2)
        one = torch.ones((), dtype=torch.int32)
        shown = [c for c in self.classes() if visible is None or (c < len(visible) and visible[c])]
        # One counter per class, folded into colours by one matmul, costs one index_add_ per point instead
        # of four; it holds a screen-sized int32 array per class, so only when those fit in the codes' size.
        if per_class is None:
            per_class = len(shown) * size * 4 <= self.x.nbytes + self.y.nbytes
        if per_class and pal is not None:
            by_class = torch.zeros((len(shown), size), dtype=torch.int32)
            for row, cls in enumerate(shown):
                for index, _ in self._pixel_chunks(x_range, y_range, width, height, cls):
                    by_class[row].index_add_(0, index, one.expand(len(index)))
            total = by_class.sum(dim=0, dtype=torch.int32)
            colours = torch.from_numpy(pal[[c % len(pal) for c in shown]].T.copy())  # (3, classes)
            folded = torch.empty((3, size), dtype=torch.float32)
            for start in range(0, size, 1 << 16):  # in blocks: no float copy of all the counters at once
                block = slice(start, start + (1 << 16))
                torch.matmul(colours, by_class[:, block].to(torch.float32), out=folded[:, block])
            del by_class
            sums = list(folded)
        else:
            total = torch.zeros(size, dtype=torch.int32)
            sums = [torch.zeros(size, dtype=torch.float32) for _ in range(3)]
            palette_t = None if pal is None else torch.from_numpy(pal)
            for cls in shown:
                for index, _ in self._pixel_chunks(x_range, y_range, width, height, cls):
                    total.index_add_(0, index, one.expand(len(index)))
                    if palette_t is not None:
                        colour = palette_t[cls % len(palette_t)]
                        for channel in range(3):
                            sums[channel].index_add_(0, index, colour[channel].expand(len(index)))
        padded = total.numpy().reshape(height + 2, stride)
        colour_sums = None if pal is None else [t.contiguous().numpy() for t in sums]
        rgba = np.ascontiguousarray(_to_rgba(padded, colour_sums)[1:-1, 1:-1])  # the off-screen border cut
        counts = padded[1:-1, 1:-1].astype(np.int64)
        return DensityImage(rgba, counts, (float(x_range[0]), float(x_range[1])),
                            (float(y_range[0]), float(y_range[1])))




def shade(points: np.ndarray, labels: np.ndarray | None, palette: np.ndarray | None, x_range: Range,
          y_range: Range, width: int, height: int) -> DensityImage:
    """One-off shading of `points` (see `DensityPoints.shade`); prepare a `DensityPoints` to shade repeatedly."""
    n_classes = 0 if palette is None else len(np.asarray(palette).reshape(-1, 3))
    return DensityPoints(points, labels, n_classes).shade(palette if labels is not None else None,
                                                          x_range, y_range, width, height)


def _to_rgba(counts: np.ndarray, sums: list[np.ndarray] | None) -> np.ndarray:
    """Mean class colour per pixel; opacity from MIN_ALPHA (one point) to opaque (the densest pixel), by log count.

    Worked out on the non-empty pixels only: most of a view is empty, and full-screen float passes were a
    third of a redraw at 1 M points.
    """
    height, width = counts.shape
    rgba = np.zeros((height * width, 4), dtype=np.uint8)
    flat = counts.reshape(-1)
    hit = np.flatnonzero(flat)
    if not len(hit):
        return rgba.reshape(height, width, 4)
    n = flat[hit].astype(np.float32)
    if sums is None:
        rgba[hit, :3] = UNLABELLED_RGB
    else:
        for channel in range(3):
            value = sums[channel].reshape(-1)[hit] / n
            value += 0.5
            rgba[hit, channel] = np.clip(value, 0, 255)
    peak = float(n.max())
    if peak > 1:
        alpha = np.log1p(n)
        alpha *= (255 - MIN_ALPHA) / np.log1p(peak)
        alpha += MIN_ALPHA
        rgba[hit, 3] = np.minimum(alpha, 255)
    else:
        rgba[hit, 3] = 255
    return rgba.reshape(height, width, 4)


# --- kernel-density contours -------------------------------------------------------------------------------

#: Cells per side of the histogram the contours are drawn from: smooth curves, a few ms for any N.
CONTOUR_GRID = 200


@dataclass(frozen=True)
class Contour:
    """One iso-density line in data coordinates; `label` is a class, or None for all points."""

    level: float  # the share of the peak density this line traces
    label: int | None
    lines: tuple[np.ndarray, ...]  # each (k, 2) float64


def contour_lines(z: np.ndarray, x_range: Range, y_range: Range, levels: tuple[float, ...],
                  label: int | None = None) -> list[Contour]:
    """Iso-lines of a density grid (rows = y) at `levels`, shares of its peak, in data coordinates.

    The lines come from contourpy (matplotlib's own contour generator, a small well-kept package), not a
    marching-squares of our own: saddle cells and lines cut by the border are where hand-written ones go wrong.
    """
    import contourpy

    peak = float(z.max()) if z.size else 0.0
    if peak <= 0:
        return []
    rows, cols = z.shape
    xs = x_range[0] + (np.arange(cols) + 0.5) * (x_range[1] - x_range[0]) / cols
    ys = y_range[0] + (np.arange(rows) + 0.5) * (y_range[1] - y_range[0]) / rows
    generator = contourpy.contour_generator(xs, ys, z, line_type=contourpy.LineType.Separate)
    out = []
    for level in levels:
        lines = tuple(np.asarray(line, dtype=np.float64) for line in generator.lines(level * peak))
        if lines:
            out.append(Contour(level, label, lines))
    return out


#: Shares of the peak density the contour lines trace.
CONTOUR_LEVELS = (0.1, 0.3, 0.6)


def prepared_contours(prepared: DensityPoints, x_range: Range, y_range: Range, per_class: bool = False,
                      levels: tuple[float, ...] = CONTOUR_LEVELS, grid: int = CONTOUR_GRID) -> list[Contour]:
    """Density contours of prepared points over a rectangle: of all points, or one set per class."""
    if not per_class:
        return contour_lines(prepared.kde(x_range, y_range, grid), x_range, y_range, levels)
    out: list[Contour] = []
    for cls in prepared.classes():
        out += contour_lines(prepared.kde(x_range, y_range, grid, cls), x_range, y_range, levels, cls)
    return out


def contours(points: np.ndarray, x_range: Range, y_range: Range, levels: tuple[float, ...] = CONTOUR_LEVELS,
             labels: np.ndarray | None = None, per_class: bool = False, grid: int = CONTOUR_GRID,
             ) -> list[Contour]:
    """Iso-density lines at `levels` (shares of each density's peak), overall or one set per class."""
    prepared = DensityPoints(points, labels if per_class else None)
    return prepared_contours(prepared, x_range, y_range, per_class and labels is not None, levels, grid)
