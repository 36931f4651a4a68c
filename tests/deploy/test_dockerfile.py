"""deploy/Dockerfile, run without Docker: no image can be pulled on our machines, so the test
parses the recipe, lays out its COPY steps in a folder that stands for /app, runs its `pip install`
in a fresh virtual environment and its ENTRYPOINT there, and waits for its HEALTHCHECK to pass.

What this does not cover, and the README says so: the base image (python:3.11-slim), the
`useradd`/`USER` steps, and Docker itself."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from helpers import REPO

from benchmarks.harness import free_port, run_async
from benchmarks.protocol import Session

DOCKERFILE = REPO / "deploy" / "Dockerfile"


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order; comments dropped, continuation lines joined."""
    out, line = [], ""
    for raw in text.splitlines():
        if raw.lstrip().startswith("#") or not raw.strip():
            continue
        line += raw.rstrip()
        if line.endswith("\\"):
            line = line[:-1] + " "
            continue
        word, _, rest = line.strip().partition(" ")
        out.append((word.upper(), " ".join(rest.split())))
        line = ""
    return out


def env_of(args: str) -> dict:
    return dict(part.split("=", 1) for part in shlex.split(args))


def test_the_parser_reads_this_recipe():
    steps = instructions(DOCKERFILE.read_text())
    words = [w for w, _ in steps]
    assert words[0] == "FROM" and words[-1] == "ENTRYPOINT"
    assert env_of(dict(steps)["ENV"]) == {"PYTHONUNBUFFERED": "1", "LATENT_LAB_DATA": "/data"}
    health = dict(steps)["HEALTHCHECK"]
    assert "/_stcore/health" in health and health.split(" CMD ", 1)[1].startswith("python -c")


def test_it_copies_everything_the_app_imports_and_nothing_it_must_not_ship():
    copied = {args.split()[0].rstrip("/") for w, args in instructions(DOCKERFILE.read_text())
              if w == "COPY"}
    top_level = {p.name for p in REPO.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    needed = {m for m in top_level if m not in {"tests", "benchmarks"}}
    assert needed <= copied, f"not copied: {needed - copied}"
    assert {"app.py", "pages", "checkpoints", ".streamlit", "requirements.txt"} <= copied
    assert not copied & {"data", "tests", "benchmarks", ".venv", "runs"}


@pytest.fixture(scope="module")
def image(tmp_path_factory, data_root):
    """The recipe's steps, outside Docker: COPY into a folder standing for WORKDIR, RUN pip in
    a fresh virtual environment (the pip cache may serve the wheels: --no-cache-dir only keeps
    an image small), ENV applied, the data volume at LATENT_LAB_DATA."""
    root = tmp_path_factory.mktemp("image")
    app, venv = root / "app", root / "venv"
    app.mkdir()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {**os.environ, "PATH": f"{venv / 'bin'}:{os.environ['PATH']}", "VIRTUAL_ENV": str(venv)}
    env.pop("PYTHONPATH", None)
    steps = instructions(DOCKERFILE.read_text())
    for word, args in steps:
        if word == "ENV":
            env.update(env_of(args))
        elif word == "COPY":
            src, dst = args.split()
            target = app / dst
            if (REPO / src).is_dir():
                shutil.copytree(REPO / src, target, dirs_exist_ok=True,
                                ignore=shutil.ignore_patterns("__pycache__"))
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(REPO / src, target if not dst.endswith("/") else target / Path(src).name)
        elif word == "RUN" and args.startswith("pip "):
            cmd = [a for a in shlex.split(args) if a != "--no-cache-dir"]
            subprocess.run(cmd, cwd=app, env=env, check=True, capture_output=True)
    env["LATENT_LAB_DATA"] = str(data_root)  # the volume the container would mount at /data
    yield {"app": app, "env": env, "steps": dict(steps), "venv": venv}


def test_the_fresh_environment_has_only_the_readmes_requirements(image):
    out = subprocess.run([image["venv"] / "bin" / "python", "-m", "pip", "list", "--format=json"],
                         env=image["env"], check=True, capture_output=True, text=True).stdout
    names = {p["name"].lower() for p in json.loads(out)}
    assert {"streamlit", "torch", "torchvision", "numpy", "pillow"} <= names
    assert not names & {"pytest", "playwright", "plotly"}


def test_its_entrypoint_serves_the_app_and_its_healthcheck_passes(image):
    port = free_port()
    entry = json.loads(image["steps"]["ENTRYPOINT"])
    assert entry[:3] == ["streamlit", "run", "app.py"]
    cmd = [a.replace("=8501", f"={port}") for a in entry]
    health = image["steps"]["HEALTHCHECK"].split(" CMD ", 1)[1].replace(":8501/", f":{port}/")
    log = (image["app"].parent / "server.log").open("w")
    proc = subprocess.Popen(cmd, cwd=image["app"], env=image["env"], stdout=log,
                            stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while subprocess.run(health, shell=True, env=image["env"], capture_output=True).returncode:
            assert proc.poll() is None, (image["app"].parent / "server.log").read_text()[-2000:]
            assert time.monotonic() < deadline, "the HEALTHCHECK never passed"
            time.sleep(0.5)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as r:
            assert r.status == 200 and b"<div id=\"root\">" in r.read()

        async def first_run():
            async with Session(f"http://127.0.0.1:{port}") as s:
                await s.run("live=0")
                return s

        s = run_async(first_run)
        assert "map" in s.widgets  # the latent map was drawn: models and data were found
        assert not any("Traceback" in m for m in s.markdown)
    finally:
        proc.terminate()
        proc.wait(15)
        log.close()
