"""`aeviewer train` ends with the held-out error beside both baselines, and names a collapse once."""

from aeviewer.cli import main


def test_train_compares_with_the_mean_image_and_pca(tmp_path, capsys):
    assert main(["train", "--data", "digits", "--preset", "mlp-2d", "--epochs", "2",
                 "--out", str(tmp_path / "m.safetensors")]) == 0
    err = capsys.readouterr().err
    assert "held-out reconstruction MSE" in err and "mean image 0.07" in err and "PCA with 2 components" in err
    assert "warning:" not in err


def test_a_collapsed_run_is_named_in_one_warning_line(tmp_path, capsys):
    # A learning rate of 5 saturates the sigmoid output within an epoch: the decoder draws one picture.
    assert main(["train", "--data", "digits", "--model", "ae", "--latent", "2", "--epochs", "4", "--lr", "5",
                 "--out", str(tmp_path / "m.safetensors")]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "Training collapsed" in warnings[0] and "learning rate" in warnings[0]
