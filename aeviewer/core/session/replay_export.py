"""The replay of how a latent space formed, as GIF/MP4 frames: one per stored frame (plus interpolated ones),
each labelled with its epoch and loss, drawn by export.py's ScatterRenderer in fixed ranges so nothing jumps."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from aeviewer.core.latent.formation_align import aligned_frames, interpolate
from aeviewer.core.session.export import ExportError, Progress, ScatterRenderer, fit_ranges, write_animation
from aeviewer.core.train.formation import FORMATION_NAME, Formation, load_formation

MAX_INTERPOLATE = 100


@dataclass
class ReplayFrames:
    """Aligned points of every output frame and, per frame, the stored frame it is at (fractional between)."""

    formation: Formation
    points: np.ndarray  # K×N×2
    where: np.ndarray  # K fractional stored-frame indices

    @classmethod
    def build(cls, formation: Formation, layout: str = "auto", between: int = 0) -> ReplayFrames:
        if not len(formation):
            raise ExportError("the replay has no frames yet: train at least one epoch")
        if not 0 <= between <= MAX_INTERPOLATE:
            raise ExportError(f"--interpolate {between} is out of range (0 to {MAX_INTERPOLATE} frames between)")
        try:
            aligned = aligned_frames(formation.codes, layout)
        except ValueError as exc:
            raise ExportError(str(exc)) from None
        points, where = interpolate(aligned, between)
        return cls(formation, points, where)

    def __len__(self) -> int:
        return len(self.points)

    def caption(self, k: int) -> str:
        """The stored frame's epoch and loss; between two, the epochs it goes from and to."""
        w = float(self.where[k])
        f = int(np.floor(w))
        if w == f:
            return self.formation.label(f)
        return f"{self.formation.label(f)} → epoch {self.formation.epochs[f + 1]:g}"

    def frames(self, size: tuple[int, int] = (480, 480), theme: str = "light",
               class_names: tuple[str, ...] = ()) -> Iterator[np.ndarray]:
        labels = self.formation.labels
        labels_or_none = None if len(labels) == 0 or int(labels.min()) < 0 else labels
        ranges = fit_ranges(self.points.reshape(-1, 2))
        for k in range(len(self)):
            renderer = ScatterRenderer(self.points[k], labels_or_none, size, ranges, theme, title=self.caption(k),
                                       class_names=class_names)
            yield renderer.render()


def export_run_replay(folder: str | Path, out: str | Path, *, layout: str = "auto", between: int = 0,
                      fps: float = 4.0, size: int = 480, theme: str = "light", class_names: tuple[str, ...] = (),
                      progress: Progress | None = None, cancel: threading.Event | None = None) -> tuple[Path, int]:
    """Write the replay kept in run folder `folder` as an animation; returns (path written, frame count)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ExportError(f"{folder}: is not a run folder (made by aeviewer train --run DIR)")
    replay = ReplayFrames.build(load_formation(folder / FORMATION_NAME), layout, between)
    written = write_animation(out, replay.frames((size, size), theme, class_names), len(replay), fps,
                              progress=progress, cancel=cancel)
    return written, len(replay)
