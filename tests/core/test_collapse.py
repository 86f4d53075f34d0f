"""Collapse is named from what a user would see: one point, one line, one picture, a silent VAE code."""

import numpy as np
import pytest
import torch

from aeviewer.core.models import ModelConfig, build_model
from aeviewer.core.train.collapse import Collapse, CollapseWatch, active_dimensions, diagnose
from aeviewer.core.train.quality import HealthMonitor, QualityReport, check_collapse, quality_summary

RNG = np.random.default_rng(0)
X = RNG.random((200, 64)).astype(np.float32)


def _healthy_recon() -> np.ndarray:
    return np.clip(X + RNG.normal(0, 0.05, X.shape), 0, 1)


def test_healthy_codes_and_reconstructions_pass():
    assert diagnose(X, RNG.normal(size=(200, 2)), _healthy_recon()) is None


def test_every_sample_at_one_code_is_a_point_collapse():
    found = diagnose(X, np.full((200, 2), 3.0), _healthy_recon())
    assert found is not None and found.kind == "point" and "same code" in found.message


def test_a_black_decoder_is_named_black():
    found = diagnose(X, RNG.normal(size=(200, 2)), np.zeros_like(X))
    assert found is not None and found.kind == "constant-decode" and "black" in found.message


def test_codes_on_one_line_are_named():
    t = RNG.normal(size=(200, 1))
    found = diagnose(X, np.hstack([t, 2 * t]), _healthy_recon())
    assert found is not None and found.kind == "line"


def test_a_vae_with_no_active_dimension_is_named_for_its_kl():
    codes = RNG.normal(0, 0.01, size=(200, 16))
    assert active_dimensions(codes) == 0
    found = diagnose(X, codes, _healthy_recon(), kind="vae")
    assert found is not None and found.kind == "kl" and "KL" in found.message


def test_an_aae_whose_discriminator_gave_up_off_the_prior_is_named():
    codes = RNG.normal(5.0, 1.0, size=(200, 2))
    found = diagnose(X, codes, _healthy_recon(), kind="aae", losses={"disc": 0.693})
    assert found is not None and found.kind == "prior"
    assert diagnose(X, RNG.normal(size=(200, 2)), _healthy_recon(), kind="aae", losses={"disc": 0.693}) is None


def test_the_watch_waits_for_early_epochs_and_a_repeat_then_reports_once():
    watch = CollapseWatch(min_epoch=3, patience=2)
    black = Collapse("constant-decode", "black")
    assert watch.update(1, black) is None  # not learnt yet is not collapse
    assert watch.update(2, black) is None
    assert watch.update(3, black) == black
    assert watch.update(4, black) is None  # said once
    assert watch.update(5, None) is None and watch.final() is None
    assert watch.update(6, black) is None and watch.final() == black


def test_a_model_whose_decoder_is_saturated_black_is_caught_by_the_monitor():
    model = build_model(ModelConfig(input_shape=(1, 8, 8), latent_dim=2, hidden=(16,)), seed=0)
    with torch.no_grad():
        model.decoder[-2].weight.zero_()
        model.decoder[-2].bias.fill_(-30.0)
    images = X.reshape(-1, 1, 8, 8)
    found = check_collapse(model, images)
    assert found is not None and "black" in found.message
    monitor = HealthMonitor(images)
    reports = [monitor.epoch_end(model, epoch) for epoch in range(1, 5)]
    assert [r is not None for r in reports] == [False, False, True, False]


@pytest.mark.parametrize("ratio, words", [(0.7, "30 % below PCA"), (1.5, "50 % above PCA: the linear baseline wins")])
def test_the_summary_line_compares_with_both_baselines(ratio, words):
    report = QualityReport(mse=0.02 * ratio, mean_image_mse=0.066, pca_mse=0.02, k=2, n_train=4000, n_test=1000)
    line = quality_summary(report)
    assert words in line and "mean image 0.06600" in line
