"""Adversarial autoencoder: a discriminator pushes the codes towards a standard Gaussian prior.

Each `train_step` alternates two updates with two optimizers (groups "main" and "disc"):
1. autoencoder (encoder + decoder): recon + adv_weight · adv, where adv is the encoder's loss for
   fooling the discriminator into calling its codes prior samples;
2. discriminator: tell prior samples (label 1) from the batch's codes, detached (label 0).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .autoencoders import Autoencoder
from .backbones import mlp
from .config import ModelConfig


class AdversarialAutoencoder(Autoencoder):
    """AAE with a Gaussian prior; `loss` gives the autoencoder side {"recon", "adv", "total"}."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__(config)
        self.discriminator = mlp(config.latent_dim, config.disc_hidden, 1)

    def _terms(self, x: Tensor) -> tuple[dict[str, Tensor], Tensor]:
        z = self.encode(x)
        recon = self.reconstruction_loss(self.decode_logits(z), x)
        fake_logits = self.discriminator(z)
        adv = F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
        total = recon + self.config.adv_weight * adv
        return {"recon": recon, "adv": adv, "total": total}, z

    def loss(self, x: Tensor) -> dict[str, Tensor]:
        return self._terms(x)[0]

    def discriminator_loss(self, z: Tensor) -> Tensor:
        """Mean BCE of the discriminator on prior samples (real) and the given codes (fake)."""
        real = self.discriminator(self.sample_normal(tuple(z.shape), z))
        fake = self.discriminator(z)
        return 0.5 * (
            F.binary_cross_entropy_with_logits(real, torch.ones_like(real))
            + F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake))
        )

    def optimizer_groups(self) -> dict[str, list[nn.Parameter]]:
        disc = {id(p) for p in self.discriminator.parameters()}
        main = [p for p in self.parameters() if id(p) not in disc]
        return {"main": main, "disc": list(self.discriminator.parameters())}

    def train_step(self, x: Tensor, optimizers: dict[str, torch.optim.Optimizer]) -> dict[str, Tensor]:
        opt, opt_disc = optimizers["main"], optimizers["disc"]
        opt.zero_grad(set_to_none=True)
        terms, z = self._terms(x)
        terms["total"].backward()
        opt.step()
        # The autoencoder's backward also left gradients on the discriminator: zero_grad drops them.
        opt_disc.zero_grad(set_to_none=True)
        disc = self.discriminator_loss(z.detach())
        disc.backward()
        opt_disc.step()
        total = terms.pop("total")
        return {**{k: v.detach() for k, v in terms.items()}, "disc": disc.detach(), "total": total.detach()}
