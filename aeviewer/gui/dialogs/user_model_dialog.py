"""Open a user's own model (a Python file and its weights) in the window."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog

from aeviewer.core.errors import AeviewerError
from aeviewer.core.models.user_model import load_user_model
from aeviewer.gui.views.file_dialogs import open_file

if TYPE_CHECKING:
    from aeviewer.gui.app.main_window import MainWindow


def open_user_model(window: MainWindow, code: str | Path, weights: str | Path | None,
                    class_name: str | None = None) -> bool:
    """Load the model for the window's dataset and explore it; errors go to the window, never raise."""
    if window.dataset is None:
        window.show_error("Open a dataset first: your model is probed with its samples.")
        return False
    refusal = window.state.refusal("opening another model")
    if refusal:
        window.show_error(refusal)
        return False
    try:
        model = load_user_model(code, weights, tuple(window.dataset.sample_shape), class_name)
    except AeviewerError as exc:
        window.show_error(str(exc))
        return False
    window.set_model(model, history=[])
    window.settings_panel.status.setText(f"Your model {Path(code).name}: {model.config.latent_dim}-D code"
                                         f"{' (mu of a VAE)' if model.config.kind == 'vae' else ''}. "
                                         "Train builds a new aeviewer model.")
    source = Path(weights).name if weights else "its initial weights"
    window.statusBar().showMessage(f"Loaded your model {Path(code).name} with {source}", 8000)
    return True


def open_user_model_dialog(window: MainWindow) -> None:
    code = open_file(window, window.settings, "user_model", "Your model's Python file", "Python (*.py)")
    if not code:
        return
    weights, _ = QFileDialog.getOpenFileName(window, "Its weights", str(Path(code).parent),
                                             "Weights (*.safetensors *.pt *.pth);;All files (*)")
    if weights:
        open_user_model(window, code, weights)
