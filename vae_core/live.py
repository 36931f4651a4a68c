"""Training in the background while a class watches: one run on a thread of its own, recorded
(vae_core.record), with progress, a stop, and a heartbeat that stops it when nobody watches."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np
import torch

from .config import AutoencoderConfig, TrainConfig
from .models import build_model
from .record import Recorder
from .train import fit, make_step


@dataclass(frozen=True)
class LiveConfig:
    """What a lecturer can choose: the kind, the KL weight (or KL only), epochs, images."""

    kind: str = "vae"  # "vae" or "ae"
    beta: float = 1.0  # weight of the KL term, 0 (reconstruction only) … 4
    kl_only: bool = False  # the KL term alone: the codes collapse onto the prior
    epochs: int = 8
    n_images: int = 60_000  # a seeded subset of the training split
    latent_dim: int = 2  # 2: the map is the latent space itself
    hidden: tuple[int, ...] = (512, 256)  # smaller than the shipped 1024-512-256: ~3 s an epoch
    batch_size: int = 128
    seed: int = 0

    def __post_init__(self):
        if self.kind not in ("vae", "ae") or not 0 <= self.beta <= 4:
            raise ValueError(f"kind must be vae or ae and 0 <= beta <= 4: {self}")
        if not 1 <= self.epochs <= 20 or not 1000 <= self.n_images <= 60_000:
            raise ValueError(f"1-20 epochs and 1,000-60,000 images: {self}")

    def model_config(self) -> AutoencoderConfig:
        return AutoencoderConfig(kind=self.kind, latent_dim=self.latent_dim, hidden=self.hidden)

    def train_config(self) -> TrainConfig:
        loss = "kl" if self.kl_only else "recon" if self.beta == 0 else "elbo"
        return TrainConfig(epochs=self.epochs, batch_size=self.batch_size, seed=self.seed,
                           beta=1.0 if self.kl_only else self.beta, loss=loss)


PRESET = LiveConfig()  # a VAE whose map has formed in about half a minute (see the README)


class LiveRun:
    """A training run on its own thread. `recorder.snapshots` and `progress()` may be read from
    any thread while it runs; `model` is the trained model once `state` is not "running"."""

    def __init__(self, config: LiveConfig, images: np.ndarray, labels: np.ndarray,
                 sample: np.ndarray, sample_labels: np.ndarray, sample_index: np.ndarray,
                 stale_after: float | None = None):
        self.config = config
        rng = np.random.default_rng(config.seed)
        keep = np.sort(rng.permutation(len(images))[: config.n_images])
        self.x = torch.from_numpy(np.ascontiguousarray(images[keep])).unsqueeze(1)  # uint8
        self.y = torch.from_numpy(np.asarray(labels[keep], np.int64))
        self.n_images = len(keep)
        torch.manual_seed(config.seed)
        self.model = build_model(config.model_config())
        self.recorder = Recorder(torch.from_numpy(np.asarray(sample)), sample_labels, sample_index,
                                 meta={"live": True, "config": repr(config)})
        self.stale_after = stale_after  # seconds without beat() before the run stops itself
        self.state, self.reason, self.error = "ready", "", ""
        self.images_done, self.started, self.ended = 0, None, None
        self._stop = threading.Event()
        self._heartbeat = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="latent-lab-training", daemon=True)

    @property
    def total_images(self) -> int:
        return self.n_images * self.config.epochs

    def start(self) -> LiveRun:
        self.state, self.started = "running", time.monotonic()
        self._thread.start()
        return self

    def stop(self, reason: str = "stopped"):
        if not self._stop.is_set():
            self.reason = reason
            self._stop.set()

    def beat(self):
        """Someone is watching: keeps a run with `stale_after` alive."""
        self._heartbeat = time.monotonic()

    def join(self, timeout: float | None = None) -> bool:
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _run(self):
        tcfg = self.config.train_config()
        try:
            fit(self.model, make_step(self.model, tcfg), self.x, self.y, tcfg, progress=False,
                callbacks=[self.recorder, self])
            self.state = "stopped" if self._stop.is_set() else "finished"
        except Exception as e:  # reported to whoever watches, never raised into a page
            self.state, self.error = "failed", f"{type(e).__name__}: {e}"
        finally:
            self.ended = time.monotonic()
            self.x = self.y = None  # the training bytes go as soon as the run ends

    # the callback protocol of vae_core.train.fit
    def on_start(self, model, steps_per_epoch: int, epochs: int, n_images: int):
        pass

    def on_step(self, model, step: int, parts: dict, batch: int) -> bool:
        self.images_done += batch
        if self.stale_after is not None and time.monotonic() - self._heartbeat > self.stale_after:
            self.stop("nobody was watching")
        return self._stop.is_set()

    def progress(self) -> dict:
        """Epochs done (fractional), images per second, seconds left, and the state."""
        end = self.ended or time.monotonic()
        seconds = (end - self.started) if self.started else 0.0
        rate = self.images_done / seconds if seconds > 0 else 0.0
        left = (self.total_images - self.images_done) / rate if rate and self.state == "running" else 0.0
        return {"state": self.state, "epoch": self.images_done / self.n_images, "epochs": self.config.epochs,
                "images_per_s": rate, "seconds": seconds, "seconds_left": left,
                "snapshots": len(self.recorder.snapshots), "reason": self.reason,
                "error": self.error}
