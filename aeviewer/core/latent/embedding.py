"""2-D pictures of wide codes that can be walked back: PCA, t-SNE and UMAP, each with an inverse map.

Every embedding answers the same three questions the explorer asks: where does a code land on the
plane (`to_plane`), which code lies under a plane point (`from_plane`), and how far that point is from
the data (`trust`), so drag-to-decode works in every projection.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from aeviewer.core.errors import AeviewerError
from aeviewer.core.latent.fit_cache import FitCache, codes_key
from aeviewer.core.latent.projection import PlaneProjection

if TYPE_CHECKING:
    from scipy.spatial import cKDTree

METHODS = ("pca", "tsne", "umap")
METHOD_TITLES = {"pca": "PCA", "tsne": "t-SNE", "umap": "UMAP"}
INSTALL_HINT = "pip install 'aeviewer[projections]'  (or: pip install openTSNE umap-learn)"

Progress = Callable[[object, object], None]


class EmbeddingCancelled(AeviewerError):
    """The user cancelled a running projection."""


def has_module(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def method_availability() -> dict[str, tuple[bool, str]]:
    """For each method: can it run here, and a line for the UI (which library, or what to install)."""
    tsne_lib = ("openTSNE" if has_module("openTSNE")
                else "scikit-learn (slower, no live updates; pip install openTSNE)")
    umap_ok = has_module("umap")
    return {
        "pca": (True, "exact linear map both ways"),
        "tsne": (True, f"via {tsne_lib}"),
        "umap": (umap_ok, "via umap-learn" if umap_ok else f"umap-learn is not installed: {INSTALL_HINT}"),
    }


def kd_tree(points: np.ndarray) -> cKDTree:
    """scipy's k-d tree, imported on first use: scipy.spatial costs ~0.2 s, and the window opens without it."""
    from scipy.spatial import cKDTree

    return cKDTree(points)


def neighbour_spacing(points: np.ndarray) -> float:
    """Typical distance between a point and its nearest neighbour (the median): the unit of `trust`."""
    points = np.asarray(points, dtype=np.float64)
    if len(points) < 2:
        return 1.0
    d, _ = kd_tree(points).query(points, k=2)
    spacing = float(np.median(d[:, 1]))
    return spacing if spacing > 0 else max(float(np.ptp(points)) / max(len(points), 1), 1e-12)


class IdwInverse:
    """Plane → code by inverse-distance weighting of the k nearest projected points.

    Exact at a data point (it returns that point's stored code), smooth between points, and never
    leaves the hull of nearby codes: an honest local interpolation for maps without an inverse.
    The same rule run the other way (code space → plane) places new codes on a t-SNE picture.
    """

    def __init__(self, points: np.ndarray, codes: np.ndarray, k: int = 8, power: float = 2.0) -> None:
        self.points = np.asarray(points, dtype=np.float64)
        self.codes = np.asarray(codes, dtype=np.float64)
        self.k = max(1, min(k, len(self.points)))
        self.power = power
        self._plane_tree = kd_tree(self.points)
        self._code_tree: cKDTree | None = None

    @staticmethod
    def _weighted(dist: np.ndarray, idx: np.ndarray, values: np.ndarray, power: float) -> np.ndarray:
        dist = np.atleast_2d(dist)
        idx = np.atleast_2d(idx)
        exact = dist[:, 0] <= 1e-12
        w = np.maximum(dist, 1e-150) ** -power
        w[exact] = 0.0
        w[exact, 0] = 1.0
        w /= w.sum(axis=1, keepdims=True)
        result: np.ndarray = np.einsum("nk,nkd->nd", w, values[idx])
        return result

    def from_plane(self, xy: np.ndarray) -> np.ndarray:
        xy = np.asarray(xy, dtype=np.float64)
        single = xy.ndim == 1
        dist, idx = self._plane_tree.query(np.atleast_2d(xy), k=self.k)
        out = self._weighted(dist.reshape(len(np.atleast_2d(xy)), -1), idx.reshape(len(np.atleast_2d(xy)), -1),
                             self.codes, self.power).astype(np.float32)
        return out[0] if single else out

    def to_plane(self, codes: np.ndarray) -> np.ndarray:
        codes = np.asarray(codes, dtype=np.float64)
        if self._code_tree is None:
            self._code_tree = kd_tree(self.codes)
        n = len(np.atleast_2d(codes))
        dist, idx = self._code_tree.query(np.atleast_2d(codes), k=self.k)
        return self._weighted(dist.reshape(n, -1), idx.reshape(n, -1), self.points, self.power).astype(np.float32)


@dataclass
class Embedding:
    """Codes placed on a plane, with both directions of the map and a trust measure."""

    method: str  # "pca" | "tsne" | "umap"
    points: np.ndarray  # N×2 float32, one per code
    codes: np.ndarray  # N×d, the codes that were embedded
    label: str  # axis/title text
    inverse_label: str  # how plane points become codes, for the UI
    _to_plane: Callable[[np.ndarray], np.ndarray] = field(repr=False)
    _from_plane: Callable[[np.ndarray], np.ndarray] = field(repr=False)
    note: str = ""  # shown beside the picture when it is not what was asked for (see projection_fallback)
    _spacing: float | None = field(default=None, repr=False)
    _tree: cKDTree | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.points = np.asarray(self.points, dtype=np.float32)

    @property
    def spacing(self) -> float:
        """Median nearest-neighbour distance on the plane (computed on first use: training redraws often)."""
        if self._spacing is None:
            self._spacing = neighbour_spacing(self.points)
        return self._spacing

    @property
    def latent_dim(self) -> int:
        return int(self.codes.shape[1])

    @property
    def is_identity(self) -> bool:
        return self.latent_dim <= 2 and (self.method == "pca" or bool(self.note))

    def to_plane(self, codes: np.ndarray) -> np.ndarray:
        """N×d codes → N×2 plane points (float32)."""
        return np.asarray(self._to_plane(np.atleast_2d(np.asarray(codes, np.float64))), np.float32).reshape(-1, 2)

    def from_plane(self, xy: np.ndarray) -> np.ndarray:
        """(2,) → (d,) or N×2 → N×d codes (float32)."""
        xy = np.asarray(xy, dtype=np.float64)
        out = np.asarray(self._from_plane(np.atleast_2d(xy)), np.float32).reshape(-1, self.latent_dim)
        return out[0] if xy.ndim == 1 else out

    def prepare(self) -> Embedding:
        """Build what `trust` needs now (a k-d tree of the points and their spacing: ~10 ms for 10,000), so a
        thread that makes embeddings for the window (a training snapshot's) spares the GUI thread: built
        lazily, the first probe move after each snapshot took 5–7 ms more while training."""
        self.spacing  # noqa: B018  (a property that caches)
        self._plane_tree()
        return self

    def _plane_tree(self) -> cKDTree:
        if self._tree is None:
            self._tree = kd_tree(np.asarray(self.points, np.float64))
        return self._tree

    def trust(self, xy: np.ndarray) -> float:
        """Distance from `xy` to the nearest data point, in units of the typical neighbour spacing."""
        d, _ = self._plane_tree().query(np.asarray(xy, np.float64).reshape(2), k=1)
        return float(d) / self.spacing


STRIP_NOTE = "A 1-D code: z₁ runs across; the samples are spread down by their index (the height means nothing)."


def strip_points(codes: np.ndarray) -> np.ndarray:
    """A 1-D code drawn against its sample index: x is z₁, y spreads the samples over half the code's range, so
    they do not all sit on one line. The height carries no meaning; the plane's inverse ignores it."""
    z = np.asarray(codes, np.float64).reshape(len(codes), -1)[:, 0]
    height = 0.5 * (float(np.ptp(z)) if len(z) and np.ptp(z) > 0 else 1.0)
    rows = np.linspace(-height / 2, height / 2, len(z)) if len(z) > 1 else np.zeros(len(z))
    return np.stack([z, rows], axis=1).astype(np.float32)


def projection_fallback(method: str, latent_dim: int) -> str:
    """Why `method` is not run on codes `latent_dim` wide ("" when it is): t-SNE and UMAP are for codes wider
    than the plane (they fail on a 1-D code), and a 2-D code *is* the plane."""
    if method == "pca" or latent_dim > 2:
        return ""
    title = METHOD_TITLES.get(method, method)
    if latent_dim == 1:
        return f"{title} needs codes wider than 2-D. {STRIP_NOTE}"
    return f"A 2-D code needs no projection: the plane is the latent space ({title} runs on wider codes)."


def pca_embedding(codes: np.ndarray, method: str = "pca") -> Embedding:
    """The default: identity for 2-D codes, a strip for 1-D codes, else the plane of the first two principal
    components (exact inverse). `method`: the projection asked for, when it fell back to this one."""
    plane = PlaneProjection.fit(codes)
    inverse = "identity (the plane is the latent space)" if plane.is_identity else "exact (back to the PCA plane)"
    codes = np.asarray(codes)
    note = projection_fallback(method, plane.latent_dim)
    if plane.latent_dim == 1:
        return Embedding(method, strip_points(codes), codes, "latent z₁ by sample index", inverse,
                         plane.to_plane, plane.from_plane, note=note or STRIP_NOTE)
    return Embedding(method, plane.to_plane(codes), codes, plane.label, inverse, plane.to_plane, plane.from_plane,
                     note=note)


def _check_cancel(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise EmbeddingCancelled("Projection cancelled.")


def _standardise(points: np.ndarray) -> np.ndarray:
    points = np.asarray(points, np.float64)
    result: np.ndarray = points - points.mean(axis=0)
    return result


def tsne_points(codes: np.ndarray, *, seed: int = 0, perplexity: float = 30.0, n_iter: int = 450,
                progress: Progress | None = None, cancel: threading.Event | None = None,
                intermediate: Callable[[np.ndarray], None] | None = None) -> np.ndarray:
    """t-SNE of the codes: openTSNE when installed (progress, live frames, cancel), else scikit-learn."""
    codes = np.asarray(codes, dtype=np.float64)
    perplexity = float(min(perplexity, max(2.0, (len(codes) - 1) / 3.0)))
    _check_cancel(cancel)
    if has_module("openTSNE"):
        from aeviewer.core.latent.tsne import opentsne_points

        points = opentsne_points(codes, seed=seed, perplexity=perplexity, n_iter=n_iter, progress=progress,
                                 cancel=cancel, intermediate=intermediate)
        _check_cancel(cancel)
    else:
        from sklearn.manifold import TSNE

        if progress is not None:
            progress(0, None)
        points = TSNE(n_components=2, perplexity=perplexity, random_state=seed, init="pca").fit_transform(codes)
        _check_cancel(cancel)
    return _standardise(points).astype(np.float32)


def tsne_embedding(codes: np.ndarray, k: int = 8, **kwargs: Any) -> Embedding:
    """t-SNE picture; both directions by inverse-distance weighting of the k nearest neighbours."""
    points = tsne_points(codes, **kwargs)
    idw = IdwInverse(points, codes, k=k)
    return Embedding("tsne", points, np.asarray(codes), f"t-SNE of {codes.shape[1]}-D codes",
                     f"interpolated (IDW of {idw.k} nearest points)", idw.to_plane, idw.from_plane)


UMAP_FITS = FitCache(size=2)


def umap_embedding(codes: np.ndarray, *, seed: int = 0, n_neighbors: int = 15, grid: int = 12,
                   progress: Progress | None = None, cancel: threading.Event | None = None) -> Embedding:
    """UMAP picture whose inverse is umap-learn's own `inverse_transform`.

    That call takes about half a second per point, far too slow for a live drag, so it is run once
    here on a grid×grid lattice over the picture and interpolated bilinearly in between. The same
    codes with the same settings give the same picture (seeded), so a second run is a cache lookup.
    """
    if not has_module("umap"):
        raise AeviewerError(f"UMAP needs umap-learn, which is not installed: {INSTALL_HINT}")
    codes = np.asarray(codes, dtype=np.float64)
    key = ("umap", codes_key(codes), seed, n_neighbors, grid)
    embedding: Embedding = UMAP_FITS.get_or_fit(
        key, lambda: _fit_umap(codes, seed=seed, n_neighbors=n_neighbors, grid=grid, progress=progress, cancel=cancel))
    if progress is not None:
        progress(1, 1)
    return embedding


def warm_up_projections() -> None:
    """Import openTSNE and compile umap-learn's numba code on a tiny array, so the user's first t-SNE or
    UMAP does not wait for them (UMAP's compile takes ~25 s).

    Run once in a background thread at start (gui/app/startup.py); each part is skipped when not installed.
    """
    if has_module("openTSNE"):
        import openTSNE  # noqa: F401

        import aeviewer.core.latent.tsne  # noqa: F401  (and torch, through core.threads: the app has it already)
    if not has_module("umap"):
        return
    import umap

    rng = np.random.default_rng(0)
    tiny = rng.normal(size=(64, 4))
    reducer = umap.UMAP(n_components=2, n_neighbors=5, n_epochs=20, random_state=0)
    points = reducer.fit_transform(tiny)
    reducer.inverse_transform(points[:2])


def _fit_umap(codes: np.ndarray, *, seed: int, n_neighbors: int, grid: int, progress: Progress | None,
              cancel: threading.Event | None) -> Embedding:
    import umap
    from scipy.interpolate import RegularGridInterpolator

    _check_cancel(cancel)
    if progress is not None:
        progress(0, None)
    reducer = umap.UMAP(n_components=2, n_neighbors=int(min(n_neighbors, len(codes) - 1)), random_state=seed)
    points = np.asarray(reducer.fit_transform(codes), np.float64)
    lo, hi = points.min(axis=0), points.max(axis=0)
    pad = 0.05 * np.maximum(hi - lo, 1e-6)
    lo, hi = lo - pad, hi + pad
    xs, ys = np.linspace(lo[0], hi[0], grid), np.linspace(lo[1], hi[1], grid)
    lattice = np.stack(np.meshgrid(xs, ys, indexing="ij"), axis=-1).reshape(-1, 2)
    inverse_codes = np.empty((len(lattice), codes.shape[1]))
    idw = IdwInverse(points, codes)
    rows = 2  # inverse_transform has a large cost per call: a few big calls, each one progress step
    chunk = -(-len(lattice) // rows)
    for i in range(rows):
        _check_cancel(cancel)
        part = lattice[i * chunk : (i + 1) * chunk]
        try:
            out = np.asarray(reducer.inverse_transform(part), np.float64)
        except Exception:
            out = idw.from_plane(part)
        bad = ~np.all(np.isfinite(out), axis=1)
        if bad.any():
            out[bad] = idw.from_plane(part[bad])
        inverse_codes[i * chunk : (i + 1) * chunk] = out
        if progress is not None:
            progress(i + 1, rows)
    interp = RegularGridInterpolator((xs, ys), inverse_codes.reshape(grid, grid, -1))

    def inverse(xy: np.ndarray) -> np.ndarray:
        result: np.ndarray = interp(np.clip(np.asarray(xy, np.float64), lo, hi))
        return result

    return Embedding("umap", points.astype(np.float32), codes, f"UMAP of {codes.shape[1]}-D codes",
                     f"UMAP inverse_transform (on a {grid}×{grid} grid, bilinear between)", idw.to_plane, inverse)


def fit_embedding(method: str, codes: np.ndarray, *, progress: Progress | None = None,
                  cancel: threading.Event | None = None,
                  intermediate: Callable[[np.ndarray], None] | None = None, seed: int = 0) -> Embedding:
    """Run one of METHODS on the codes (the GUI calls this on a background thread)."""
    codes = np.asarray(codes)
    if method == "pca" or (method in METHODS and projection_fallback(method, codes.shape[1])):
        return pca_embedding(codes, method)
    if len(codes) < 5:
        raise AeviewerError(f"{METHOD_TITLES.get(method, method)} needs at least 5 points; there are {len(codes)}.")
    if method == "tsne":
        return tsne_embedding(codes, seed=seed, progress=progress, cancel=cancel, intermediate=intermediate)
    if method == "umap":
        return umap_embedding(codes, seed=seed, progress=progress, cancel=cancel)
    raise AeviewerError(f"Unknown projection {method!r}: choose one of {', '.join(METHODS)}.")
