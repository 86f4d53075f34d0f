"""Round two in the window: your-own-model files that exit or break the contract, bad recordings, extreme sessions.

None of them may exit or crash the app; each shows the same one-line message as the core.
"""

from __future__ import annotations

import numpy as np
import pytest

from aeviewer.core.errors import AeviewerError
from aeviewer.core.session.schema import MAX_COORD
from aeviewer.core.session.session import Session, load_session, save_session
from aeviewer.gui.dialogs.user_model_dialog import open_user_model
from tests.corpus.make_corpus import CORPUS


def test_your_own_model_files_never_exit_the_app(make_main_window, tmp_path):
    window = make_main_window()
    before = window.model
    cases = [c for c in CORPUS if c.opens_as == "user-model"]
    assert any("sys.exit" in c.problem for c in cases) and any("KeyboardInterrupt" in c.problem for c in cases)
    for case in cases:
        folder = tmp_path / case.name
        folder.mkdir()
        code = case.build(folder)
        window.last_error = None
        assert open_user_model(window, code, folder / "weights.safetensors") is False  # still running: no SystemExit
        assert window.last_error == case.expected_message(folder, code), case.name
    assert window.model is before


def test_bad_recordings_are_refused_by_the_panel(make_main_window, tmp_path):
    window = make_main_window()
    before = list(window.recordings.paths)
    for case in [c for c in CORPUS if c.opens_as == "recording"]:
        folder = tmp_path / case.name
        folder.mkdir()
        path = case.build(folder)
        with pytest.raises(AeviewerError) as info:
            window.recordings.load_path(path)
        assert str(info.value) == case.expected_message(folder, path)
    assert window.recordings.paths == before


def test_a_session_at_the_coordinate_bounds_opens_and_draws(make_main_window, qtbot, tmp_path):
    """The largest coordinates a session may hold reach Qt without harm (±1e308 segfaulted it)."""
    window = make_main_window()
    big = MAX_COORD
    path = save_session(tmp_path / "edge.aev", Session(
        dataset="digits", probes={"ae": (big, -big), "pca": (-big, big)},
        view_ranges={"ae": ((-big, big), (-big, big)), "pca": ((big - 1e-3, big), (-big, -big + 1e-3))}))
    assert load_session(path).probes["ae"] == (big, -big)
    window.files.open_path(path)
    qtbot.waitUntil(lambda: np.allclose(window.ae_view.probe_position(), (big, -big)), timeout=20_000)
    window.repaint()  # a paint at the bounds: ±1e308 segfaulted here
    (x0, x1), _ = window.ae_view.plotItem.vb.viewRange()
    assert x0 <= -big * 0.99 and x1 >= big * 0.99 and window.last_error is None


def test_a_session_with_your_own_model_saves_and_reopens_in_the_window(make_main_window, qtbot, tmp_path):
    from aeviewer.core.models.user_model import UserAutoencoder
    from tests.core.test_session_roundtrip import BYO_CODE

    code = tmp_path / "mine.py"
    code.write_text(BYO_CODE.format(n=64))
    window = make_main_window()
    assert open_user_model(window, code, None)
    saved = window.sessions.save(tmp_path / "mine.aev")
    assert saved is not None, window.last_error
    fresh = make_main_window()
    fresh.files.open_path(saved)
    qtbot.waitUntil(lambda: isinstance(fresh.model, UserAutoencoder), timeout=20_000)
    probe = np.asarray(window.ae_view.probe_position())
    np.testing.assert_allclose(fresh.ae_view.probe_position(), probe)
    np.testing.assert_allclose(fresh.ae_space.codes, window.ae_space.codes, atol=1e-6)
