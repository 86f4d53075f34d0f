"""aeviewer.core.latent: see docs/ARCHITECTURE.md for what this layer holds."""
