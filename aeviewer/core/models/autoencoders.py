"""The Autoencoder base (plain AE) and its sparse and variational variants.

Every model exposes the same small surface so the trainer and the GUI never branch on the kind:
`encode`, `decode` (values in [0, 1]), `forward` (reconstruction), `loss` (named scalar terms with a
"total" to backprop), and the training hooks `optimizer_groups` + `train_step` (see adversarial.py for
a model that needs more than one optimizer).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from aeviewer.core.models.backbones import build_decoder, build_encoder
from aeviewer.core.models.config import ModelConfig


class Autoencoder(nn.Module):
    """Plain autoencoder: deterministic code, reconstruction loss only.

    Nothing here depends on `self.training`, so switching eval/train mode from another thread (as the GUI
    does to decode while a worker trains) never changes what a training step computes.
    """

    def __init__(self, config: ModelConfig, *, encoder_out: int | None = None) -> None:
        super().__init__()
        config.validate()
        self.config = config
        self.encoder = build_encoder(config, encoder_out or config.latent_dim)
        if config.latent_activation == "relu":
            self.encoder.append(nn.ReLU())
        self.decoder = build_decoder(config)
        # Source of training noise (VAE sampling, AAE prior); the trainer sets a seeded one so runs repeat.
        self.noise_generator: torch.Generator | None = None
        # A new model starts its decoder at the data's mean image (the Trainer calls fit_output_bias once);
        # loaded weights clear this, so continuing or resuming never resets a trained decoder.
        self.output_bias_pending = True

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True, assign: bool = False) -> Any:
        result = super().load_state_dict(state_dict, strict=strict, assign=assign)
        self.output_bias_pending = False
        return result

    @torch.no_grad()
    def fit_output_bias(self, mean_image: Tensor) -> None:
        """Set the decoder's output bias to logit(mean image), so training starts from the mean-image
        baseline instead of a grey 0.5 everywhere, far from the saturated sigmoid where MSE has no gradient."""
        self.output_bias_pending = False
        last = [m for m in self.decoder.modules() if getattr(m, "bias", None) is not None]
        if not last:
            return
        target = torch.logit(mean_image.float().clamp(1e-3, 1 - 1e-3))
        bias = cast(Tensor, last[-1].bias)  # Module.__getattr__ is typed Tensor | Module
        if bias.numel() == target.numel():
            bias.copy_(target.reshape(bias.shape).to(bias))

    def encode(self, x: Tensor) -> Tensor:
        """B×input_shape → B×latent."""
        code: Tensor = self.encoder(x)
        return code

    def decode_logits(self, z: Tensor) -> Tensor:
        """B×latent → B×input_shape pre-sigmoid values (what the losses use, for numerical stability)."""
        logits: Tensor = self.decoder(z)
        return logits

    def decode(self, z: Tensor) -> Tensor:
        """B×latent → B×input_shape in [0, 1]."""
        return torch.sigmoid(self.decoder(z))

    def forward(self, x: Tensor) -> Tensor:
        return self.decode(self.encode(x))

    def reconstruction_loss(self, logits: Tensor, x: Tensor) -> Tensor:
        """Mean over every value: MSE on the sigmoid output, or BCE computed from logits."""
        if self.config.loss == "bce":
            return F.binary_cross_entropy_with_logits(logits, x)
        return F.mse_loss(torch.sigmoid(logits), x)

    def loss(self, x: Tensor) -> dict[str, Tensor]:
        """Named scalar terms; "total" (always last) is the one to backprop."""
        recon = self.reconstruction_loss(self.decode_logits(self.encode(x)), x)
        return {"recon": recon, "total": recon}

    def optimizer_groups(self) -> dict[str, list[nn.Parameter]]:
        """Parameters per optimizer; the trainer makes one Adam per group. Plain models need one."""
        return {"main": list(self.parameters())}

    def optimizer_options(self) -> dict[str, dict[str, Any]]:
        """Per-group Adam settings beyond the run's learning rate ({"lr_scale", "betas"}); none for plain models."""
        return {}

    def train_step(self, x: Tensor, optimizers: dict[str, torch.optim.Optimizer]) -> dict[str, Tensor]:
        """One update on batch `x`; returns detached loss terms (tensors, so no device sync is forced)."""
        opt = optimizers["main"]
        opt.zero_grad(set_to_none=True)
        terms = self.loss(x)
        terms["total"].backward()
        opt.step()
        return {k: v.detach() for k, v in terms.items()}

    def sample_normal(self, shape: tuple[int, ...], like: Tensor) -> Tensor:
        """Standard-normal noise from `noise_generator`, on `like`'s device and dtype."""
        return torch.randn(shape, generator=self.noise_generator, device=like.device, dtype=like.dtype)


class SparseAutoencoder(Autoencoder):
    """Autoencoder with λ1·|h| + λ2·h² on the code h (Keras-style activity regularizer λR(h)).

    Terms: "l1" = mean over the batch of Σ|h|, "l2" = mean of Σh² (unweighted);
    total = recon + config.l1·l1 + config.l2·l2.
    """

    def loss(self, x: Tensor) -> dict[str, Tensor]:
        h = self.encode(x)
        recon = self.reconstruction_loss(self.decode_logits(h), x)
        l1 = h.abs().sum(dim=1).mean()
        l2 = h.pow(2).sum(dim=1).mean()
        total = recon + self.config.l1 * l1 + self.config.l2 * l2
        return {"recon": recon, "l1": l1, "l2": l2, "total": total}


class VariationalAutoencoder(Autoencoder):
    """β-VAE with a diagonal Gaussian posterior; `encode` returns the mean (what the GUI plots).

    "kl" is in nats per sample (summed over latent dims). The reconstruction term is a per-value mean, so
    the KL is divided by the number of input values to keep the usual ELBO balance:
    total = recon + β·kl / n_features.
    """

    def __init__(self, config: ModelConfig) -> None:
        super().__init__(config, encoder_out=2 * config.latent_dim)

    def moments(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """(mean, log-variance), the latter clamped so exp() can't overflow early in training."""
        mu, logvar = self.encoder(x).chunk(2, dim=1)
        return mu, logvar.clamp(-30.0, 20.0)

    def encode(self, x: Tensor) -> Tensor:
        return self.moments(x)[0]

    def loss(self, x: Tensor) -> dict[str, Tensor]:
        mu, logvar = self.moments(x)
        z = mu + torch.exp(0.5 * logvar) * self.sample_normal(tuple(mu.shape), mu)
        recon = self.reconstruction_loss(self.decode_logits(z), x)
        kl_per_dim = 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).mean(dim=0)
        kl = kl_per_dim.sum()
        # Free bits (Kingma et al. 2016): a dimension's first `free_bits` nats cost nothing, so the KL
        # cannot win by switching every dimension off before the decoder has learnt to use them.
        kl_paid = kl_per_dim.clamp(min=self.config.free_bits).sum() if self.config.free_bits else kl
        total = recon + self.config.beta * kl_paid / self.config.n_features
        return {"recon": recon, "kl": kl, "total": total}
