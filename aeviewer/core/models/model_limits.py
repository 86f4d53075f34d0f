"""Bounds on a model config from a file: layer counts, widths, parameters, and one sample that must run.

A config is a few bytes, but 100,000 hidden layers freeze a window and a consistent 40-layer conv stack loads and
then fails at the first encode. `check_model_config` refuses such configs with the numbers, before any real
weight is allocated: it counts on a weightless ("meta") model and pushes one meta sample through encode and decode.
"""

from __future__ import annotations

import math

from aeviewer.core.memory_budget import MemoryBudgetExceeded, check_bytes, human_bytes
from aeviewer.core.models import ModelConfig

MAX_LAYERS = 32  # per width list (hidden, decoder_hidden, disc_hidden); aeviewer's presets use at most 4
MAX_CONV_LAYERS = 8
MAX_WIDTH = 16_384
MAX_CHANNELS = 4_096
MAX_LATENT = 4_096
MAX_INPUT_VALUES = 4096 * 4096 * 3
MAX_PARAMETERS = 200_000_000
#: Bytes per parameter while training with Adam: the weights, their gradients and two moment estimates.
TRAINING_BYTES_PER_PARAMETER = 16


class ModelLimitError(ValueError):
    """A config outside aeviewer's bounds, or one that cannot run; the message names the field and the numbers."""


def check_config_shape(config: ModelConfig) -> None:
    """The cheap checks on the numbers alone (no torch), so absurd configs are refused in microseconds."""
    for name in ("hidden", "decoder_hidden", "disc_hidden"):
        widths = getattr(config, name)
        if widths is None:
            continue
        if len(widths) > MAX_LAYERS:
            raise ModelLimitError(f"{name} lists {len(widths):,} layers; aeviewer builds at most {MAX_LAYERS}")
        if widths and max(widths) > MAX_WIDTH:
            raise ModelLimitError(f"{name} has a layer {max(widths):,} wide; the most aeviewer builds is {MAX_WIDTH:,}")
    if config.backbone == "conv":
        if len(config.channels) > MAX_CONV_LAYERS:
            raise ModelLimitError(f"channels lists {len(config.channels):,} conv layers; aeviewer builds at most "
                                  f"{MAX_CONV_LAYERS}")
        if max(config.channels) > MAX_CHANNELS:
            raise ModelLimitError(f"channels has a layer with {max(config.channels):,} channels; the most is "
                                  f"{MAX_CHANNELS:,}")
    if config.latent_dim > MAX_LATENT:
        raise ModelLimitError(f"latent_dim is {config.latent_dim:,}; the most aeviewer explores is {MAX_LATENT:,}")
    values = math.prod(config.input_shape)
    if values > MAX_INPUT_VALUES:
        raise ModelLimitError(f"input_shape {tuple(config.input_shape)} is {values:,} values per sample; the most is "
                              f"{MAX_INPUT_VALUES:,}")


def check_model_config(config: ModelConfig) -> int:
    """Refuse a config that is too big or cannot run on one sample; returns its parameter count."""
    import torch

    from aeviewer.core.models import build_model

    check_config_shape(config)
    try:
        with torch.device("meta"):
            model = build_model(config)
    except (ValueError, RuntimeError, TypeError) as exc:
        raise ModelLimitError(f"the config cannot be built: {_first_line(exc)}") from None
    n_params = sum(p.numel() for p in model.parameters())
    if n_params > MAX_PARAMETERS:
        raise ModelLimitError(f"the config has {n_params:,} parameters; aeviewer loads at most {MAX_PARAMETERS:,}")
    try:
        check_bytes(n_params * TRAINING_BYTES_PER_PARAMETER, f"a model of {n_params:,} parameters")
    except MemoryBudgetExceeded as exc:
        raise ModelLimitError(str(exc)) from None
    try:
        with torch.no_grad():
            x = torch.empty(1, *config.input_shape, device="meta")
            z = model.encode(x)
            out = model.decode(z.reshape(1, -1))
    except Exception as exc:  # noqa: BLE001 - a shape that collapses to zero fails in many layer types
        raise ModelLimitError(f"the config cannot run on one {tuple(config.input_shape)} sample: "
                              f"{_first_line(exc)}") from None
    if tuple(z.shape) != (1, config.latent_dim) or out.numel() != math.prod(config.input_shape):
        raise ModelLimitError(f"the config maps one {tuple(config.input_shape)} sample to a code of shape "
                              f"{tuple(z.shape)} and back to {tuple(out.shape)}")
    return n_params


def describe_size(n_params: int) -> str:
    """'1,234 parameters (4.94 kB)', for messages and `info`."""
    return f"{n_params:,} parameters ({human_bytes(n_params * 4)})"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__
