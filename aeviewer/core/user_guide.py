"""The in-app User guide from the README: it opens with what a user does, not with developer commands.

The README starts with `make run` / `make test` for people in a checkout; someone who opened Help ▸ User
guide is already in the window. The guide moves that opening code block to a section at the end.
"""

from __future__ import annotations

import re

_OPENING_BLOCK = re.compile(r"\A(#[^\n]*\n+)(```[^\n]*\n.*?\n```\n+)", re.DOTALL)


def user_guide(readme: str) -> str:
    """The README with its opening code block (the checkout commands) moved to the end."""
    match = _OPENING_BLOCK.match(readme)
    if match is None:
        return readme
    title, block = match.groups()
    rest = readme[match.end():].rstrip("\n")
    return f"{title}{rest}\n\n## From a source checkout\n\n{block.rstrip()}\n"
