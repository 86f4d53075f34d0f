"""Panels of controls beside the views; they import views and workers, never the app."""
