"""The house's layout, checked by reading the source (ast only): the engine knows nothing of the
app, nothing imports in a circle, pages stay thin, and nothing touches Streamlit's privates."""

import ast
from pathlib import Path

import pytest
from helpers import REPO

from ui.registry import PAGES

PACKAGES = ("vae_core", "ui", "benchmarks")
MAX_PAGE_LINES = 120


def sources() -> dict[str, Path]:
    """Every first-party module by dotted name, and the app's scripts by path."""
    out = {"app": REPO / "app.py"}
    for pkg in PACKAGES:
        for f in sorted((REPO / pkg).rglob("*.py")):
            parts = f.relative_to(REPO).with_suffix("").parts
            out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = f
    for f in sorted((REPO / "pages").rglob("*.py")):
        out[str(f.relative_to(REPO))] = f
    return out


def imports_of(name: str, path: Path) -> set[str]:
    """Modules a file imports anywhere in it (functions included), made absolute."""
    tree = ast.parse(path.read_text())
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            out.add(base)
            out |= {f"{base}.{a.name}" for a in node.names}
    return out


def first_party(modules: set[str], known: set[str]) -> set[str]:
    return {m for m in modules if m in known}


def test_nothing_imports_in_a_circle():
    src = sources()
    known = {n for n in src if not n.endswith(".py")}
    graph = {n: first_party(imports_of(n, p), known) - {n} for n, p in src.items()}
    state: dict[str, int] = {}

    def visit(n, trail):
        if state.get(n) == 1:
            raise AssertionError("import circle: " + " -> ".join([*trail, n]))
        if state.get(n) == 2:
            return
        state[n] = 1
        for m in sorted(graph.get(n, ())):
            visit(m, [*trail, n])
        state[n] = 2

    for n in sorted(graph):
        visit(n, [])


@pytest.mark.parametrize("name", [n for n in sources() if n.startswith("vae_core")])
def test_the_engine_knows_nothing_of_the_app(name):
    path = sources()[name]
    forbidden = ("streamlit", "playwright", "benchmarks", "ui", "pages", "plotly")
    bad = {m for m in imports_of(name, path) if m.split(".")[0] in forbidden}
    assert not bad, f"{name} imports {bad}"
    page_names = {Path(p.file).name for p in PAGES}  # (keys such as "train" are ordinary words)
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
            assert text not in page_names and "pages/" not in text, f"{name} names a page: {text!r}"


@pytest.mark.parametrize("page", [p.file for p in PAGES])
def test_pages_are_thin(page):
    path = REPO / page
    lines = path.read_text().splitlines()
    assert len(lines) <= MAX_PAGE_LINES, f"{page}: {len(lines)} lines"
    mods = imports_of(page, path)
    assert "torch" not in mods, f"{page} does tensor work"  # that is the engine's


def test_the_ui_kit_knows_no_page():
    for name, path in sources().items():
        if name.startswith("ui"):
            for m in imports_of(name, path):
                assert not m.startswith("pages"), f"{name} imports {m}"


def streamlit_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.asname or a.name for a in node.names if a.name.startswith("streamlit")}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("streamlit"):
            names |= {a.asname or a.name for a in node.names}
            for a in node.names:
                assert not a.name.startswith("_"), f"imports the private {node.module}.{a.name}"
    return names


@pytest.mark.parametrize("name", list(sources()))
def test_no_private_streamlit_attribute_anywhere(name):
    tree = ast.parse(sources()[name].read_text())
    names = streamlit_names(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            chain, base = [node.attr], node.value
            while isinstance(base, ast.Attribute):
                chain.append(base.attr)
                base = base.value
            if isinstance(base, ast.Name) and base.id in names:
                private = [a for a in chain if a.startswith("_") and not a.startswith("__")]
                assert not private, f"{name}: {base.id}.{'.'.join(reversed(chain))}"
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            assert node.value not in ("global.appTest", "uses_pages_directory"), name
    assert "PagesManager" not in sources()[name].read_text(), name
