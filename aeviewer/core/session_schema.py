"""Typed schemas for the JSON documents aeviewer reads back: sessions, recorded paths and run configs.

pydantic checks every field's type and range in one pass and reports where the problem is (`probes.ae.0`), so a
hand-edited or hostile file gets a message naming the field instead of a TypeError deep in the window. Every
number that reaches Qt or an allocation is bounded here: finite, and within what it can sensibly be.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from aeviewer.core import recording

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
MAX_TEXT = 4_096

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


def first_problem(exc: ValidationError) -> str:
    """'field probes.ae.0: Input should be less than or equal to 1000000 (got 1e+308)': the first error, located."""
    errors = exc.errors(include_url=False)
    if not errors:
        return str(exc).splitlines()[0]
    err = errors[0]
    where = ".".join(str(p) for p in err.get("loc", ()) if not _is_type_tag(p)) or "the document"
    got = err.get("input")
    shown = repr(got)
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    more = f" ({len(errors) - 1:,} more problem(s))" if len(errors) > 1 else ""
    extra = f" (got {shown})" if not isinstance(got, (dict, list)) else ""
    return f"field {where}: {err.get('msg', 'invalid')}{extra}{more}"


def _is_type_tag(part: object) -> bool:
    """Union branches show up in error locations as 'constrained-str', 'DatasetRef', 'str': not field names."""
    return isinstance(part, str) and (part[:1].isupper() or "-" in part or "[" in part
                                      or part in ("str", "int", "float", "bool", "list", "dict", "tuple", "none"))


class TrainDoc(BaseModel):
    """A run's training settings as stored in its config.json (the keys TrainConfig knows; others are ignored)."""

    model_config = ConfigDict(strict=True, extra="ignore")

    epochs: Annotated[int, Field(ge=1, le=1_000_000)] = 20
    batch_size: Annotated[int, Field(ge=1, le=1_000_000)] = 128
    lr: Annotated[float, Field(gt=0, le=10, allow_inf_nan=False)] = 1e-3
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] | None = 0
    device: Annotated[str, Field(max_length=64)] = "auto"


class RunConfigDoc(BaseModel):
    """A run folder's config.json (written by core.run_folder.RunWriter)."""

    model_config = ConfigDict(strict=True, extra="ignore")

    format_version: Annotated[int, Field(ge=1)] = 1
    data: Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
    model: dict[str, Any]
    train: TrainDoc
    world_size: Annotated[int, Field(ge=1, le=65_536)] = 1
    checkpoint_every: Annotated[int, Field(ge=1, le=1_000_000)] = 5
