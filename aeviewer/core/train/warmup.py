"""Pay torch's and scikit-learn's one-time costs before the user needs them.

Importing torch and building the first fused Adam (which pulls in torch's compiler stack) take seconds;
done on the GUI thread they would block the first paint and the first press of Train.
"""

from __future__ import annotations


def warm_up() -> None:
    """Import the heavy modules and run one tiny training step; safe to call from any thread."""
    import torch

    import aeviewer.core.latent.spaces  # noqa: F401  (imports scikit-learn's PCA)
    import aeviewer.core.train.checkpoint  # noqa: F401
    from aeviewer.core.models import ModelConfig, build_model
    from aeviewer.core.train.trainer import make_optimizers

    model = build_model(ModelConfig(input_shape=(4,), latent_dim=2, hidden=(4,)), seed=0)
    optimizers = make_optimizers(model, 1e-3)
    model.train_step(torch.rand(2, 4), optimizers)
