"""Dialogs: about and README, recovery offer, opening a user's own model."""
