"""Replays: snapshots of a training run (codes, losses, decoded grid) for watching a model learn.

`Recorder` is a training callback (see `vae_core.train.fit`): it knows the model's kind but
nothing of pages. At each snapshot it encodes a fixed, seeded sample of test images (their μ,
the map), measures reconstruction, KL and −ELBO in nats per image on that sample (one seeded
draw of z per image, the same draws every time, so a change is the model's), averages the same
terms over the training batches since the last snapshot, and decodes an n × n grid over the
region the codes fill. Snapshots come at every epoch's end and several times inside the first
epoch, where most of the change happens (at 1/64, 1/32, … 1/2 of it: the clock of a replay is
the number of epochs seen, so runs of any batch size line up).

    replay = load_replay("checkpoints/replay/mnist_vae_2d.npz")
    replay["t"], replay["mu"][k], replay["test_kl"], replay["grid"][k]
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from pathlib import Path

import numpy as np
import torch

from .config import IMAGE_SHAPE
from .families import of
from .images import to_unit
from .latent import bounds_of, grid_uv, plane_for
from .losses import kl_to_standard_normal, reconstruction_nll

EARLY = (1 / 64, 1 / 32, 1 / 16, 1 / 8, 1 / 4, 1 / 2)  # fractions of the first epoch
TERMS = ("recon", "kl", "neg_elbo")


def sample_indices(n_test: int, size: int = 2000, seed: int = 0) -> np.ndarray:
    """The fixed test images a replay follows: a seeded sample, sorted."""
    return np.sort(np.random.default_rng(seed).permutation(n_test)[:size])


def snapshot_steps(steps_per_epoch: int, epochs: int) -> list[int]:
    """Global step counts (updates done) at which to snapshot: 0, the early fractions of the
    first epoch, then every epoch's end."""
    early = {max(1, round(f * steps_per_epoch)) for f in EARLY}
    return sorted({0, *(s for s in early if s < steps_per_epoch),
                   *(steps_per_epoch * (e + 1) for e in range(epochs))})


class Recorder:
    """A `fit` callback that takes snapshots; `snapshots` grows as training runs (one dict each,
    appended whole, so another thread may read the list while this one trains)."""

    def __init__(self, x_sample: torch.Tensor, labels: np.ndarray, index: np.ndarray,
                 grid: int = 8, seed: int = 0, meta: dict | None = None):
        self.x = x_sample.reshape(-1, *IMAGE_SHAPE)
        if self.x.dtype == torch.uint8:
            self.x = torch.as_tensor(to_unit(self.x))
        self.labels = np.asarray(labels, np.uint8)
        self.index = np.asarray(index, np.int32)
        self.grid = grid
        self.eps_seed = seed
        self.meta = dict(meta or {})
        self.snapshots: list[dict] = []
        self._due: list[int] = []
        self._steps_per_epoch = 1
        self._sums: dict[str, float] = {}
        self._count = 0
        self._lock = threading.Lock()

    def add(self, snap: dict):
        """A snapshot taken elsewhere (a training process reports its own)."""
        with self._lock:
            self.snapshots.append(snap)

    # -- the callback protocol of vae_core.train.fit --------------------------------------------
    def on_start(self, model, steps_per_epoch: int, epochs: int, n_images: int):
        self._steps_per_epoch = steps_per_epoch
        self._due = snapshot_steps(steps_per_epoch, epochs)
        self.meta.update(steps_per_epoch=steps_per_epoch, epochs=epochs, n_images=n_images,
                         kind=model.kind, latent_dim=model.latent_dim)
        self._take(model, 0)

    def on_step(self, model, step: int, parts: dict, batch: int) -> bool:
        """After update number `step`; `parts` are the batch's loss terms (tensors)."""
        for k in TERMS:
            if k in parts:
                self._sums[k] = self._sums.get(k, 0.0) + parts[k].item() * batch
        self._count += batch
        if self._due and step >= self._due[0]:
            while self._due and step >= self._due[0]:
                self._due.pop(0)
            self._take(model, step)
        return False

    # -- snapshots ---------------------------------------------------------------------------------
    @torch.no_grad()
    def _take(self, model, step: int):
        was_training = model.training
        model.eval()
        train = {k: (self._sums[k] / self._count if self._count and k in self._sums else None)
                 for k in TERMS}
        self._sums, self._count = {}, 0
        snap = {"step": step, "t": step / self._steps_per_epoch, "train": train}
        snap.update(measure(model, self.x, self.eps_seed, self.grid))
        model.train(was_training)
        with self._lock:
            self.snapshots.append(snap)

    def arrays(self) -> dict[str, np.ndarray]:
        """Every snapshot stacked: what `save_replay` writes and `load_replay` returns."""
        with self._lock:
            snaps = list(self.snapshots)
        return stack(snaps, self.labels, self.index, self.meta)


@torch.no_grad()
def measure(model, x: torch.Tensor, eps_seed: int = 0, grid: int = 8) -> dict:
    """One snapshot's content: codes, test-sample loss terms and the decoded grid."""
    out = model.encode(x)
    if of(model).stochastic:
        mu, logvar = out
        eps = torch.randn(mu.shape, generator=torch.Generator().manual_seed(eps_seed))
        z = model.reparameterize(mu, logvar, eps)
        recon = reconstruction_nll(of(model).decode_logits(model, z, x=x), x)
        kl = kl_to_standard_normal(mu, logvar)
        test = {"recon": recon.mean().item(), "kl": kl.mean().item(),
                "neg_elbo": (recon + kl).mean().item()}
    else:
        mu = out
        recon = reconstruction_nll(model.decode_logits(mu), x)
        test = {"recon": recon.mean().item(), "kl": None, "neg_elbo": None}
    codes = mu.numpy()
    plane = plane_for(codes)  # the map's plane: identity in 2-D, else the codes' first two PCs
    bounds = bounds_of(plane.to_plane(codes))
    pictures = model.decode(torch.from_numpy(plane.to_latent(grid_uv(bounds, grid))))[:, 0].numpy()
    return {"mu": codes.astype(np.float16), "test": test, "bounds": bounds,
            "grid": _mosaic_u8(pictures, grid)}


def _mosaic_u8(pictures: np.ndarray, n: int) -> np.ndarray:
    tiles = (np.clip(pictures, 0, 1) * 255 + 0.5).astype(np.uint8).reshape(n, n, 28, 28)
    return tiles.transpose(0, 2, 1, 3).reshape(n * 28, n * 28)


def stack(snaps: list[dict], labels, index, meta: dict) -> dict[str, np.ndarray]:
    def col(part, k):
        return np.array([np.nan if s[part][k] is None else s[part][k] for s in snaps], np.float32)

    out = {"t": np.array([s["t"] for s in snaps], np.float32),
           "step": np.array([s["step"] for s in snaps], np.int64),
           "mu": np.stack([s["mu"] for s in snaps]) if snaps else np.zeros((0, 0, 0), np.float16),
           "bounds": np.array([s["bounds"] for s in snaps], np.float32).reshape(-1, 4),
           "grid": np.stack([s["grid"] for s in snaps]) if snaps else np.zeros((0, 0, 0), np.uint8),
           "labels": np.asarray(labels, np.uint8), "index": np.asarray(index, np.int32),
           "meta": np.array(json.dumps(meta, sort_keys=True))}
    for part in ("train", "test"):
        for k in TERMS:
            out[f"{part}_{k}"] = col(part, k)
    return out


def save_replay(arrays: dict[str, np.ndarray], path) -> Path:
    """Write a replay as a compressed .npz (no pickled objects), atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".npz")
    os.close(fd)
    try:
        np.savez_compressed(tmp, **arrays)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


REQUIRED = ("t", "step", "mu", "bounds", "grid", "labels", "index", "meta",
            *(f"{p}_{k}" for p in ("train", "test") for k in TERMS))


def load_replay(path) -> dict:
    """A replay's arrays (never unpickled) and its "meta" dict; ValueError if it is malformed."""
    try:
        with np.load(path, allow_pickle=False) as f:
            out = {k: f[k] for k in f.files}
    except (OSError, ValueError, EOFError) as e:
        raise ValueError(f"{path}: not a readable replay ({e})") from e
    missing = [k for k in REQUIRED if k not in out]
    n = len(out.get("t", []))
    if missing or out["mu"].shape[0] != n or out["grid"].shape[0] != n:
        raise ValueError(f"{path}: not a replay (missing {missing} or mismatched lengths)")
    out["meta"] = json.loads(str(out["meta"]))
    return out


def facts(replay: dict) -> dict:
    """What a replay shows, as numbers for the words beside it: the spread of the codes (99th
    percentile of |mu|) at the start, after one epoch and at the end; the test terms at those
    moments; and for a VAE the KL's course: its first spike (a local maximum) in the first eighth
    of an epoch, the
    lowest it falls to after that within the first epoch, and when it climbs above
    max(0.5, 10 x that low) for good (None if it never does)."""
    t, kl, rec = replay["t"], replay["test_kl"], replay["test_recon"]
    one = int(np.searchsorted(t, 1.0))  # the snapshot at the end of the first epoch
    spread = [float(np.quantile(np.abs(replay["mu"][k].astype(np.float32)), 0.99))
              for k in range(len(t))]
    at = {name: k for name, k in (("start", 0), ("epoch1", min(one, len(t) - 1)),
                                  ("end", len(t) - 1))}
    out = {"epochs": float(t[-1]), "kind": replay["meta"].get("kind"),
           "spread": {n: spread[k] for n, k in at.items()},
           "recon": {n: float(rec[k]) for n, k in at.items()},
           "t": {n: float(t[k]) for n, k in at.items()}, "kl": None}
    if np.all(np.isnan(kl)):
        return out
    out["kl"] = {n: float(kl[k]) for n, k in at.items()}
    early = [k for k in range(1, len(t) - 1) if t[k] < 0.2  # up to an eighth of epoch 1
             and kl[k] > kl[k - 1] and kl[k] > kl[k + 1]]
    if not early:
        return out
    peak = early[0]  # the first spike
    low = min((k for k in range(peak + 1, one + 1)), key=lambda k: kl[k], default=peak)
    bar = max(0.5, 10 * float(kl[low]))  # climbed back "for good": above this ever after
    rise = next((k for k in range(low + 1, len(t)) if np.all(kl[k:] >= bar)), None)
    out["kl_peak"] = {"t": float(t[peak]), "value": float(kl[peak])}
    out["kl_low"] = {"t": float(t[low]), "value": float(kl[low])}
    out["kl_rise"] = None if rise is None else {"t": float(t[rise]), "value": float(kl[rise])}
    return out
