"""One home for each model family: the registry every other module dispatches through.

A family says what its models are (the class, which owns its encode, decode and loss; the
config class that rebuilds it), what they can do (a latent space? a posterior with a KL and a
prior to sample? a condition such as the class label?), its name for people, and which pages can
show it. No module outside this one and models.py compares a model's kind with a literal
(tests/engine/test_families.py reads the code to keep it so): adding a family is one class in
models.py and one `register` line here.

    from vae_core import families
    families.of(model).stochastic        # a model, a checkpoint's metadata, or a kind
    families.KINDS                       # ("vae", "ae", "cvae", "arvae", "classifier")
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from . import models
from .config import AutoencoderConfig, ClassifierConfig


@dataclass(frozen=True)
class Family:
    kind: str  # stored in every checkpoint's metadata and config
    label: str  # for people: "VAE", "autoencoder", ...
    model: type  # the nn.Module; it owns encode/decode and `loss(x, y, ...)`
    config: type  # the frozen config that rebuilds it
    latent: bool  # has a latent space (encode, decode, an atlas, a map)
    stochastic: bool = False  # q(z|x) = N(μ, σ²) with a KL to the prior N(0, I): sample the prior
    conditional: bool = False  # encode(x, y) and decode(z, y), y a class index
    # p(x|z) needs the image itself (each pixel given the ones before): decode_logits(z, x)
    autoregressive: bool = False
    # Which pages offer it: "latent" pages take any unconditional model with a latent space; a
    # conditional model needs a page that gives the decoder its label; a judge is no page's model;
    # a "study" model only the page made for it (its decoder draws a pixel at a time).
    pages: str = "latent"

    # How a model of the family encodes and decodes, with the condition y where it takes one
    # (class indices; ignored by an unconditional family), so callers never ask which it is.
    def encode(self, model, x, y=None):
        """(mu, logvar) for a stochastic family, the code z for a deterministic one."""
        return model.encode(x, y) if self.conditional else model.encode(x)

    def decode_logits(self, model, z, y=None, x=None):
        """The logits of p(x|z) (given y); an autoregressive family needs the image x they score."""
        if self.autoregressive:
            return model.decode_logits(z, x)
        return model.decode_logits(z, y) if self.conditional else model.decode_logits(z)

    def decode(self, model, z, y=None):
        """Pixel probabilities (N, 1, 28, 28)."""
        return model.decode(z, y) if self.conditional else model.decode(z)


FAMILIES: dict[str, Family] = {}


def register(family: Family) -> Family:
    FAMILIES[family.kind] = family
    return family


register(Family("vae", "VAE", models.VAE, AutoencoderConfig, latent=True, stochastic=True))
register(Family("ae", "autoencoder", models.AE, AutoencoderConfig, latent=True))
register(Family("cvae", "conditional VAE", models.CVAE, AutoencoderConfig, latent=True, stochastic=True,
                conditional=True, pages="conditional"))
register(Family("arvae", "VAE with an autoregressive decoder", models.ARVAE, AutoencoderConfig,
                latent=True, stochastic=True, autoregressive=True, pages="study"))
register(Family("classifier", "classifier", models.Classifier, ClassifierConfig, latent=False, pages="judge"))
KINDS = tuple(FAMILIES)


def family(kind: str) -> Family:
    """The family of a kind; an unknown kind raises ValueError naming the known ones."""
    try:
        return FAMILIES[kind]
    except (KeyError, TypeError):
        raise ValueError(f"unknown model kind {kind!r}; supported: {', '.join(KINDS)}") from None


def of(thing) -> Family:
    """The family of a model, a checkpoint's metadata (a dict with "kind") or a kind."""
    if isinstance(thing, str):
        return family(thing)
    if isinstance(thing, dict):
        return family(thing.get("kind"))
    return family(thing.kind)


def kinds(**wanted) -> tuple[str, ...]:
    """The kinds whose families have every attribute given, e.g. kinds(latent=True)."""
    return tuple(k for k, f in FAMILIES.items() if all(getattr(f, a) == v for a, v in wanted.items()))


def plain_vae(thing) -> bool:
    """A VAE without a condition: the prior alone decodes to a digit."""
    f = of(thing)
    return f.stochastic and not f.conditional


def plain_ae(thing) -> bool:
    """A deterministic autoencoder without a condition (a VAE's twin without the KL)."""
    f = of(thing)
    return f.latent and not f.stochastic and not f.conditional


def is_judge(thing) -> bool:
    """A model without a latent space: a classifier."""
    return not of(thing).latent


def same_network(config_a: dict, config_b: dict) -> bool:
    """Whether two models' configs (checkpoint metadata) describe the same network, whatever
    their families: a VAE and its autoencoder twin."""
    return {**config_a, "kind": None} == {**config_b, "kind": None}


def checked(config):
    """The config, if its kind is a family's and it is that family's kind of config (the kind
    is checked here, at its home, not by the config classes)."""
    if not isinstance(config, family(config.kind).config):
        raise ValueError(f"a {type(config).__name__} cannot describe a {config.kind!r} model")
    return config


def config_from_dict(d: dict):
    """Rebuild a model config (a checkpoint's); unknown kinds and fields raise ValueError."""
    kind = d.get("kind")
    cls = family(kind).config  # an unknown kind: ValueError
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = set(d) - names
    if unknown:
        raise ValueError(f"unknown config fields for {kind}: {sorted(unknown)}")
    try:
        return checked(cls(**d))
    except TypeError as e:
        raise ValueError(f"bad config for {kind}: {e}") from e


def build(config):
    """A fresh model for a config (its `kind` names the family)."""
    return family(checked(config).kind).model(config)


build_model = build  # the name the package has always exported
