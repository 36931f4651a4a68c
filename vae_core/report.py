"""What every measuring command of the engine shares: its arguments (the checkpoint folder, the
JSON to write, the progress bar) and how it writes its figures (checkpoints/eval/<name>.json)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def parser(prog: str, doc: str | None, default_json: str) -> argparse.ArgumentParser:
    """`python -m <prog>`'s parser with --dir, --json (default: <dir>/eval/<default_json>) and
    --no-progress; a command adds its own arguments."""
    p = argparse.ArgumentParser(prog=f"python -m {prog}", description=doc,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dir", type=Path, default=Path("checkpoints"))
    p.add_argument("--json", type=Path, default=None, help=f"default: <dir>/eval/{default_json}")
    p.add_argument("--no-progress", action="store_true")
    return p


def write(doc: dict, args, default_json: str) -> Path:
    """Write a command's figures where --json says (or <dir>/eval/<default_json>) and say so."""
    target = args.json or args.dir / "eval" / default_json
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {target}")
    return target
