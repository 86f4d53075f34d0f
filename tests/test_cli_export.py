"""`aeviewer export`: figures, animations and Projector files from a session or a model, no window."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from PIL import Image

from aeviewer.cli import main
from aeviewer.core.data.loaders import load_dataset
from aeviewer.core.models import ModelConfig, build_model
from aeviewer.core.session.recording import ProbePath
from aeviewer.core.session.session import Session, save_session
from aeviewer.core.train.checkpoint import save_checkpoint


@pytest.fixture(scope="module")
def digits_model():
    digits = load_dataset("digits")
    return digits, build_model(ModelConfig(input_shape=digits.sample_shape, latent_dim=2, hidden=(32,)), seed=0)


@pytest.fixture
def session_file(tmp_path, digits_model):
    _, model = digits_model
    drag = ProbePath("drag")
    for i in range(6):
        drag.add(i * 0.1, (0.1 * i, -0.05 * i))
    return save_session(tmp_path / "s.aev", Session(dataset="digits", model=model, paths=[drag], theme="dark",
                                                    probes={"ae": (0.0, 0.0)}))


def test_export_gif_of_a_recorded_path_from_a_session(tmp_path, session_file, capsys):
    import imageio.v3 as iio

    out = tmp_path / "drag.gif"
    assert main(["export", "--session", str(session_file), "--what", "gif", "--out", str(out),
                 "--fps", "10", "--size", "64"]) == 0
    frames = iio.imread(out, index=None)
    assert frames.shape == (6, 64, 128, 3)  # 0.5 s at 10 fps: 6 frames, scatter beside decode


def test_export_tsv_png_grid_and_strip_from_a_model_and_dataset(tmp_path, digits_model, capsys):
    digits, model = digits_model
    ckpt = save_checkpoint(tmp_path / "m.safetensors", model, dataset_name="digits")
    base = ["export", "--model", str(ckpt), "--data", "digits"]
    assert main([*base, "--what", "tsv", "--out", str(tmp_path / "tsv")]) == 0
    with open(tmp_path / "tsv" / "vectors.tsv", newline="") as f:
        assert len(list(csv.reader(f, delimiter="\t"))) == len(digits.split(test=True))
    assert main([*base, "--what", "png", "--size", "200", "--out", str(tmp_path / "s.png")]) == 0
    assert Image.open(tmp_path / "s.png").size == (200, 200)
    assert main([*base, "--what", "grid", "--grid", "4", "--out", str(tmp_path / "g.png")]) == 0
    grid = np.asarray(Image.open(tmp_path / "g.png"))
    assert grid.shape[0] == grid.shape[1] == 4 * 48 + 5 * 2
    assert main([*base, "--what", "strip", "--out", str(tmp_path / "r.png")]) == 0


def test_export_errors_are_one_line(tmp_path, session_file, capsys):
    assert main(["export", "--session", str(tmp_path / "missing.aev"), "--what", "png", "--out", "x.png"]) == 2
    assert "missing.aev: does not exist" in capsys.readouterr().err
    assert main(["export", "--session", str(session_file), "--what", "gif", "--path", "nope",
                 "--out", str(tmp_path / "x.gif")]) == 2
    assert "no recorded path named 'nope'" in capsys.readouterr().err
    assert not (tmp_path / "x.gif").exists()


def test_export_takes_a_users_own_model_file(tmp_path, capsys):
    from tests.core.test_user_model import write_tutorial_vae

    code, weights, _ = write_tutorial_vae(tmp_path)
    out = tmp_path / "tsv"
    assert main(["export", "--model-code", str(code), "--weights", str(weights), "--data", "digits",
                 "--what", "tsv", "--out", str(out)]) == 0
    rows = (out / "vectors.tsv").read_text().splitlines()
    assert len(rows) == 359 and all(len(r.split("\t")) == 3 for r in rows[:5])  # its 3-D code
    png = tmp_path / "scatter.png"
    assert main(["export", "--model-code", str(code), "--weights", str(weights), "--what", "png",
                 "--out", str(png)]) == 0
    assert Image.open(png).size[0] > 100
