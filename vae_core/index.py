"""checkpoints/INDEX.md: every shipped file, the command that trained it, its evaluated figures."""

from __future__ import annotations

import json
from pathlib import Path

from .checkpoint import list_checkpoints
from .families import of

HEADER = """# Shipped checkpoints

Written by `python -m vae_core.recipes index` from each file's metadata and from
`eval/<name>.json`, which `python -m vae_core.recipes evaluate` writes by running
`python -m vae_core.evaluate <file> --json eval/<name>.json` (10,000 test images; -ELBO is
Monte Carlo over 10 draws of z per image, seed 0; the importance-weighted bound uses k=100).
All nats are per image: Bernoulli BCE summed over 784 pixels (+ KL), as pytorch/examples.
Weights are stored in half precision and the figures are those of the stored weights.
"train s" is wall time on a shared 2-core CPU machine. The Fashion-MNIST models, the judges and
the 20-D VAE were trained earlier (the first two pairs mostly with two trainings at once, one
torch thread each); the 2-D MNIST VAE and its autoencoder were retrained one after another with
the training recorder on (their replays are in replay/), then the 16-D pair and the two
denoisers; the four ablations (reconstruction only, KL only, beta 0.5 and 4) were retrained
later by the 2-D VAE's recipe and its 60 epochs, recorder on. Tests and the app ran beside some
of these trainings: their seconds are upper bounds, not benchmarks.

| file | kind | data | latent | beta | loss | epochs | train s | test -ELBO | recon | KL | IWAE k=100 | accuracy | MB |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
"""


def _fmt(v, digits=2):
    return "" if v is None else f"{v:.{digits}f}"


README_START, README_END = "<!-- figures:start -->", "<!-- figures:end -->"
STUDY_START, STUDY_END = "<!-- study:start -->", "<!-- study:end -->"
SUMMARY_START, SUMMARY_END = "<!-- models:start -->", "<!-- models:end -->"
STUDY = "study"  # the loss lab's runs (vae_core.study): in no page's model picker


def print_report(out: dict, path: Path | None = None, indent: int = 1) -> None:
    """A CLI's figures as JSON: printed, and written to `path` too when one is given."""
    text = json.dumps(out, indent=indent)
    print(text)
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n")


def replace_block(readme: Path, start: str, end: str, body: str) -> None:
    """Rewrite the text between two marker comments of a README (nothing if a marker is missing)."""
    text = readme.read_text()
    if start in text and end in text:
        head, rest = text.split(start, 1)
        tail = rest.split(end, 1)[1]
        readme.write_text(f"{head}{start}\n{body}{end}{tail}")


def _loss_of(meta: dict) -> str:
    """The objective, with how it departs from the plain summed loss."""
    train = meta.get("train", {})
    if not of(meta).stochastic:
        return " (denoising)" if train.get("noise", "none") != "none" else ""
    out = [train.get("loss", "")]
    if train.get("recon_reduction", "sum") != "sum":
        out.append("recon. mean over pixels")
    if train.get("warmup"):
        out.append(f"KL warm-up {train['warmup']:g} epochs")
    if train.get("free_bits"):
        out.append(f"free bits {train['free_bits']:g}")
    if train.get("binarize"):
        out.append("binarized")
    return ", ".join(out) + (" (denoising)" if train.get("noise", "none") != "none" else "")


def _test_figures(folder: Path, meta: dict) -> dict:
    """The evaluation CLI's figures; else those the training run measured (the same test set)."""
    eval_file = folder / "eval" / f"{meta['name']}.json"
    return json.loads(eval_file.read_text())["test"] if eval_file.is_file() else meta.get("test") or {}


def _headline(meta: dict, test: dict) -> str:
    """One model's test figure in words: the −ELBO, the reconstruction loss or the accuracy."""
    if test.get("accuracy") is not None:
        return f"{100 * test['accuracy']:.2f}% right"
    if test.get("neg_elbo") is not None:
        return f"−ELBO {test['neg_elbo']:.2f} nats"
    return "" if test.get("recon") is None else f"reconstruction {test['recon']:.2f} nats"


_OBJECTIVE = {"elbo": "", "recon": "reconstruction only", "kl": "KL only"}


def summary_rows(folder: Path) -> list[str]:
    """The README's short models table: every shipped file, then the loss lab's runs."""
    rows = []
    for sub in ("", f"{STUDY}/"):
        for meta in list_checkpoints(folder / sub)[0]:
            test, train = _test_figures(folder / sub, meta), meta.get("train", {})
            how = [_OBJECTIVE.get(p.strip(), p.strip())
                   for p in _loss_of(meta).replace("(denoising)", ", denoising").split(", ")]
            if of(meta).stochastic and meta["beta"] not in (None, 1.0):
                how.insert(0, f"β = {meta['beta']:g}")
            how = [p for p in how if p]
            rows.append("| " + " | ".join([
                f"{sub}{meta['name']}", meta["kind"] + (f" ({', '.join(how)})" if how else ""), meta["dataset"],
                str(meta["latent_dim"] or ""), str(meta.get("epochs", "")),
                _fmt(train["seconds"] / 60, 0) if train.get("seconds") else "",
                _headline(meta, test), _fmt(test.get("iwae")),
            ]) + " |")
    return rows


SUMMARY_HEADER = ("| model | kind | data | z | epochs | train min | on the test set | IWAE k=100 |\n"
                  "|---|---|---|---|---|---|---|---|\n")


def summary_table(folder: Path) -> str:
    """The README's short models table, header included."""
    return SUMMARY_HEADER + "\n".join(summary_rows(folder)) + "\n"


def _rows(folder: Path, commands: dict[str, str], prefix: str = ""):
    good, bad = list_checkpoints(folder)
    rows, cmds = [], []
    for meta in good:
        name = meta["name"]
        test = _test_figures(folder, meta)
        train = meta.get("train", {})
        acc = test.get("accuracy")
        rows.append("| " + " | ".join([
            f"`{name}.safetensors`", meta["kind"], meta["dataset"], str(meta["latent_dim"] or ""),
            _fmt(meta["beta"], 1) if of(meta).stochastic else "",
            _loss_of(meta),
            str(meta.get("epochs", "")), _fmt(train.get("seconds"), 0),
            _fmt(test.get("neg_elbo")), _fmt(test.get("recon")), _fmt(test.get("kl")),
            _fmt(test.get("iwae")), "" if acc is None else f"{100 * acc:.2f}%",
            _fmt(Path(meta["path"]).stat().st_size / 2**20, 1),
        ]) + " |")
        key = f"{prefix}{name}"
        cmds.append(f"- `{key}`: `{commands.get(key, meta.get('command', '?'))}`")
    return rows, cmds, bad


def render_index(folder: Path, commands: dict[str, str]) -> tuple[str, str, str]:
    """INDEX.md's text, the shipped files' table and the loss lab's table (empty if it has none)."""
    rows, cmds, bad = _rows(folder, commands)
    table = HEADER.split("\n\n")[-1] + "\n".join(rows) + "\n"
    text = HEADER + "\n".join(rows) + "\n\n## Commands\n\n" + "\n".join(cmds) + "\n"
    if bad:
        text += "\n## Skipped files\n\n" + "\n".join(f"- {e}" for e in bad) + "\n"
    study_rows, study_cmds, _ = _rows(folder / STUDY, commands, f"{STUDY}/")
    study = HEADER.split("\n\n")[-1] + "\n".join(study_rows) + "\n" if study_rows else ""
    if study_rows:
        text += ("\n## The loss lab's runs (study/)\n\nMeasured by `python -m vae_core.study` for the "
                 "pages of *Your own model*; offered by no model picker.\n\n" + study
                 + "\n" + "\n".join(study_cmds) + "\n")
    return text, table, study


def write_index(folder: Path, commands: dict[str, str], readme: Path | None = None,
                summary: Path | None = None) -> Path:
    """Write folder/INDEX.md; also refresh the full tables between the markers of `readme`, and
    the short one between those of `summary` (the README)."""
    text, table, study = render_index(folder, commands)
    out = folder / "INDEX.md"
    out.write_text(text)
    if readme is not None and readme.is_file():
        replace_block(readme, README_START, README_END, table)
        if study:
            replace_block(readme, STUDY_START, STUDY_END, study)
    if summary is not None and summary.is_file():
        replace_block(summary, SUMMARY_START, SUMMARY_END, summary_table(folder))
    return out
