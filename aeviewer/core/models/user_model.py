"""Bring your own model: a Python file defining an nn.Module with `encode` and `decode`, plus its weights.

The contract (README, "Bring your own model"): the file defines either a function `create_model()` returning
the module, or exactly one nn.Module subclass that can be built with no arguments. `encode(x)` returns the
code z (N×d) or a tuple whose first item is the mean, as in `(mu, logvar)`; `decode(z)` returns samples in
[0, 1]. Inputs are given as the dataset's samples (N×C×H×W or N×D), or flattened when the model wants that.
Weights: a safetensors file, or a .pt/.pth state dict read with `torch.load(weights_only=True)`.
Running the Python file runs the user's own code, which is what they asked for; the weights never run code.
"""

from __future__ import annotations

import contextlib
import importlib.util
import inspect
import io
import math
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, cast

import torch
from torch import nn

from aeviewer.core.errors import CheckpointError

#: Batch sizes the contract probe runs encode with: a model that only works for some of them fails here, not later.
PROBE_BATCHES = (1, 2, 5)
#: How far outside [0, 1] a decode may stray (float rounding of a sigmoid) before it breaks the contract.
DECODE_SLACK = 1e-3


@dataclass(frozen=True)
class UserModelConfig:
    """What the explorer needs to know about a foreign model (it mirrors ModelConfig's fields that are read)."""

    input_shape: tuple[int, ...]
    latent_dim: int
    kind: str  # "vae" when encode returns (mu, logvar), else "ae"
    source: str
    backbone: str = "user"
    weights: str = ""
    class_name: str | None = None
    # Read by the settings panel when it shows a loaded model; a foreign model has no aeviewer loss terms.
    loss = "mse"
    beta = 1.0
    l1 = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"input_shape": list(self.input_shape), "latent_dim": self.latent_dim, "kind": self.kind,
                "source": self.source}


class UserAutoencoder(nn.Module):
    """Wraps the user's module so it looks like an aeviewer Autoencoder: encode → N×d mean, decode → samples.

    Every call checks the contract on what comes back, so a model that misbehaves later (another batch size,
    NaN codes) gives a CheckpointError naming its file instead of a shape error deep in the explorer.
    """

    def __init__(self, module: nn.Module, config: UserModelConfig, flat_input: bool) -> None:
        super().__init__()
        self.module = module
        self.config = config
        self.flat_input = flat_input

    def _inputs(self, x: torch.Tensor) -> torch.Tensor:
        return x.reshape(len(x), -1) if self.flat_input else x.reshape(len(x), *self.config.input_shape)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        code = Path(self.config.source)
        out = _call(code, "encode", lambda: _user(self.module).encode(self._inputs(x)))
        return _code_of(code, out, len(x))[0]

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        code = Path(self.config.source)
        out = _call(code, "decode", lambda: _user(self.module).decode(z))
        return _samples_of(code, out, len(z), self.config.input_shape)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(x))


def _user(module: nn.Module) -> Any:
    """The user's module as what it is to a type checker: encode and decode of unknown types."""
    return cast(Any, module)


def _call(code: Path, what: str, fn: Callable[[], object]) -> object:
    """Run user code; anything it raises, even SystemExit or KeyboardInterrupt, becomes a CheckpointError."""
    try:
        return fn()
    except CheckpointError:
        raise
    except BaseException as exc:  # noqa: BLE001 - the app must never exit because of a user file
        raise CheckpointError(code, f"{what} failed: {_describe(exc)}") from None


def _describe(exc: BaseException) -> str:
    if isinstance(exc, SystemExit):
        return f"it called sys.exit({exc.code!r}) (a script that parses its command line when imported?)"
    if isinstance(exc, KeyboardInterrupt):
        return "it raised KeyboardInterrupt"
    text = " ".join(str(exc).split())[:300]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _code_of(code: Path, out: object, n: int) -> tuple[torch.Tensor, bool]:
    """(N×d mean, variational?) from what encode returned, or a CheckpointError saying what was expected."""
    variational = isinstance(out, tuple)
    if isinstance(out, tuple):
        if len(out) != 2:
            raise CheckpointError(code, f"encode returned {len(out)} values; the contract is a tensor z or a "
                                        "(mu, logvar) pair")
        out = out[0]
    elif isinstance(out, list):
        raise CheckpointError(code, f"encode returned a list of {len(out)}; the contract is a tensor z or a "
                                    "(mu, logvar) tuple")
    if not isinstance(out, torch.Tensor):
        raise CheckpointError(code, f"encode returned a {type(out).__name__}; the contract is a tensor z (N×d) "
                                    "or a (mu, logvar) tuple")
    if out.ndim == 0 or out.shape[0] != n or out.numel() == 0:
        raise CheckpointError(code, f"encode returned shape {tuple(out.shape)} for {n} sample(s); the contract "
                                    f"is one code per sample ({n}×d)")
    if not out.is_floating_point():
        raise CheckpointError(code, f"encode returned {out.dtype} codes; the contract is floating-point codes")
    if not bool(torch.isfinite(out).all()):
        raise CheckpointError(code, f"encode returned NaN or infinite codes for {n} sample(s)")
    return out.reshape(n, -1), variational


def _samples_of(code: Path, out: object, n: int, input_shape: tuple[int, ...]) -> torch.Tensor:
    """Decoded samples reshaped to the data's shape, checked: a tensor of the right size, finite, in [0, 1]."""
    if not isinstance(out, torch.Tensor):
        raise CheckpointError(code, f"decode returned a {type(out).__name__}; the contract is a tensor of samples")
    if out.numel() != n * math.prod(input_shape):
        raise CheckpointError(code, f"decode returns {tuple(out.shape)} for {n} code(s); the data needs "
                                    f"{input_shape} per sample")
    if not out.is_floating_point() or not bool(torch.isfinite(out).all()):
        raise CheckpointError(code, "decode returned NaN, infinite or non-float values; the contract is samples "
                                    "in [0, 1]")
    lo, hi = float(out.min()), float(out.max())
    if lo < -DECODE_SLACK or hi > 1 + DECODE_SLACK:
        raise CheckpointError(code, f"decode returned values from {lo:.4g} to {hi:.4g}; the contract is samples "
                                    "in [0, 1] (end the decoder with a sigmoid)")
    return out.reshape(n, *input_shape)


def _import_file(path: Path) -> ModuleType:
    """Run the user's file as a module, with its own argv and silenced output; never lets it exit the app."""
    name = f"aeviewer_user_model_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise CheckpointError(path, "is not a Python file that can be imported")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    saved_argv, err = sys.argv, io.StringIO()
    sys.argv = [str(path)]  # a script that parses its command line sees none, not aeviewer's
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            spec.loader.exec_module(module)
    except BaseException as exc:  # noqa: BLE001 - SystemExit/KeyboardInterrupt from a user file must not exit
        sys.modules.pop(name, None)
        said = err.getvalue().strip().splitlines()
        tail = f"; it printed: {said[-1][:200]}" if said else ""
        raise CheckpointError(path, f"running it failed: {_describe(exc)}{tail}") from None
    finally:
        sys.argv = saved_argv
    return module


def _build_module(path: Path, class_name: str | None) -> object:
    """What the user's file builds; the caller checks that it is an nn.Module."""
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
    except BaseException as exc:  # noqa: BLE001 - see _call
        raise CheckpointError(path, f"could not build the model: {_describe(exc)}") from None


def _read_weights(path: Path) -> dict[str, torch.Tensor]:
    if not path.is_file():
        raise CheckpointError(path, "no such weights file")
    try:
        if path.suffix.lower() == ".safetensors":
            from safetensors.torch import load_file

            return load_file(str(path), device="cpu")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:
        raise CheckpointError(path, f"cannot read the weights ({_describe(exc)}); expected safetensors "
                                    "or a state dict saved with torch.save(model.state_dict(), ...)") from None
    for key in ("state_dict", "model_state_dict", "model"):
        if isinstance(state, dict) and isinstance(state.get(key), dict):
            state = state[key]
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise CheckpointError(path, "is not a state dict of tensors")
    return state


def load_user_model(code: str | Path, weights: str | Path | None, input_shape: tuple[int, ...],
                    class_name: str | None = None, state: dict[str, torch.Tensor] | None = None) -> UserAutoencoder:
    """Build the user's module, load its weights (a file, or `state` from a session) and probe the contract."""
    code, input_shape = Path(code), tuple(int(s) for s in input_shape)
    if not code.is_file():
        raise CheckpointError(code, "no such Python file")
    module = _build_module(code, class_name)
    if not isinstance(module, nn.Module):
        raise CheckpointError(code, f"the model is a {type(module).__name__}, not a torch.nn.Module")
    for method in ("encode", "decode"):
        if not callable(getattr(module, method, None)):
            raise CheckpointError(code, f"the model has no {method} method; the contract needs encode and decode")
    source = Path(weights) if weights is not None else code
    if weights is not None:
        state = _read_weights(Path(weights))
    if state is not None:
        try:
            module.load_state_dict(state, strict=True)
        except Exception as exc:  # noqa: BLE001 - RuntimeError for a mismatch; user modules may raise anything
            detail = " ".join(str(exc).split())[:400]
            raise CheckpointError(source, f"does not fit the model in {code.name}: {detail}") from None
    _call(code, "eval()", module.eval)
    flat_input, variational, latent_dim = _probe(code, module, input_shape)
    config = UserModelConfig(input_shape, latent_dim, "vae" if variational else "ae", str(code),
                             weights=str(weights) if weights is not None else "", class_name=class_name)
    return UserAutoencoder(module, config, flat_input).eval()


def _probe(code: Path, module: nn.Module, input_shape: tuple[int, ...]) -> tuple[bool, bool, int]:
    """(flat input?, variational?, latent size): encode then decode on a few batch sizes, checking each output."""
    flat_input, errors = None, []
    for flat in (False, True):
        probe = torch.rand(2, *input_shape)
        try:
            with torch.inference_mode():
                _user(module).encode(probe.reshape(2, -1) if flat else probe)
            flat_input = flat
            break
        except BaseException as exc:  # noqa: BLE001 - see _call
            errors.append(f"{'flattened' if flat else 'as given'}: {_describe(exc)}")
    if flat_input is None:
        raise CheckpointError(code, f"encode fails on {input_shape} samples both as given and flattened "
                                    f"({'; '.join(errors)})")
    latent_dim, variational = None, False
    for n in PROBE_BATCHES:
        x = torch.rand(n, *input_shape)
        x = x.reshape(n, -1) if flat_input else x
        def encode_batch(x: torch.Tensor = x) -> object:  # a def, not a lambda: mypy cannot type the latter
            return _user(module).encode(x)

        with torch.inference_mode():
            out = _call(code, f"encode on a batch of {n}", encode_batch)
            z, variational = _code_of(code, out, n)
            if latent_dim is not None and z.shape[1] != latent_dim:
                raise CheckpointError(code, f"encode gives {latent_dim}-D codes for one batch size and "
                                            f"{z.shape[1]}-D for a batch of {n}")
            latent_dim = int(z.shape[1])

            def decode_batch(z: torch.Tensor = z) -> object:
                return _user(module).decode(z)

            decoded = _call(code, f"decode on a {latent_dim}-D code", decode_batch)
            _samples_of(code, decoded, n, input_shape)
    assert latent_dim is not None
    return flat_input, variational, latent_dim
