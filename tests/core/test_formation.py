"""The replay store: frames kept while training, saved and read back safely, and aligned so nothing jumps."""

from __future__ import annotations

import io
import math
import zipfile

import numpy as np
import pytest
import torch

from aeviewer.core.errors import CheckpointError
from aeviewer.core.latent.formation_align import aligned_frames, chain_align, displacement, interpolate, procrustes
from aeviewer.core.models import ModelConfig, build_model
from aeviewer.core.train import formation as formation_module
from aeviewer.core.train.formation import (
    MIN_FRAMES,
    Formation,
    FormationRecorder,
    formation_from_bytes,
    load_formation,
    save_formation,
)
from aeviewer.core.train.trainer import TrainConfig, Trainer


def _rotation(angle: float) -> np.ndarray:
    c, s = math.cos(angle), math.sin(angle)
    return np.array([[c, -s], [s, c]])


def _cloud(n: int = 200, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, 2)) * np.array([3.0, 1.0])


def test_a_rotated_and_shifted_copy_aligns_with_zero_displacement() -> None:
    x = _cloud()
    turned = x @ _rotation(1.1) + np.array([5.0, -2.0])
    assert displacement(turned, x) > 1.0
    assert displacement(procrustes(turned, x), x) == pytest.approx(0.0, abs=1e-9)


def test_a_reflected_copy_aligns_too() -> None:
    x = _cloud()
    mirrored = x * np.array([-1.0, 1.0]) @ _rotation(0.4)
    assert displacement(procrustes(mirrored, x), x) == pytest.approx(0.0, abs=1e-9)


def test_a_replay_of_rotated_copies_stands_still_and_ends_on_the_last_frame() -> None:
    x = _cloud()
    frames = np.stack([x @ _rotation(a) for a in (0.0, 0.7, 2.0, 3.0)] + [x * np.array([1.0, -1.0])])
    aligned = aligned_frames(frames, "codes")
    for f in range(len(aligned)):
        assert displacement(aligned[f], frames[-1]) == pytest.approx(0.0, abs=1e-9)


def test_pca_planes_of_wide_codes_are_aligned() -> None:
    rng = np.random.default_rng(1)
    base = rng.normal(size=(150, 6)) * np.array([4.0, 2.0, 0.3, 0.2, 0.1, 0.1])
    q, _ = np.linalg.qr(rng.normal(size=(6, 6)))
    frames = np.stack([base, base @ q])  # the same cloud turned in 6-D: the same picture after alignment
    aligned = aligned_frames(frames, "auto")
    assert aligned.shape == (2, 150, 2)
    assert displacement(aligned[0], aligned[1]) == pytest.approx(0.0, abs=1e-8)


def test_alignment_keeps_real_change() -> None:
    x = _cloud()
    grown = 2.0 * x  # the cloud spreading out is information: no scaling takes it away
    aligned = chain_align([x, grown])
    assert displacement(aligned[0], aligned[1]) > 0.5


def test_warm_started_tsne_layouts_move_little_between_equal_frames() -> None:
    pytest.importorskip("openTSNE")
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(3, 8)) * 6
    codes = np.concatenate([c + rng.normal(size=(40, 8)) for c in centres])
    frames = np.stack([codes, codes])
    aligned = aligned_frames(frames, "tsne", tsne_iter=100)
    spread = float(np.mean(np.linalg.norm(aligned[1] - aligned[1].mean(axis=0), axis=1)))
    assert displacement(aligned[0], aligned[1]) < 0.2 * spread  # warm start: the second layout stays put


def test_interpolation_adds_frames_between_stored_ones() -> None:
    frames = np.stack([np.zeros((3, 2)), np.ones((3, 2)), 3 * np.ones((3, 2))])
    points, where = interpolate(frames, 3)
    assert len(points) == 3 + 2 * 3
    assert list(where[:5]) == [0.0, 0.25, 0.5, 0.75, 1.0]
    np.testing.assert_allclose(points[2], 0.5)
    np.testing.assert_allclose(points[-1], 3.0)


def _formation(frames: int = 3, n: int = 5, dim: int = 2) -> Formation:
    f = Formation(indices=np.arange(n) * 2, labels=np.arange(n) % 3)
    for k in range(frames):
        f.append(k, 10 * k, 1.0 / (k + 1) if k else math.nan, np.full((n, dim), k, np.float32))
    return f


def test_save_and_load_round_trip(tmp_path) -> None:
    original = _formation()
    path = save_formation(tmp_path / "formation.npz", original)
    back = load_formation(path)
    assert back.steps == [0, 10, 20]
    assert back.epochs == [0.0, 1.0, 2.0]
    np.testing.assert_array_equal(back.indices, original.indices)
    np.testing.assert_array_equal(back.codes, original.codes)
    assert back.frames[0].dtype == np.float16  # small: half precision when the codes fit
    assert math.isnan(back.losses[0]) and back.label(1) == "epoch 1 · loss 0.5"


def _npz(**arrays: np.ndarray) -> bytes:
    good = {"format_version": np.array(1), "indices": np.arange(2), "labels": np.zeros(2, np.int64),
            "epochs": np.zeros(1), "steps": np.zeros(1, np.int64), "losses": np.zeros(1),
            "codes": np.zeros((1, 2, 2), np.float16)}
    buffer = io.BytesIO()
    np.savez(buffer, **{**good, **arrays})
    return buffer.getvalue()


@pytest.mark.parametrize(("data", "words"), [
    (b"not a zip at all", "not a readable replay"),
    (_npz(codes=np.full((1, 2, 2), np.nan, np.float32)), "field codes: holds NaN"),
    (_npz(codes=np.zeros((1, 2, 2), np.int32)), "field codes"),
    (_npz(steps=np.array([-4])), "field steps"),
    (_npz(indices=np.arange(3)), "field indices"),
    (_npz(format_version=np.array(99)), "newer aeviewer"),
    (_npz(codes=np.array([[[object()]]], dtype=object)), "pickled"),
])
def test_hostile_files_fail_with_one_message_naming_the_file(tmp_path, data: bytes, words: str) -> None:
    path = tmp_path / "formation.npz"
    path.write_bytes(data)
    with pytest.raises(CheckpointError, match=words) as info:
        load_formation(path)
    assert str(path) in str(info.value)


def test_a_missing_field_and_a_zip_bomb_are_refused(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    buffer = io.BytesIO()
    np.savez(buffer, codes=np.zeros((1, 2, 2)))
    with pytest.raises(CheckpointError, match="no format_version"):
        formation_from_bytes(buffer.getvalue(), tmp_path / "x.npz")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("codes.npy", b"\0" * 20_000)
    monkeypatch.setattr(formation_module, "MAX_FILE_BYTES", 10_000)
    with pytest.raises(CheckpointError, match="inflates"):
        formation_from_bytes(bomb.getvalue(), tmp_path / "x.npz")


def test_a_missing_file_says_the_run_kept_no_replay(tmp_path) -> None:
    with pytest.raises(CheckpointError, match="kept no replay"):
        load_formation(tmp_path / "formation.npz")


def _digits_model_and_data():
    from aeviewer.core.data.loaders import load_dataset

    torch.set_num_threads(1)
    data = load_dataset("digits")
    config = ModelConfig(kind="ae", backbone="mlp", input_shape=data.sample_shape, latent_dim=2)
    return build_model(config, seed=0), data


def test_the_recorder_keeps_one_frame_per_epoch_of_the_same_samples() -> None:
    model, data = _digits_model_and_data()
    train, shown = data.split(test=False), data.split(test=True)
    x = train.x[:256]  # one step per epoch: the test is about frames, not about learning
    trainer = Trainer(model, x, TrainConfig(epochs=MIN_FRAMES, batch_size=256, lr=1e-2, seed=0, device="cpu"))
    recorder = FormationRecorder(shown.x, shown.y, MIN_FRAMES, trainer.steps_per_epoch, size=100, seed=3,
                                 time_share=None)
    recorder.record(model, 0, math.nan)
    for event in trainer.run():
        recorder.observe(trainer.model, event)
    f = recorder.formation
    assert len(f) == MIN_FRAMES + 1
    assert f.epochs == [float(e) for e in range(MIN_FRAMES + 1)]
    np.testing.assert_array_equal(f.labels, shown.y[f.indices])
    assert f.codes.shape == (MIN_FRAMES + 1, 100, 2)
    assert displacement(f.codes[0], f.codes[-1]) > 0  # training moved the codes
    assert recorder.seconds > 0


def test_a_short_run_is_snapshotted_every_few_steps() -> None:
    model, data = _digits_model_and_data()
    train, shown = data.split(test=False), data.split(test=True)
    trainer = Trainer(model, train.x, TrainConfig(epochs=2, batch_size=32, seed=0, device="cpu"), report_every=1)
    recorder = FormationRecorder(shown.x, shown.y, 2, trainer.steps_per_epoch, size=50, time_share=None)
    for event in trainer.run():
        recorder.observe(trainer.model, event)
    assert recorder.steps_between < trainer.steps_per_epoch
    total = 2 * trainer.steps_per_epoch
    assert len(recorder.formation) == total // recorder.steps_between >= MIN_FRAMES - 2
    assert recorder.formation.epochs[-1] == pytest.approx(2.0, abs=0.2)


def test_an_anchor_turns_the_whole_replay_onto_the_shown_picture() -> None:
    x = _cloud()
    frames = np.stack([x @ _rotation(0.3), 1.5 * x @ _rotation(0.9)])
    shown = 1.5 * x @ _rotation(2.5) + 4.0
    aligned = aligned_frames(frames, "codes", anchor=shown)
    assert displacement(aligned[-1], shown) == pytest.approx(0.0, abs=1e-9)
    before = aligned_frames(frames, "codes")
    gap = lambda f: np.linalg.norm(f[0] - f[1], axis=-1)  # noqa: E731
    np.testing.assert_allclose(gap(aligned), gap(before), atol=1e-9)  # still aligned to each other


def test_a_due_frame_waits_while_the_replay_is_over_its_time_share(monkeypatch: pytest.MonkeyPatch) -> None:
    from aeviewer.core.train.trainer import TrainProgress

    recorder = FormationRecorder(np.zeros((10, 4), np.float32), None, 30, 5, size=4)
    epoch_end = TrainProgress(epoch=1, epochs=30, step=5, steps_per_epoch=5, losses={"total": 0.1}, epoch_done=True)
    recorder.seconds = 1e6  # as if encoding had taken far longer than training so far
    assert not recorder.wants(epoch_end) and recorder.postponed == 1
    recorder.seconds = 0.0
    assert recorder.wants(epoch_end)
    recorder.finish(MagicModel(), 150, 0.05)  # the trained model always ends the replay
    assert recorder.formation.steps == [150] and recorder.formation.epochs == [30.0]
    recorder.finish(MagicModel(), 150, 0.05)
    assert len(recorder.formation) == 1


class MagicModel(torch.nn.Module):
    """Encodes 4 features to 2 (the recorder only calls encode)."""

    class config:  # noqa: N801 - the attribute encode_array reads
        latent_dim = 2

    def __init__(self) -> None:
        super().__init__()
        self.w = torch.nn.Linear(4, 2)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        return self.w(x)


def test_a_long_run_keeps_at_most_max_frames_and_still_only_epoch_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    from aeviewer.core.train import formation as module
    from aeviewer.core.train.trainer import TrainProgress

    monkeypatch.setattr(module, "MAX_FRAMES", 8)
    recorder = FormationRecorder(np.zeros((10, 4), np.float32), None, 40, 4, size=4, time_share=None)
    model = MagicModel()
    for step in range(1, 40 * 4 + 1):
        event = TrainProgress(epoch=(step - 1) // 4 + 1, epochs=40, step=step, steps_per_epoch=4,
                              losses={"total": 1.0}, epoch_done=step % 4 == 0)
        recorder.observe(model, event)
    epochs = recorder.formation.epochs
    assert len(epochs) <= 8 and epochs[0] == 1.0 and all(e == int(e) for e in epochs)
    assert epochs[-1] >= 33  # thinned out evenly, still reaching the end of training
