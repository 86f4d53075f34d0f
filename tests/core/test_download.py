"""Downloader against a local http.server on 127.0.0.1: success, resume, checksum, cancel, offline.

No test touches the internet: the catalogue's checksums are replaced by those of small generated
files, and base_url points at the local server.
"""

from __future__ import annotations

import dataclasses
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from aeviewer.core.data import download
from aeviewer.core.data.download import DownloadCancelled, RemoteFile, fetch_dataset, list_datasets
from aeviewer.core.data.loaders import load_dataset
from aeviewer.core.errors import DatasetError, DownloadError
from tests.datafiles import cifar_tar_gz, md5, mnist_gz_files, sample_images

N_TRAIN, N_TEST = 120, 10

# ------------------------------------------------------------------------------------ fixtures


class _RangeHandler(BaseHTTPRequestHandler):
    """Serves `server.files`; honours `Range: bytes=N-` unless `server.ignore_range`; can cut a response."""

    server: _FileServer

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        srv = self.server
        name = self.path.lstrip("/")
        rng = self.headers.get("Range")
        srv.log.append((name, rng))
        data = srv.files.get(name)
        if data is None:
            self.send_error(404, "Not Found")
            return
        start = 0
        if rng and not srv.ignore_range:
            start = int(rng.removeprefix("bytes=").split("-")[0])
            if start >= len(data):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(data)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        body = data[start:]
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        cut = srv.cut_once.pop(name, None)
        if cut is not None:  # simulate a dropped connection mid-file
            self.wfile.write(body[:cut])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - silence the test output
        pass


class _FileServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, files: dict[str, bytes]) -> None:
        super().__init__(("127.0.0.1", 0), _RangeHandler)
        self.files = files
        self.ignore_range = False
        self.cut_once: dict[str, int] = {}
        self.log: list[tuple[str, str | None]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"


def _mnist_files() -> dict[str, bytes]:
    """Gz IDX files with MNIST's names; train images (~94 KB, random) span more than one 64 KiB chunk."""
    return mnist_gz_files(n_train=N_TRAIN, n_test=N_TEST, size=28)


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def server() -> Iterator[_FileServer]:
    srv = _FileServer(_mnist_files())
    thread = threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(5)


@pytest.fixture
def mnist_catalogue(server: _FileServer, monkeypatch: pytest.MonkeyPatch) -> download.CatalogueEntry:
    """Point the mnist entry's checksums and sizes at the generated files."""
    entry = download.CATALOGUE["mnist"]
    blobs = server.files
    files = tuple(RemoteFile(f.name, md5(blobs[f.name]), len(blobs[f.name])) for f in entry.files)
    patched = dataclasses.replace(entry, files=files, base_url="http://127.0.0.1:9/never-used/")
    monkeypatch.setitem(download.CATALOGUE, "mnist", patched)
    return patched


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# ------------------------------------------------------------------------------------- tests


def test_data_dir_env_override(data_dir: Path) -> None:
    assert download.data_dir() == data_dir


def test_data_dir_default_is_platform_user_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(download.DATA_DIR_ENV, raising=False)
    assert download.data_dir().name == "aeviewer"


def test_catalogue_is_complete() -> None:
    assert set(download.CATALOGUE) == {"mnist", "fashion-mnist", "cifar10"}
    assert download.CATALOGUE["mnist"].base_url == "https://ossci-datasets.s3.amazonaws.com/mnist/"
    assert download.CATALOGUE["cifar10"].files[0].md5 == "c32a1d4ab5d03f1284b67883e8d87530"
    for entry in download.CATALOGUE.values():
        assert entry.files and all(len(f.md5) == 32 for f in entry.files)
    assert download.canonical_name("Fashion_MNIST") == "fashion-mnist"
    with pytest.raises(DownloadError, match="unknown dataset"):
        fetch_dataset("imagenet")


def test_fetch_success(data_dir: Path, server: _FileServer, mnist_catalogue: download.CatalogueEntry) -> None:
    assert not download.is_present("mnist")
    calls: list[tuple[int, int | None]] = []
    path = fetch_dataset("mnist", base_url=server.url, progress=lambda d, t: calls.append((d, t)))
    assert path == data_dir / "MNIST"
    raw = data_dir / "MNIST" / "raw"
    assert sorted(p.name for p in raw.iterdir()) == sorted(server.files)
    assert download.is_present("mnist")
    total = mnist_catalogue.total_size
    assert calls[-1] == (total, total)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    status = {s.name: s for s in list_datasets()}
    assert status["mnist"].present and status["mnist"].path == path and not status["cifar10"].present

    ds = load_dataset("mnist")
    assert ds.name == "mnist" and len(ds) == N_TRAIN + N_TEST
    from aeviewer.core.session.session import dataset_reference

    assert dataset_reference(ds) == "mnist"  # the downloaded set is saved in sessions by its name
    assert ds.is_test is not None and ds.is_test.sum() == N_TEST
    # already present: no network needed at all
    n_requests = len(server.log)
    assert fetch_dataset("mnist", base_url=f"http://127.0.0.1:{_closed_port()}/") == path
    assert len(server.log) == n_requests


def test_resume_uses_range(
    data_dir: Path, server: _FileServer, mnist_catalogue: download.CatalogueEntry
) -> None:
    name = "train-images-idx3-ubyte.gz"
    raw = data_dir / "MNIST" / "raw"
    raw.mkdir(parents=True)
    half = len(server.files[name]) // 2
    (raw / f"{name}.part").write_bytes(server.files[name][:half])
    fetch_dataset("mnist", base_url=server.url)
    assert (name, f"bytes={half}-") in server.log
    assert (raw / name).read_bytes() == server.files[name]
    assert not list(raw.glob("*.part"))


def test_resume_with_server_ignoring_range_restarts(
    data_dir: Path, server: _FileServer, mnist_catalogue: download.CatalogueEntry
) -> None:
    name = "train-images-idx3-ubyte.gz"
    raw = data_dir / "MNIST" / "raw"
    raw.mkdir(parents=True)
    (raw / f"{name}.part").write_bytes(b"garbage that must not be kept" * 10)
    server.ignore_range = True
    fetch_dataset("mnist", base_url=server.url)
    assert (raw / name).read_bytes() == server.files[name]


def test_complete_part_answered_416(
    data_dir: Path, server: _FileServer, mnist_catalogue: download.CatalogueEntry
) -> None:
    name = "t10k-labels-idx1-ubyte.gz"
    raw = data_dir / "MNIST" / "raw"
    raw.mkdir(parents=True)
    (raw / f"{name}.part").write_bytes(server.files[name])
    fetch_dataset("mnist", base_url=server.url)
    assert download.is_present("mnist") and (raw / name).read_bytes() == server.files[name]


def test_dropped_connection_then_resume(
    data_dir: Path, server: _FileServer, mnist_catalogue: download.CatalogueEntry
) -> None:
    name = "train-images-idx3-ubyte.gz"
    server.cut_once[name] = 70_000
    with pytest.raises(DownloadError, match="resume"):
        fetch_dataset("mnist", base_url=server.url)
    assert not download.is_present("mnist")
    part = data_dir / "MNIST" / "raw" / f"{name}.part"
    assert part.stat().st_size == 70_000
    fetch_dataset("mnist", base_url=server.url)
    assert (name, "bytes=70000-") in server.log
    assert download.is_present("mnist")


def test_checksum_mismatch(
    data_dir: Path,
    server: _FileServer,
    mnist_catalogue: download.CatalogueEntry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bad = tuple(dataclasses.replace(f, md5="0" * 32) if f.name.startswith("t10k-images") else f
                for f in mnist_catalogue.files)
    monkeypatch.setitem(download.CATALOGUE, "mnist", dataclasses.replace(mnist_catalogue, files=bad))
    with pytest.raises(DownloadError) as info:
        fetch_dataset("mnist", base_url=server.url)
    msg = str(info.value)
    assert "t10k-images-idx3-ubyte.gz" in msg and "checksum" in msg and "removed" in msg
    raw = data_dir / "MNIST" / "raw"
    assert not (raw / "t10k-images-idx3-ubyte.gz").exists()
    assert not (raw / "t10k-images-idx3-ubyte.gz.part").exists()
    assert not download.is_present("mnist")
    with pytest.raises(DatasetError, match="aeviewer data get mnist"):
        load_dataset("mnist")


def test_cancel_leaves_no_dataset_and_resumes(
    data_dir: Path, server: _FileServer, mnist_catalogue: download.CatalogueEntry
) -> None:
    cancel = threading.Event()

    def progress(done: int, total: int | None) -> None:
        if done > 0:
            cancel.set()

    with pytest.raises(DownloadCancelled) as info:
        fetch_dataset("mnist", base_url=server.url, progress=progress, cancel=cancel)
    assert isinstance(info.value, DownloadError) and "cancelled" in str(info.value)
    assert not download.is_present("mnist")
    with pytest.raises(DatasetError, match="not downloaded"):
        load_dataset("mnist")
    parts = list((data_dir / "MNIST" / "raw").glob("*.part"))
    assert len(parts) == 1 and parts[0].stat().st_size > 0
    fetch_dataset("mnist", base_url=server.url)
    assert any(rng is not None for _, rng in server.log)
    assert len(load_dataset("mnist")) == N_TRAIN + N_TEST


def test_cancel_before_start(
    data_dir: Path, server: _FileServer, mnist_catalogue: download.CatalogueEntry
) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(DownloadCancelled):
        fetch_dataset("mnist", base_url=server.url, cancel=cancel)
    assert server.log == [] and not download.is_present("mnist")


def test_unreachable_server(data_dir: Path, mnist_catalogue: download.CatalogueEntry) -> None:
    port = _closed_port()
    with pytest.raises(DownloadError) as info:
        fetch_dataset("mnist", base_url=f"http://127.0.0.1:{port}/", timeout=5)
    assert f"could not reach 127.0.0.1:{port}" in str(info.value) and "offline" in str(info.value)
    assert not download.is_present("mnist")


def test_dns_failure(
    data_dir: Path, mnist_catalogue: download.CatalogueEntry, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_dns(*args: object, **kwargs: object) -> None:
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    with pytest.raises(DownloadError, match=r"could not reach mirror\.invalid: are you offline\?"):
        fetch_dataset("mnist", base_url="http://mirror.invalid/")


def test_http_error(data_dir: Path, server: _FileServer, mnist_catalogue: download.CatalogueEntry) -> None:
    del server.files["t10k-labels-idx1-ubyte.gz"]
    with pytest.raises(DownloadError, match="HTTP 404"):
        fetch_dataset("mnist", base_url=server.url)
    assert not download.is_present("mnist")


def test_damaged_final_file_is_fetched_again(
    data_dir: Path, server: _FileServer, mnist_catalogue: download.CatalogueEntry
) -> None:
    fetch_dataset("mnist", base_url=server.url)
    raw = data_dir / "MNIST" / "raw"
    (raw / "t10k-labels-idx1-ubyte.gz").write_bytes(b"tampered")
    (raw / "train-labels-idx1-ubyte.gz").unlink()
    fetch_dataset("mnist", base_url=server.url)
    assert (raw / "t10k-labels-idx1-ubyte.gz").read_bytes() == server.files["t10k-labels-idx1-ubyte.gz"]


# --------------------------------------------------------------------------------------- CIFAR


def _serve_cifar(server: _FileServer, monkeypatch: pytest.MonkeyPatch, blob: bytes) -> None:
    name = "cifar-10-binary.tar.gz"
    server.files[name] = blob
    entry = download.CATALOGUE["cifar10"]
    monkeypatch.setitem(download.CATALOGUE, "cifar10",
                        dataclasses.replace(entry, files=(RemoteFile(name, md5(blob), len(blob)),)))


def test_cifar_download_and_extract(
    data_dir: Path, server: _FileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _serve_cifar(server, monkeypatch, cifar_tar_gz(per_batch=2))
    path = fetch_dataset("cifar10", base_url=server.url)
    assert path == data_dir / "cifar10" / "cifar-10-batches-bin"
    assert not (data_dir / "cifar10" / "cifar-10-binary.tar.gz").exists()
    assert not list((data_dir / "cifar10").glob(".extract-*"))
    ds = load_dataset("cifar10")
    assert ds.name == "cifar10" and ds.x.shape == (12, 3, 32, 32) and ds.class_names[0] == "airplane"
    assert ds.is_test is not None and ds.is_test.sum() == 2


@pytest.mark.parametrize(
    "evil", ["../evil.txt", "/tmp/aeviewer-evil.txt", "cifar-10-batches-bin/../../evil.txt"]
)
def test_cifar_tar_with_unsafe_member(
    data_dir: Path, server: _FileServer, monkeypatch: pytest.MonkeyPatch, evil: str
) -> None:
    _serve_cifar(server, monkeypatch, cifar_tar_gz(per_batch=1, extra_members={evil: b"pwned"}))
    with pytest.raises(DownloadError, match="unsafe path"):
        fetch_dataset("cifar10", base_url=server.url)
    assert not download.is_present("cifar10")
    assert not (data_dir / "evil.txt").exists() and not (data_dir.parent / "evil.txt").exists()
    assert not Path("/tmp/aeviewer-evil.txt").exists()
    assert not (data_dir / "cifar10" / "cifar-10-batches-bin").exists()


def test_format_progress() -> None:
    assert download.format_progress(50, 100, width=10) == "[#####.....]     0.0 / 0.0 MB  50%"
    assert "MB" in download.format_progress(123_456_789, None)
    assert download.format_progress(200, 100, width=4).startswith("[####]")


def test_downloaded_mnist_is_real_idx(
    data_dir: Path, server: _FileServer, mnist_catalogue: download.CatalogueEntry
) -> None:
    fetch_dataset("mnist", base_url=server.url)
    ds = load_dataset("mnist")
    np.testing.assert_allclose(ds.x[:N_TRAIN, 0], sample_images(N_TRAIN, 28, 28) / 255.0, rtol=1e-6)
