"""JSON from files we did not write: bounded size and nesting, one error type, never a RecursionError.

Python's `json` recurses once per nesting level, so 100,000 nested brackets raise `RecursionError` (or
worse, exhaust the C stack). `loads` measures the nesting depth with a vectorised scan of the brackets outside
strings before parsing, so a hostile document is refused in milliseconds with a plain message.
"""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np

#: Deepest nesting any aeviewer document needs (sessions nest about 5 levels); far below Python's recursion limit.
MAX_DEPTH = 64
#: Largest JSON document read from a sidecar, a config or a session description.
MAX_BYTES = 64_000_000

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


class JsonProblem(ValueError):
    """Why a document is not acceptable JSON, in words fit for "<file>: <problem>"."""


def nesting_depth(data: bytes) -> int:
    """How deeply arrays and objects nest in `data` (brackets inside strings do not count)."""
    brackets = _STRING.sub(b"", data).translate(None, _NOT_BRACKETS)
    if not brackets:
        return 0
    codes = np.frombuffer(brackets, dtype=np.uint8)
    steps = np.where((codes == ord("[")) | (codes == ord("{")), 1, -1).astype(np.int32)
    return int(np.cumsum(steps).max())


def loads(data: bytes | str, *, max_depth: int = MAX_DEPTH, max_bytes: int = MAX_BYTES) -> Any:
    """Parse `data`; JsonProblem (a ValueError) for anything that is not small, shallow, valid JSON."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    if len(raw) > max_bytes:
        raise JsonProblem(f"is {len(raw):,} bytes of JSON, more than aeviewer reads ({max_bytes:,})")
    depth = nesting_depth(raw)
    if depth > max_depth:
        raise JsonProblem(f"nests {depth:,} levels deep; aeviewer reads JSON nested at most {max_depth} levels")
    try:
        return json.loads(raw)
    except UnicodeDecodeError:
        raise JsonProblem("is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise JsonProblem(f"is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    except (ValueError, RecursionError, MemoryError) as exc:  # e.g. an integer of 10,000 digits
        raise JsonProblem(f"is not JSON aeviewer can read ({str(exc)[:120] or type(exc).__name__})") from None


def loads_line(line: bytes, *, max_depth: int = MAX_DEPTH) -> Any | None:
    """One JSON Lines record, or None when the line is not one (a follower skips it and keeps going)."""
    try:
        return loads(line, max_depth=max_depth)
    except JsonProblem:
        return None
