"""Latent Lab's engine: VAE / autoencoder / conditional VAE / judge models (vae_core.families), training,
evaluation, checkpoints.

The names below load on first use (PEP 562), so that importing a light module of the engine
(`vae_core.config`, `vae_core.urlstate`) does not import torch: the app's server imports those
before it listens, and imports torch on a thread of its own beside it (ui.server.start_warming).
"""

from importlib import import_module

_HOMES = {"CheckpointError": "checkpoint", "list_checkpoints": "checkpoint", "load_model": "checkpoint",
          "read_metadata": "checkpoint", "save_model": "checkpoint", "AutoencoderConfig": "config",
          "ClassifierConfig": "config", "TrainConfig": "config", "AE": "models", "VAE": "models",
          "Classifier": "models", "CVAE": "models", "build_model": "families"}
__all__ = sorted(_HOMES)


def __getattr__(name: str):
    if name in _HOMES:
        return getattr(import_module(f".{_HOMES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
