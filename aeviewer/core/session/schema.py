"""Typed schemas for the JSON documents aeviewer reads back: sessions, recorded paths and run configs.

pydantic checks every field's type and range in one pass and reports where the problem is (`probes.ae.0`), so a
hand-edited or hostile file gets a message naming the field instead of a TypeError deep in the window. Every
number that reaches Qt or an allocation is bounded here: finite, and within what it can sensibly be.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from aeviewer.core.session import recording
from aeviewer.core.train.run_schema import MAX_TEXT, RunConfigDoc, TrainDoc, first_problem

__all__ = ["MAX_TEXT", "RunConfigDoc", "TrainDoc", "first_problem"]  # re-exported: one import for every document

#: Largest plane coordinate a probe, a view range or a recorded sample may have. Latent codes of trained models
#: stay within a few hundred; Qt's transforms overflow (and segfault) long before 1e308.
MAX_COORD = recording.MAX_COORD
#: Smallest width of a saved view range: narrower than this the view cannot be drawn.
MIN_SPAN = 1e-9
#: Longest recorded path (seconds, see core.recording) and most samples per path.
MAX_PATH_SECONDS = recording.MAX_PATH_SECONDS
MAX_PATH_SAMPLES = 5_000_000
MAX_PATHS = 1_000
MAX_HISTORY_ROWS = 1_000_000

Coord = Annotated[float, Field(allow_inf_nan=False, ge=-MAX_COORD, le=MAX_COORD)]
Seconds = Annotated[float, Field(allow_inf_nan=False, ge=-MAX_PATH_SECONDS, le=MAX_PATH_SECONDS)]
Text = Annotated[str, Field(max_length=MAX_TEXT)]
View = Literal["ae", "pca"]
Dim = Annotated[int, Field(ge=0, le=2**40)]
Loss = Annotated[float, Field(allow_inf_nan=True)] | None


class _Doc(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class PathDoc(_Doc):
    """A recorded probe path: [t, x, y] samples on one view's plane."""

    name: Annotated[str, Field(max_length=200)] = "path"
    space: View = "ae"
    samples: Annotated[list[tuple[Seconds, Coord, Coord]], Field(max_length=MAX_PATH_SAMPLES)]


class Fingerprint(_Doc):
    """What identifies a dataset's content cheaply: total size and a hash of its first megabyte(s)."""

    size: Dim
    head_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class DatasetRef(_Doc):
    """Where a session's dataset lives: a built-in name, or a path (absolute, and relative to the session file)."""

    name: Text = ""
    builtin: Text | None = None
    path: Text | None = None
    relative: Text | None = None
    fingerprint: Fingerprint | None = None


class ModelMeta(BaseModel):
    """Descriptive facts about a saved model; unknown keys are kept out, known ones typed."""

    model_config = ConfigDict(strict=True, extra="ignore")

    history: Annotated[list[dict[Annotated[str, Field(max_length=64)], Loss]],
                       Field(max_length=MAX_HISTORY_ROWS)] = []
    dataset_name: Text = ""
    dataset_shape: Annotated[list[Dim], Field(max_length=8)] = []


class UserModelRef(_Doc):
    """A bring-your-own model: its Python file and class; the weights are stored inside the session."""

    code: Text
    relative: Text | None = None
    class_name: Annotated[str, Field(max_length=200)] | None = None
    input_shape: Annotated[list[Annotated[int, Field(ge=1, le=1 << 24)]], Field(min_length=1, max_length=4)]


class ModelEntry(_Doc):
    kind: Annotated[str, Field(max_length=32)]
    config: dict[str, Any] | None = None
    user: UserModelRef | None = None
    meta: ModelMeta = ModelMeta()


Range = tuple[Coord, Coord]


class SessionDoc(_Doc):
    """`session.json`: see core.session."""

    format_version: Annotated[int, Field(ge=1)]
    dataset: Annotated[str, Field(min_length=1, max_length=MAX_TEXT)] | DatasetRef
    model: ModelEntry | None = None
    projection: Annotated[str, Field(max_length=200)] = ""
    probes: dict[View, tuple[Coord, Coord]] = {}
    view_ranges: dict[View, tuple[Range, Range]] = {}
    theme: Literal["light", "dark"] = "light"
    paths: Annotated[list[PathDoc], Field(max_length=MAX_PATHS)] = []
    selected: Annotated[int, Field(ge=0, le=2**40)] | None = None
