"""Training in the background while a class watches: one run in a process of its own, recorded
(vae_core.record), with progress, a stop, and a heartbeat that stops it when nobody watches.

Why a process and not a thread: a training loop on a thread of the server holds the GIL between
its torch calls, and every other session's script waits for it; it also shares the server's
one torch thread (ui.catalog). The process trains on both cores at a lower priority (nice 10),
so a class clicking keeps the CPU it needs, and when the run ends its memory goes with it.
`prepare()` starts a process ahead of time (imports and one warm-up step, ~2 s) so that Start
trains at once."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import threading
import time
from dataclasses import dataclass

import numpy as np
import torch

from .checkpoint import describe
from .config import AutoencoderConfig, TrainConfig
from .evaluate import evaluate_model
from .families import build_model, of, plain_ae, plain_vae
from .images import as_batch, to_unit
from .latent import Atlas, encode
from .record import Recorder
from .train import fit, make_step


@dataclass(frozen=True)
class LiveConfig:
    """What a lecturer can choose: the kind, the objective and β (as TrainConfig has them: they
    go to the loss unchanged), epochs, images."""

    kind: str = "vae"  # "vae" or "ae"
    beta: float = 1.0  # weight of the KL term in the ELBO, 0 … 4
    loss: str = "elbo"  # one of config.OBJECTIVES: the ELBO, reconstruction only, KL only
    epochs: int = 8
    n_images: int = 60_000  # a seeded subset of the training split
    latent_dim: int = 2  # 2: the map is the latent space itself
    hidden: tuple[int, ...] = (512, 256)  # smaller than the shipped 1024-512-256: ~3 s an epoch
    batch_size: int = 128
    seed: int = 0

    def __post_init__(self):
        if not (plain_vae(self.kind) or plain_ae(self.kind)) or not 0 <= self.beta <= 4:
            raise ValueError(f"kind must be vae or ae and 0 <= beta <= 4: {self}")
        if not 1 <= self.epochs <= 20 or not 1000 <= self.n_images <= 60_000:
            raise ValueError(f"1-20 epochs and 1,000-60,000 images: {self}")
        self.train_config()  # an unknown objective raises here

    def model_config(self) -> AutoencoderConfig:
        return AutoencoderConfig(kind=self.kind, latent_dim=self.latent_dim, hidden=self.hidden)

    def train_config(self) -> TrainConfig:
        return TrainConfig(epochs=self.epochs, batch_size=self.batch_size, seed=self.seed,
                           beta=self.beta, loss=self.loss)


PRESET = LiveConfig()  # a VAE whose map has formed in about half a minute (see the README)


THREADS = 2  # torch threads in the training process: both cores when the server is idle
NICE = 10  # its priority below the server's: a session's click comes first
_SPAWN = multiprocessing.get_context("spawn")  # a fresh interpreter: no forked server threads


@dataclass(frozen=True)
class Result:
    """A run that has ended, described the way its checkpoint would be."""

    model: torch.nn.Module
    meta: dict  # what checkpoint.read_metadata would return for its file (path None)
    extra: dict  # the metadata a checkpoint of it carries (checkpoint.save_model's `extra`)
    atlas: Atlas  # its codes of the test images


def collect(run: LiveRun, images: np.ndarray, labels: np.ndarray, dataset: str,
            name: str) -> Result | None:
    """A finished or stopped run's model, with its training config, the epochs it got, its test
    figures and its codes of the test `images` (uint8, N x 28 x 28) labelled `labels`; None for
    a run still going or failed."""
    if run.state not in ("finished", "stopped"):
        return None
    x = as_batch(to_unit(images))
    mu, logvar = encode(run.model, x)
    tcfg = run.config.train_config()
    extra = {"beta": tcfg.beta if of(run.config.kind).stochastic else 0.0,
             "epochs": round(run.progress()["epoch"], 1), "seed": tcfg.seed,
             "train": dataclasses.asdict(tcfg) | {"n_images": run.n_images, "noise": "none"},
             "test": evaluate_model(run.model, x, torch.tensor(labels, dtype=torch.long), samples=1)}
    meta = describe(run.model, dataset=dataset, extra=extra, name=name)
    return Result(run.model, meta, extra, Atlas(mu, np.asarray(labels), logvar, key=name))


class Worker:
    """A training process that has imported the engine and taken one warm-up step (the first
    step of a fresh process costs ~1 s of library start-up), waiting for one job."""

    def __init__(self):
        self.conn, child = _SPAWN.Pipe()
        self.stop = _SPAWN.Event()
        self.proc = _SPAWN.Process(target=_child, args=(child, self.stop), daemon=True,
                                   name="latent-lab-training")
        self.proc.start()
        child.close()

    def close(self):
        """Send it home (a standby that was never used)."""
        if self.proc.is_alive():
            try:
                self.conn.send(None)
            except OSError:
                pass
            self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(5)
        self.conn.close()


_standby: Worker | None = None
_standby_lock = threading.Lock()


def prepare():
    """Have a training process ready for the next run (does nothing if one is)."""
    global _standby
    with _standby_lock:
        if _standby is None or not _standby.proc.is_alive():
            _standby = Worker()


def _take() -> Worker:
    global _standby
    with _standby_lock:
        worker, _standby = _standby, None
    return worker if worker is not None and worker.proc.is_alive() else Worker()


class LiveRun:
    """A training run in its own process, watched by a thread of this one. `recorder.snapshots`
    and `progress()` may be read from any thread while it runs; `model` is the trained model
    once `state` is not "running"."""

    def __init__(self, config: LiveConfig, images: np.ndarray, labels: np.ndarray,
                 sample: np.ndarray, sample_labels: np.ndarray, sample_index: np.ndarray,
                 stale_after: float | None = None):
        self.config = config
        rng = np.random.default_rng(config.seed)
        keep = np.sort(rng.permutation(len(images))[: config.n_images])
        self.x = np.ascontiguousarray(images[keep])  # uint8: what the process trains on
        self.y = np.asarray(labels[keep], np.int64)
        self.n_images = len(keep)
        torch.manual_seed(config.seed)
        self.model = build_model(config.model_config())  # receives the trained weights
        self.sample = np.asarray(sample)
        self.recorder = Recorder(torch.from_numpy(self.sample), sample_labels, sample_index,
                                 meta={"live": True, "config": repr(config)})
        self.stale_after = stale_after  # seconds without beat() before the run stops itself
        self.state, self.reason, self.error = "ready", "", ""
        self.images_done, self.started, self.ended = 0, None, None
        self.epoch_seconds: list[float] = []  # each finished epoch's training time, measured there
        self._heartbeat = time.monotonic()
        self._worker: Worker | None = None
        self._thread = threading.Thread(target=self._watch, name="latent-lab-training", daemon=True)

    @property
    def total_images(self) -> int:
        return self.n_images * self.config.epochs

    def start(self) -> LiveRun:
        self._worker = _take()
        self.state, self.started = "running", time.monotonic()
        self._heartbeat = self.started
        self._thread.start()  # it hands the job over: the caller never waits for the process
        return self

    def stop(self, reason: str = "stopped"):
        if self._worker is not None and not self._worker.stop.is_set():
            self.reason = reason
            self._worker.stop.set()

    def beat(self):
        """Someone is watching: keeps a run with `stale_after` alive."""
        self._heartbeat = time.monotonic()

    def join(self, timeout: float | None = None) -> bool:
        if self._thread.ident is not None:
            self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _watch(self):
        """Read the process's reports until it is done; stop it when nobody watches."""
        conn, proc = self._worker.conn, self._worker.proc
        stop_sent = None
        try:
            try:  # waits while a process that was not ready yet finishes its start-up
                conn.send((self.config, self.x, self.y, self.sample, self.recorder.labels,
                           self.recorder.index, self.recorder.meta))
            except OSError as e:
                self.state, self.error = "failed", f"the training process did not start: {e}"
            self.x = self.y = None  # the training bytes now live in the training process only
            while self.state == "running":
                if self.stale_after is not None and time.monotonic() - self._heartbeat > self.stale_after:
                    self.stop("nobody was watching")
                if self._worker.stop.is_set() and stop_sent is None:
                    stop_sent = time.monotonic()
                if stop_sent is not None and time.monotonic() - stop_sent > 30:
                    self.state, self.error = "failed", "the training process did not stop"
                    break
                try:
                    ready = conn.poll(0.1)
                    message = conn.recv() if ready else None
                except (EOFError, OSError):
                    self.state, self.error = "failed", "the training process ended unexpectedly"
                    break
                if message is None:
                    if not proc.is_alive() and not conn.poll(0):
                        self.state, self.error = "failed", "the training process ended unexpectedly"
                    continue
                kind = message[0]
                if kind == "progress":
                    self.images_done = message[1]
                elif kind == "snapshot":
                    self.recorder.add(message[1])
                elif kind == "done":
                    _, state, error, weights, images, epoch_seconds = message
                    if weights is not None:
                        self.model.load_state_dict({k: torch.from_numpy(v) for k, v in weights.items()})
                    self.model.eval()
                    self.images_done, self.epoch_seconds = images, epoch_seconds
                    self.error = error
                    self.state = state
        finally:
            self.ended = time.monotonic()
            proc.join(5)
            if proc.is_alive():
                proc.kill()
                proc.join(5)
            conn.close()

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


# -- the training process -----------------------------------------------------------------------

class _Reporter:
    """fit's callback in the training process: passes snapshots and progress to the server."""

    def __init__(self, conn, stop, recorder: Recorder):
        self.conn, self.stop, self.recorder = conn, stop, recorder
        self.images, self.sent, self.last = 0, 0, 0.0

    def on_start(self, model, steps_per_epoch: int, epochs: int, n_images: int):
        self._send_snapshots()

    def on_step(self, model, step: int, parts: dict, batch: int) -> bool:
        self.images += batch
        self._send_snapshots()
        now = time.monotonic()
        if now - self.last > 0.2:
            self.last = now
            self.conn.send(("progress", self.images))
        return self.stop.is_set()

    def _send_snapshots(self):
        while self.sent < len(self.recorder.snapshots):
            self.conn.send(("snapshot", self.recorder.snapshots[self.sent]))
            self.sent += 1


def _warm_up():
    """One step of the preset's model on noise: the libraries' first-call costs, paid early."""
    model = build_model(PRESET.model_config())
    tcfg = PRESET.train_config()
    x = torch.rand(PRESET.batch_size, 1, 28, 28)
    fit(model, make_step(model, tcfg), x, torch.zeros(len(x), dtype=torch.int64),
        TrainConfig(epochs=1, batch_size=PRESET.batch_size), progress=False)


def _child(conn, stop):
    try:
        os.nice(NICE)
    except OSError:
        pass
    torch.set_num_threads(THREADS)
    _warm_up()
    try:
        job = conn.recv()
    except EOFError:  # the server went away before giving it a job
        return
    if job is None:
        return
    config, x, y, sample, labels, index, meta = job
    torch.manual_seed(config.seed)
    model = build_model(config.model_config())
    recorder = Recorder(torch.from_numpy(sample), labels, index, meta=meta)
    reporter = _Reporter(conn, stop, recorder)
    tcfg = config.train_config()
    weights, history, error = None, [], ""
    try:
        history = fit(model, make_step(model, tcfg), torch.from_numpy(x).unsqueeze(1),
                      torch.from_numpy(y), tcfg, progress=False, callbacks=[recorder, reporter])
        state = "stopped" if stop.is_set() else "finished"
        weights = {k: v.numpy() for k, v in model.state_dict().items()}
    except Exception as e:  # reported to whoever watches, never raised into a page
        state, error = "failed", f"{type(e).__name__}: {e}"
    seconds = [h["seconds"] for h in history if "partial" not in h]
    conn.send(("done", state, error, weights, reporter.images, seconds))
    conn.close()
