"""The density picture represents every point, in the right pixel and the right colour; contours ring the clusters."""

from __future__ import annotations

import numpy as np

from aeviewer.core.latent.density import DensityPoints, class_counts, contours, shade

RED, BLUE = (255, 0, 0), (0, 0, 255)
PALETTE = np.array([RED, BLUE], dtype=np.uint8)


def two_blobs(n: int = 20_000) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    labels = (np.arange(n) % 2).astype(np.int64)
    points = rng.normal(scale=0.3, size=(n, 2)) + np.where(labels[:, None] == 0, -2.0, 2.0)
    return points.astype(np.float32), labels


def test_every_point_inside_the_view_is_counted_once_in_its_pixel():
    points, labels = two_blobs()
    image = shade(points, labels, PALETTE, (-4.0, 4.0), (-4.0, 4.0), 64, 48)
    exact = class_counts(points, labels, 2, (-4.0, 4.0), (-4.0, 4.0), 64, 48).sum(axis=0)
    assert image.total == len(points)
    np.testing.assert_array_equal(image.counts, exact)
    assert image.rgba.shape == (48, 64, 4)


def test_points_outside_the_view_and_non_finite_points_are_not_drawn():
    points = np.array([[0.5, 0.5], [5.0, 0.5], [0.5, -3.0], [np.nan, 0.5], [np.inf, np.inf]], np.float32)
    image = shade(points, np.zeros(5, np.int64), PALETTE, (0.0, 1.0), (0.0, 1.0), 10, 10)
    assert image.total == 1
    assert image.counts[5, 5] == 1  # row = y from the bottom, column = x


def test_pixel_colour_is_the_count_weighted_mean_of_class_colours():
    # three red points and one blue in the same pixel: 3/4 red, 1/4 blue
    points = np.array([[0.1, 0.1]] * 4 + [[0.9, 0.9]], np.float32)
    labels = np.array([0, 0, 0, 1, 1])
    image = shade(points, labels, PALETTE, (0.0, 1.0), (0.0, 1.0), 2, 2)
    r, g, b, a = image.rgba[0, 0]
    assert (r, g, b) == (191, 0, 64)
    assert tuple(image.rgba[1, 1, :3]) == BLUE
    assert a > image.rgba[1, 1, 3]  # four points are more opaque than one
    assert image.rgba[0, 1, 3] == 0  # an empty pixel is transparent


def test_panning_moves_the_picture_by_whole_pixels():
    points, labels = two_blobs()
    prepared = DensityPoints(points, labels, 2)
    here = prepared.shade(PALETTE, (-4.0, 4.0), (-4.0, 4.0), 80, 80)
    panned = prepared.shade(PALETTE, (-3.9, 4.1), (-4.0, 4.0), 80, 80)  # one pixel to the right
    np.testing.assert_array_equal(panned.counts[:, :-1], here.counts[:, 1:])


def test_unlabelled_points_are_grey():
    points, _ = two_blobs(2_000)
    image = shade(points, None, None, (-4.0, 4.0), (-4.0, 4.0), 32, 32)
    drawn = image.rgba[image.counts > 0]
    assert image.total == 2_000
    assert (drawn[:, 0] == drawn[:, 1]).all() and (drawn[:, 1] == drawn[:, 2]).all()


def test_contours_ring_each_cluster_and_per_class_contours_keep_to_their_class():
    points, labels = two_blobs()
    overall = contours(points, (-4.0, 4.0), (-4.0, 4.0), levels=(0.5,))
    centres = sorted(float(np.mean(line[:, 0])) for c in overall for line in c.lines)
    assert len(centres) == 2 and centres[0] < -1.5 and centres[1] > 1.5  # one closed ring around each blob
    for c in overall:
        for line in c.lines:
            radius = np.hypot(line[:, 0] - np.sign(line[0, 0]) * 2.0, line[:, 1] - np.sign(line[0, 0]) * 2.0)
            assert radius.max() < 1.0
    per_class = contours(points, (-4.0, 4.0), (-4.0, 4.0), levels=(0.5,), labels=labels, per_class=True)
    by_label = {c.label: c for c in per_class}
    assert set(by_label) == {0, 1}
    assert all(line[:, 0].max() < 0 for line in by_label[0].lines)
    assert all(line[:, 0].min() > 0 for line in by_label[1].lines)


def test_shading_a_million_points_keeps_memory_small():
    import tracemalloc

    rng = np.random.default_rng(1)
    points = rng.normal(size=(1_000_000, 2)).astype(np.float32)
    labels = rng.integers(0, 10, len(points)).astype(np.uint8)
    palette = rng.integers(0, 255, (10, 3)).astype(np.uint8)
    tracemalloc.start()
    prepared = DensityPoints(points, labels, 10)
    image = prepared.shade(palette, (-5.0, 5.0), (-5.0, 5.0), 400, 300)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert image.total == int((np.abs(points) <= 5).all(axis=1).sum())
    assert peak <= 3 * points.nbytes  # the codes' copy and chunk buffers, never a per-class screen stack


def test_many_points_fold_class_counts_into_the_same_colours():
    # 20k points in one pixel: the per-class counters (used when they fit in the codes' size) give the mean
    points, labels = two_blobs()
    image = shade(points, labels, PALETTE, (-4.0, 4.0), (-4.0, 4.0), 1, 1)
    assert image.total == len(points)
    assert tuple(image.rgba[0, 0, :3]) == (128, 0, 128)  # half red, half blue


def test_deep_zoom_far_from_the_origin_still_puts_points_in_their_pixels():
    # a view 0.001 wide around x = 1000 (float32 steps there are 6e-5): each point in the pixel exact maths gives
    points = np.array([[1000.0001, 0.5], [1000.0005, 0.5], [1000.0009, 0.5]], np.float32)
    image = shade(points, None, None, (1000.0, 1000.001), (0.0, 1.0), 10, 1)
    exact = np.floor((points[:, 0].astype(np.float64) - 1000.0) / 0.001 * 10).astype(int)
    assert image.total == 3
    assert np.flatnonzero(image.counts[0]).tolist() == sorted(exact.tolist())


def test_points_near_finds_exactly_the_points_in_the_box_across_chunks():
    from aeviewer.core.latent.density import points_near

    points, _ = two_blobs(5_000)
    found = points_near(points, -2.0, -2.0, 0.1, 0.05, chunk=1_000)  # five chunks
    box = (np.abs(points[:, 0] + 2.0) <= 0.1) & (np.abs(points[:, 1] + 2.0) <= 0.05)
    np.testing.assert_array_equal(found, np.flatnonzero(box))
    assert len(found) > 0 and len(points_near(points, 50.0, 50.0, 0.1, 0.1)) == 0
