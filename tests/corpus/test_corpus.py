"""Every bad input in the corpus gives its exact message through every loader path: core, CLI, README."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from aeviewer.cli import main
from aeviewer.core.checkpoint import load_checkpoint
from aeviewer.core.errors import CheckpointError, DatasetError
from aeviewer.core.loaders import load_dataset
from tests.corpus.make_corpus import CORPUS, MARKER_NAME, BadInput, _Mark, readme_table

README = Path(__file__).resolve().parents[2] / "README.md"
CASES = {case.name: case for case in CORPUS}


def _build(case: BadInput, root: Path) -> tuple[Path, Path]:
    folder = root / case.name
    folder.mkdir()
    return folder, case.build(folder)


def test_corpus_is_big_and_covers_every_kind():
    assert len(CORPUS) >= 30
    assert {c.kind for c in CORPUS} >= {"IDX", "npy/npz", "CSV", "image folder", "safetensors", ".pt", "checkpoint"}
    assert len(CASES) == len(CORPUS)


@pytest.mark.parametrize("name", CASES)
def test_core_loader_gives_the_exact_message(name, tmp_path):
    case = CASES[name]
    folder, path = _build(case, tmp_path)
    loader, error = (load_checkpoint, CheckpointError) if case.is_model else (load_dataset, DatasetError)
    with pytest.raises(error) as info:
        loader(path)
    assert str(info.value) == case.expected_message(folder, path)
    assert not (folder / MARKER_NAME).exists()


@pytest.mark.parametrize("name", CASES)
def test_cli_info_prints_the_same_message(name, tmp_path, capsys):
    case = CASES[name]
    folder, path = _build(case, tmp_path)
    assert main(["info", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"aeviewer: error: {case.expected_message(folder, path)}"]
    assert not (folder / MARKER_NAME).exists()


def test_the_malicious_payload_really_would_run(tmp_path):
    """Guards the marker tests: unpickling the payload without weights_only does create the marker."""
    marker = tmp_path / MARKER_NAME
    pickle.loads(pickle.dumps(_Mark(str(marker))))  # noqa: S301 - deliberately unsafe, on our own bytes
    assert marker.exists()


@pytest.mark.parametrize("name", ["pt-malicious", "pt-plain-pickle", "npy-pickle-payload"])
def test_malicious_files_never_run_code(name, tmp_path, capsys):
    case = CASES[name]
    folder, path = _build(case, tmp_path)
    loader = load_checkpoint if case.is_model else load_dataset
    with pytest.raises((CheckpointError, DatasetError), match="pickle"):
        loader(path)
    assert main(["info", str(path)]) == 2
    assert "pickle" in capsys.readouterr().err
    assert not (folder / MARKER_NAME).exists()


def test_readme_troubleshooting_table_matches_the_corpus():
    text = README.read_text(encoding="utf-8")
    assert "## Troubleshooting" in text
    assert readme_table() in text, "regenerate it: python -m tests.corpus.make_corpus --readme"
