"""Batch encode/decode helpers for the GUI: numpy in, numpy out, no autograd, eval mode."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from torch import Tensor

from aeviewer.core.models import Autoencoder


def model_device(model: Autoencoder) -> torch.device:
    """The device the model's weights live on (cpu for a model without parameters)."""
    param = next(model.parameters(), None)
    return param.device if param is not None else torch.device("cpu")


def _batched(
    model: Autoencoder, fn: Callable[[Tensor], Tensor], data: np.ndarray | Tensor, batch_size: int
) -> np.ndarray:
    device = model_device(model)
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            t = torch.as_tensor(data, dtype=torch.float32)
            outs = [fn(t[i : i + batch_size].to(device)).float().cpu() for i in range(0, len(t), batch_size)]
            return torch.cat(outs).numpy() if outs else np.zeros((0,), np.float32)
    finally:
        model.train(was_training)


def encode_array(model: Autoencoder, x: np.ndarray | Tensor, batch_size: int = 1024) -> np.ndarray:
    """N×input_shape → N×latent float32 codes (the mean for a VAE)."""
    out = _batched(model, model.encode, x, batch_size)
    return out.reshape(len(x), model.config.latent_dim)


def decode_array(model: Autoencoder, z: np.ndarray | Tensor, batch_size: int = 1024) -> np.ndarray:
    """N×latent (or one latent vector) → N×input_shape float32 in [0, 1]."""
    z = np.atleast_2d(np.asarray(z, dtype=np.float32)) if not isinstance(z, Tensor) else torch.atleast_2d(z)
    out = _batched(model, model.decode, z, batch_size)
    return out.reshape(len(z), *model.config.input_shape)


def reconstruct_array(model: Autoencoder, x: np.ndarray | Tensor, batch_size: int = 1024) -> np.ndarray:
    """decode(encode(x)), same shape as x."""
    out = _batched(model, model.forward, x, batch_size)
    return out.reshape(len(x), *model.config.input_shape)


def _per_sample_mse(rec: np.ndarray, x: np.ndarray) -> np.ndarray:
    errors: np.ndarray = ((rec.reshape(len(x), -1) - x.reshape(len(x), -1)) ** 2).mean(axis=1)
    return errors


def errors_of_codes(model: Autoencoder, codes: np.ndarray, x: np.ndarray, batch_size: int = 1024) -> np.ndarray:
    """`reconstruction_errors` for samples whose codes are already known (decode only: half the work)."""
    x_np = np.asarray(x, dtype=np.float32)
    return _per_sample_mse(decode_array(model, codes, batch_size), x_np)


def reconstruction_errors(model: Autoencoder, x: np.ndarray | Tensor, batch_size: int = 1024) -> np.ndarray:
    """Per-sample mean squared error of the reconstruction, N float32 values (comparable to PCA's)."""
    x_np = x.detach().cpu().numpy() if isinstance(x, Tensor) else np.asarray(x, dtype=np.float32)
    return _per_sample_mse(reconstruct_array(model, x_np, batch_size), x_np)
