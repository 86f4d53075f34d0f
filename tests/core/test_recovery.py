"""Recovery checkpoints: autosaved on an interval, found after a crash, loadable, cleared when the work is safe."""

from __future__ import annotations

from pathlib import Path

import torch

from aeviewer.core.models import build_model
from aeviewer.core.session import recovery
from aeviewer.core.session.recovery import RecoveryAutosaver, clear_recovery, find_recovery
from aeviewer.core.train.checkpoint import load_checkpoint
from aeviewer.core.train.trainer import TrainConfig, Trainer

from .model_data import blobs, small_config


def test_lives_in_the_user_data_dir(data_dir):
    assert recovery.recovery_dir() == data_dir / "recovery"
    assert find_recovery() is None


def test_autosave_interval_then_found_on_the_next_start(data_dir):
    now = [0.0]
    model = build_model(small_config(), seed=0)
    saver = RecoveryAutosaver("blobs", "/data/blobs.npy", (64, 1, 8, 8), TrainConfig(epochs=3),
                              interval_s=60, clock=lambda: now[0])
    trainer = Trainer(model, blobs(64), TrainConfig(epochs=3, batch_size=16))
    saved = []
    for event in trainer.run():
        if event.epoch_done:
            now[0] += 45  # each epoch takes 45 "seconds"
            saved.append(saver.maybe_save(trainer.model, trainer.history))
    assert [p is not None for p in saved] == [False, True, False]  # 45 s: not yet; 90 s: saved; 135 s: 45 since
    # ... the app dies here; on the next start:
    info = find_recovery()
    assert info is not None and info.path.parent.parent == data_dir / "recovery"
    assert info.dataset_name == "blobs" and info.dataset_spec == "/data/blobs.npy" and info.epochs == 2
    assert "blobs" in info.describe() and "2 epoch(s)" in info.describe()
    loaded = load_checkpoint(info.path)
    assert loaded.config == model.config and len(loaded.meta["history"]) == 2
    clear_recovery()
    assert find_recovery() is None and not list((data_dir / "recovery").rglob("recovery*"))


def test_a_failed_autosave_never_stops_training(data_dir, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(recovery.atomic_write.__globals__["tempfile"], "mkstemp", full)
    saver = RecoveryAutosaver("d", "d", (1,), interval_s=0)
    assert saver.maybe_save(build_model(small_config()), []) is None
    assert "disk is full" in saver.error
    assert find_recovery() is None


def test_forced_save_ignores_the_interval(data_dir):
    saver = RecoveryAutosaver("d", "d", (1,), interval_s=1e9)
    model = build_model(small_config(), seed=3)
    assert saver.maybe_save(model, [{"loss": 1.0}]) is None
    assert saver.maybe_save(model, [{"loss": 1.0}], force=True) is not None
    loaded = load_checkpoint(find_recovery().path).model
    assert all(torch.equal(a, b) for a, b in zip(loaded.state_dict().values(), model.state_dict().values(),
                                                 strict=True))


def _other_app(base, script):
    """Run `script` in another Python process (another aeviewer instance) against the same recovery folder."""
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from aeviewer.core.session import recovery
        from aeviewer.core.models import build_model
        from tests.core.model_data import small_config
        base = Path({str(base)!r})
    """) + textwrap.dedent(script)
    return subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def test_two_instances_never_delete_each_others_recovery(tmp_path):
    base = tmp_path / "recovery"
    other = _other_app(base, """
        saver = recovery.RecoveryAutosaver("d", "d", (1,), interval_s=0, folder=base)
        print(saver.maybe_save(build_model(small_config(), seed=1), [{"loss": 1.0}]), flush=True)
        sys.stdin.readline()  # stay alive (holding the lock) until told to exit
    """)
    theirs = Path(other.stdout.readline().strip())
    assert theirs.is_file()
    # This instance starts, finds nothing of its own to recover (theirs is locked: their app is running) ...
    assert find_recovery(base) is None
    # ... closes normally, and their checkpoint is still there.
    clear_recovery(base)
    assert theirs.is_file()
    other.communicate("")  # their app ends without tidying (as if it crashed after its autosave)
    theirs_files = list(base.rglob("recovery.safetensors"))
    assert theirs_files == [theirs]
    info = find_recovery(base)  # now abandoned: adopted by this instance and offered
    assert info is not None and info.epochs == 1 and info.path != theirs and not theirs.exists()
    clear_recovery(base)
    assert find_recovery(base) is None
