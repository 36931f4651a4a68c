"""Lecture decks checked against this app: each step's page exists, its view names only settings
that page (or the frame) reads, its model is one of this server's, and every figure its words
name resolves in the figures files (vae_core.deck checks the file's own shape)."""

from __future__ import annotations

from vae_core import deck as decks

from . import catalog, registry


def problems(deck: decks.Deck) -> list[str]:
    """What stops this deck from being presented here, each named by step and field."""
    out = []
    pages = {p.key: p for p in registry.PAGES}
    for k, step in enumerate(deck.steps, 1):
        where = f"step {k}"
        spec = pages.get(step.page)
        if spec is None:
            out.append(f"{where}.page: {step.page!r} is not a page of this app "
                       f"(pages: {', '.join(pages)})")
            continue
        for name, value in step.view.items():
            if name not in registry.FRAME_PARAMS + spec.params:
                out.append(f"{where}.view.{name}: not a setting of the {spec.title} page "
                           f"(it reads {', '.join(registry.FRAME_PARAMS + spec.params)})")
            elif name == "model" and catalog.by_name(value) is None:
                out.append(f"{where}.view.model: {value!r} is not a model of this server")
            elif name == "dataset" and value not in catalog.DATASET_LABELS:
                out.append(f"{where}.view.dataset: {value!r} is not a data set of this app")
            elif name in ("presenter", "live") and value not in ("0", "1"):
                out.append(f"{where}.view.{name}: 0 or 1, not {value!r}")
        for text in decks.texts(step):
            try:
                decks.fill(text, catalog.figures_file)
            except KeyError as e:
                out.append(f"{where}: the figure {e.args[0]} is not in checkpoints/eval/")
    return out
