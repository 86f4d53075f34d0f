"""Naming a training run that went wrong, in one sentence with a hint, instead of an empty or black view.

Each check looks at what a user would see: codes that are one point or lie on one line, a decoder that
draws the same picture for every input, a VAE whose every dimension carries no information, an adversarial
autoencoder whose discriminator gave up while the codes are nowhere near the prior.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Below this share of the data's own pixel variance, the reconstructions are "the same picture".
CONSTANT_DECODE_SHARE = 0.02
#: Codes whose spread is below this (in code units, per dimension) are "one point".
POINT_SPREAD = 1e-3
#: Second-to-first singular value of the centred codes below which they lie "on a line".
LINE_RATIO = 0.01
#: A VAE dimension is active when its posterior mean varies across the data by more than this
#: (Burda et al. 2016's active units).
ACTIVE_VARIANCE = 0.01
_CHANCE_BCE = float(np.log(2.0))


@dataclass(frozen=True)
class Collapse:
    """What went wrong (`kind`) and the sentence for the status bar or the terminal."""

    kind: str  # "point" | "line" | "constant-decode" | "kl" | "prior"
    message: str


def active_dimensions(means: np.ndarray) -> int:
    """How many code dimensions vary across samples by more than ACTIVE_VARIANCE."""
    means = np.asarray(means, dtype=np.float64)
    return int((means.var(axis=0) > ACTIVE_VARIANCE).sum()) if len(means) > 1 else 0


def diagnose(
    x: np.ndarray,
    codes: np.ndarray,
    reconstructions: np.ndarray,
    *,
    kind: str = "ae",
    losses: dict[str, float] | None = None,
) -> Collapse | None:
    """The first collapse visible in `codes` and `reconstructions` of the samples `x`, or None if healthy."""
    x = np.asarray(x, dtype=np.float64).reshape(len(x), -1)
    codes = np.asarray(codes, dtype=np.float64).reshape(len(codes), -1)
    rec = np.asarray(reconstructions, dtype=np.float64).reshape(len(x), -1)
    if len(x) < 2 or not np.isfinite(codes).all():
        return None
    centred = codes - codes.mean(axis=0)
    spread = float(np.abs(centred).max()) if centred.size else 0.0
    if kind == "vae" and active_dimensions(codes) == 0:
        return Collapse("kl", "The VAE's code carries no information (its KL is ~0 in every dimension), so every "
                        "sample sits at the centre and decodes to the mean image: lower β, or train longer "
                        "with the BCE loss.")
    if spread < POINT_SPREAD:
        return Collapse("point", "Training collapsed: every sample has the same code, so the decoder can only "
                        "draw the mean image. Lower the learning rate, or retrain with another seed.")
    data_var = float(x.var(axis=0).mean())
    rec_var = float(rec.var(axis=0).mean())
    if data_var > 0 and rec_var < CONSTANT_DECODE_SHARE * data_var:
        shade = "black" if float(rec.mean()) < 0.05 else "the same picture"
        return Collapse("constant-decode", f"Training collapsed: the decoder draws {shade} for every input "
                        "(its output saturated). Lower the learning rate, or switch the loss to BCE.")
    if codes.shape[1] >= 2:
        sv = np.linalg.svd(centred, compute_uv=False)
        if sv[0] > 0 and sv[1] / sv[0] < LINE_RATIO:
            return Collapse("line", "The codes lie on a single line: the model uses one direction of its latent "
                            "space. Lower the learning rate, or retrain with another seed.")
    if kind == "aae" and losses is not None and "disc" in losses:
        at_chance = abs(float(losses["disc"]) - _CHANCE_BCE) < 0.05
        off_prior = bool(np.any(np.abs(codes.mean(axis=0)) > 1.0) or np.any(codes.std(axis=0) > 3.0)
                         or np.any(codes.std(axis=0) < 0.2))
        if at_chance and off_prior:
            return Collapse("prior", "The discriminator is stuck at chance while the codes are far from the "
                            "Gaussian prior: the adversarial phase is not working. Lower the learning rate.")
    return None


class CollapseWatch:
    """Turns per-epoch checks into a verdict a user sees: a model that has not learnt *yet* in its first
    epochs (the decoder still draws the mean image) is not collapsed, so a finding counts from epoch
    `min_epoch` on, once it held for `patience` checks in a row; `final` trusts the last check alone."""

    def __init__(self, min_epoch: int = 3, patience: int = 2) -> None:
        self.min_epoch = min_epoch
        self.patience = patience
        self._streak = 0
        self._last: Collapse | None = None
        self.reported: Collapse | None = None

    def update(self, epoch: int, found: Collapse | None) -> Collapse | None:
        """Record the check at the end of `epoch`; returns the collapse when it is newly confirmed."""
        same = found is not None and self._last is not None and found.kind == self._last.kind
        self._streak = 0 if found is None else (self._streak + 1 if same else 1)
        self._last = found
        if found is None:
            self.reported = None
            return None
        if epoch >= self.min_epoch and self._streak >= self.patience and self.reported != found:
            self.reported = found
            return found
        return None

    def final(self) -> Collapse | None:
        """The verdict when training ends: the last check, whatever the epoch."""
        return self._last
