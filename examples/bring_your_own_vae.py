"""Bring your own VAE: any nn.Module with `encode` (here returning mu, logvar) and `decode` can be explored.

This file is itself the model file aeviewer reads (`aeviewer.load_user_model(__file__, ...)`); in the app,
File ▸ Open your own model does the same with a .py file and its weights.

    python examples/bring_your_own_vae.py [--show]
"""

import argparse

import torch
from torch import nn


class TinyVAE(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.encoder = nn.Sequential(nn.Flatten(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 4))
        self.decoder = nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 64), nn.Sigmoid())

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mu, logvar = self.encoder(x).chunk(2, dim=1)
        return mu, logvar

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(z).view(-1, 1, 8, 8)


def main(show: bool) -> None:
    import aeviewer

    data = aeviewer.load_dataset("digits")
    model = aeviewer.load_user_model(__file__, None, data.sample_shape, class_name="TinyVAE")
    codes = aeviewer.encode(model, data.x[:100])
    print(f"your {model.config.kind} has a {model.config.latent_dim}-D code; 100 digits encode to {codes.shape}")
    if show:
        aeviewer.show(data, model)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="open the explorer on it")
    main(parser.parse_args().show)
