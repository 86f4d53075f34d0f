"""Probe paths: resampling is deterministic, speed scales time, tours visit every class centre."""

from __future__ import annotations

import numpy as np
import pytest

from aeviewer.core.session.recording import ProbePath, class_centre_tour, class_centres


def test_resampling_interpolates_in_time_at_the_chosen_speed():
    path = ProbePath()
    path.add(10.0, (0.0, 0.0))  # recorded times need not start at zero
    path.add(11.0, (1.0, 2.0))
    path.add(12.0, (1.0, 0.0))
    frames = path.resample(fps=4)
    assert len(frames) == path.frame_count(fps=4) == 9
    assert np.allclose(frames[2], (0.5, 1.0)) and np.allclose(frames[-1], (1.0, 0.0))
    fast = path.resample(fps=4, speed=2.0)
    assert len(fast) == 5 and np.allclose(fast, frames[::2])


def test_uneven_mouse_timing_replays_evenly_and_time_never_runs_backwards():
    path = ProbePath()
    for t, x in [(0.0, 0.0), (0.01, 0.1), (0.011, 0.11), (0.009, 0.2), (1.0, 1.0)]:
        path.add(t, (x, 0.0))
    assert np.all(np.diff(path.times) >= 0)
    xs = path.resample(fps=10)[:, 0]
    assert np.all(np.diff(xs) >= 0) and xs[-1] == pytest.approx(1.0)


def test_round_trip_through_json_and_bad_input():
    path = ProbePath("p", space="pca")
    path.add(0, (1, 2))
    assert ProbePath.from_dict(path.to_dict()).to_dict() == path.to_dict()
    with pytest.raises(ValueError, match="unknown view"):
        ProbePath.from_dict({"samples": [], "space": "zz"})
    with pytest.raises(ValueError, match="not finite"):
        ProbePath.from_dict({"samples": [[0, float("nan"), 1]]})
    with pytest.raises(ValueError, match="positive"):
        path.resample(fps=0)


def test_tour_visits_each_class_centre_in_turn_and_pauses_there():
    rng = np.random.default_rng(0)
    labels = np.repeat([0, 1, 2], 20)
    points = rng.standard_normal((60, 2)) * 0.1 + np.repeat([[0, 0], [5, 0], [0, 5]], 20, axis=0)
    centres = class_centres(points, labels)
    tour = class_centre_tour(points, labels, seconds_per_leg=1.0, hold=0.5)
    frames = tour.resample(fps=10)
    for c in centres.values():
        hits = np.flatnonzero(np.linalg.norm(frames - c, axis=1) < 1e-9)
        assert len(hits) >= 5  # the hold: half a second at 10 fps
    assert np.allclose(frames[0], centres[0]) and np.allclose(frames[-1], centres[0])
    assert tour.duration == pytest.approx(4 * 0.5 + 3 * 1.0)
