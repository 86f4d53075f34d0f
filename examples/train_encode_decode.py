"""Train a small autoencoder on the digits, then encode, decode, reconstruct, save and load it with numpy arrays.

    python examples/train_encode_decode.py [--epochs N]
"""

import argparse
import tempfile
from pathlib import Path

import numpy as np

import aeviewer


def main(epochs: int) -> None:
    data = aeviewer.load_dataset("digits")
    model = aeviewer.build_model(input_shape=data.sample_shape, latent_dim=2, seed=0)
    history = aeviewer.fit(model, data, epochs=epochs, batch_size=128, lr=3e-3)
    print(f"trained {len(history)} epochs: loss {history[0]['total']:.4f} -> {history[-1]['total']:.4f}")

    test = data.split(test=True)
    codes = aeviewer.encode(model, test.x)  # N×2
    centre = aeviewer.decode(model, codes.mean(axis=0, keepdims=True))  # the picture at the codes' centre
    error = float(np.mean((aeviewer.reconstruct(model, test.x) - test.x) ** 2))
    print(f"{len(codes)} held-out codes, centre decodes to {centre.shape[1:]}, reconstruction MSE {error:.4f}")

    with tempfile.TemporaryDirectory() as folder:
        path = aeviewer.save(Path(folder) / "digits-ae", model, data, history)
        again = aeviewer.load(path)
        assert np.allclose(aeviewer.encode(again, test.x), codes, atol=1e-5)
        print(f"saved and loaded {path.name}: same codes")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    main(parser.parse_args().epochs)
