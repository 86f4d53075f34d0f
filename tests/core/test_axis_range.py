"""Live-plot ranges: they hold still while the data stays inside, and refit when it leaves or shrinks."""

from __future__ import annotations

import pytest

from aeviewer.core.latent.axis_range import step_range, sticky_range


def test_step_axis_changes_only_a_few_times_over_a_long_run_and_stays_mostly_full():
    current, changes = None, 0
    for step in range(1, 10_001):
        new = step_range(step, current)
        changes += new != current
        current = new
        assert current[0] == 0 and step <= current[1] <= step * 1.25  # the curve fills at least 80 % of it
    assert changes <= 45  # about ten per tenfold of steps, never once per report


def test_data_inside_the_range_keeps_it():
    assert sticky_range(0.2, 0.9, (0.0, 1.0)) == (0.0, 1.0)


def test_data_leaving_the_range_refits_with_padding():
    lo, hi = sticky_range(-0.5, 1.5, (0.0, 1.0), pad=0.1)
    assert (lo, hi) == pytest.approx((-0.7, 1.7))


def test_data_shrinking_well_inside_the_range_refits():
    assert sticky_range(0.4, 0.45, (0.0, 1.0), pad=0.0, shrink=0.5) == pytest.approx((0.4, 0.45))


def test_a_single_value_gets_a_range_around_it_and_non_finite_data_changes_nothing():
    lo, hi = sticky_range(3.0, 3.0, None)
    assert lo < 3.0 < hi
    assert sticky_range(float("nan"), 1.0, (0.0, 2.0)) == (0.0, 2.0)
