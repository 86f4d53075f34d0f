"""What a saved view shows, rebuilt without a window: for headless figure and animation exports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from aeviewer.core.data.dataset import Dataset
from aeviewer.core.errors import AeviewerError, CheckpointError
from aeviewer.core.latent.spaces import AutoencoderSpace, shown_samples
from aeviewer.core.session.export import fit_ranges
from aeviewer.core.session.recording import ProbePath, class_centre_tour
from aeviewer.core.session.session import Session, dataset_reference, load_session

if TYPE_CHECKING:
    from aeviewer.core.models import Autoencoder
    from aeviewer.core.models.user_model import UserAutoencoder


@dataclass
class Scene:
    """A session opened headless: its data, the autoencoder space and the saved view."""

    session: Session
    dataset: Dataset
    shown: Dataset
    space: AutoencoderSpace

    @classmethod
    def from_session(cls, path: str | Path) -> Scene:
        from aeviewer.core.data.loaders import load_dataset

        session = load_session(path)
        if session.model is None:
            raise CheckpointError(path, "holds no model, so there is nothing to decode")
        return cls.build(session, load_dataset(session.dataset))

    @classmethod
    def from_files(cls, model_path: str | Path, data: str) -> Scene:
        from aeviewer.core.data.loaders import load_dataset
        from aeviewer.core.train.checkpoint import load_checkpoint

        loaded = load_checkpoint(model_path)
        return cls.from_model(loaded.model, load_dataset(data), str(model_path), dict(loaded.meta))

    @classmethod
    def from_model(cls, model: Autoencoder | UserAutoencoder, dataset: Dataset, source: str = "",
                   meta: dict[str, Any] | None = None) -> Scene:
        """A scene for a model already in memory (a checkpoint, or a user's own model file)."""
        session = Session(dataset=dataset_reference(dataset), model=model, model_meta=meta or {})
        return cls.build(session, dataset, source=source)

    @classmethod
    def build(cls, session: Session, dataset: Dataset, source: str = "") -> Scene:
        model = session.model
        assert model is not None  # from_file refuses a session without one; from_model always has one
        want = tuple(model.config.input_shape)
        if tuple(dataset.sample_shape) != want:
            raise AeviewerError(f"{source or session.dataset}: the model takes {want} inputs but {dataset.name} "
                                f"has {tuple(dataset.sample_shape)} samples")
        shown = shown_samples(dataset)
        return cls(session, dataset, shown, AutoencoderSpace.build(model, shown))

    def ranges(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """The saved latent view's ranges, else the ranges that fit the data."""
        return self.session.view_ranges.get("ae") or fit_ranges(self.space.points)

    def probe(self) -> np.ndarray:
        saved = self.session.probes.get("ae")
        return np.asarray(saved if saved is not None else self.space.points.mean(axis=0), dtype=np.float64)

    def path(self, name: str | None = None) -> ProbePath:
        """A recorded latent-view path by name (the first one when None), else the class-centre tour."""
        recorded = [p for p in self.session.paths if p.space == "ae" and len(p)]
        if name is not None and name != "tour":
            for p in recorded:
                if p.name == name:
                    return p
            names = ", ".join(repr(p.name) for p in recorded) or "none"
            raise AeviewerError(f"no recorded path named {name!r} (recorded: {names}; or use 'tour')")
        if recorded and name is None:
            return recorded[0]
        if self.shown.y is None:
            raise AeviewerError(f"{self.dataset.name} has no labels, so there are no class centres to tour; "
                                "record a path in the window and save the session")
        return class_centre_tour(self.space.points, self.shown.y)
