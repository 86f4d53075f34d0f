"""The one description of a model: everything needed to rebuild its layers, JSON-safe for checkpoints."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

MODEL_KINDS = ("ae", "sparse", "vae", "aae")
BACKBONES = ("mlp", "conv")
LOSSES = ("mse", "bce")
LATENT_ACTIVATIONS = ("none", "relu")
INITS = ("default", "glorot", "kaiming")

_TUPLE_FIELDS = ("input_shape", "hidden", "decoder_hidden", "channels", "disc_hidden")


@dataclass
class ModelConfig:
    """Architecture and loss of an autoencoder; `build_model(config)` turns it into layers.

    Fields beyond the basic ones exist so presets (e.g. the Keras seed model) can be reproduced exactly
    and so a checkpoint alone is enough to rebuild the network:
    `decoder_hidden` (None = mirror `hidden`), `latent_activation` (a ReLU on the code, as in the seed),
    `channels` (conv backbone: one stride-2 layer per entry), `disc_hidden` (AAE discriminator widths)
    and `init` ("kaiming": He-normal before ReLUs, the default; "glorot" matches Keras' Dense default,
    "default" is PyTorch's).
    """

    kind: str = "ae"
    backbone: str = "mlp"
    input_shape: tuple[int, ...] = (1, 8, 8)
    latent_dim: int = 2
    hidden: tuple[int, ...] = (256, 128)
    loss: str = "mse"
    beta: float = 1.0
    free_bits: float = 0.5
    l1: float = 1e-4
    l2: float = 0.0
    adv_weight: float = 1.0
    decoder_hidden: tuple[int, ...] | None = None
    latent_activation: str = "none"
    channels: tuple[int, ...] = (32, 64)
    disc_hidden: tuple[int, ...] = (64, 64)
    init: str = "kaiming"

    def __post_init__(self) -> None:
        for name in _TUPLE_FIELDS:
            value = getattr(self, name)
            if isinstance(value, list):
                setattr(self, name, tuple(value))
        self.validate()

    @property
    def is_image(self) -> bool:
        return len(self.input_shape) == 3

    @property
    def n_features(self) -> int:
        n = 1
        for s in self.input_shape:
            n *= s
        return n

    @property
    def decoder_widths(self) -> tuple[int, ...]:
        """Hidden widths of the decoder, from the code outwards."""
        return tuple(reversed(self.hidden)) if self.decoder_hidden is None else self.decoder_hidden

    def validate(self) -> None:
        """Raise ValueError naming the first bad field, so a hand-edited or foreign config fails clearly."""
        _choice("kind", self.kind, MODEL_KINDS)
        _choice("backbone", self.backbone, BACKBONES)
        _choice("loss", self.loss, LOSSES)
        _choice("latent_activation", self.latent_activation, LATENT_ACTIVATIONS)
        _choice("init", self.init, INITS)
        _int_tuple("input_shape", self.input_shape, allow_empty=False)
        if len(self.input_shape) not in (1, 3):
            raise ValueError(f"input_shape must be (C, H, W) or (D,), got {self.input_shape}")
        if not _is_int(self.latent_dim) or self.latent_dim < 1:
            raise ValueError(f"latent_dim must be a positive integer, got {self.latent_dim!r}")
        _int_tuple("hidden", self.hidden)
        if self.decoder_hidden is not None:
            _int_tuple("decoder_hidden", self.decoder_hidden)
        _int_tuple("channels", self.channels, allow_empty=False)
        _int_tuple("disc_hidden", self.disc_hidden)
        for name in ("beta", "free_bits", "l1", "l2", "adv_weight"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0 \
                    or value == float("inf"):
                raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
        if self.backbone == "conv" and not self.is_image:
            raise ValueError(
                f"the conv backbone needs image data (C, H, W), but input_shape is {self.input_shape}: "
                "use the mlp backbone for vector data"
            )
        if self.latent_activation != "none" and self.kind in ("vae", "aae"):
            raise ValueError(
                f"latent_activation must be 'none' for kind {self.kind!r}: its codes follow a Gaussian prior"
            )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict (tuples become lists)."""
        d = asdict(self)
        for name in _TUPLE_FIELDS:
            if d[name] is not None:
                d[name] = list(d[name])
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ModelConfig:
        """Inverse of `to_dict`; unknown fields or values raise ValueError naming the field."""
        if not isinstance(d, dict):
            raise ValueError(f"model config must be a JSON object, got {type(d).__name__}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise ValueError(f"unknown model config field {unknown[0]!r}")
        kwargs = dict(d)
        for name in _TUPLE_FIELDS:
            value = kwargs.get(name)
            if value is not None:
                if not isinstance(value, (list, tuple)):
                    raise ValueError(f"{name} must be a list of integers, got {value!r}")
                kwargs[name] = tuple(value)
        try:
            return cls(**kwargs)
        except TypeError as exc:  # e.g. a number where a list was expected
            raise ValueError(f"bad model config: {exc}") from exc


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _choice(name: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")


def _int_tuple(name: str, value: object, *, allow_empty: bool = True) -> None:
    if not isinstance(value, tuple) or not all(_is_int(v) and v > 0 for v in value):
        raise ValueError(f"{name} must be a tuple of positive integers, got {value!r}")
    if not allow_empty and not value:
        raise ValueError(f"{name} must not be empty")
