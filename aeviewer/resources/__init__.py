"""Icons shipped with the package (copied here from resources/ by resources/make_icons.py)."""
