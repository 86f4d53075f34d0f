"""A replay travels in a session: back identical, and a bad one is refused naming the session file."""

from __future__ import annotations

import io
import math
import zipfile

import numpy as np
import pytest

from aeviewer.core.errors import CheckpointError
from aeviewer.core.session.session import SESSION_REPLAY, Session, load_session, save_session
from aeviewer.core.train.formation import Formation


def _replay() -> Formation:
    f = Formation(indices=np.array([1, 4, 9]), labels=np.array([0, 2, 1]))
    for k in range(4):
        f.append(k, 12 * k, 0.5 / (k + 1) if k else math.nan, np.random.default_rng(k).normal(size=(3, 2)))
    return f


def test_a_session_keeps_its_replay(tmp_path) -> None:
    original = _replay()
    back = load_session(save_session(tmp_path / "s.aev", Session(dataset="digits", formation=original))).formation
    assert back is not None and back.steps == [0, 12, 24, 36]
    np.testing.assert_array_equal(back.codes, original.codes)
    np.testing.assert_array_equal(back.labels, original.labels)


def test_a_session_without_a_replay_has_none(tmp_path) -> None:
    assert load_session(save_session(tmp_path / "s.aev", Session(dataset="digits"))).formation is None


def test_a_bad_replay_in_a_session_is_one_message_naming_the_session(tmp_path) -> None:
    path = save_session(tmp_path / "s.aev", Session(dataset="digits", formation=_replay()))
    members = {}
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            members[name] = zf.read(name)
    buffer = io.BytesIO()
    np.savez(buffer, codes=np.array([[[object()]]], dtype=object))
    members[SESSION_REPLAY] = buffer.getvalue()
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    with pytest.raises(CheckpointError, match="has a bad replay") as info:
        load_session(path)
    assert str(path) in str(info.value)


def test_the_state_saves_and_applies_its_replay(tmp_path) -> None:
    from aeviewer.core.data.loaders import load_dataset
    from aeviewer.core.state import ExplorerState

    digits = load_dataset("digits")
    state = ExplorerState(dataset=digits, formation=_replay())
    back = load_session(save_session(tmp_path / "s.aev", state.to_session()))
    fresh, fired = ExplorerState(dataset=digits), []
    fresh.events.formation.connect(lambda new, old: fired.append(new))
    fresh.apply(back)
    assert fired and fresh.formation is not None and fresh.formation.steps == [0, 12, 24, 36]
