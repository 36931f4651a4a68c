"""The README and docs/ hold up: every picture and link they use exists, every table a command
writes has its markers where that command writes, and every module, function or file they name
in code type still exists (a doc that describes code that is gone fails here)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")
CODE = re.compile(r"`([^`\n]+)`")
DOTTED = re.compile(r"^(vae_core|ui|benchmarks)(\.[A-Za-z_][A-Za-z0-9_]*)+")
PATH = re.compile(r"^[\w.-]+(/[\w.-]+)+/?$|^[\w-]+\.(json|md|py|js|txt|toml|yaml)$")
EXTERNAL = {"vae/main.py"}  # pytorch/examples' file, named as the peer whose convention we follow
RUNTIME = {"./data", "data", "data/", "runs", "runs/"}  # made on a machine (git-ignored), not shipped


def _relative_links(doc: Path):
    for target in LINK.findall(doc.read_text()):
        if "://" in target or target.startswith(("#", "mailto:")):
            continue
        yield target.split("#")[0]


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_picture_and_link_exists(doc):
    missing = [t for t in _relative_links(doc) if t and not (doc.parent / t).exists()]
    assert not missing, f"{doc.name} links to missing files: {missing}"


def test_the_readme_opens_with_a_picture_and_an_animation():
    text = (REPO / "README.md").read_text()
    pictures = re.findall(r"!\[[^\]]+\]\(([^)]+)\)", text)
    assert any(p.endswith(".png") for p in pictures) and any(p.endswith(".gif") for p in pictures)
    assert text.index(pictures[0]) < text.index("pip install")  # before the commands


def _resolves(name: str) -> bool:
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            if not hasattr(obj, attr):
                return False
            obj = getattr(obj, attr)
        return True
    return False


def _named(doc: Path):
    for code in CODE.findall(doc.read_text()):
        first = code.split()[0].rstrip(",;:()") if code.split() else ""
        if PATH.match(first) and first not in EXTERNAL | RUNTIME and "<" not in first:
            yield "path", first
        elif DOTTED.match(first):
            yield "name", DOTTED.match(first).group(0)


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_docs_name_only_code_that_exists(doc):
    gone = [name for kind, name in _named(doc)
            if (kind == "name" and not _resolves(name))
            or (kind == "path" and not (REPO / name).exists() and not (doc.parent / name).exists())]
    assert not gone, f"{doc.name} names code or files that do not exist: {gone}"


def test_the_docs_checker_catches_a_name_that_is_gone(tmp_path):
    doc = tmp_path / "x.md"
    doc.write_text("`vae_core.latent.to_relative` and `ui/plotly_map.py` and `vae_core.latent.encode`")
    named = list(_named(doc))
    assert ("name", "vae_core.latent.to_relative") in named and ("path", "ui/plotly_map.py") in named
    assert not _resolves("vae_core.latent.to_relative") and _resolves("vae_core.latent.encode")


def _tables():
    from benchmarks import bench, lighthouse, reliability, replicas
    from vae_core import index, recipes

    yield "bench", bench.TABLE_FILE, bench.README_START, bench.README_END
    yield "lecture", bench.LECTURE_FILE, bench.LECTURE_START, bench.LECTURE_END
    yield "lighthouse", lighthouse.TABLE_FILE, lighthouse.README_START, lighthouse.README_END
    yield "reliability", reliability.TABLE_FILE, reliability.README_START, reliability.README_END
    yield "replicas", replicas.TABLE_FILE, replicas.README_START, replicas.README_END
    yield "models", REPO / recipes.MODELS_TABLE, index.README_START, index.README_END
    yield "models-summary", REPO / recipes.SUMMARY_TABLE, index.SUMMARY_START, index.SUMMARY_END


@pytest.mark.parametrize("writer", list(_tables()), ids=lambda w: w[0])
def test_every_table_writer_finds_its_markers(writer):
    _, path, start, end = writer
    text = path.read_text()
    assert text.count(start) == 1 and text.count(end) == 1 and text.index(start) < text.index(end)
