"""aeviewer.core.train.trainer: see docs/ARCHITECTURE.md for what this layer holds."""
