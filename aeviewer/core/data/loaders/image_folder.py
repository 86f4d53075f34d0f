"""A folder of image files: one subfolder per class (class names = sorted subfolder names).

Images load via Pillow. The dataset is grayscale when every image is grayscale, else RGB, and all
images must share one size: aeviewer does not resize behind the user's back. A folder whose images
sit directly in it (no class subfolders) loads as unlabelled data.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from aeviewer.core.data.dataset import Dataset
from aeviewer.core.data.loaders._common import check_element_count, make_dataset
from aeviewer.core.errors import DatasetError

if TYPE_CHECKING:
    from PIL import Image as PILImage

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".pgm", ".ppm", ".pbm")
_GRAY_MODES = {"1", "L", "LA", "I", "F", "I;16", "I;16B", "I;16L", "I;16N"}


def is_image_file(path: Path) -> bool:
    return path.suffix.lower() in IMAGE_SUFFIXES and not path.name.startswith(".")


def _images_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if is_image_file(p) and p.is_file()
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def find_images(root: Path) -> tuple[list[Path], list[int], tuple[str, ...]]:
    """(files, class index per file, class names); class names empty for an unlabelled flat folder."""
    try:
        subdirs = sorted(d for d in root.iterdir() if d.is_dir() and not d.name.startswith("."))
    except OSError as exc:
        raise DatasetError(root, f"cannot be read ({exc.strerror or exc})") from None
    classes: list[str] = []
    files: list[Path] = []
    labels: list[int] = []
    for d in subdirs:
        found = _images_under(d)
        if found:
            labels += [len(classes)] * len(found)
            classes.append(d.name)
            files += found
    if files:
        return files, labels, tuple(classes)
    flat = sorted(p for p in root.iterdir() if is_image_file(p) and p.is_file())
    if flat:
        return flat, [], ()
    kinds = ", ".join(IMAGE_SUFFIXES)
    raise DatasetError(root, f"contains no images: expected one subfolder per class holding image files "
                       f"({kinds})")


def _open_checked(path: Path) -> PILImage.Image:
    """Open an image lazily (header only), turning every Pillow failure into a DatasetError."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(path)
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise DatasetError(path, f"is not a readable image ({_reason(exc)})") from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise DatasetError(path, f"is not a readable image ({_reason(exc)})") from None


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:160] if text else exc.__class__.__name__


def _decode(path: Path, im: PILImage.Image) -> tuple[np.ndarray, bool]:
    """(H×W×3 uint8 pixels, is-grayscale) for one opened image."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            if im.mode in ("I;16", "I;16B", "I;16L", "I;16N"):
                gray = (np.asarray(im, dtype=np.uint32) // 257).astype(np.uint8)
                return np.repeat(gray[:, :, None], 3, axis=2), True
            if im.mode in _GRAY_MODES:
                gray = np.asarray(im.convert("L"), dtype=np.uint8)
                return np.repeat(gray[:, :, None], 3, axis=2), True
            rgb = np.asarray(im.convert("RGB"), dtype=np.uint8)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:
        raise DatasetError(path, f"is not a readable image ({_reason(exc)})") from None
    is_gray = bool(np.array_equal(rgb[:, :, 0], rgb[:, :, 1]) and np.array_equal(rgb[:, :, 1], rgb[:, :, 2]))
    return rgb, is_gray


def load_image_folder(root: Path) -> Dataset:
    """All images under `root`, N×1×H×W (all grayscale) or N×3×H×W, scaled to [0, 1]; seeded hold-out."""
    files, labels, class_names = find_images(root)
    first_file: Path | None = None
    first_size: tuple[int, int] | None = None
    out: np.ndarray | None = None
    all_gray = True
    for i, path in enumerate(files):
        im = _open_checked(path)
        with im:
            if first_size is None:
                first_file, first_size = path, im.size
                w, h = first_size
                check_element_count(root, (len(files), 3, h, w), "the image folder")
                out = np.empty((len(files), h, w, 3), np.uint8)
            elif im.size != first_size:
                raise DatasetError(
                    root, f"images have different sizes: {_rel(root, first_file)} is "
                    f"{first_size[0]}×{first_size[1]} but {_rel(root, path)} is {im.size[0]}×{im.size[1]} "
                    "(all images must be the same size)"
                )
            pixels, is_gray = _decode(path, im)
        assert out is not None  # set from the first image
        out[i] = pixels
        all_gray = all_gray and is_gray
    assert out is not None
    x = out[..., :1] if all_gray else out
    x = np.ascontiguousarray(x.transpose(0, 3, 1, 2)).astype(np.float32) / np.float32(255.0)
    y = np.asarray(labels, dtype=np.int64) if labels else None
    return make_dataset(root.name, x, y, class_names, root)


def _rel(root: Path, path: Path | None) -> str:
    if path is None:
        return "?"
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
