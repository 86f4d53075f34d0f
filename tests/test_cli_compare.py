"""`aeviewer compare` writes the comparison table headless, and refuses bad files in one line."""

from __future__ import annotations

import csv
import json

from aeviewer.cli import main
from aeviewer.core.models import build_model
from aeviewer.core.train.checkpoint import save_checkpoint
from tests.core.model_data import small_config


def _checkpoint(tmp_path, name="a.safetensors", **config):
    return str(save_checkpoint(tmp_path / name, build_model(small_config(**config), seed=0), dataset_name="digits"))


def test_compare_writes_one_row_per_model(tmp_path, capsys):
    a, b = _checkpoint(tmp_path), _checkpoint(tmp_path, "b.safetensors", kind="aae")
    out = tmp_path / "table.json"
    assert main(["compare", "--data", "digits", "--models", a, b, a, "--pca", "2", "--out", str(out)]) == 0
    rows = json.loads(out.read_text())["rows"]
    assert [r["name"] for r in rows] == ["a.safetensors", "b.safetensors", "a.safetensors", "PCA (2)"]
    assert rows[0] == rows[2]  # the same model twice: the same figures
    assert rows[1]["prior_distance"] is not None and rows[0]["prior_distance"] is None  # AAE has a prior
    assert all(0 <= r["knn_accuracy"] <= 1 and 0 <= r["trustworthiness"] <= 1 for r in rows)


def test_compare_writes_csv(tmp_path):
    out = tmp_path / "table.txt"
    assert main(["compare", "--models", _checkpoint(tmp_path), "--out", str(out), "--format", "csv"]) == 0
    (row,) = list(csv.DictReader(out.open()))
    assert row["name"] == "a.safetensors" and row["kl"] == "" and float(row["mse"]) > 0


def test_a_bad_model_file_is_one_line_naming_it(tmp_path, capsys):
    bad = tmp_path / "broken.safetensors"
    bad.write_bytes(b"not a checkpoint at all")
    out = tmp_path / "t.json"
    assert main(["compare", "--models", _checkpoint(tmp_path), str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "broken.safetensors" in err and "Traceback" not in err
    assert not out.exists()


def test_compare_needs_a_model(tmp_path, capsys):
    assert main(["compare", "--out", str(tmp_path / "t.json")]) == 2
    assert "at least one --models" in capsys.readouterr().err
