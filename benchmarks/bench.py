"""Benchmarks that report figures (never pass/fail), measured the way a user meets the app.

    python -m benchmarks.bench all           # every benchmark; writes benchmarks.json + docs/performance.md
    python -m benchmarks.bench cold click    # some of them (cold, click, rerun, live, memory,
                                             # train, livetrain, steps, quality)
    python -m benchmarks.bench all --quick   # CI smoke run: one short repetition of each

Each figure is a median over repeated runs with min and max; comparisons are ratios measured
in the same run. Needs the dev requirements (Playwright) and Debian's Chromium.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from pathlib import Path

from .engine import bench_quality, bench_train
from .frames import bench_live, bench_throttled
from .harness import REPO
from .latency import bench_click, bench_livetrain, bench_rerun
from .lecture import bench_steps
from .startup import bench_cold, bench_first_visit, bench_memory

RESULTS = REPO / "benchmarks.json"


def machine() -> dict:
    import os

    import torch

    return {"cores": os.cpu_count(), "python": platform.python_version(),
            "torch": torch.__version__, "platform": platform.platform()}


README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"
TABLE_FILE = REPO / "docs" / "performance.md"  # where the table lives, between the markers
LECTURE_FILE = REPO / "README.md"  # the step time's sentence, under For lecturers
LECTURE_START, LECTURE_END = "<!-- lecture:start -->", "<!-- lecture:end -->"


def lecture_line(steps: dict) -> str:
    """The README's sentence on a lecture's step time (For lecturers), from benchmarks.json."""
    return (f"On a warm server a step takes {steps['step_s']['median']:.2f} s from the key press to "
            f"the step's view drawn (median over {steps['presses']} presses of the 45-minute deck; "
            f"p95 {steps['step_s_p95']:.2f} s), measured by `python -m benchmarks.bench steps`.\n")


BENCHES = ("cold", "click", "rerun", "live", "throttled", "firstvisit", "steps", "memory", "train",
           "livetrain", "quality")


def headline(doc: dict) -> dict:
    """The top-level keys the README and the issue name, from the detailed entries."""
    h = {}
    if "cold" in doc:
        h["cold_start_s"] = doc["cold"]["cold_start_s"]["median"]
        if "beyond_torch_s" in doc["cold"]:
            h["cold_start_beyond_torch_s"] = doc["cold"]["beyond_torch_s"]["median"]
    if "click" in doc:
        h["click_to_digit_ms"] = doc["click"]["click_to_digit_ms"]["median"]
        h["click_to_digit_ms_p95"] = doc["click"]["click_to_digit_ms_p95"]
    if "rerun" in doc:
        h["page_rerun_ms"] = doc["rerun"]["page_rerun_ms"]
    if "live" in doc:
        h["live_decode_frame_ms_p95"] = doc["live"]["live_decode_frame_ms_p95"]["median"]
    if "firstvisit" in doc:
        h["page_first_visit_s"] = {k: v["median"] for k, v in doc["firstvisit"]["page_first_visit_s"].items()}
    if "steps" in doc:
        h["lecture_step_s"] = doc["steps"]["step_s"]["median"]
        h["lecture_step_s_p95"] = doc["steps"]["step_s_p95"]
    if "throttled" in doc:
        h["live_decode_frame_ms_p95_throttled_4x"] = doc["throttled"]["live_decode_frame_ms_p95_throttled_4x"]
    if "memory" in doc:
        h["server_rss_mb"] = doc["memory"]["server_rss_mb"]
        h["rss_per_extra_session_mb"] = doc["memory"]["rss_per_extra_session_mb"]
    if "train" in doc:
        h["train_throughput_ratio"] = doc["train"]["train_throughput_ratio"]
    if "livetrain" in doc:
        t = doc["livetrain"]
        h["live_train_epoch_s"] = t["live_train_epoch_s"]["median"]
        h["live_train_first_update_s"] = t["live_train_first_update_s"]
        h["live_train_click_ratio"] = t["click_ratio_training_to_idle"]
    return h


def _row(label, f, unit, budget, ok, digits=2):
    fmt = f"{{:.{digits}f}}"
    if isinstance(f, dict):
        value = f"{fmt.format(f['median'])} {unit}"
        rest = f"{fmt.format(f['min'])} | {fmt.format(f['max'])} | {f['runs']}"
    else:
        value, rest = f"{fmt.format(f)} {unit}", " | | "
    return f"| {label} | {value} | {rest} | {budget} | {'yes' if ok else '**no**'} |"


def readme_table(doc: dict) -> str:
    """The performance table (docs/performance.md), from benchmarks.json only."""
    rows = ["| figure | median | min | max | runs | budget | met |", "|---|---|---|---|---|---|---|"]
    if "cold" in doc:
        c = doc["cold"]
        rows.append(_row("cold start: `streamlit run` → latent map drawn", c["cold_start_s"], "s",
                         "≤ 8 s", c["cold_start_s"]["median"] <= 8))
        rows.append(_row("… of which importing torch (the floor)", c["torch_import_s"], "s", "",
                         True))
        if "beyond_torch_s" in c:
            rows.append(_row("… what the app adds beyond importing torch (each run less its own "
                             "torch import)", c["beyond_torch_s"], "s", "≤ 2 s",
                             c["beyond_torch_s"]["median"] <= 2))
    if "click" in doc:
        c = doc["click"]
        rows.append(_row(f"click → decoded digit in the page (server side, {c['clicks']} clicks)",
                         c["click_to_digit_ms"], "ms", "≤ 200 ms", c["click_to_digit_ms"]["median"]
                         <= 200, 0))
        rows.append(_row("click → decoded digit, p95", c["click_to_digit_ms_p95"], "ms", "≤ 500 ms",
                         c["click_to_digit_ms_p95"] <= 500, 0))
        if c.get("click_to_message_sent_ms"):
            rows.append(_row("… of which the browser, click → its message sent",
                             c["click_to_message_sent_ms"], "ms", "", True, 0))
            rows.append(_row("… of which the server's script run", c["server_script_ms"], "ms", "",
                             True, 0))
    if "rerun" in doc:
        for page, f in doc["rerun"]["page_rerun_ms_detail"].items():
            rows.append(_row(f"warm rerun, script time: {page}", f, "ms", "≤ 100 ms",
                             f["median"] <= 100, 0))
    live = doc.get("live")
    if live:
        rows.append(_row("live decode + draw per frame, p50", live["live_decode_frame_ms"], "ms",
                         "", True))
        rows.append(_row("live decode + draw per frame, p95", live["live_decode_frame_ms_p95"],
                         "ms", "≤ 4 ms", live["live_decode_frame_ms_p95"]["median"] <= 4))
        if "live_sliders_frame_ms_p95" in live:
            # not the budget (that is the live map's): a frame at 60 Hz is 16.7 ms
            rows.append(_row(f"live sliders of {live['live_sliders_model']} (conv decoder, 3.3 M "
                             "multiply-adds, about half skipped): decode + draw per frame, p95",
                             live["live_sliders_frame_ms_p95"], "ms", "≤ 16.7 ms (one 60 Hz frame)",
                             live["live_sliders_frame_ms_p95"]["median"] <= 16.7))
        rows.append(_row("live map drawn after the page header", live["map_after_header_s"], "s",
                         "≤ 1 s", live["map_after_header_s"]["median"] <= 1))
    if "throttled" in doc:
        t = doc["throttled"]
        for name, ms in t["live_decode_frame_ms_p95_throttled_4x"].items():
            rows.append(_row(f"live decode + draw per frame, CPU throttled {t['cpu_throttling_rate']}× "
                             f"(a phone), p95: {name}", ms, "ms", "≤ 16.7 ms", ms <= 16.7, 1))
    if "firstvisit" in doc:
        f = doc["firstvisit"]
        for page, v in f["page_first_visit_s"].items():
            rows.append(_row(f"first visit on a warm server, link → main picture ({f['picture'][page]}): "
                             f"{page}", v, "s", "≤ 1 s", v["median"] <= 1))
        rows.append(_row("a new tab: the app opened → the latent map drawn (Streamlit's scripts "
                         "loaded too)", f["app_open_to_map_s"], "s", "", True))
    if "steps" in doc:
        t = doc["steps"]
        rows.append(_row(f"a lecture's step: Page Down → the step's view drawn ({t['deck']}, "
                         f"{t['presses']} presses at 1280 × 720)", t["step_s"], "s", "≤ 0.5 s",
                         t["step_s"]["median"] <= 0.5))
        rows.append(_row("a lecture's step, p95", t["step_s_p95"], "s", "≤ 1 s", t["step_s_p95"] <= 1))
        if t.get("reveal_s"):
            rows.append(_row("… of which a question's reveal (the answer shown)", t["reveal_s"], "s",
                             "", True))
    if "memory" in doc:
        m = doc["memory"]
        rows.append(_row("server memory after one session visited every page (settled: median of 5 samples)",
                         m["server_rss_mb"], "MB", "≤ 600 MB", m["server_rss_mb"] <= 600, 0))
        for group, mb in (m.get("server_rss_mb_by_mapping") or {}).items():
            rows.append(_row(f"… of which resident in {group}", mb, "MB", "", True, 0))
        rows.append(_row(f"memory per extra session ({m['extra_sessions']} sessions)",
                         m["rss_per_extra_session_mb"], "MB", "≤ 10 MB",
                         m["rss_per_extra_session_mb"] <= 10, 1))
    if "train" in doc:
        t = doc["train"]
        rows.append(_row("training loop, images/s", t["train_images_per_s"], "img/s", "", True, 0))
        rows.append(_row("… against a bare PyTorch loop (ratio)", t["train_throughput_ratio"], "",
                         "≥ 0.9", t["train_throughput_ratio"] >= 0.9))
    if "livetrain" in doc:
        t = doc["livetrain"]
        rows.append(_row("Train one now: one epoch of the preset, 60,000 images",
                         t["live_train_epoch_s"], "s", "≤ 5 s", t["live_train_epoch_s"]["median"] <= 5))
        rows.append(_row(f"Train one now: Start → first redrawn map (the page open "
                         f"{t.get('page_open_before_start_s', 0):.0f} s before)",
                         t["live_train_first_update_s"], "s", "≤ 2 s", t["live_train_first_update_s"] <= 2))
        rows.append(_row("another session's click → digit while it trains (ratio to idle)",
                         t["click_ratio_training_to_idle"], "×", "≤ 1.5×",
                         t["click_ratio_training_to_idle"] <= 1.5))
        if t.get("live_neg_elbo"):
            rows.append(_row(f"the preset's test −ELBO (shipped {t['shipped_model']}: "
                             f"{t['shipped_neg_elbo']:.1f})", t["live_neg_elbo"], "nats", "", True, 1))
    m = doc.get("machine", {})
    rows.append("")
    rows.append(f"Machine: {m.get('cores')} cores, Python {m.get('python')}, torch {m.get('torch')}.")
    q = doc.get("quality")
    if q:
        rows.append("")
        rows.append("| quality (test set) | figure |")
        rows.append("|---|---|")
        for name, f in q["models"].items():
            if "accuracy" in f:
                rows.append(f"| {name}: accuracy | {100 * f['accuracy']:.2f}% |")
            elif "neg_elbo" in f:
                rows.append(f"| {name}: −ELBO | {f['neg_elbo']:.2f} nats |")
            else:
                rows.append(f"| {name}: reconstruction | {f['recon']:.2f} nats |")
        for name, share in q["gap_map"].items():
            rows.append(f"| {name}: map region decoding to a confident class (judge ≥ 0.9) | "
                        f"{100 * share:.1f}% |")
        for name, aucs in q["anomaly"].items():
            for other, auc in aucs.items():
                rows.append(f"| {name}: ROC AUC against {other} | {auc:.4f} |")
    return "\n".join(rows) + "\n"


def update_readme(doc: dict, readme: Path = TABLE_FILE) -> None:
    from vae_core.index import replace_block

    replace_block(readme, README_START, README_END, readme_table(doc))
    if "steps" in doc:
        replace_block(LECTURE_FILE, LECTURE_START, LECTURE_END, lecture_line(doc["steps"]))


def run(which: str, quick: bool) -> dict:
    if which == "cold":
        return bench_cold(runs=1 if quick else 3)
    if which == "click":
        return bench_click(clicks=5 if quick else 50, warmup=1 if quick else 3)
    if which == "rerun":
        return bench_rerun(reruns=1 if quick else 5)
    if which == "live":
        return bench_live(runs=1, moves=40) if quick else bench_live()
    if which == "memory":
        return bench_memory(extra=2 if quick else 10)
    if which == "train":
        return bench_train(steps=20, repeats=1) if quick else bench_train()
    if which == "firstvisit":
        return bench_first_visit(runs=1 if quick else 3)
    if which == "throttled":
        return bench_throttled(moves=20, models=["mnist/mnist_vae_2d"]) if quick else bench_throttled()
    if which == "steps":
        return bench_steps(runs=1, presses=6) if quick else bench_steps()
    if which == "livetrain":
        return (bench_livetrain(clicks=3, epochs_timed=1, query="?epochs=1&images=10000") if quick
                else bench_livetrain())
    return bench_quality()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("which", nargs="+", choices=("all", *BENCHES))
    p.add_argument("--quick", action="store_true",
                   help="one short repetition of each (CI smoke run); writes nothing")
    p.add_argument("--out", type=Path, default=RESULTS)
    args = p.parse_args(argv)
    names = list(BENCHES) if "all" in args.which else list(dict.fromkeys(args.which))
    doc = json.loads(args.out.read_text()) if args.out.is_file() else {}
    for name in names:
        print(f"== {name}", file=sys.stderr, flush=True)
        doc[name] = run(name, args.quick)
        print(json.dumps(doc[name], indent=2), flush=True)
    if not args.quick:
        doc.update(headline(doc))
        doc["machine"] = machine()
        args.out.write_text(json.dumps(doc, indent=2) + "\n")
        update_readme(doc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
