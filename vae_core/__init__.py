"""Latent Lab's engine: VAE / autoencoder / judge models, training, evaluation, checkpoints."""

from .checkpoint import CheckpointError, list_checkpoints, load_model, read_metadata, save_model
from .config import AutoencoderConfig, ClassifierConfig, TrainConfig
from .models import AE, VAE, Classifier, build_model

__all__ = [
    "AE", "VAE", "AutoencoderConfig", "CheckpointError", "Classifier", "ClassifierConfig",
    "TrainConfig", "build_model", "list_checkpoints", "load_model", "read_metadata", "save_model",
]
