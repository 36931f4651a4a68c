"""Cached models, atlases and test images, and the one place that knows what each model is for.

Pages ask for models by role (the plain VAE and its autoencoder twin, the judge, the ablations,
the denoisers), never by file name: a role is read from each checkpoint's metadata (kind, data
set, latent size, architecture, training loss, β, noise). A new model family is one more role
here. Models trained in a session (the live-training page) join the same lists for that session.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import streamlit as st
import torch

from vae_core import data as vae_data
from vae_core.atlas import open_atlas
from vae_core.checkpoint import list_checkpoints, load_model
from vae_core.config import TrainConfig
from vae_core.data import DataUnavailableError, on_disk
from vae_core.families import is_judge, of, plain_ae, plain_vae
from vae_core.images import to_unit
from vae_core.latent import Atlas, encode

CHECKPOINTS = Path(os.environ.get("LATENT_LAB_CHECKPOINTS")
                   or Path(__file__).resolve().parents[1] / "checkpoints")
DATASET_LABELS = {"mnist": "MNIST digits", "fashion-mnist": "Fashion-MNIST clothes"}
SESSION_MODELS = "session_models"  # session state: models trained in this session


def set_threads():
    """One torch thread per process (set at start-up, ui.server.lifespan): a server decodes
    small batches for many sessions at once, and two intra-op threads per run would only contend
    for the same two cores (docs/performance.md). $LATENT_LAB_TORCH_THREADS overrides it."""
    torch.set_num_threads(int(os.environ.get("LATENT_LAB_TORCH_THREADS") or 1))


def warm(offered=None) -> dict | None:
    """Load what a page draws first (the catalog, the first model the page offers, by its filter
    `offered`, on the first data set, and that model's atlas), so that its first visit finds
    them cached; returns that model's entry."""
    good, _ = catalog()
    dataset = next(iter(DATASET_LABELS))
    first = next(iter(_select(good, dataset, offered)), None)
    if first is not None:
        _model(first["path"])
        _atlas(first["path"])
    return first


def release_memory() -> bool:
    """Hand whole free heap pages back to the OS (glibc's malloc_trim; ui.server calls it every
    second): a server that decoded a whole test set once would otherwise look that much bigger
    for life. Returns whether any memory was handed back (False where the C library has no
    such call)."""
    import ctypes
    import ctypes.util

    try:
        return bool(ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0))
    except (OSError, AttributeError):  # not glibc: nothing to do
        return False


@st.cache_resource(show_spinner=False)
def catalog() -> tuple[list[dict], list]:
    """Usable shipped checkpoints (metadata) and the files skipped, read once per process."""
    result = list_checkpoints(CHECKPOINTS)
    release_memory()
    return result


@st.cache_resource(show_spinner="Loading the model…", max_entries=4)  # the most a page decodes with
def _model(path: str):
    return load_model(path)


@st.cache_resource(show_spinner=False)
def _atlas(path: str) -> Atlas:
    return open_atlas(path)


def model(meta: dict):
    """The model of a catalog entry: shared and read-only (never call .train() on it)."""
    if meta.get("session"):
        return _session_entry(meta)["model"]
    return _model(meta["path"])


@st.cache_resource(show_spinner=False)
def morphometrics(dataset: str) -> dict | None:
    """The test set's measured morphometrics (vae_core.morpho; atlas/<data set>_morpho.npz), or
    None where they were not computed."""
    from vae_core import morpho

    path = CHECKPOINTS / "atlas" / f"{dataset.replace('-', '_')}_morpho.npz"
    return morpho.load(path) if path.is_file() else None


def has_study_model(name: str) -> bool:
    """Whether checkpoints/study/ holds this run (without loading it)."""
    return (CHECKPOINTS / "study" / f"{name}.safetensors").is_file()


def study_model(name: str):
    """A model of checkpoints/study/ (runs measured for a lesson, offered by no picker): shared
    and read-only, or None where the file is missing."""
    return _model(str(CHECKPOINTS / "study" / f"{name}.safetensors")) if has_study_model(name) else None


def lab_model(name: str):
    """A run the loss lab measured, by name: from checkpoints/study/, else a shipped model (the
    16-D VAE the study runs are compared with); None where neither is here."""
    if has_study_model(name):
        return study_model(name)
    meta = by_name(name)
    return None if meta is None else model(meta)


@st.cache_resource(show_spinner="Encoding the test images…", max_entries=2)
def _study_atlas(path: str, dataset: str) -> Atlas | None:
    split = test_split(dataset)
    if split is None:
        return None
    mu, logvar = encode(_model(path), to_unit(split[0]))
    return Atlas(mu, split[1], logvar, key=path)


def study_atlas(name: str, dataset: str = "mnist") -> Atlas | None:
    """A study model's codes of the test set (as an atlas has them), or None where the model or
    the test images are missing."""
    path = CHECKPOINTS / "study" / f"{name}.safetensors"
    return _study_atlas(str(path), dataset) if path.is_file() else None


def atlas(meta: dict) -> Atlas:
    if meta.get("session"):
        return _session_entry(meta)["atlas"]
    return _atlas(meta["path"])


def _session_entry(meta: dict) -> dict:
    return st.session_state[SESSION_MODELS][meta["name"]]


def add_session_model(meta: dict, model_, atlas_: Atlas, extra: dict):
    """A model trained in this session joins its catalog (never written to checkpoints/);
    `extra`: the metadata its checkpoint would carry (session_extra), for a download."""
    st.session_state.setdefault(SESSION_MODELS, {})[meta["name"]] = {
        "meta": dict(meta, session=True), "model": model_, "atlas": atlas_, "extra": extra}


def session_extra(meta: dict) -> dict:
    """What a checkpoint of a model trained in this session carries (vae_core.live.Result)."""
    return _session_entry(meta)["extra"]


@st.cache_resource(show_spinner="Loading the test images…")
def test_split(dataset: str) -> tuple[np.ndarray, np.ndarray] | None:
    """The raw test images (uint8, N x 28 x 28) and their labels, or None where the data set is
    not on this machine. Cached: `test_split.clear()` forgets them."""
    if not on_disk(dataset):  # never start a download from a page
        return None
    try:  # read directly: torchvision (~160 MB) only if the .gz files need unpacking
        return vae_data.raw_test_images(dataset)
    except DataUnavailableError:  # e.g. a corrupt file: the pages say the images are missing
        return None


def test_images(dataset: str) -> np.ndarray | None:
    """The raw test images as uint8 (N, 28, 28), or None where the data set is not on disk."""
    split = test_split(dataset)
    return None if split is None else split[0]


def test_labels(dataset: str) -> np.ndarray | None:
    """The test images' class indices, or None where the data set is not on disk."""
    split = test_split(dataset)
    return None if split is None else split[1]


def test_pictures(dataset: str, which) -> np.ndarray | None:
    """Test images as float32 intensities in [0, 1]: one (an index) or several (indices), or
    None where the data set is not on this machine."""
    images = test_images(dataset)
    return None if images is None else to_unit(images[which])


def figures_file(name: str) -> dict:
    """A JSON file of checkpoints/eval/ ({} if it is missing or unreadable)."""
    try:
        return json.loads((CHECKPOINTS / "eval" / f"{name}.json").read_text())
    except (OSError, ValueError):
        return {}


def eval_figures(name: str) -> dict:
    """The evaluation CLI's test figures of a shipped checkpoint ({} if it was not evaluated)."""
    return figures_file(name).get("test", {})


# --- roles ------------------------------------------------------------------------------------

def _train(meta: dict) -> dict:
    return meta.get("train") or {}


def noise_of(meta: dict) -> str:
    return _train(meta).get("noise", "none")


def objective_of(meta: dict) -> TrainConfig:
    """How a model was trained (its checkpoint's "train" record, β as its metadata says)."""
    return TrainConfig.of({**_train(meta), "beta": meta["beta"]})


def is_plain(meta: dict) -> bool:
    """Trained on clean images with the full loss (β = 1 for a VAE)."""
    train = objective_of(meta)
    return ((plain_vae(meta) or plain_ae(meta)) and noise_of(meta) == "none"
            and (plain_ae(meta) or (train.loss, train.beta) == ("elbo", 1.0)))


def on_pages(meta: dict) -> bool:
    """A model the pages of the latent space can show: a latent space and no condition."""
    return of(meta).pages == "latent"


def anything(meta: dict) -> bool:
    return True


def _select(entries: list[dict], dataset: str | None = None, offered=None, which=on_pages,
            latent_dim: int | None = None, plain: bool | None = None) -> list[dict]:
    """The entries matching every given property (`offered`: a page's filter), in the order
    pickers show them: shipped before this session's, the plain VAE first, then its
    autoencoder, then the rest by name."""
    out = [m for m in entries if which(m)
           and (dataset is None or m["dataset"] == dataset)
           and (offered is None or offered(m))
           and (latent_dim is None or m["latent_dim"] == latent_dim)
           and (plain is None or is_plain(m) == plain)]
    return sorted(out, key=lambda m: (bool(m.get("session")), not is_plain(m), not plain_vae(m),
                                      m["latent_dim"] != 2, m["name"]))


def models(dataset: str | None = None, which=on_pages, latent_dim: int | None = None,
           plain: bool | None = None) -> list[dict]:
    """Catalog entries (shipped, then this session's) matching every given property (`which`:
    a test of the family, vae_core.families; by default what the latent-space pages show); the
    plain VAE first, then its autoencoder, then the rest by name."""
    good, _ = catalog()
    mine = [e["meta"] for e in st.session_state.get(SESSION_MODELS, {}).values()]
    return _select(good + mine, dataset, None, which, latent_dim, plain)


def by_name(name: str) -> dict | None:
    return next((m for m in models(which=anything) if m["name"] == name), None)


def _architecture(meta: dict) -> dict:
    return {k: v for k, v in meta["config"].items() if k != "kind"}


def twin(meta: dict) -> dict | None:
    """The same network of the other kind (VAE <-> autoencoder), trained the same way."""
    other = plain_ae if plain_vae(meta) else plain_vae
    return next((m for m in models(meta["dataset"], other)
                 if _architecture(m) == _architecture(meta) and noise_of(m) == noise_of(meta)
                 and is_plain(m) == is_plain(meta)), None)


def pair(dataset: str, latent_dim: int = 2) -> tuple[dict | None, dict | None]:
    """The plain VAE of this size and its autoencoder twin (either may be missing)."""
    vae = next(iter(models(dataset, plain_vae, latent_dim, plain=True)), None)
    return vae, (twin(vae) if vae else None)


def judge(dataset: str) -> dict | None:
    return next(iter(models(dataset, is_judge)), None)


def ablations() -> list[tuple[float, dict]]:
    """The MNIST VAEs that share the plain 2-D VAE's network and differ in the loss only, as
    (weight of the KL term, entry) from reconstruction only (0) to KL only (inf)."""
    vae, _ = pair("mnist")
    if vae is None:
        return []
    out = []
    for m in models("mnist", plain_vae, 2):
        if _architecture(m) != _architecture(vae) or noise_of(m) != "none" or m.get("session"):
            continue
        out.append((objective_of(m).kl_weight(), m))
    return sorted(out, key=lambda e: e[0])


def denoisers(dataset: str) -> list[dict]:
    """Models trained on corrupted inputs with clean targets, VAE first."""
    return [m for m in models(dataset) if noise_of(m) != "none"]


def label(meta: dict) -> str:
    """How a model is named everywhere: "VAE, 2-D", "autoencoder, 20-D, denoising", …"""
    kind = of(meta).label
    train = objective_of(meta)
    objective = train.objective() if of(meta).stochastic else ""
    if meta.get("session"):  # e.g. "yours: VAE, β = 1, 5 epochs"
        return f"yours: {', '.join(filter(None, (kind, objective)))}, {meta['epochs']:g} epochs"
    extra = f", {objective}" if objective and (train.loss, train.beta) != ("elbo", 1.0) else ""
    if noise_of(meta) != "none":
        extra += ", denoising"
    return f"{kind}, {meta['latent_dim']}-D{extra}"


def the(meta: dict) -> str:
    """A model named in a sentence: "the VAE, 2-D", "your VAE (β = 1, 5 epochs)"."""
    name = label(meta)
    if meta.get("session"):
        return f"your {name.removeprefix('yours: ').replace(', ', ' (', 1)})"
    return f"the {name}"


@st.cache_resource(show_spinner=False, max_entries=3)  # a view shows up to 3 runs, ~4 MB each
def _replay(path: str) -> dict | None:
    from vae_core.record import load_replay

    try:
        return load_replay(path)
    except (OSError, ValueError):
        return None


def _replay_path(meta: dict) -> Path:
    return CHECKPOINTS / "replay" / f"{meta['name']}.npz"


def has_replay(meta: dict) -> bool:
    """Whether a shipped model's training was recorded (without reading the recording)."""
    return _replay_path(meta).is_file()


def replay(meta: dict) -> dict | None:
    """How a shipped model learned (checkpoints/replay/<name>.npz), or None if not recorded or
    unreadable."""
    path = _replay_path(meta)
    return _replay(str(path)) if path.is_file() else None
