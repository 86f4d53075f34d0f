"""Probe paths: recorded drags and scripted tours, replayed smoothly at any speed.

A path is a list of (t, x, y) samples on a view's plane, t in seconds from the start. Replay does
not reuse the recorded event timing (mouse events arrive unevenly); it resamples the path at a fixed
frame rate by linear interpolation in time, so every replay of a path gives the same positions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

#: Bounds shared with core.session_schema (kept here too so this module imports without pydantic).
MAX_COORD = 1e6
MAX_PATH_SECONDS = 3_000.0  # at 30 fps and the slowest replay (0.1×) that is 900,000 frames
#: Most frames one replay or export renders (50 min at 60 fps and 0.1× speed is 1.8 million).
MAX_FRAMES = 2_000_000


@dataclass
class ProbePath:
    """(t, x, y) samples in time order; `space` says which view's plane the points live on ("ae" or "pca")."""

    name: str = "path"
    samples: list[tuple[float, float, float]] = field(default_factory=list)
    space: str = "ae"

    def add(self, t: float, xy: np.ndarray | tuple[float, float]) -> None:
        """Append a sample; a time earlier than the last one is clamped so time never runs backwards."""
        t = float(t)
        if self.samples and t < self.samples[-1][0]:
            t = self.samples[-1][0]
        self.samples.append((t, float(xy[0]), float(xy[1])))

    def __len__(self) -> int:
        return len(self.samples)

    @property
    def times(self) -> np.ndarray:
        return np.array([s[0] for s in self.samples], dtype=np.float64)

    @property
    def points(self) -> np.ndarray:
        return np.array([(s[1], s[2]) for s in self.samples], dtype=np.float64).reshape(-1, 2)

    @property
    def duration(self) -> float:
        return self.samples[-1][0] - self.samples[0][0] if self.samples else 0.0

    def position_at(self, t: float | np.ndarray) -> np.ndarray:
        """Position(s) at time(s) `t` after the start, linearly interpolated, clamped to the ends."""
        if not self.samples:
            raise ValueError("an empty path has no positions")
        times = self.times - self.samples[0][0]
        pts = self.points
        t = np.asarray(t, dtype=np.float64)
        return np.stack([np.interp(t, times, pts[:, 0]), np.interp(t, times, pts[:, 1])], axis=-1)

    def frame_count(self, fps: float = 30.0, speed: float = 1.0) -> int:
        """How many frames `resample` gives: at least one, plus one per 1/fps of (duration / speed).

        ValueError beyond MAX_FRAMES: a forged duration must not ask for 10^13 frames of memory and time.
        """
        _check_rate(fps, speed)
        if not self.samples:
            return 0
        frames = self.duration / speed * fps
        if not frames < MAX_FRAMES:
            raise ValueError(f"replaying {self.name!r} ({self.duration:,.1f} s) at {fps:g} fps and {speed:g}× "
                             f"would take {frames:,.4g} frames; the most aeviewer renders is {MAX_FRAMES:,}")
        return int(np.floor(frames + 1e-9)) + 1

    def resample(self, fps: float = 30.0, speed: float = 1.0) -> np.ndarray:
        """Positions for a replay at `fps` frames per second, `speed` times as fast as recorded (F×2)."""
        n = self.frame_count(fps, speed)
        if n == 0:
            return np.zeros((0, 2))
        return self.position_at(np.arange(n) * speed / fps)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "space": self.space, "samples": [list(s) for s in self.samples]}

    @classmethod
    def from_dict(cls, d: Any) -> ProbePath:
        """Validate a path read from a file; raises ValueError saying what is wrong."""
        if not isinstance(d, dict):
            raise ValueError("a recorded path is not a JSON object")
        samples = d.get("samples")
        if not isinstance(samples, list):
            raise ValueError("a recorded path has no 'samples' list")
        path = cls(name=str(d.get("name", "path")), space=str(d.get("space", "ae")))
        if path.space not in ("ae", "pca"):
            raise ValueError(f"recorded path {path.name!r} is on an unknown view {path.space!r}")
        for i, s in enumerate(samples):
            if not (isinstance(s, list) and len(s) == 3 and all(_is_number(v) for v in s)):
                raise ValueError(f"recorded path {path.name!r}: sample {i} is not [t, x, y] numbers")
            if not all(np.isfinite(float(v)) and abs(float(v)) <= MAX_COORD for v in s):
                raise ValueError(f"recorded path {path.name!r}: sample {i} is not finite or beyond ±{MAX_COORD:g}")
            path.add(s[0], (s[1], s[2]))
        if path.duration > MAX_PATH_SECONDS:
            raise ValueError(f"recorded path {path.name!r} lasts {path.duration:,.0f} s; the longest aeviewer "
                             f"replays is {MAX_PATH_SECONDS:,.0f} s")
        return path

    @classmethod
    def through(cls, waypoints: np.ndarray, seconds_per_leg: float = 1.0, hold: float = 0.4,
                name: str = "tour", space: str = "ae", steps_per_leg: int = 24) -> ProbePath:
        """A path that glides through `waypoints` with eased legs and pauses `hold` seconds at each one."""
        waypoints = np.asarray(waypoints, dtype=np.float64).reshape(-1, 2)
        path = cls(name=name, space=space)
        t = 0.0
        for i, p in enumerate(waypoints):
            path.add(t, p)
            if hold > 0:
                t += hold
                path.add(t, p)
            if i + 1 < len(waypoints):
                q = waypoints[i + 1]
                for s in np.linspace(0, 1, steps_per_leg + 1)[1:-1]:
                    eased = s * s * (3 - 2 * s)  # smoothstep: start and stop gently
                    path.add(t + s * seconds_per_leg, p + (q - p) * eased)
                t += seconds_per_leg
        return path


def load_probe_path(source: str | Path) -> ProbePath:
    """A recorded path saved as JSON; AeviewerError naming the file and the field for anything else."""
    from pydantic import ValidationError

    from aeviewer.core import safe_json
    from aeviewer.core.errors import AeviewerError
    from aeviewer.core.session.schema import PathDoc, first_problem

    source = Path(source)
    try:
        raw = source.read_bytes() if source.stat().st_size <= safe_json.MAX_BYTES else b"x" * (safe_json.MAX_BYTES + 1)
        safe_json.loads(raw)
        doc = PathDoc.model_validate_json(raw)
    except OSError as exc:
        raise AeviewerError(f"{source}: cannot be read ({exc.strerror or exc})") from None
    except safe_json.JsonProblem as exc:
        raise AeviewerError(f"{source}: not a recorded probe path (it {exc})") from None
    except ValidationError as exc:
        raise AeviewerError(f"{source}: not a recorded probe path ({first_problem(exc)})") from None
    path = ProbePath(name=doc.name, space=doc.space)
    for t, x, y in doc.samples:
        path.add(t, (x, y))
    if path.duration > MAX_PATH_SECONDS:
        raise AeviewerError(f"{source}: recorded path {path.name!r} lasts {path.duration:,.0f} s; the longest "
                            f"aeviewer replays is {MAX_PATH_SECONDS:,.0f} s")
    return path


def class_centres(points: np.ndarray, labels: np.ndarray) -> dict[int, np.ndarray]:
    """The mean plane position of each class present, by label, in label order."""
    points = np.asarray(points, dtype=np.float64)
    labels = np.asarray(labels)
    return {int(c): points[labels == c].mean(axis=0) for c in np.unique(labels)}


def class_centre_tour(points: np.ndarray, labels: np.ndarray, seconds_per_leg: float = 1.0,
                      hold: float = 0.4, space: str = "ae") -> ProbePath:
    """A tour that visits every class centre in label order and comes back to the first."""
    centres = list(class_centres(points, labels).values())
    if not centres:
        return ProbePath(name="class-centre tour", space=space)
    return ProbePath.through(np.array([*centres, centres[0]]), seconds_per_leg, hold,
                             name="class-centre tour", space=space)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _check_rate(fps: float, speed: float) -> None:
    if not (fps > 0 and np.isfinite(fps)):
        raise ValueError(f"frames per second must be positive, got {fps}")
    if not (speed > 0 and np.isfinite(speed)):
        raise ValueError(f"replay speed must be positive, got {speed}")
