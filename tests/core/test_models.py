import json

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from aeviewer.core.models import (
    BACKBONES,
    MODEL_KINDS,
    PRESETS,
    ModelConfig,
    build_model,
    preset,
    preset_train_defaults,
)
from aeviewer.core.models.inference import decode_array, encode_array, reconstruct_array, reconstruction_errors
from aeviewer.core.train.trainer import TrainConfig, Trainer

from .model_data import blobs, small_config

SHAPES = [(1, 8, 8), (1, 28, 28), (3, 32, 32), (1, 7, 9)]


@pytest.mark.parametrize("kind", MODEL_KINDS)
@pytest.mark.parametrize("backbone", BACKBONES)
@pytest.mark.parametrize("shape", SHAPES)
def test_shapes_and_value_range(kind, backbone, shape):
    model = build_model(small_config(kind=kind, backbone=backbone, input_shape=shape, latent_dim=3), seed=0)
    x = torch.rand(5, *shape)
    with torch.no_grad():
        z = model.encode(x)
        out = model.decode(z)
    assert z.shape == (5, 3)
    assert out.shape == (5, *shape)
    assert float(out.min()) >= 0.0 and float(out.max()) <= 1.0
    assert model(x).shape == x.shape
    terms = model.loss(x)
    assert list(terms)[-1] == "total"
    assert all(t.ndim == 0 for t in terms.values())


def test_loss_terms_per_kind():
    x = torch.rand(4, 1, 8, 8)
    expected = {
        "ae": {"recon", "total"},
        "sparse": {"recon", "l1", "l2", "total"},
        "vae": {"recon", "kl", "total"},
        "aae": {"recon", "adv", "total"},
    }
    for kind, names in expected.items():
        assert set(build_model(small_config(kind=kind)).loss(x)) == names


def test_vector_input_mlp():
    model = build_model(small_config(input_shape=(20,)))
    assert model(torch.rand(3, 20)).shape == (3, 20)


def test_conv_on_vector_data_is_a_clear_error():
    with pytest.raises(ValueError, match="conv backbone needs image data"):
        ModelConfig(backbone="conv", input_shape=(64,))


@pytest.mark.parametrize("kind", MODEL_KINDS)
@pytest.mark.parametrize("backbone", BACKBONES)
def test_every_kind_and_backbone_learns(kind, backbone):
    x = blobs(256)
    loss = "bce" if kind == "vae" else "mse"
    model = build_model(small_config(kind=kind, backbone=backbone, loss=loss), seed=0)
    before = float(reconstruction_errors(model, x).mean())
    trainer = Trainer(model, x, TrainConfig(epochs=6, batch_size=32, lr=3e-3, seed=0), report_every=10)
    events = list(trainer.run())
    after = float(reconstruction_errors(model, x).mean())
    assert after < 0.8 * before
    assert len(trainer.history) == 6 and events[-1].epoch_done
    names = set(trainer.history[0])
    assert "total" in names and "recon" in names
    if kind == "aae":
        assert "disc" in names


def test_seed_preset_layers_match_the_keras_model():
    model = build_model(preset("seed-mlp", (1, 28, 28)))
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    shapes = [(m.in_features, m.out_features) for m in linears]
    assert shapes == [(784, 64), (64, 32), (32, 32), (32, 64), (64, 784)]
    acts = [type(m) for m in model.encoder if not isinstance(m, (nn.Linear, nn.Flatten))]
    assert acts == [nn.ReLU, nn.ReLU]  # Dense(64, relu), Dense(32, relu)
    dec = [type(m).__name__ for m in model.decoder]
    assert dec[:5] == ["Linear", "ReLU", "Linear", "ReLU", "Linear"]
    assert model.config.latent_dim == 32 and model.config.loss == "mse"
    # Keras init: zero biases.
    assert all(not m.bias.detach().any() for m in linears)
    x = torch.rand(2, 1, 28, 28)
    assert model.encode(x).min() >= 0  # ReLU code
    assert preset_train_defaults("seed-mlp") == {"batch_size": 256, "lr": 1e-3}
    assert TrainConfig.for_preset("seed-mlp", epochs=3).batch_size == 256


def test_every_preset_builds():
    for name in PRESETS:
        build_model(preset(name, (1, 28, 28)))
    with pytest.raises(ValueError, match="unknown preset"):
        preset("nope", (1, 8, 8))


def test_build_model_seed_is_reproducible_and_leaves_global_rng_alone():
    state = torch.random.get_rng_state()
    a = build_model(small_config(), seed=3).state_dict()
    b = build_model(small_config(), seed=3).state_dict()
    assert torch.equal(state, torch.random.get_rng_state())
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_config_round_trip_and_rejections():
    cfg = preset("seed-mlp", (1, 28, 28))
    assert ModelConfig.from_dict(json.loads(json.dumps(cfg.to_dict()))) == cfg
    with pytest.raises(ValueError, match="kind"):
        ModelConfig.from_dict({**cfg.to_dict(), "kind": "gan"})
    with pytest.raises(ValueError, match="loss"):
        ModelConfig.from_dict({"loss": "huber"})
    with pytest.raises(ValueError, match="latent_dim"):
        ModelConfig.from_dict({"latent_dim": 0})
    with pytest.raises(ValueError, match="colour"):
        ModelConfig.from_dict({"colour": "red"})
    with pytest.raises(ValueError, match="hidden"):
        ModelConfig.from_dict({"hidden": 5})
    with pytest.raises(ValueError, match="beta"):
        ModelConfig.from_dict({"beta": float("nan")})


@settings(max_examples=40, deadline=None)
@given(
    kind=st.sampled_from(MODEL_KINDS),
    backbone=st.sampled_from(BACKBONES),
    latent=st.integers(1, 64),
    hidden=st.lists(st.integers(1, 512), max_size=3),
    loss=st.sampled_from(["mse", "bce"]),
    beta=st.floats(0, 100),
)
def test_config_json_round_trip(kind, backbone, latent, hidden, loss, beta):
    cfg = ModelConfig(
        kind=kind, backbone=backbone, latent_dim=latent, hidden=tuple(hidden), loss=loss, beta=beta
    )
    assert ModelConfig.from_dict(json.loads(json.dumps(cfg.to_dict()))) == cfg


def test_inference_helpers():
    model = build_model(small_config(kind="vae"), seed=0)
    model.train()
    x = blobs(50)
    z = encode_array(model, x, batch_size=16)
    assert z.shape == (50, 2) and z.dtype == np.float32
    assert model.training  # mode restored
    np.testing.assert_allclose(z, encode_array(model, x), atol=1e-6)  # the VAE mean: no sampling
    img = decode_array(model, z[0])
    assert img.shape == (1, 1, 8, 8) and img.min() >= 0 and img.max() <= 1
    assert reconstruct_array(model, x).shape == x.shape
    assert decode_array(model, np.zeros((0, 2), np.float32)).shape == (0, 1, 8, 8)
