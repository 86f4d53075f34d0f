"""What the explorer shows, as one evented model without Qt: views subscribe to its events and write input to it.

`ExplorerState` is a psygnal evented dataclass (napari's choice for its models): every field has a signal
under `state.events.<field>` that fires with (new, old) when the value changes. Large values (datasets,
models, spaces) compare by identity, so replacing one always fires and nothing compares arrays.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

from psygnal import SignalGroup, evented

from aeviewer.core.data.dataset import Dataset
from aeviewer.core.session.recording import ProbePath
from aeviewer.core.session.session import Session, dataset_reference

if TYPE_CHECKING:
    import torch

    from aeviewer.core.latent.spaces import AutoencoderSpace, PcaSpace
    from aeviewer.core.train.formation import Formation

Probe = tuple[float, float]
ViewRange = tuple[tuple[float, float], tuple[float, float]]


class Status(str, Enum):
    """What the explorer is busy with; one value at a time, so guards read one field."""

    IDLE = "idle"
    LOADING = "loading"
    TRAINING = "training"
    PAUSED = "paused"
    FOLLOWING = "following"


TRAINING_RUNNING = "Training is running: cancel it (Esc) or let it finish before {what}."

_BY_IDENTITY = {name: operator.is_ for name in ("dataset", "shown", "model", "history", "ae_space", "pca_space",
                                                   "formation")}


@evented(equality_operators=_BY_IDENTITY)
@dataclass
class ExplorerState:
    """The dataset and its shown subset, the model and its history, both spaces, probes, selection and status."""

    dataset: Dataset | None = None
    shown: Dataset | None = None
    dataset_spec: str = ""  # what the dataset was opened from, to reopen it later
    model: torch.nn.Module | None = None
    history: list[dict[str, float]] = field(default_factory=list)
    ae_space: AutoencoderSpace | None = None
    pca_space: PcaSpace | None = None
    ae_probe: Probe = (0.0, 0.0)
    pca_probe: Probe = (0.0, 0.0)
    selected: int | None = None
    projection: str = "pca"  # the embedding method asked for (the shown one is ae_space.projection.method)
    theme: str = "light"
    status: Status = Status.IDLE
    training_problem: str = ""  # a sentence naming a collapse (core/train/collapse.py); "" while healthy
    formation: Formation | None = None  # replay frames of the model's training (core/train/formation.py)

    events: ClassVar[SignalGroup]  # added by @evented: one signal per field

    @property
    def training(self) -> bool:
        """A run is in progress here, paused or not."""
        return self.status in (Status.TRAINING, Status.PAUSED)

    def refusal(self, what: str) -> str | None:
        """The one message for work that must wait while training runs, or None when it may go ahead."""
        return TRAINING_RUNNING.format(what=what) if self.training else None

    def reopen_spec(self) -> str:
        """What identifies the dataset for reopening: the spec it was opened with, else its source or name."""
        if self.dataset is None:
            return ""
        return self.dataset_spec or self.dataset.source or self.dataset.name

    def set_probe(self, view: str, xy: Any) -> None:
        """Write a probe position (a view's "ae" or "pca") as plain floats, so equal positions fire nothing."""
        setattr(self, f"{view}_probe", (float(xy[0]), float(xy[1])))

    def to_session(self, view_ranges: dict[str, ViewRange] | None = None,
                   paths: list[ProbePath] | None = None) -> Session:
        """The state as a Session value (`Session.from_state`); the view ranges and paths come from their owners."""
        if self.dataset is None:
            from aeviewer.core.errors import AeviewerError

            raise AeviewerError("no dataset is open: nothing to save")
        meta = {"history": list(self.history), "dataset_name": self.dataset.name,
                "dataset_shape": [int(s) for s in self.dataset.x.shape]}
        return Session(
            dataset=dataset_reference(self.dataset), model=self.model, model_meta=meta,  # type: ignore[arg-type]
            projection=self.ae_space.projection.label if self.ae_space is not None else "",
            probes={"ae": self.ae_probe, "pca": self.pca_probe}, view_ranges=dict(view_ranges or {}),
            theme=self.theme, paths=list(paths or []), selected=self.selected, formation=self.formation)

    def apply(self, session: Session) -> None:
        """Take a session's selection, probes and theme (its model and dataset are loaded by the caller first)."""
        if session.selected is not None and self.shown is not None and session.selected < len(self.shown):
            self.selected = session.selected
        for name, xy in session.probes.items():
            self.set_probe(name, xy)
        self.theme = session.theme
        self.formation = session.formation
