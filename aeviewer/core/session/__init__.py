"""aeviewer.core.session.session: see docs/ARCHITECTURE.md for what this layer holds."""
