"""The comparison table: one row per model on the same held-out split, PCA as a model."""

from __future__ import annotations

import numpy as np
import pytest

from aeviewer.core.data.loaders.digits import load_digits
from aeviewer.core.errors import AeviewerError, CheckpointError
from aeviewer.core.latent.pca import PcaBaseline
from aeviewer.core.models import build_model
from aeviewer.core.session.compare import Contender, compare, load_contender, prior_distance, table_csv, table_json
from aeviewer.core.train.checkpoint import save_checkpoint
from tests.core.model_data import small_config


@pytest.fixture(scope="module")
def digits():
    return load_digits()


def test_a_model_against_itself_gives_identical_rows(digits):
    vae = build_model(small_config(kind="vae", latent_dim=3), seed=0)
    rows = compare([Contender.from_model("vae", vae), Contender.from_model("vae", vae)], digits)
    assert rows[0] == rows[1]
    row = rows[0]
    assert row.kind == "vae" and row.latent_dim == 3 and row.n_test == len(digits.split(test=True))
    assert row.kl is not None and row.kl >= 0 and row.active_dims is not None
    assert row.prior_distance is not None and row.prior_distance >= 0


def test_the_pca_row_is_pca(digits):
    train, test = digits.split(test=False), digits.split(test=True)
    (row,) = compare([Contender.from_pca(train, 10)], digits)
    assert row.name == "PCA (10)" and row.kind == "pca"
    assert row.mse == pytest.approx(PcaBaseline.error_at_k(train.flat, test.flat, 10), rel=1e-5)
    assert row.knn_accuracy is not None and row.knn_accuracy > 0.9  # 10 PCA components separate digits well
    assert 0.7 < row.trustworthiness < 1 and 0.7 < row.continuity < 1
    assert row.kl is None and row.active_dims is None and row.prior_distance is None
    (exact,) = compare([Contender.from_pca(train, 2)], digits)
    assert exact.trustworthiness == pytest.approx(1.0) and exact.preservation == pytest.approx(1.0)  # 2-D: exact view


def test_the_prior_distance_is_small_for_prior_draws_and_grows_with_a_shift():
    draws = np.random.default_rng(5).standard_normal((400, 4))
    assert prior_distance(draws) < 0.1
    assert prior_distance(draws + 2.0) > 1.0 > prior_distance(draws + 0.5) > prior_distance(draws)


def test_the_table_files(digits, tmp_path):
    rows = compare([Contender.from_pca(digits.split(test=False), 3)], digits)
    csv_lines = table_csv(rows).splitlines()
    assert csv_lines[0].startswith("name,kind,latent_dim,mse,kl,") and csv_lines[1].startswith("PCA (3),pca,3,")
    assert '"dataset": "digits"' in table_json(rows, digits)


def test_a_model_that_does_not_fit_the_data_names_the_file(digits, tmp_path):
    path = save_checkpoint(tmp_path / "wide.safetensors", build_model(small_config(input_shape=(1, 4, 4)), seed=0))
    with pytest.raises(CheckpointError, match="wide.safetensors: the model takes"):
        load_contender(path, digits)
    with pytest.raises(AeviewerError, match="1 to 64 components"):
        Contender.from_pca(digits.split(test=False), 65)
