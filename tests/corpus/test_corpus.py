"""Every bad input in the corpus gives its exact message through every loader path: core, CLI, README."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from aeviewer.cli import main
from aeviewer.core.data.loaders import load_dataset
from aeviewer.core.errors import AeviewerError, CheckpointError, DatasetError
from aeviewer.core.models.user_model import load_user_model
from aeviewer.core.session.recording import load_probe_path
from aeviewer.core.session.session import load_session
from aeviewer.core.train import run_folder
from aeviewer.core.train.checkpoint import load_checkpoint
from tests.corpus.make_corpus import CORPUS, MARKER_NAME, BadInput, _Mark, readme_table

README = Path(__file__).resolve().parents[2] / "README.md"
CASES = {case.name: case for case in CORPUS}


def _build(case: BadInput, root: Path) -> tuple[Path, Path]:
    folder = root / case.name
    folder.mkdir()
    return folder, case.build(folder)


def test_corpus_is_big_and_covers_every_kind():
    assert len(CORPUS) >= 90
    assert {c.kind for c in CORPUS} >= {"IDX", "npy/npz", "CSV", "image folder", "safetensors", ".pt", "checkpoint",
                                        "session", "recording", "your own model", "run folder"}
    assert len(CASES) == len(CORPUS)


def _resume(folder: Path):
    run_folder.read_config(folder)
    return run_folder.load_resume_state(folder)


def _user_model(code: Path):
    return load_user_model(code, code.parent / "weights.safetensors", (1, 8, 8))


#: The Python API each kind of input goes through, and the error type it must raise.
LOADERS = {"dataset": (load_dataset, DatasetError), "model": (load_checkpoint, CheckpointError),
           "session": (load_session, CheckpointError), "run": (_resume, CheckpointError),
           "user-model": (_user_model, CheckpointError), "recording": (load_probe_path, AeviewerError)}


def _cli_args(case: BadInput, path: Path) -> list[str] | None:
    """The command a user would type for this input (`info` for files; recordings have no command)."""
    if case.opens_as == "run":
        return ["train", "--resume", str(path)]
    if case.opens_as == "user-model":
        return ["info", "--model-code", str(path), "--weights", str(path.parent / "weights.safetensors")]
    if case.opens_as == "recording":
        return None
    return ["info", str(path)]


@pytest.mark.parametrize("name", CASES)
def test_core_loader_gives_the_exact_message(name, tmp_path):
    case = CASES[name]
    folder, path = _build(case, tmp_path)
    loader, error = LOADERS[case.opens_as]
    with pytest.raises(error) as info:
        loader(path)
    assert str(info.value) == case.expected_message(folder, path)
    assert not (folder / MARKER_NAME).exists()


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if _cli_args(c, Path("x")) is not None])
def test_cli_prints_the_same_message(name, tmp_path, capsys):
    case = CASES[name]
    folder, path = _build(case, tmp_path)
    assert main(_cli_args(case, path)) == 2
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
