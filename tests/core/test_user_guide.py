"""The User guide opens with what a user does; the checkout's make commands come last."""

from __future__ import annotations

from pathlib import Path

from aeviewer.core.user_guide import user_guide

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_the_guide_starts_with_the_app_and_keeps_the_make_commands_at_the_end():
    guide = user_guide(README)
    opening = guide[:1500]
    assert guide.startswith("# aeviewer\n") and "make run" not in opening and "```" not in opening
    assert "desktop latent-space explorer" in opening and "## Using the window" in opening
    assert guide.rstrip().endswith("```") and guide.count("make run") == README.count("make run")
    assert len(guide) >= len(README)  # nothing lost, one heading added


def test_a_readme_without_an_opening_block_is_left_as_it_is():
    assert user_guide("# x\n\nText.\n") == "# x\n\nText.\n"
