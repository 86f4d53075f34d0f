"""Everything that can be computed without a window. Never imports Qt (checked by import-linter)."""
