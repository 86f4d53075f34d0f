"""Bring your own model: a Python file defining an nn.Module with `encode` and `decode`, plus its weights.

The contract (README, "Bring your own model"): the file defines either a function `create_model()` returning
the module, or exactly one nn.Module subclass that can be built with no arguments. `encode(x)` returns the
code z (N×d) or a tuple whose first item is the mean, as in `(mu, logvar)`; `decode(z)` returns samples in
[0, 1]. Inputs are given as the dataset's samples (N×C×H×W or N×D), or flattened when the model wants that.
Weights: a safetensors file, or a .pt/.pth state dict read with `torch.load(weights_only=True)`.
Running the Python file runs the user's own code, which is what they asked for; the weights never run code.
"""

from __future__ import annotations

import importlib.util
import inspect
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from aeviewer.core.errors import CheckpointError


@dataclass(frozen=True)
class UserModelConfig:
    """What the explorer needs to know about a foreign model (it mirrors ModelConfig's fields that are read)."""

    input_shape: tuple[int, ...]
    latent_dim: int
    kind: str  # "vae" when encode returns (mu, logvar), else "ae"
    source: str
    backbone: str = "user"

    def to_dict(self) -> dict:
        return {"input_shape": list(self.input_shape), "latent_dim": self.latent_dim, "kind": self.kind,
                "source": self.source}


class UserAutoencoder(nn.Module):
    """Wraps the user's module so it looks like an aeviewer Autoencoder: encode → N×d mean, decode → samples."""

    def __init__(self, module: nn.Module, config: UserModelConfig, flat_input: bool) -> None:
        super().__init__()
        self.module = module
        self.config = config
        self.flat_input = flat_input

    def _inputs(self, x: torch.Tensor) -> torch.Tensor:
        return x.reshape(len(x), -1) if self.flat_input else x.reshape(len(x), *self.config.input_shape)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        out = self.module.encode(self._inputs(x))
        if isinstance(out, (tuple, list)):
            out = out[0]  # (mu, logvar): explore the mean, as aeviewer's own VAE does
        return out.reshape(len(x), -1)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return self.module.decode(z).reshape(len(z), *self.config.input_shape)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(x))


def _import_file(path: Path):
    name = f"aeviewer_user_model_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise CheckpointError(path, "is not a Python file that can be imported")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        sys.modules.pop(name, None)
        raise CheckpointError(path, f"running it failed: {type(exc).__name__}: {exc}") from exc
    return module


def _build_module(path: Path, class_name: str | None) -> nn.Module:
    namespace = _import_file(path)
    try:
        if class_name:
            cls = getattr(namespace, class_name, None)
            if cls is None:
                raise CheckpointError(path, f"defines no {class_name!r}")
            return cls()
        if callable(getattr(namespace, "create_model", None)):
            return namespace.create_model()
        classes = [obj for _, obj in inspect.getmembers(namespace, inspect.isclass)
                   if issubclass(obj, nn.Module) and obj.__module__ == namespace.__name__
                   and callable(getattr(obj, "encode", None)) and callable(getattr(obj, "decode", None))]
        if len(classes) != 1:
            found = ", ".join(c.__name__ for c in classes) or "none"
            raise CheckpointError(path, "must define create_model() or exactly one nn.Module with encode and decode "
                                        f"(found: {found}); or name the class with --model-class")
        return classes[0]()
    except CheckpointError:
        raise
    except Exception as exc:
        raise CheckpointError(path, f"could not build the model: {type(exc).__name__}: {exc}") from exc


def _read_weights(path: Path) -> dict[str, torch.Tensor]:
    if not path.is_file():
        raise CheckpointError(path, "no such weights file")
    try:
        if path.suffix.lower() == ".safetensors":
            from safetensors.torch import load_file

            return load_file(str(path), device="cpu")
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:
        raise CheckpointError(path, f"cannot read the weights ({type(exc).__name__}: {exc}); expected safetensors "
                                    "or a state dict saved with torch.save(model.state_dict(), ...)") from exc
    for key in ("state_dict", "model_state_dict", "model"):
        if isinstance(state, dict) and isinstance(state.get(key), dict):
            state = state[key]
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise CheckpointError(path, "is not a state dict of tensors")
    return state


def load_user_model(code: str | Path, weights: str | Path | None, input_shape: tuple[int, ...],
                    class_name: str | None = None) -> UserAutoencoder:
    """Build the user's module, load its weights and probe its encode/decode on `input_shape` samples."""
    code, input_shape = Path(code), tuple(int(s) for s in input_shape)
    if not code.is_file():
        raise CheckpointError(code, "no such Python file")
    module = _build_module(code, class_name)
    if not isinstance(module, nn.Module):
        raise CheckpointError(code, f"the model is a {type(module).__name__}, not a torch.nn.Module")
    if weights is not None:
        weights = Path(weights)
        try:
            module.load_state_dict(_read_weights(weights), strict=True)
        except RuntimeError as exc:
            detail = " ".join(str(exc).split())[:400]
            raise CheckpointError(weights, f"does not fit the model in {code.name}: {detail}") from exc
    module.eval()
    probe = torch.rand(2, *input_shape)
    flat_input, out, errors = False, None, []
    for flat in (False, True):
        try:
            with torch.inference_mode():
                out = module.encode(probe.reshape(2, -1) if flat else probe)
            flat_input = flat
            break
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
    if out is None:
        raise CheckpointError(code, f"encode fails on {input_shape} samples (and flattened): {errors[-1]}")
    variational = isinstance(out, (tuple, list))
    z = out[0] if variational else out
    latent_dim = int(z.reshape(2, -1).shape[1])
    try:
        with torch.inference_mode():
            decoded = module.decode(z.reshape(2, -1))
    except Exception as exc:
        raise CheckpointError(code, f"decode fails on a {latent_dim}-D code: {type(exc).__name__}: {exc}") from exc
    if decoded.numel() != 2 * math.prod(input_shape):
        raise CheckpointError(code, f"decode returns {tuple(decoded.shape)} for 2 codes; the data needs "
                                    f"{input_shape} per sample")
    config = UserModelConfig(input_shape, latent_dim, "vae" if variational else "ae", str(code))
    return UserAutoencoder(module, config, flat_input).eval()
