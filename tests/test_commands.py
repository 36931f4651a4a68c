"""Every `python -m …` command the README and docs name runs: its --help, in a fresh process (as a
reader would type it), and where it is cheap a tiny real run, so a documented command cannot
break unnoticed (benchmarks.lighthouse once stopped at once on a missing import)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import CHECKPOINTS

REPO = Path(__file__).resolve().parents[1]
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md")), CHECKPOINTS / "INDEX.md"]
OURS = ("vae_core", "benchmarks")


def documented() -> list[str]:
    text = "\n".join(p.read_text() for p in DOCS if p.exists())
    return sorted({m for m in re.findall(r"python -m ([a-z_]+(?:\.[a-z_]+)+)", text)
                   if m.startswith(OURS)})


def run(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=timeout)


def test_the_docs_name_the_commands_we_ship():
    names = documented()
    assert {"vae_core.train", "vae_core.evaluate", "vae_core.recipes", "benchmarks.bench",
            "benchmarks.lighthouse", "benchmarks.replicas"} <= set(names)
    for name in names:  # a command the docs name exists as a module
        assert (REPO / (name.replace(".", "/") + ".py")).is_file(), name


@pytest.mark.parametrize("name", documented())
def test_a_documented_command_answers_help(name):
    out = run(name, "--help")
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.startswith("usage: ") and f"python -m {name}" in out.stdout


def test_evaluate_runs_on_a_shipped_checkpoint_and_one_test_image(data_root):
    out = run("vae_core.evaluate", str(CHECKPOINTS / "mnist_vae_2d.safetensors"), "--index", "3",
              "--data-root", str(data_root))
    assert out.returncode == 0, out.stderr[-2000:]
    assert "neg_elbo" in out.stdout and "kl" in out.stdout


def test_recipes_lists_every_recipe_as_a_train_command():
    from vae_core.recipes import ALL

    out = run("vae_core.recipes", "list")
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.splitlines()
    assert len(lines) == len(ALL) and all(line.startswith("python -m vae_core.train ") for line in lines)
