"""Typed schemas for a run folder's config.json, and the one way a schema error becomes a message.

pydantic checks every field's type and range in one pass and reports where the problem is, so a hand-edited
or hostile file gets a message naming the field (see core/session/schema.py for the session documents).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

MAX_TEXT = 4_096


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
