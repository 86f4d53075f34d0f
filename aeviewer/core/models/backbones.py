"""Encoder and decoder stacks: `build_encoder` maps B×input_shape → B×out, `build_decoder` the reverse.

Decoders output logits; the autoencoder applies the sigmoid, so BCE can use the stable with-logits form.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from aeviewer.core.models.config import ModelConfig


def build_encoder(config: ModelConfig, out_dim: int) -> nn.Sequential:
    """Encoder ending in a linear layer of width `out_dim` (2×latent for a VAE's mean and log-variance)."""
    if config.backbone == "conv":
        return _conv_encoder(config, out_dim)
    return mlp(config.n_features, config.hidden, out_dim, flatten=True)


def build_decoder(config: ModelConfig) -> nn.Sequential:
    """Decoder from B×latent to B×input_shape logits."""
    if config.backbone == "conv":
        return _conv_decoder(config)
    net = mlp(config.latent_dim, config.decoder_widths, config.n_features)
    net.append(nn.Unflatten(1, config.input_shape))
    return net


def mlp(n_in: int, hidden: tuple[int, ...], n_out: int, *, flatten: bool = False) -> nn.Sequential:
    """Linear+ReLU for each hidden width, then a plain Linear to `n_out`."""
    layers: list[nn.Module] = [nn.Flatten()] if flatten else []
    width = n_in
    for h in hidden:
        layers += [nn.Linear(width, h), nn.ReLU()]
        width = h
    layers.append(nn.Linear(width, n_out))
    return nn.Sequential(*layers)


def _conv_grid(config: ModelConfig) -> tuple[int, int, int]:
    """(multiple, h, w): images are zero-padded to a multiple of 2**layers so every stride-2 layer halves."""
    multiple = 2 ** len(config.channels)
    _, height, width = config.input_shape
    h = math.ceil(height / multiple)
    w = math.ceil(width / multiple)
    return multiple, h, w


def _conv_encoder(config: ModelConfig, out_dim: int) -> nn.Sequential:
    multiple, h, w = _conv_grid(config)
    layers: list[nn.Module] = [PadTo(multiple)]
    c_in = config.input_shape[0]
    for c in config.channels:
        layers += [nn.Conv2d(c_in, c, kernel_size=4, stride=2, padding=1), nn.ReLU()]
        c_in = c
    layers += [nn.Flatten(), *mlp(c_in * h * w, config.hidden, out_dim)]
    return nn.Sequential(*layers)


def _conv_decoder(config: ModelConfig) -> nn.Sequential:
    _, h, w = _conv_grid(config)
    channels = tuple(reversed(config.channels))
    layers: list[nn.Module] = [
        *mlp(config.latent_dim, config.decoder_widths, channels[0] * h * w),
        nn.ReLU(),
        nn.Unflatten(1, (channels[0], h, w)),
    ]
    outs = channels[1:] + (config.input_shape[0],)
    for i, (c_in, c_out) in enumerate(zip(channels, outs, strict=True)):
        layers.append(nn.ConvTranspose2d(c_in, c_out, kernel_size=4, stride=2, padding=1))
        if i < len(outs) - 1:
            layers.append(nn.ReLU())
    layers += [CropTo(config.input_shape[1], config.input_shape[2]), PixelBias(config.input_shape)]
    return nn.Sequential(*layers)


class PadTo(nn.Module):
    """Zero-pad H and W (bottom/right) up to a multiple, so odd sizes like 28 or 7 work with stride 2."""

    def __init__(self, multiple: int) -> None:
        super().__init__()
        self.multiple = multiple

    def forward(self, x: Tensor) -> Tensor:
        pad_h = -x.shape[-2] % self.multiple
        pad_w = -x.shape[-1] % self.multiple
        if pad_h or pad_w:
            x = F.pad(x, (0, pad_w, 0, pad_h))
        return x


class CropTo(nn.Module):
    """Crop the decoder's padded output back to the input's H×W."""

    def __init__(self, height: int, width: int) -> None:
        super().__init__()
        self.height = height
        self.width = width

    def forward(self, x: Tensor) -> Tensor:
        return x[..., : self.height, : self.width]


class PixelBias(nn.Module):
    """A learnt logit per output value: a transposed conv's bias is one per channel, but the decoder should
    start at the mean image (see `Autoencoder.fit_output_bias`), which varies per pixel."""

    def __init__(self, shape: tuple[int, ...]) -> None:
        super().__init__()
        self.bias = nn.Parameter(torch.zeros(shape))

    def forward(self, x: Tensor) -> Tensor:
        return x + self.bias
