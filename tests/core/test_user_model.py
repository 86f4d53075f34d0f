"""Bring your own model: a tutorial-style PyTorch VAE file plus its weights, loaded and explored."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from aeviewer.core.data.dataset import Dataset
from aeviewer.core.errors import CheckpointError
from aeviewer.core.latent.spaces import AutoencoderSpace
from aeviewer.core.models.user_model import load_user_model

# Written the way the PyTorch VAE examples write it: flat inputs, encode -> (mu, logvar), sigmoid decoder.
TUTORIAL_VAE = '''
import torch
from torch import nn
import torch.nn.functional as F


class VAE(nn.Module):
    def __init__(self):
        super(VAE, self).__init__()
        self.fc1 = nn.Linear(64, 32)
        self.fc21 = nn.Linear(32, 3)
        self.fc22 = nn.Linear(32, 3)
        self.fc3 = nn.Linear(3, 32)
        self.fc4 = nn.Linear(32, 64)

    def encode(self, x):
        h1 = F.relu(self.fc1(x))
        return self.fc21(h1), self.fc22(h1)

    def reparameterize(self, mu, logvar):
        std = torch.exp(0.5 * logvar)
        eps = torch.randn_like(std)
        return mu + eps * std

    def decode(self, z):
        h3 = F.relu(self.fc3(z))
        return torch.sigmoid(self.fc4(h3))

    def forward(self, x):
        mu, logvar = self.encode(x.view(-1, 64))
        z = self.reparameterize(mu, logvar)
        return self.decode(z), mu, logvar
'''


def write_tutorial_vae(tmp_path, suffix=".pt"):
    code = tmp_path / "my_vae.py"
    code.write_text(TUTORIAL_VAE)
    namespace: dict = {}
    exec(compile(TUTORIAL_VAE, str(code), "exec"), namespace)  # noqa: S102 (the test's own source)
    torch.manual_seed(0)
    module = namespace["VAE"]()
    weights = tmp_path / f"my_vae{suffix}"
    if suffix == ".safetensors":
        from safetensors.torch import save_file

        save_file(module.state_dict(), str(weights))
    else:
        torch.save(module.state_dict(), weights)
    return code, weights, module


@pytest.mark.parametrize("suffix", [".pt", ".safetensors"])
def test_tutorial_vae_is_loaded_and_explored(tmp_path, suffix):
    code, weights, original = write_tutorial_vae(tmp_path, suffix)
    model = load_user_model(code, weights, (1, 8, 8))
    assert model.config.latent_dim == 3 and model.config.kind == "vae" and model.flat_input
    rng = np.random.default_rng(0)
    data = Dataset("tiny", rng.random((60, 1, 8, 8), dtype=np.float32), rng.integers(0, 3, 60))
    space = AutoencoderSpace.build(model, data)
    # The codes are the tutorial model's own means, and decoding goes through its decoder.
    with torch.inference_mode():
        mu, _ = original.encode(torch.from_numpy(data.x[:5]).view(-1, 64))
        np.testing.assert_allclose(space.codes[:5], mu.numpy(), rtol=1e-5, atol=1e-6)
        expected = original.decode(torch.from_numpy(space.code_at(space.points[2])).view(1, -1))
    np.testing.assert_allclose(space.decode_at(space.points[2]).reshape(-1), expected.numpy().reshape(-1), atol=1e-6)
    assert space.errors().shape == (60,)


def test_wrong_weights_and_broken_files_name_the_file(tmp_path):
    code, weights, _ = write_tutorial_vae(tmp_path)
    other = tmp_path / "other.pt"
    torch.save({"fc1.weight": torch.zeros(2, 2)}, other)
    with pytest.raises(CheckpointError, match="other.pt"):
        load_user_model(code, other, (1, 8, 8))
    with pytest.raises(CheckpointError, match="decode returns|encode fails"):
        load_user_model(code, weights, (1, 6, 6))
    broken = tmp_path / "broken.py"
    broken.write_text("import nonexistent_package_xyz\n")
    with pytest.raises(CheckpointError, match="broken.py.*ModuleNotFoundError"):
        load_user_model(broken, None, (1, 8, 8))
    pickled = tmp_path / "pickled.pt"
    torch.save({"fc1.weight": object()}, pickled)  # needs pickle to load: refused by weights_only
    with pytest.raises(CheckpointError, match="pickled.pt"):
        load_user_model(code, pickled, (1, 8, 8))
