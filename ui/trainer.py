"""One training run at a time per server: who started it, who may stop it, what it made.

The run trains in a process of its own (vae_core.live), so no session's script waits for it. It
stops by itself when its owner's page has not looked at it for STALE_S seconds (a closed tab, a
click to another page). A second session gets the running one to watch, never a second run.
"""

from __future__ import annotations

import threading
import uuid

import numpy as np
import streamlit as st
import torch

from vae_core.data import raw_images
from vae_core.evaluate import evaluate_model
from vae_core.images import as_batch, to_unit
from vae_core.latent import Atlas, encode
from vae_core.live import LiveConfig, LiveRun, prepare
from vae_core.record import sample_indices

from . import catalog

STALE_S = 4.0


class Coach:
    def __init__(self):
        self.lock = threading.Lock()
        self.run: LiveRun | None = None
        self.owner: str | None = None

    def start(self, config: LiveConfig, owner: str, dataset: str = "mnist") -> tuple[LiveRun | None, str]:
        """("started" | "yours" | "busy"): a second Start by the same session reuses its run."""
        with self.lock:
            if self.run is not None and self.run.alive:
                return (self.run, "yours") if owner == self.owner else (None, "busy")
            images, labels = raw_images(dataset, train=True)  # 47 MB, read in ~0.1 s
            test, test_labels = raw_images(dataset, train=False)
            index = sample_indices(len(test))
            self.run = LiveRun(config, images, labels, test[index], test_labels[index], index,
                               stale_after=STALE_S).start()
            self.owner = owner
            return self.run, "started"

    def prepare(self):
        """Someone is on the training page: have a training process ready for their Start."""
        if self.run is None or not self.run.alive:
            prepare()

    def current(self) -> tuple[LiveRun | None, str | None]:
        return self.run, self.owner

    def stop(self, owner: str):
        if self.run is not None and owner == self.owner:
            self.run.stop("stopped")

    def release(self, run: LiveRun):
        """Forget a run that has ended (its model now belongs to its owner's session)."""
        with self.lock:
            if self.run is run and not run.alive:
                self.run, self.owner = None, None


@st.cache_resource(show_spinner=False)
def coach() -> Coach:
    return Coach()


def session_token() -> str:
    """This browser session's id, for owning a run (kept in session state)."""
    return st.session_state.setdefault("_trainer_token", uuid.uuid4().hex)


def collect(run: LiveRun, dataset: str = "mnist") -> dict | None:
    """The ended run's model joins this session's catalog; returns its entry."""
    images = catalog.test_images(dataset)
    if images is None or run.state not in ("finished", "stopped"):
        return None
    mu, logvar = encode(run.model, images / np.float32(255))
    config = run.config
    name = f"yours_{uuid.uuid4().hex[:8]}"
    meta = {"name": name, "kind": config.kind, "dataset": dataset, "path": None,
            "latent_dim": config.latent_dim, "beta": 1.0 if config.kl_only else config.beta,
            "config": dict(run.model.config.__dict__), "epochs": config.epochs,
            "epochs_done": round(run.progress()["epoch"], 1),
            "train": {"loss": config.train_config().loss, "noise": "none",
                      "n_images": config.n_images}}
    labels = catalog.atlas(catalog.pair(dataset)[0]).labels
    x = as_batch(to_unit(images))
    meta["test"] = evaluate_model(run.model, x, torch.from_numpy(labels), samples=1)
    catalog.add_session_model(meta, run.model, Atlas(mu, labels, logvar, key=name))
    return catalog.by_name(name)
