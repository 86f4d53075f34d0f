"""Follow a training run that another process writes: the loss curve and the latent view update as it trains.

Starts `aeviewer train --run DIR` in the background (on a cluster it would be `torchrun ... aeviewer train
--run-dir DIR`), then opens the explorer following DIR. `--quit-after MS` closes it by itself.

    python examples/follow_a_run.py [--epochs N]
"""

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

import aeviewer


def main(epochs: int, quit_after_ms: int) -> int:
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        run = Path(folder) / "run"
        trainer = subprocess.Popen([sys.executable, "-m", "aeviewer.cli", "train", "--data", "digits",
                                    "--epochs", str(epochs), "--run", str(run)])
        window = aeviewer.show("digits", block=False)
        window.files.follow_run(run)
        if quit_after_ms:
            QTimer.singleShot(quit_after_ms, window.close)
            QTimer.singleShot(quit_after_ms, app.quit)
        code = app.exec()
        window.close()
        print(f"followed {window.files.follower.checkpoints_shown} checkpoint(s) of {run.name}")
        trainer.wait(120)
    return code


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--quit-after", type=int, default=0, metavar="MS")
    args = parser.parse_args()
    raise SystemExit(main(args.epochs, args.quit_after))
