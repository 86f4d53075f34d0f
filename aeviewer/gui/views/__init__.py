"""Widgets that draw things (scatters, images, plots, themes); they import no panels, actions or app."""
