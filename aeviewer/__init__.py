"""aeviewer: a desktop latent-space explorer for autoencoders, and a small API to script it.

    import aeviewer
    data = aeviewer.load_dataset("digits")
    model = aeviewer.build_model(input_shape=data.sample_shape, latent_dim=2)
    history = aeviewer.fit(model, data, epochs=5)
    z = aeviewer.encode(model, data.x[:10]); x = aeviewer.decode(model, z)
    aeviewer.show(data, model, history)  # the explorer on them

Names load on first use (torch takes seconds to import), so `import aeviewer` stays fast.
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:
    __version__ = version("aeviewer")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

_API = ("load_dataset", "build_model", "fit", "encode", "decode", "reconstruct", "save", "load",
        "load_user_model", "show")
_CORE = {"Dataset": "aeviewer.core.data.dataset", "ModelConfig": "aeviewer.core.models",
         "TrainConfig": "aeviewer.core.train.trainer", "AeviewerError": "aeviewer.core.errors"}

__all__ = [
    "AeviewerError", "Dataset", "ModelConfig", "TrainConfig", "__version__", "build_model", "decode", "encode",
    "fit", "load", "load_dataset", "load_user_model", "reconstruct", "save", "show",
]

if TYPE_CHECKING:
    from aeviewer.api import (
        build_model,
        decode,
        encode,
        fit,
        load,
        load_dataset,
        load_user_model,
        reconstruct,
        save,
        show,
    )
    from aeviewer.core.data.dataset import Dataset
    from aeviewer.core.errors import AeviewerError
    from aeviewer.core.models import ModelConfig
    from aeviewer.core.train.trainer import TrainConfig


def __getattr__(name: str) -> Any:
    if name in _API:
        value = getattr(import_module("aeviewer.api"), name)
    elif name in _CORE:
        value = getattr(import_module(_CORE[name]), name)
    else:
        raise AttributeError(f"module 'aeviewer' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
