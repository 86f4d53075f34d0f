"""aeviewer: a desktop latent-space explorer for autoencoders."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("aeviewer")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
