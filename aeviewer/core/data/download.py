"""Explicit, resumable, verified dataset downloads: aeviewer never downloads anything implicitly.

A download goes to `<file>.part` (resumed with an HTTP Range request next time), is checked
against a known MD5 and only then renamed into place; archives are extracted into a temporary
folder that is renamed into place when complete. So a dataset only counts as present when
everything is verified and in place: an interrupted download never looks like a dataset.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import shutil
import socket
import tarfile
import tempfile
import threading
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import NamedTuple, cast
from urllib.parse import urlsplit

from aeviewer.core.errors import DownloadError

#: Environment variable that overrides where datasets are stored (tests and portable installs use it).
DATA_DIR_ENV = "AEVIEWER_DATA_DIR"
_CHUNK = 64 * 1024
DEFAULT_TIMEOUT = 30.0

ProgressCallback = Callable[[int, "int | None"], None]


class DownloadCancelled(DownloadError):
    """The user cancelled; the `.part` file is kept so the next attempt resumes."""

    def __init__(self, message: str = "cancelled") -> None:
        super().__init__(message)


@dataclass(frozen=True)
class RemoteFile:
    """One file on the mirror; `size` (bytes) only feeds the progress bar, the MD5 is what is trusted."""

    name: str
    md5: str
    size: int | None = None


@dataclass(frozen=True)
class CatalogueEntry:
    """A downloadable dataset and where it lives under `data_dir()`."""

    name: str
    title: str
    base_url: str
    files: tuple[RemoteFile, ...]
    #: Folder (relative to data_dir()) the downloaded files are stored in.
    folder: str
    #: Folder (relative to data_dir()) that `load_dataset` reads.
    dataset_folder: str
    #: For archives: the top folder inside the archive, extracted to `folder/extract_root`.
    extract_root: str | None = None
    #: For archives: files that must exist inside the extracted folder for the dataset to count.
    required: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()

    @property
    def total_size(self) -> int | None:
        sizes = [f.size for f in self.files]
        known = [s for s in sizes if s is not None]
        return None if len(known) < len(sizes) else sum(known)

    @property
    def is_archive(self) -> bool:
        return self.extract_root is not None


class DatasetStatus(NamedTuple):
    name: str
    present: bool
    path: Path


def _mnist_like(name: str, title: str, base_url: str, folder: str, md5s: tuple[str, ...],
                sizes: tuple[int, ...], aliases: tuple[str, ...] = ()) -> CatalogueEntry:
    names = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
             "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")
    files = tuple(RemoteFile(n, m, s) for n, m, s in zip(names, md5s, sizes, strict=True))
    return CatalogueEntry(name, title, base_url, files, f"{folder}/raw", folder, aliases=aliases)


#: The datasets `aeviewer data get NAME` knows; checksums are the ones torchvision uses.
CATALOGUE: dict[str, CatalogueEntry] = {
    "mnist": _mnist_like(
        "mnist", "MNIST handwritten digits (70,000 28×28 grayscale)",
        "https://ossci-datasets.s3.amazonaws.com/mnist/", "MNIST",
        ("f68b3c2dcbeaaa9fbdd348bbdeb94873", "d53e105ee54ea40749a09fcbcd1e9432",
         "9fb629c4189551a2d022fa330f9573f3", "ec29112dd5afa0611ce80d1b7f02629c"),
        (9912422, 28881, 1648877, 4542),
    ),
    "fashion-mnist": _mnist_like(
        "fashion-mnist", "Fashion-MNIST clothing (70,000 28×28 grayscale)",
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/", "FashionMNIST",
        ("8d4fb7e6c68d591d4c3dfef9ec88bf0d", "25c81989df183df01b3e8a0aad5dffbe",
         "bef4ecab320f06d8554ea6380940ec79", "bb300cfdad3c16e7a12a480ee83cd310"),
        (26421880, 29515, 4422102, 5148),
        aliases=("fashion_mnist", "fashionmnist", "fmnist"),
    ),
    "cifar10": CatalogueEntry(
        "cifar10", "CIFAR-10 small photos (60,000 32×32 colour, binary version)",
        "https://www.cs.toronto.edu/~kriz/",
        (RemoteFile("cifar-10-binary.tar.gz", "c32a1d4ab5d03f1284b67883e8d87530", 170052171),),
        "cifar10", "cifar10/cifar-10-batches-bin",
        extract_root="cifar-10-batches-bin",
        required=tuple(f"data_batch_{i}.bin" for i in range(1, 6)) + ("test_batch.bin",),
        aliases=("cifar-10", "cifar_10"),
    ),
}


def data_dir() -> Path:
    """Where downloaded datasets live: $AEVIEWER_DATA_DIR, else the platform's user data dir."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_path

    return user_data_path("aeviewer", appauthor=False)


def canonical_name(name: str) -> str | None:
    """The catalogue key for a name or alias ("Fashion_MNIST" → "fashion-mnist"), None if unknown."""
    key = name.strip().lower()
    for entry in CATALOGUE.values():
        if key == entry.name or key in entry.aliases:
            return entry.name
    return None


def get_entry(name: str) -> CatalogueEntry:
    canon = canonical_name(name)
    if canon is None:
        known = ", ".join(CATALOGUE)
        raise DownloadError(f"unknown dataset {name!r}; aeviewer can download: {known}")
    return CATALOGUE[canon]


def dataset_path(name: str) -> Path:
    """The folder `load_dataset` reads for a downloadable dataset (whether or not it is present yet)."""
    return data_dir() / get_entry(name).dataset_folder


def is_present(name: str) -> bool:
    """True only when every file is verified and in place (a `.part` or half extraction never counts)."""
    entry = get_entry(name)
    base = data_dir() / entry.folder
    if entry.is_archive:
        root = base / entry.extract_root  # type: ignore[operator]
        return root.is_dir() and all((root / r).is_file() for r in entry.required)
    return all((base / f.name).is_file() for f in entry.files)


def list_datasets() -> list[DatasetStatus]:
    """Every downloadable dataset with whether it is present and where it is (or would be) stored."""
    return [DatasetStatus(n, is_present(n), dataset_path(n)) for n in CATALOGUE]


def fetch_dataset(
    name: str,
    *,
    base_url: str | None = None,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Path:
    """Download, verify and install a catalogue dataset; returns the folder `load_dataset` reads.

    `progress(done_bytes, total_bytes_or_None)` covers the whole dataset. Setting `cancel` stops
    at the next chunk with DownloadCancelled, keeping the `.part` so the next call resumes.
    A dataset already present is returned without touching the network.
    """
    entry = get_entry(name)
    if is_present(entry.name):
        return dataset_path(entry.name)
    base = data_dir() / entry.folder
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadError(f"cannot create {base}: {exc.strerror or exc}") from None
    _remove_stale_extractions(base)
    mirror = (base_url or entry.base_url).rstrip("/") + "/"
    total = entry.total_size
    done_before = 0

    def report(current: int) -> None:
        if progress is not None:
            done = done_before + current
            progress(done, None if total is None else max(total, done))

    for remote in entry.files:
        final = base / remote.name
        if final.is_file() and _md5(final) != remote.md5:
            final.unlink()  # damaged or replaced by hand: fetch a fresh copy
        if not final.is_file():
            _check_cancel(cancel)
            _download_file(mirror + remote.name, final, remote.md5, report, cancel, timeout)
        done_before += final.stat().st_size
        report(0)
    if entry.is_archive:
        for remote in entry.files:
            _extract_tar(base / remote.name, base, entry.extract_root, entry.required, cancel)  # type: ignore[arg-type]
            (base / remote.name).unlink(missing_ok=True)  # the extracted folder is what counts now
    if not is_present(entry.name):  # pragma: no cover - would be a bug in the steps above
        raise DownloadError(f"{entry.name}: download finished but the files are not all in place")
    return dataset_path(entry.name)


def _check_cancel(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise DownloadCancelled()


def _md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _host(url: str) -> str:
    return urlsplit(url).netloc or url


def _open(url: str, offset: int, timeout: float) -> http.client.HTTPResponse | None:
    """GET `url` (from byte `offset` when resuming), mapping every network failure to DownloadError."""
    from aeviewer import __version__

    req = urllib.request.Request(url, headers={"User-Agent": f"aeviewer/{__version__}"})
    if offset:
        req.add_header("Range", f"bytes={offset}-")
    try:
        # typeshed types urlopen's result as Any; for an http(s) URL it is an HTTPResponse.
        resp = urllib.request.urlopen(req, timeout=timeout)  # noqa: S310 - http(s) URLs from our catalogue
        return cast(http.client.HTTPResponse, resp)
    except urllib.error.HTTPError as exc:
        exc.close()
        if exc.code == 416 and offset:
            return None  # the .part is already complete (or longer than the file): caller decides
        raise DownloadError(f"{url}: the server answered HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise _network_error(url, exc.reason) from None
    except (OSError, http.client.HTTPException) as exc:
        raise _network_error(url, exc) from None


def _network_error(url: str, reason: object) -> DownloadError:
    host = _host(url)
    if isinstance(reason, TimeoutError):
        return DownloadError(f"could not reach {host}: the connection timed out (are you offline?)")
    if isinstance(reason, socket.gaierror):
        return DownloadError(f"could not reach {host}: are you offline? (the name could not be resolved)")
    if isinstance(reason, ConnectionRefusedError):
        return DownloadError(f"could not reach {host}: are you offline? (connection refused)")
    detail = getattr(reason, "strerror", None) or str(reason)
    return DownloadError(f"could not reach {host}: are you offline? ({detail})")


def _download_file(url: str, final: Path, md5: str, report: Callable[[int], None],
                   cancel: threading.Event | None, timeout: float) -> None:
    """Fetch `url` into `final` via `final.part`, resuming when a .part exists; verify, then rename."""
    part = final.with_name(final.name + ".part")
    offset = part.stat().st_size if part.is_file() else 0
    resp = _open(url, offset, timeout)
    if resp is None:  # 416: nothing left to fetch; the checksum below decides if the .part is good
        _finish(part, final, md5, url)
        return
    with resp:
        if offset and resp.status == 206 and _range_start(resp.headers.get("Content-Range")) == offset:
            mode = "ab"
        else:  # the server ignored the Range header (or there was none): start from scratch
            offset, mode = 0, "wb"
        length = resp.headers.get("Content-Length")
        expected = offset + int(length) if length and length.isdigit() else None
        written = offset
        report(written)
        try:
            with open(part, mode) as out:
                while True:
                    _check_cancel(cancel)
                    chunk = resp.read(_CHUNK)
                    if not chunk:
                        break
                    out.write(chunk)
                    written += len(chunk)
                    report(written)
        except DownloadCancelled:
            raise
        except TimeoutError as exc:
            raise DownloadError(f"download from {_host(url)} stalled ({exc or 'timed out'}); run the "
                                "command again to resume") from None
        except (OSError, http.client.HTTPException) as exc:  # connection reset, disk full, ...
            reason = getattr(exc, "strerror", None) or exc.__class__.__name__
            raise DownloadError(f"download of {final.name} failed ({reason}); run the "
                                "command again to resume") from None
    if expected is not None and written < expected:
        raise DownloadError(f"the connection to {_host(url)} closed after {written:,} of {expected:,} bytes "
                            f"of {final.name}; run the command again to resume")
    _finish(part, final, md5, url)


def _range_start(content_range: str | None) -> int | None:
    """The first byte of a `Content-Range: bytes START-END/TOTAL` header, None if absent or odd."""
    if not content_range or not content_range.startswith("bytes "):
        return None
    try:
        return int(content_range[6:].split("-", 1)[0])
    except ValueError:
        return None


def _finish(part: Path, final: Path, md5: str, url: str) -> None:
    actual = _md5(part)
    if actual != md5:
        part.unlink(missing_ok=True)
        raise DownloadError(f"{final.name} from {_host(url)} has the wrong checksum (MD5 {actual}, expected "
                            f"{md5}); the damaged download was removed, please try again")
    os.replace(part, final)


def _remove_stale_extractions(base: Path) -> None:
    for leftover in base.glob(".extract-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def _safe_member_path(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or name.startswith(("/", "\\")) or ".." in path.parts or ":" in path.parts[0]:
        raise DownloadError(f"the archive contains an unsafe path {name!r}; refusing to extract it")
    return path


def _extract_tar(archive: Path, base: Path, root: str, required: tuple[str, ...],
                 cancel: threading.Event | None) -> None:
    """Extract `root/` of a tar.gz into a temporary folder, then rename it to `base/root` when complete.

    Only regular files and folders are written (no links or devices), and members with absolute
    paths or `..` are refused, so a hostile archive cannot write outside the data folder.
    """
    tmp = Path(tempfile.mkdtemp(prefix=".extract-", dir=base))
    try:
        try:
            with tarfile.open(archive, "r:gz") as tar:
                for member in tar:
                    _check_cancel(cancel)
                    rel = _safe_member_path(member.name)
                    if not (member.isfile() or member.isdir()):
                        continue
                    dest = tmp.joinpath(*rel.parts)
                    if member.isdir():
                        dest.mkdir(parents=True, exist_ok=True)
                        continue
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    src = tar.extractfile(member)
                    if src is None:
                        continue
                    with src, open(dest, "wb") as out:
                        shutil.copyfileobj(src, out, _CHUNK)
        except (tarfile.TarError, EOFError, zlib.error) as exc:
            archive.unlink(missing_ok=True)
            raise DownloadError(f"{archive.name} is damaged and could not be extracted ({exc}); it was "
                                "removed, please try again") from None
        except OSError as exc:
            raise DownloadError(f"extracting {archive.name} failed ({exc.strerror or exc})") from None
        extracted = tmp / root
        missing = [r for r in required if not (extracted / r).is_file()]
        if missing:
            archive.unlink(missing_ok=True)
            raise DownloadError(f"{archive.name} does not contain {root}/{missing[0]}; it was removed, "
                                "please try again")
        final = base / root
        if final.exists():
            shutil.rmtree(final)  # an incomplete copy from before: the new one replaces it
        os.replace(extracted, final)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def format_progress(done: int, total: int | None, width: int = 30) -> str:
    """A one-line text progress bar for the CLI, e.g. `[#######.......]  12.3 / 45.0 MB  27%`."""
    mb = done / 1e6
    if not total:
        return f"{mb:8.1f} MB"
    frac = min(max(done / total, 0.0), 1.0)
    filled = int(round(frac * width))
    return f"[{'#' * filled}{'.' * (width - filled)}] {mb:7.1f} / {total / 1e6:.1f} MB {frac * 100:3.0f}%"
