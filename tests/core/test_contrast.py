"""WCAG contrast and the square manifold tiling: the arithmetic behind the themes and the grid, without Qt."""

from __future__ import annotations

import numpy as np
import pytest

from aeviewer.core.contrast import composite, contrast_ratio, relative_luminance
from aeviewer.core.latent.manifold import grid_points, square_tiling


def test_contrast_matches_wcag_reference_values():
    assert relative_luminance("#000000") == 0.0 and relative_luminance("#fff") == pytest.approx(1.0)
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # WCAG's borderline grey
    assert contrast_ratio("#111111", "#121216") < 1.1  # the old dark theme's "total" loss curve
    assert contrast_ratio("#abc", "#abc") == 1.0


def test_a_see_through_mark_is_judged_as_blended_over_its_background():
    assert composite("#000000", "#ffffff", 0.5) == (128, 128, 128)
    assert contrast_ratio(composite("#1f77b4", "#ffffff", 0.3), "#ffffff") < contrast_ratio("#1f77b4", "#ffffff")
    with pytest.raises(ValueError, match="not a #rrggbb"):
        contrast_ratio("blue", "#ffffff")


@pytest.mark.parametrize(("width", "height", "expected"), [(600, 300, (6, 12)), (300, 600, (12, 6)),
                                                           (500, 500, (6, 6)), (610, 300, (6, 13))])
def test_square_tiling_puts_the_tiles_on_the_shorter_side_and_covers_the_longer(width, height, expected):
    rows, cols = square_tiling(width, height, 6)
    assert (rows, cols) == expected
    tile = min(width / cols, height / rows) if width == height else (height / rows if width > height else width / cols)
    assert cols * tile >= width - 1e-9 and rows * tile >= height - 1e-9


def test_a_rectangular_grid_runs_row_major_from_the_top():
    points = grid_points((0.0, 3.0), (0.0, 1.0), 1, cols=3)
    np.testing.assert_allclose(points, [[0.5, 0.5], [1.5, 0.5], [2.5, 0.5]])
    assert grid_points((0.0, 1.0), (0.0, 1.0), 2).shape == (4, 2)
