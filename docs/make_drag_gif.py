"""Regenerate docs/latent-drag.gif: a scripted drag through a trained digits model's latent space.

    python -m aeviewer.cli train --data digits --epochs 60 --out digits-ae.safetensors
    PYTHONPATH=. python docs/make_drag_gif.py digits-ae.safetensors

Builds a session whose recorded path loops through the class centres (ordered by angle, so the probe
circles the space instead of zig-zagging), saves it to a temporary session, and renders it
with the same `aeviewer export --what gif` a user runs.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

from aeviewer.cli import main
from aeviewer.core.session.recording import ProbePath, class_centres
from aeviewer.core.session.scene import Scene
from aeviewer.core.session.session import Session, save_session
from aeviewer.core.train.checkpoint import load_checkpoint


def scripted_drag(points: np.ndarray, labels: np.ndarray) -> ProbePath:
    centres = np.array(list(class_centres(points, labels).values()))
    middle = centres.mean(axis=0)
    order = np.argsort(np.arctan2(*(centres - middle).T[::-1]))
    loop = centres[order]
    return ProbePath.through(np.vstack([loop, loop[:1]]), seconds_per_leg=0.9, hold=0.15, name="drag")


def run(model_path: str, out: str = "docs/latent-drag.gif") -> int:
    loaded = load_checkpoint(model_path)
    scene = Scene.from_files(model_path, "digits")
    drag = scripted_drag(scene.space.points, scene.shown.y)
    with tempfile.TemporaryDirectory() as tmp:
        session = save_session(Path(tmp) / "drag.aev", Session(dataset="digits", model=loaded.model,
                                                               model_meta=dict(loaded.meta), paths=[drag]))
        return main(["export", "--session", str(session), "--what", "gif", "--path", "drag", "--fps", "12",
                     "--size", "320", "--out", out])


if __name__ == "__main__":
    sys.exit(run(*sys.argv[1:]))
