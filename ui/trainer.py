"""One training run at a time per server: who started it, who may stop it, what it made.

The run trains in a process of its own (vae_core.live), so no session's script waits for it. It
stops by itself when its owner's page has not looked at it for STALE_S seconds (a closed tab, a
click to another page). A second session gets the running one to watch, never a second run.
"""

from __future__ import annotations

import threading
import uuid

import streamlit as st

from vae_core import live
from vae_core.data import raw_images
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
    """The ended run's model joins this session's catalog (vae_core.live.collect describes it);
    returns its entry, or None where there are no test images or the run failed."""
    images, labels = catalog.test_images(dataset), catalog.test_labels(dataset)
    if images is None:
        return None
    result = live.collect(run, images, labels, dataset, name=f"yours_{uuid.uuid4().hex[:8]}")
    if result is None:
        return None
    catalog.add_session_model(result.meta, result.model, result.atlas, result.extra)
    return catalog.by_name(result.meta["name"])
