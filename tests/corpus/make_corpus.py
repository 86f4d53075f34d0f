"""The bad-input corpus: every file a stranger might hand aeviewer, built from code, with the message the user sees.

`build_corpus(folder)` writes each case into `folder/<case.name>/` and returns `{name: path to open}`.
`CORPUS` is the table: which loader reads the case, which file the message names, and the exact problem text
(the message is `"<that file>: <problem>"`). `python -m tests.corpus.make_corpus DIR` writes the corpus to DIR
and `--readme` prints the README troubleshooting table.
"""

from __future__ import annotations

import io
import json
import pickle
import struct
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tests.datafiles import idx_bytes, make_image_folder, sample_images, sample_labels, write_bytes, write_csv

#: Where a malicious pickle would leave its mark if it ever ran (relative to the case folder).
MARKER_NAME = "PWNED"


@dataclass(frozen=True)
class BadInput:
    """One bad input: how to build it, and what the user must be told."""

    name: str
    kind: str  # README row group: IDX, npy/npz, CSV, image folder, safetensors, .pt, checkpoint, session, ...
    what: str  # the defect, in words
    build: Callable[[Path], Path]  # writes the case into an empty folder; returns what the user opens
    problem: str  # exact text after "<file>: "; "{folder}" stands for the case folder
    names: str = ""  # the file the message names, relative to the case folder ("" = the opened path)

    @property
    def is_model(self) -> bool:
        return self.kind in ("safetensors", ".pt", "checkpoint")

    @property
    def opens_as(self) -> str:
        """How a user hands it over: "dataset", "model", "session" (all via `info FILE` and the window's Open),
        "run" (`train --resume DIR`), "user-model" (`--model-code FILE --weights W`), "recording" (Load path)."""
        if self.is_model:
            return "model"
        return {"session": "session", "run folder": "run", "your own model": "user-model",
                "recording": "recording"}.get(self.kind, "dataset")

    def expected_message(self, folder: Path, opened: Path) -> str:
        """The exact message for this case built in `folder` ("{folder}" in `problem` stands for it)."""
        problem = self.problem.replace("{folder}", str(folder))
        return f"{folder / self.names if self.names else opened}: {problem}"


# -- IDX -----------------------------------------------------------------------------------------------------


def _idx_pair(folder: Path, images: bytes, labels: bytes | None = None, gz: bool = False) -> Path:
    ext = ".gz" if gz else ""
    path = write_bytes(folder / f"train-images-idx3-ubyte{ext}", images, gz)
    write_bytes(folder / f"train-labels-idx1-ubyte{ext}", labels if labels is not None else
                idx_bytes(sample_labels(4)), gz)
    return path


def _good_idx() -> bytes:
    return idx_bytes(sample_images(4, 6, 6))


def idx_wrong_magic(folder: Path) -> Path:
    return _idx_pair(folder, b"\x01\x02" + _good_idx()[2:])


def idx_wrong_dtype(folder: Path) -> Path:
    data = bytearray(_good_idx())
    data[2] = 0x42
    return _idx_pair(folder, bytes(data))


def idx_dims_disagree(folder: Path) -> Path:
    data = bytearray(_good_idx())
    data[4:8] = struct.pack(">I", 9)  # says 9 images, holds 4
    return _idx_pair(folder, bytes(data))


def idx_truncated(folder: Path) -> Path:
    return _idx_pair(folder, _good_idx()[:-10])


def idx_truncated_gz(folder: Path) -> Path:
    path = folder / "train-images-idx3-ubyte.gz"
    _idx_pair(folder, _good_idx(), gz=True)
    path.write_bytes(path.read_bytes()[:-12])
    return path


def idx_count_mismatch(folder: Path) -> Path:
    return _idx_pair(folder, _good_idx(), idx_bytes(sample_labels(7)))


def idx_not_gzip(folder: Path) -> Path:
    path = _idx_pair(folder, _good_idx(), gz=True)
    path.write_bytes(_good_idx())  # named .gz, stored raw
    return path


def idx_terabytes(folder: Path) -> Path:
    header = bytes([0, 0, 0x08, 3]) + struct.pack(">3I", 1_000_000, 1_000_000, 1_000_000)
    return _idx_pair(folder, header + bytes(64))


# -- npy / npz -----------------------------------------------------------------------------------------------


def _npy(folder: Path, arr: np.ndarray, name: str = "data.npy") -> Path:
    path = folder / name
    np.save(path, arr, allow_pickle=True)
    return path


def npy_object_array(folder: Path) -> Path:
    return _npy(folder, np.array([{"a": 1}, None], dtype=object))


def npy_pickle_payload(folder: Path) -> Path:
    return _npy(folder, np.array([_Mark(str(folder / MARKER_NAME))], dtype=object))


def npy_wrong_rank(folder: Path) -> Path:
    return _npy(folder, np.zeros((2, 2, 2, 2, 2), np.float32))


def npy_scalar(folder: Path) -> Path:
    return _npy(folder, np.float32(0.5))


def npy_nan(folder: Path) -> Path:
    arr = np.full((4, 5), 0.5, np.float32)
    arr[2, 3] = np.nan
    return _npy(folder, arr)


def npy_inf(folder: Path) -> Path:
    arr = np.full((4, 5), 0.5, np.float64)
    arr[1, 0] = -np.inf
    return _npy(folder, arr)


def npy_out_of_range(folder: Path) -> Path:
    return _npy(folder, np.linspace(-3.0, 7.0, 20).reshape(4, 5))


def npy_strings(folder: Path) -> Path:
    return _npy(folder, np.array([["a", "b"], ["c", "d"]]))


def npz_label_count(folder: Path) -> Path:
    path = folder / "data.npz"
    np.savez(path, x=np.zeros((3, 4), np.float32), y=np.array([0, 1]))
    return path


def npz_object(folder: Path) -> Path:
    path = folder / "data.npz"
    np.savez(path, x=np.array([None, 1], dtype=object))
    return path


def npz_not_zip(folder: Path) -> Path:
    return write_bytes(folder / "data.npz", b"this is not a zip archive at all")


# -- CSV -----------------------------------------------------------------------------------------------------


def csv_ragged(folder: Path) -> Path:
    return write_csv(folder / "table.csv", [[0.1, 0.2, 0.3], [0.4, 0.5], [0.6, 0.7, 0.8]])


def csv_text_cell(folder: Path) -> Path:
    return write_csv(folder / "table.csv", [[0.1, 0.2, 0.3], [0.4, "oops", 0.6]])


def csv_nan_cell(folder: Path) -> Path:
    return write_csv(folder / "table.csv", [[0.1, 0.2, 0.3], [0.4, "nan", 0.6]])


def csv_empty(folder: Path) -> Path:
    path = folder / "table.csv"
    path.write_text("", encoding="utf-8")
    return path


def csv_binary(folder: Path) -> Path:
    return write_bytes(folder / "table.csv", b"\xff\xfe\x00\x81binary\x00")


# -- image folder --------------------------------------------------------------------------------------------


def images_empty(folder: Path) -> Path:
    (folder / "images").mkdir()
    return folder / "images"


def images_unreadable(folder: Path) -> Path:
    root = make_image_folder(folder / "images")
    (root / "cat" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n this is not really a png")
    return root


def images_mixed_sizes(folder: Path) -> Path:
    root = make_image_folder(folder / "images", classes=("cat",), size=(8, 6))
    make_image_folder(folder / "other", classes=("dog",), size=(5, 9))
    (folder / "other" / "dog").rename(root / "dog")
    return root


def single_image(folder: Path) -> Path:
    root = make_image_folder(folder / "images", classes=("cat",), per_class=1)
    return root / "cat" / "0.png"


def unknown_format(folder: Path) -> Path:
    return write_bytes(folder / "mystery.dat", b"\x00\x01 something else entirely")


def missing_file(folder: Path) -> Path:
    return folder / "nowhere.npy"


# -- checkpoints ---------------------------------------------------------------------------------------------


def _model(latent: int = 2):
    from aeviewer.core.models import ModelConfig, build_model

    return build_model(ModelConfig(input_shape=(1, 4, 4), latent_dim=latent, hidden=(8,)), seed=0)


def _header(model, **over) -> dict:
    return {"format_version": 1, "kind": model.config.kind, "config": model.config.to_dict(), **over}


def _safetensors_bytes(tensors: dict, header: dict | None) -> bytes:
    from safetensors.torch import save

    return save(tensors, metadata=None if header is None else {"aeviewer": json.dumps(header)})


def _raw_safetensors(entries: dict, payload: bytes, metadata: dict | None = None) -> bytes:
    """A hand-built safetensors file (for headers the library itself would never write)."""
    header = dict(entries)
    if metadata is not None:
        header["__metadata__"] = metadata
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + payload


def st_truncated(folder: Path) -> Path:
    model = _model()
    data = _safetensors_bytes(model.state_dict(), _header(model))
    return write_bytes(folder / "model.safetensors", data[:-40])


def st_header_beyond_file(folder: Path) -> Path:
    return write_bytes(folder / "model.safetensors", struct.pack("<Q", 10_000) + b'{"a": 1}')


def st_overlapping_offsets(folder: Path) -> Path:
    model = _model()
    entries = {"encoder.0.weight": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]},
               "encoder.0.bias": {"dtype": "F32", "shape": [2], "data_offsets": [8, 16]}}
    meta = {"aeviewer": json.dumps(_header(model))}
    return write_bytes(folder / "model.safetensors", _raw_safetensors(entries, bytes(16), meta))


def st_wrong_dtype(folder: Path) -> Path:
    model = _model()
    tensors = {k: v.to(dtype=__import__("torch").int32) for k, v in model.state_dict().items()}
    return write_bytes(folder / "model.safetensors", _safetensors_bytes(tensors, _header(model)))


def st_unknown_dtype(folder: Path) -> Path:
    model = _model()
    entries = {"encoder.0.weight": {"dtype": "Q7", "shape": [2], "data_offsets": [0, 8]}}
    meta = {"aeviewer": json.dumps(_header(model))}
    return write_bytes(folder / "model.safetensors", _raw_safetensors(entries, bytes(8), meta))


def st_header_not_json(folder: Path) -> Path:
    return write_bytes(folder / "model.safetensors", struct.pack("<Q", 6) + b"{{{{{{" + bytes(4))


def st_no_config(folder: Path) -> Path:
    return write_bytes(folder / "model.safetensors", _safetensors_bytes(_model().state_dict(), None))


def ckpt_shape_mismatch(folder: Path) -> Path:
    small, big = _model(2), _model(3)
    return write_bytes(folder / "model.safetensors", _safetensors_bytes(big.state_dict(), _header(small)))


def ckpt_nan_weights(folder: Path) -> Path:
    import torch

    model = _model()
    tensors = dict(model.state_dict())
    tensors["decoder.0.weight"] = tensors["decoder.0.weight"].clone()
    tensors["decoder.0.weight"][0, 0] = torch.nan
    return write_bytes(folder / "model.safetensors", _safetensors_bytes(tensors, _header(model)))


def ckpt_future_version(folder: Path) -> Path:
    model = _model()
    return write_bytes(folder / "model.safetensors", _safetensors_bytes(model.state_dict(),
                                                                        _header(model, format_version=7)))


def ckpt_bad_version(folder: Path) -> Path:
    model = _model()
    return write_bytes(folder / "model.safetensors", _safetensors_bytes(model.state_dict(),
                                                                        _header(model, format_version="one")))


def ckpt_bad_config(folder: Path) -> Path:
    model = _model()
    header = _header(model)
    header["config"]["kind"] = "gan"
    return write_bytes(folder / "model.safetensors", _safetensors_bytes(model.state_dict(), header))


def ckpt_missing_weight(folder: Path) -> Path:
    model = _model()
    tensors = dict(model.state_dict())
    tensors.pop("decoder.0.bias")
    return write_bytes(folder / "model.safetensors", _safetensors_bytes(tensors, _header(model)))


def ckpt_empty(folder: Path) -> Path:
    return write_bytes(folder / "model.safetensors", b"")


def ckpt_bad_sidecar(folder: Path) -> Path:
    model = _model()
    path = write_bytes(folder / "model.safetensors", _safetensors_bytes(model.state_dict(), None))
    (folder / "model.json").write_text("[1, 2, 3]", encoding="utf-8")
    return path


# -- .pt -----------------------------------------------------------------------------------------------------


class _Mark:
    """Unpickling this calls `open(path, "w")`: if the marker file appears, a loader ran code from a file."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def pt_malicious(folder: Path) -> Path:
    """A .pt whose pickle creates `MARKER_NAME` when unpickled, next to a valid sidecar."""
    import torch

    model = _model()
    path = folder / "model.pt"
    torch.save({"state_dict": model.state_dict(), "payload": _Mark(str(folder / MARKER_NAME))}, path)
    (folder / "model.json").write_text(json.dumps(_header(model)), encoding="utf-8")
    return path


def pt_plain_pickle(folder: Path) -> Path:
    """The same trick in a bare pickle (no zip), as old-style torch files are."""
    model = _model()
    (folder / "model.json").write_text(json.dumps(_header(model)), encoding="utf-8")
    return write_bytes(folder / "model.pt", pickle.dumps(_Mark(str(folder / MARKER_NAME)), protocol=2))


def pt_not_torch(folder: Path) -> Path:
    (folder / "model.json").write_text(json.dumps(_header(_model())), encoding="utf-8")
    return write_bytes(folder / "model.pt", b"not a zip and not a pickle")


def pt_no_sidecar(folder: Path) -> Path:
    import torch

    buf = io.BytesIO()
    torch.save(_model().state_dict(), buf)
    return write_bytes(folder / "model.pt", buf.getvalue())


def pt_not_state_dict(folder: Path) -> Path:
    import torch

    (folder / "model.json").write_text(json.dumps(_header(_model())), encoding="utf-8")
    buf = io.BytesIO()
    torch.save([1, 2, 3], buf)
    return write_bytes(folder / "model.pt", buf.getvalue())


# -- round two: memory, nesting, schemas, limits, contracts, run folders (issue 14) --------------------------

#: The memory budget the corpus runs under ($AEVIEWER_MEMORY_BUDGET), so the refusals name fixed numbers.
CORPUS_MEMORY_BUDGET = 1_000_000_000
DEEP = 100_000


def _deep_json(levels: int = DEEP) -> str:
    return "[" * levels + "]" * levels


def idx_gzip_bomb(folder: Path) -> Path:
    """A few hundred bytes of gzip whose header asks for 25×8000×8000 bytes (1.6 GB, 14 GB as float32 copies)."""
    header = bytes([0, 0, 0x08, 3]) + struct.pack(">3I", 25, 8000, 8000)
    return _idx_pair(folder, header + bytes(4096), gz=True)


def npy_sparse_huge(folder: Path) -> Path:
    """A sparse .npy: a real header for 20000×20000 float32 and a file that size made of holes."""
    path = folder / "data.npy"
    with open(path, "wb") as f:
        np.lib.format.write_array_header_1_0(f, {"descr": "<f4", "fortran_order": False, "shape": (20000, 20000)})
        f.truncate(f.tell() + 20000 * 20000 * 4)
    return path


def images_blank_huge(folder: Path) -> Path:
    """Two blank 5000×5000 PNGs (tens of kB each) that decode to 25 million pixels apiece."""
    from PIL import Image

    root = folder / "images"
    for cls in ("a", "b"):
        (root / cls).mkdir(parents=True)
        Image.new("L", (5000, 5000)).save(root / cls / "blank.png", optimize=False)
    return root


def _raw_header_file(folder: Path, header_text: str, payload: bytes = b"") -> Path:
    text = header_text.encode()
    return write_bytes(folder / "model.safetensors", struct.pack("<Q", len(text)) + text + payload)


def st_deep_header(folder: Path) -> Path:
    return _raw_header_file(folder, '{"a": ' + _deep_json() + "}")


def st_deep_metadata(folder: Path) -> Path:
    from safetensors.torch import save

    return write_bytes(folder / "model.safetensors", save(_model().state_dict(), metadata={"aeviewer": _deep_json()}))


def ckpt_deep_sidecar(folder: Path) -> Path:
    path = write_bytes(folder / "model.safetensors", _safetensors_bytes(_model().state_dict(), None))
    (folder / "model.json").write_text(_deep_json(), encoding="utf-8")
    return path


def _config_file(folder: Path, **config) -> Path:
    """Weights of the small model under a forged config (the config is refused before the weights matter)."""
    model = _model()
    header = _header(model)
    header["config"].update(config)
    return write_bytes(folder / "model.safetensors", _safetensors_bytes(model.state_dict(), header))


def ckpt_100k_layers(folder: Path) -> Path:
    return _config_file(folder, hidden=[8] * 100_000)


def ckpt_40_conv_layers(folder: Path) -> Path:
    return _config_file(folder, backbone="conv", channels=[4] * 40)


def ckpt_billion_parameters(folder: Path) -> Path:
    return _config_file(folder, input_shape=[1, 64, 64], hidden=[16384, 16384])


# -- sessions -------------------------------------------------------------------------------------------------


def _session_doc(folder: Path) -> tuple[Path, dict]:
    """A valid session file in `folder` (a small model, digits) and its session.json, to be edited."""
    from aeviewer.core.session.session import Session, save_session

    path = save_session(folder / "view.aev", Session(dataset="digits", model=_model(), probes={"ae": (0.5, 0.5)},
                                                     view_ranges={"ae": ((0, 1), (0, 1))}))
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return path, json.loads(zf.read("session.json"))


def _rewrite_session(path: Path, doc: dict | str | bytes, weights: bool = True) -> Path:
    import zipfile

    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members["session.json"] = doc if isinstance(doc, bytes) else (doc if isinstance(doc, str) else json.dumps(doc))
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            if weights or name != "model.safetensors":
                zf.writestr(name, data)
    return path


def _edited_session(edit: Callable[[dict], object]) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path, doc = _session_doc(folder)
        edit(doc)
        return _rewrite_session(path, doc)

    return build


session_huge_probe = _edited_session(lambda d: d["probes"].update(ae=[1e308, -1e308]))
session_nan_range = _edited_session(lambda d: d["view_ranges"].update(ae=[[float("nan"), 1.0], [0.0, 1.0]]))
session_list_for_object = _edited_session(lambda d: d.update(probes=[0.5, 0.5]))
session_string_history = _edited_session(lambda d: d["model"]["meta"].update(history="epoch 1: 0.3"))
session_forever_path = _edited_session(lambda d: d.update(
    paths=[{"name": "forever", "space": "ae", "samples": [[0, 0, 0], [3.3e11, 1, 1]]}]))
session_huge_model = _edited_session(lambda d: d["model"]["config"].update(hidden=[8] * 100_000))
session_empty_range = _edited_session(lambda d: d["view_ranges"].update(ae=[[2.0, 2.0], [0.0, 1.0]]))


def session_deep_json(folder: Path) -> Path:
    path, _ = _session_doc(folder)
    return _rewrite_session(path, '{"format_version": 2, "probes": ' + _deep_json() + "}")


def session_zip_bomb(folder: Path) -> Path:
    """A 100 kB session whose session.json inflates to 100 MB."""
    path, _ = _session_doc(folder)
    return _rewrite_session(path, b" " * 100_000_000)


def session_not_zip(folder: Path) -> Path:
    return write_bytes(folder / "view.aev", b"PK\x05\x06 this is no zip")


def session_changed_dataset(folder: Path) -> Path:
    """A session saved on data.npy, whose data.npy was later replaced by a different array of the same name."""
    from aeviewer.core.session.session import Session, save_session

    data = folder / "data.npy"
    np.save(data, np.zeros((6, 16), np.float32))
    path = save_session(folder / "view.aev", Session(dataset=str(data)))
    np.save(data, np.ones((7, 16), np.float32))
    return path


def session_lost_model_code(folder: Path) -> Path:
    """A session holding your own model whose Python file was deleted afterwards."""
    from aeviewer.core.models.user_model import load_user_model
    from aeviewer.core.session.session import Session, save_session

    code = folder / "mine.py"
    code.write_text(_USER_MODEL.format(encode="return x.reshape(len(x), -1)[:, :2]", decode=_GOOD_DECODE))
    path = save_session(folder / "view.aev", Session(dataset="digits", model=load_user_model(code, None, (1, 8, 8))))
    code.unlink()
    return path


# -- recordings -----------------------------------------------------------------------------------------------


def _recording(text: str) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / "path.json"
        path.write_text(text, encoding="utf-8")
        return path

    return build


recording_deep = _recording('{"samples": ' + _deep_json() + "}")
recording_wrong_schema = _recording('{"name": "drag", "samples": {"t": [0, 1]}}')
recording_nan = _recording('{"name": "drag", "samples": [[0, 0, 0], [1, NaN, 0]]}')
recording_forever = _recording('{"name": "drag", "samples": [[0, 0, 0], [1e13, 1, 1]]}')


# -- your own model (bring-your-own .py files) ----------------------------------------------------------------

_USER_MODEL = """
import torch
from torch import nn


class Mine(nn.Module):
    def encode(self, x):
        {encode}

    def decode(self, z):
        {decode}
"""
_GOOD_DECODE = "return torch.sigmoid(z.sum(1, keepdim=True)).expand(len(z), 64)"


def _user_model(encode: str = "return x.reshape(len(x), -1)[:, :2]", decode: str = _GOOD_DECODE,
                text: str | None = None) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        from safetensors.torch import save_file

        code = folder / "model.py"
        code.write_text(text if text is not None else _USER_MODEL.format(encode=encode, decode=decode))
        save_file({}, str(folder / "weights.safetensors"))  # these models have no parameters
        return code

    return build


byo_exits_at_import = _user_model(text="""
import argparse

parser = argparse.ArgumentParser(description="VAE MNIST Example")
parser.add_argument("--data", required=True)
args = parser.parse_args()
""")
byo_interrupts_at_import = _user_model(text="raise KeyboardInterrupt\n")
byo_three_values = _user_model(encode="h = x.reshape(len(x), -1); return h[:, :2], h[:, 2:4], h[:, 4:6]")
byo_list = _user_model(encode="return [x.reshape(len(x), -1)[:, :2]]")
byo_some_batches = _user_model(
    encode="assert len(x) % 2 == 0, 'only even batches'; return x.reshape(len(x), -1)[:, :2]")
byo_nan_decode = _user_model(decode="return torch.full((len(z), 64), float('nan'))")
byo_range_decode = _user_model(decode="return torch.full((len(z), 64), 7.0)")
byo_shape_decode = _user_model(decode="return torch.zeros(len(z), 10)")
byo_encode_fails = _user_model(encode="raise ValueError(f'wants 3 channels, got {tuple(x.shape)}')")


# -- run folders (train --resume, --follow) -------------------------------------------------------------------


def _run_folder(folder: Path, config: dict | str | None = "valid", state: object = "valid") -> Path:
    """A run folder with a config.json, a `last` checkpoint of the small model after 1 epoch and its state."""
    import torch

    from aeviewer.core.train.checkpoint import save_checkpoint

    run = folder / "run"
    run.mkdir()
    model = _model()
    valid = {"format_version": 1, "data": "digits", "model": model.config.to_dict(),
             "train": {"epochs": 2, "batch_size": 16, "lr": 0.001, "seed": 0, "device": "cpu"},
             "world_size": 1, "checkpoint_every": 5}
    if config == "valid":
        config = valid
    if config is not None:
        (run / "config.json").write_text(config if isinstance(config, str) else json.dumps(config), encoding="utf-8")
    save_checkpoint(run / "last.safetensors", model, dataset_name="digits", history=[{"loss": 0.1}])
    if state == "valid":
        state = {"format_version": 1, "position": [2, 0], "epochs_done": 1, "optimizers": {}, "generators": {}}
    if state is not None:
        torch.save(state, run / "last.state.pt")
    return run


def run_no_config(folder: Path) -> Path:
    return _run_folder(folder, config=None)


def run_deep_config(folder: Path) -> Path:
    return _run_folder(folder, config='{"model": {}, "train": ' + _deep_json() + "}")


def run_config_wrong_types(folder: Path) -> Path:
    model = _model()
    return _run_folder(folder, config={"data": "digits", "model": model.config.to_dict(), "train": [20, 128]})


def run_config_huge_model(folder: Path) -> Path:
    config = _model().config.to_dict()
    config["hidden"] = [8] * 100_000
    return _run_folder(folder, config={"data": "digits", "model": config, "train": {"epochs": 2}})


def run_no_state(folder: Path) -> Path:
    return _run_folder(folder, state=None)


def run_malicious_state(folder: Path) -> Path:
    payload = _Mark(str(folder / MARKER_NAME))
    return _run_folder(folder, state={"position": [0, 0], "optimizers": {}, "payload": payload})


def run_state_wrong_types(folder: Path) -> Path:
    return _run_folder(folder, state={"position": "epoch 2", "optimizers": {}, "epochs_done": 1})


_PICKLE = "contains Python objects (pickle), which aeviewer never loads because loading a pickle can run code"
_PT_PICKLE = ("holds pickled Python objects, not just tensors; aeviewer only loads plain weights "
              "(weights_only=True) because unpickling a file can run code")

CORPUS: tuple[BadInput, ...] = (
    BadInput("idx-wrong-magic", "IDX", "wrong magic number", idx_wrong_magic,
             "is not an IDX file: an IDX file starts with two zero bytes, the file starts with 0x01 0x02"),
    BadInput("idx-wrong-dtype", "IDX", "unknown data type code", idx_wrong_dtype,
             "has unknown IDX data type code 0x42 (known codes: 0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E)"),
    BadInput("idx-dims-disagree", "IDX", "header dimensions disagree with the file size", idx_dims_disagree,
             "is 160 bytes but its header (9×6×6 unsigned bytes) means it should be 340 bytes; the file is "
             "truncated (an incomplete download?)"),
    BadInput("idx-truncated", "IDX", "data cut off", idx_truncated,
             "is 150 bytes but its header (4×6×6 unsigned bytes) means it should be 160 bytes; the file is "
             "truncated (an incomplete download?)"),
    BadInput("idx-truncated-gz", "IDX", "gzip cut off", idx_truncated_gz,
             "the compressed data ends early: the file is truncated (an incomplete download?)"),
    BadInput("idx-count-mismatch", "IDX", "images and labels of different counts", idx_count_mismatch,
             "has 7 labels but train-images-idx3-ubyte has 4 images; the two files do not belong together or "
             "one is damaged",
             names="train-labels-idx1-ubyte"),
    BadInput("idx-not-gzip", "IDX", "a .gz that is not gzip", idx_not_gzip,
             "is named .gz but is not a gzip file (it does not start with the gzip signature); the download "
             "is probably damaged, or it is not a compressed file"),
    BadInput("idx-terabytes", "IDX", "dimensions that would allocate terabytes", idx_terabytes,
             "the IDX header claims a shape of 1000000×1000000×1000000 (1,000,000,000,000,000,000 values), "
             "more than aeviewer will load (2,147,483,648); the file is corrupt or far too large"),
    BadInput("npy-object", "npy/npz", "object array (pickle)", npy_object_array,
             "the file contains Python objects (pickle), which aeviewer never loads because loading a pickle "
             "can run code"),
    BadInput("npy-pickle-payload", "npy/npz", "pickle that would run code", npy_pickle_payload,
             "the file contains Python objects (pickle), which aeviewer never loads because loading a pickle "
             "can run code"),
    BadInput("npy-wrong-rank", "npy/npz", "array of rank 5", npy_wrong_rank,
             "the array has 5 dimension(s) (shape 2×2×2×2×2); expected N×D vectors, N×H×W images, or N×C×H×W "
             "/ N×H×W×C images with 1 or 3 channels"),
    BadInput("npy-scalar", "npy/npz", "a single number", npy_scalar,
             "the array has 0 dimension(s) (shape ()); expected N×D vectors, N×H×W images, or N×C×H×W / "
             "N×H×W×C images with 1 or 3 channels"),
    BadInput("npy-nan", "npy/npz", "NaN values", npy_nan,
             "values contain NaN (1 of 20 values); every value must be a finite number"),
    BadInput("npy-inf", "npy/npz", "infinite values", npy_inf,
             "values contain infinity (1 of 20 values); every value must be a finite number"),
    BadInput("npy-out-of-range", "npy/npz", "values outside [0, 1] and 0..255", npy_out_of_range,
             "values range from -3 to 7; expected [0, 1] or whole numbers in [0, 255]"),
    BadInput("npy-strings", "npy/npz", "strings instead of numbers", npy_strings,
             "values have type <U1; expected numbers"),
    BadInput("npz-label-count", "npy/npz", "labels and samples of different counts", npz_label_count,
             "array 'y' has 2 labels but there are 3 samples"),
    BadInput("npz-object", "npy/npz", "object array inside an npz", npz_object,
             "array 'x' contains Python objects (pickle), which aeviewer never loads because loading a "
             "pickle can run code"),
    BadInput("npz-not-zip", "npy/npz", "an .npz that is not a zip", npz_not_zip,
             "is not a valid .npz file (it is not a zip archive)"),
    BadInput("csv-ragged", "CSV", "rows of different lengths", csv_ragged,
             "row 2 has 2 columns but row 1 has 3; every row must have the same number of columns"),
    BadInput("csv-text-cell", "CSV", "a non-numeric cell", csv_text_cell,
             "row 2, column 2 holds 'oops', which is not a number"),
    BadInput("csv-nan-cell", "CSV", "a NaN cell", csv_nan_cell,
             "row 2, column 2 holds 'nan'; every value must be a finite number"),
    BadInput("csv-empty", "CSV", "an empty file", csv_empty,
             "is empty (no data rows)"),
    BadInput("csv-binary", "CSV", "binary data named .csv", csv_binary,
             "is not a text file (it is not valid UTF-8), so it cannot be read as CSV"),
    BadInput("images-empty", "image folder", "an empty folder", images_empty,
             "contains no images: expected one subfolder per class holding image files (.png, .jpg, .jpeg, "
             ".bmp, .gif, .tif, .tiff, .webp, .pgm, .ppm, .pbm)"),
    BadInput("images-unreadable", "image folder", "an unreadable image", images_unreadable,
             "is not a readable image (cannot identify image file '{folder}/images/cat/broken.png')",
             names="images/cat/broken.png"),
    BadInput("images-mixed-sizes", "image folder", "images of different sizes", images_mixed_sizes,
             "images have different sizes: cat/0.png is 8×6 but dog/0.png is 5×9 (all images must be the "
             "same size)"),
    BadInput("single-image", "image folder", "a single image instead of a folder", single_image,
             "is a single image; point aeviewer at a folder of images with one subfolder per class"),
    BadInput("unknown-format", "other", "a file in no known format", unknown_format,
             "is not in a format aeviewer recognises. aeviewer reads: the names digits, mnist, fashion-mnist "
             "and cifar10; .npy/.npz arrays (npz keys x/images, y/labels, optional x_test/y_test); .csv/.tsv "
             "tables (one row per sample, optional label column); IDX files (*-ubyte or *-ubyte.gz, e.g. "
             "MNIST) or a torchvision MNIST folder; a CIFAR-10 binary folder (data_batch_*.bin, "
             "test_batch.bin); a folder of images (png, jpg, jpeg, bmp, gif, ...) with one subfolder per "
             "class"),
    BadInput("missing-file", "other", "a path that does not exist", missing_file,
             "no such file or folder"),
    BadInput("st-truncated", "safetensors", "truncated", st_truncated,
             "is truncated: its header describes 1,288 bytes of tensor data but only 1,248 follow (an "
             "interrupted save or download?)"),
    BadInput("st-header-beyond-file", "safetensors", "header length beyond the file", st_header_beyond_file,
             "is not a safetensors file (bad header size: truncated or other format?)"),
    BadInput("st-overlapping", "safetensors", "forged header with overlapping offsets", st_overlapping_offsets,
             "is a forged or damaged safetensors file: tensor 'encoder.0.bias' overlaps tensor "
             "'encoder.0.weight'"),
    BadInput("st-wrong-dtype", "safetensors", "integer weights", st_wrong_dtype,
             "weight 'encoder.1.weight' is not a floating-point tensor (torch.int32)"),
    BadInput("st-unknown-dtype", "safetensors", "a dtype safetensors does not know", st_unknown_dtype,
             "tensor 'encoder.0.weight' has data type 'Q7', which aeviewer does not read"),
    BadInput("st-header-not-json", "safetensors", "header is not JSON", st_header_not_json,
             "is not a safetensors file (its header is not JSON)"),
    BadInput("st-no-config", "safetensors", "weights without an aeviewer config", st_no_config,
             "has no aeviewer config (no metadata and no model.json)"),
    BadInput("pt-malicious", ".pt", "a pickle that tries to run code", pt_malicious,
             "holds pickled Python objects, not just tensors; aeviewer only loads plain weights "
             "(weights_only=True) because unpickling a file can run code"),
    BadInput("pt-plain-pickle", ".pt", "a bare pickle that tries to run code", pt_plain_pickle,
             "holds pickled Python objects, not just tensors; aeviewer only loads plain weights "
             "(weights_only=True) because unpickling a file can run code"),
    BadInput("pt-not-torch", ".pt", "not a PyTorch file", pt_not_torch,
             "is not a PyTorch weights file (it could not be unpickled)"),
    BadInput("pt-no-sidecar", ".pt", "a state_dict without its config", pt_no_sidecar,
             "a PyTorch state_dict carries no model config: put its config in model.json (as written by "
             "aeviewer) next to it"),
    BadInput("pt-not-state-dict", ".pt", "a list, not a state_dict", pt_not_state_dict,
             "does not hold a state_dict (a mapping of names to tensors)"),
    BadInput("ckpt-shape-mismatch", "checkpoint", "config and weight shapes disagree", ckpt_shape_mismatch,
             "weight 'encoder.3.weight' has shape (3, 8) but the config expects (2, 8)"),
    BadInput("ckpt-nan-weights", "checkpoint", "NaN weights", ckpt_nan_weights,
             "weight 'decoder.0.weight' contains NaN or infinite values"),
    BadInput("ckpt-future-version", "checkpoint", "a newer format version", ckpt_future_version,
             "was made by a newer aeviewer (format 7); this version reads format 1: please upgrade"),
    BadInput("ckpt-bad-version", "checkpoint", "an unknown format version", ckpt_bad_version,
             "has an unknown checkpoint format version 'one'"),
    BadInput("ckpt-bad-config", "checkpoint", "an invalid model config", ckpt_bad_config,
             "has an invalid model config: kind must be one of ae, sparse, vae, aae; got 'gan'"),
    BadInput("ckpt-missing-weight", "checkpoint", "a weight missing", ckpt_missing_weight,
             "lacks weight 'decoder.0.bias' that an ae model needs"),
    BadInput("ckpt-empty", "checkpoint", "an empty file", ckpt_empty,
             "is empty (an interrupted save?)"),
    BadInput("ckpt-bad-sidecar", "checkpoint", "a sidecar that is not a JSON object", ckpt_bad_sidecar,
             "is not a JSON object",
             names="model.json"),

    # round two (issue 14): memory, nesting, schemas, limits, contracts, run folders
    BadInput("idx-gzip-bomb", "IDX", "a tiny gzip whose header asks for 1.6 GB", idx_gzip_bomb,
             "the IDX header (25×8000×8000 values) would need about 14.4 GB of memory (14,400,000,000 bytes), more "
             "than the 1 GB (1,000,000,000 bytes) aeviewer allows one load (set by $AEVIEWER_MEMORY_BUDGET)"),
    BadInput("npy-sparse-huge", "npy/npz", "a sparse file with a real 20000×20000 header", npy_sparse_huge,
             "the file (20000×20000 values) would need about 4.8 GB of memory (4,800,000,000 bytes), more than the "
             "1 GB (1,000,000,000 bytes) aeviewer allows one load (set by $AEVIEWER_MEMORY_BUDGET)"),
    BadInput("images-blank-huge", "image folder", "blank 5000×5000 PNGs of a few kB", images_blank_huge,
             "the image folder (2×3×5000×5000 values) would need about 1.35 GB of memory (1,350,000,000 bytes), more "
             "than the 1 GB (1,000,000,000 bytes) aeviewer allows one load (set by $AEVIEWER_MEMORY_BUDGET)"),
    BadInput("st-deep-header", "safetensors", "a header nested 100,000 levels deep", st_deep_header,
             "is not a safetensors file aeviewer reads: its header nests 100,001 levels deep; "
             "aeviewer reads JSON nested at most 64 levels"),
    BadInput("st-deep-metadata", "safetensors", "aeviewer metadata nested 100,000 levels deep", st_deep_metadata,
             "has unreadable aeviewer metadata: it nests 100,000 levels deep; "
             "aeviewer reads JSON nested at most 64 levels"),
    BadInput("ckpt-deep-sidecar", "checkpoint", "a sidecar nested 100,000 levels deep", ckpt_deep_sidecar,
             "is not a readable JSON sidecar: it nests 100,000 levels deep; "
             "aeviewer reads JSON nested at most 64 levels",
             names="model.json"),
    BadInput("ckpt-100k-layers", "checkpoint", "a config with 100,000 hidden layers", ckpt_100k_layers,
             "has a model config aeviewer will not build: hidden lists 100,000 layers; aeviewer builds at most 32"),
    BadInput("ckpt-40-conv-layers", "checkpoint", "a conv config with 40 layers", ckpt_40_conv_layers,
             "has a model config aeviewer will not build: channels lists 40 conv layers; aeviewer builds at most 8"),
    BadInput("ckpt-billion-parameters", "checkpoint", "a config of 671 million parameters", ckpt_billion_parameters,
             "has a model config aeviewer will not build: the config has 671,223,810 parameters; aeviewer loads at "
             "most 200,000,000"),
    BadInput("session-huge-probe", "session", "a probe at ±1e308", session_huge_probe,
             "has an invalid session.json: field probes.ae.0: Input should be less than or equal to 1000000 (got "
             "1e+308) (1 more problem(s))"),
    BadInput("session-nan-range", "session", "a NaN view range", session_nan_range,
             "has an invalid session.json: field view_ranges.ae.0.0: Input should be a finite number (got nan)"),
    BadInput("session-empty-range", "session", "an empty view range", session_empty_range,
             "has an invalid session.json: field view_ranges.ae: its x range [2, 2] is empty or reversed"),
    BadInput("session-list-for-object", "session", "a list where an object goes", session_list_for_object,
             "has an invalid session.json: field probes: Input should be an object"),
    BadInput("session-string-history", "session", "a string history", session_string_history,
             "has an invalid session.json: field model.meta.history: Input should be a valid array (got 'epoch 1: "
             "0.3')"),
    BadInput("session-forever-path", "session", "a recorded path of 10^13 frames", session_forever_path,
             "has an invalid session.json: field paths.0.samples.1.0: Input should be less than or equal to 3000 "
             "(got 330000000000.0)"),
    BadInput("session-huge-model", "session", "a model config with 100,000 layers", session_huge_model,
             "has a model config aeviewer will not build: hidden lists 100,000 layers; aeviewer builds at most 32"),
    BadInput("session-deep-json", "session", "session.json nested 100,000 levels deep", session_deep_json,
             "has an unreadable session.json: it nests 100,001 levels deep; "
             "aeviewer reads JSON nested at most 64 levels"),
    BadInput("session-zip-bomb", "session", "100 kB that inflate to 100 MB", session_zip_bomb,
             "has an implausibly large session.json (100,000,000 bytes inflated; at most 64,000,000)"),
    BadInput("session-not-zip", "session", "not a zip", session_not_zip,
             "is not an aeviewer session (not a readable zip: File is not a zip file)"),
    BadInput("session-changed-dataset", "session", "its dataset file was replaced", session_changed_dataset,
             "its dataset has changed since the session was saved: it was 512 bytes with content hash "
             "dfa9bba4e4df…, but {folder}/data.npy (576 bytes) differs; aeviewer will not open a different dataset "
             "under the same name"),
    BadInput("session-lost-model-code", "session", "its own model's .py file is gone", session_lost_model_code,
             "needs its model code {folder}/mine.py, which is not there any more (looked in {folder}/mine.py)"),
    BadInput("recording-deep", "recording", "nested 100,000 levels deep", recording_deep,
             "not a recorded probe path (it nests 100,001 levels deep; aeviewer reads JSON nested at most 64 levels)"),
    BadInput("recording-wrong-schema", "recording", "samples that are not a list", recording_wrong_schema,
             "not a recorded probe path (field samples: Input should be a valid array)"),
    BadInput("recording-nan", "recording", "NaN coordinates", recording_nan,
             "not a recorded probe path (field samples.1.1: Input should be a finite number (got nan))"),
    BadInput("recording-forever", "recording", "a duration of 10^13 seconds", recording_forever,
             "not a recorded probe path (field samples.1.0: Input should be less than or equal to 3000 (got "
             "10000000000000.0))"),
    BadInput("byo-exits-at-import", "your own model", "sys.exit() at import (argparse)", byo_exits_at_import,
             "running it failed: it called sys.exit(2) (a script that parses its command line when imported?); it "
             "printed: model.py: error: the following arguments are required: --data"),
    BadInput("byo-interrupts-at-import", "your own model", "KeyboardInterrupt at import", byo_interrupts_at_import,
             "running it failed: it raised KeyboardInterrupt"),
    BadInput("byo-three-values", "your own model", "encode returns 3 values", byo_three_values,
             "encode returned 3 values; the contract is a tensor z or a (mu, logvar) pair"),
    BadInput("byo-list", "your own model", "encode returns a list", byo_list,
             "encode returned a list of 1; the contract is a tensor z or a (mu, logvar) tuple"),
    BadInput("byo-some-batches", "your own model", "encode works only for some batch sizes", byo_some_batches,
             "encode on a batch of 1 failed: AssertionError: only even batches"),
    BadInput("byo-nan-decode", "your own model", "NaN decodes", byo_nan_decode,
             "decode returned NaN, infinite or non-float values; the contract is samples in [0, 1]"),
    BadInput("byo-range-decode", "your own model", "decodes outside [0, 1]", byo_range_decode,
             "decode returned values from 7 to 7; the contract is samples in [0, 1] (end the decoder with a sigmoid)"),
    BadInput("byo-shape-decode", "your own model", "a decode of another shape", byo_shape_decode,
             "decode returns (1, 10) for 1 code(s); the data needs (1, 8, 8) per sample"),
    BadInput("byo-encode-fails", "your own model", "encode fails as given and flattened", byo_encode_fails,
             "encode fails on (1, 8, 8) samples both as given and flattened (as given: ValueError: wants 3 channels, "
             "got (2, 1, 8, 8); flattened: ValueError: wants 3 channels, got (2, 64))"),
    BadInput("run-no-config", "run folder", "config.json missing", run_no_config,
             "does not exist: is this a run folder (made by `aeviewer train --run`)?", names="run/config.json"),
    BadInput("run-deep-config", "run folder", "config.json nested 100,000 levels deep", run_deep_config,
             "is not a readable run config: it nests 100,001 levels deep; "
             "aeviewer reads JSON nested at most 64 levels",
             names="run/config.json"),
    BadInput("run-config-wrong-types", "run folder", "a list where the train settings go", run_config_wrong_types,
             "is not a valid run config: field train: Input should be an object", names="run/config.json"),
    BadInput("run-config-huge-model", "run folder", "a model config with 100,000 layers", run_config_huge_model,
             "is not a valid run config: field model: hidden lists 100,000 layers; aeviewer builds at most 32",
             names="run/config.json"),
    BadInput("run-no-state", "run folder", "last.state.pt missing", run_no_state,
             "does not exist: the run cannot be resumed from its last save", names="run/last.state.pt"),
    BadInput("run-malicious-state", "run folder", "a training state that tries to run code", run_malicious_state,
             "holds pickled Python objects, not just tensors; aeviewer only loads plain training states "
             "(weights_only=True) because unpickling a file can run code", names="run/last.state.pt"),
    BadInput("run-state-wrong-types", "run folder", "a training state with a string position", run_state_wrong_types,
             "field position: expected [epoch, step] whole numbers, got 'epoch 2'", names="run/last.state.pt"),
)


def build_corpus(root: Path) -> dict[str, Path]:
    """Write every case into `root/<name>/`; returns the path to open for each."""
    out = {}
    for case in CORPUS:
        folder = root / case.name
        folder.mkdir(parents=True, exist_ok=True)
        out[case.name] = case.build(folder)
    return out


def readme_table() -> str:
    """The README's troubleshooting table: each kind of bad input and what the user sees."""
    rows = ["| Input | Problem | What aeviewer says (after the file name) |", "|---|---|---|"]
    for case in CORPUS:
        problem = case.problem.replace("{folder}", "<folder>").replace("|", "\\|")
        rows.append(f"| {case.kind} | {case.what} | {problem} |")
    return "\n".join(rows)


if __name__ == "__main__":
    if sys.argv[1:] == ["--readme"]:
        print(readme_table())
    else:
        for name, path in build_corpus(Path(sys.argv[1])).items():
            print(f"{name}: {path}")
