"""`aeviewer train --run` keeps a replay; `aeviewer export --run DIR --what replay` makes one frame per stored epoch."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from aeviewer.cli import main
from aeviewer.core.train.formation import FORMATION_NAME, MIN_FRAMES, load_formation
from tests.core.test_run_folder import write_npz


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    """A short real run (digits, 3 epochs): fewer than MIN_FRAMES epochs, so snapshots every few steps."""
    import torch

    torch.set_num_threads(1)
    folder = tmp_path_factory.mktemp("replay") / "run"
    assert main(["train", "--data", "digits", "--run", str(folder), "--epochs", "3", "--batch-size", "64",
                 "--device", "cpu"]) == 0
    return folder


def test_a_run_folder_keeps_the_codes_of_a_fixed_subset(run_folder) -> None:
    formation = load_formation(run_folder / FORMATION_NAME)
    assert formation.steps[0] == 0 and np.isnan(formation.losses[0])  # before training
    assert len(formation) > 4  # a short run: more than one frame per epoch
    assert formation.epochs[-1] <= 3.0 and np.all(np.diff(formation.steps) > 0)
    assert formation.codes.shape[1:] == (len(formation.indices), 2)
    assert set(formation.labels.tolist()) <= set(range(10))


def _frames(path) -> int:
    with Image.open(path) as gif:
        return int(gif.n_frames)


def test_export_gives_one_frame_per_stored_frame(run_folder, tmp_path, capsys) -> None:
    stored = len(load_formation(run_folder / FORMATION_NAME))
    out = tmp_path / "formation.gif"
    assert main(["export", "--run", str(run_folder), "--what", "replay", "--out", str(out), "--size", "96"]) == 0
    assert _frames(out) == stored
    assert main(["export", "--run", str(run_folder), "--what", "replay", "--out", str(tmp_path / "i.gif"),
                 "--size", "64", "--interpolate", "2"]) == 0
    assert _frames(tmp_path / "i.gif") == stored + 2 * (stored - 1)
    assert f"{stored} frames" in capsys.readouterr().err


def test_export_mp4_when_ffmpeg_is_there(run_folder, tmp_path) -> None:
    pytest.importorskip("imageio_ffmpeg")
    out = tmp_path / "formation.mp4"
    assert main(["export", "--run", str(run_folder), "--what", "replay", "--out", str(out), "--size", "64"]) == 0
    assert out.stat().st_size > 0


def test_a_bad_run_folder_is_one_clear_message(tmp_path, capsys) -> None:
    assert main(["export", "--run", str(tmp_path / "nope"), "--what", "replay", "--out", str(tmp_path / "a.gif")]) == 2
    assert "is not a run folder" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["export", "--run", str(tmp_path / "empty"), "--what", "replay", "--out", "a.gif"]) == 2
    err = capsys.readouterr().err
    assert "formation.npz" in err and "kept no replay" in err and err.count("\n") == 1
    (tmp_path / "empty" / FORMATION_NAME).write_bytes(b"garbage")
    assert main(["export", "--run", str(tmp_path / "empty"), "--what", "replay", "--out", "a.gif"]) == 2
    assert "is not a readable replay" in capsys.readouterr().err
    assert main(["export", "--run", str(tmp_path / "empty"), "--what", "png", "--out", "a.png"]) == 2
    assert "--what replay" in capsys.readouterr().err


def test_a_resumed_run_goes_on_with_its_replay(tmp_path) -> None:
    data = write_npz(tmp_path / "d.npz", n=100)
    common = ["--batch-size", "50", "--device", "cpu", "--checkpoint-every", "1"]
    run = tmp_path / "r"
    assert main(["train", "--data", str(data), "--run", str(run), "--epochs", str(MIN_FRAMES), *common]) == 0
    first = load_formation(run / FORMATION_NAME)
    # the start, then epoch ends (one may wait when the replay's time share is spent), the last one always
    assert first.epochs[0] == 0.0 and first.epochs[-1] == MIN_FRAMES and len(first) > MIN_FRAMES // 2
    assert set(first.epochs) <= {float(e) for e in range(MIN_FRAMES + 1)}
    assert main(["train", "--resume", str(run), "--epochs", str(MIN_FRAMES + 2)]) == 0
    after = load_formation(run / FORMATION_NAME)
    assert after.epochs[: len(first)] == first.epochs and after.epochs[-1] == MIN_FRAMES + 2
    np.testing.assert_array_equal(after.codes[: len(first)], first.codes)
