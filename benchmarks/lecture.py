"""A lecture's step time: from the clicker's key press to the step's view drawn.

The lecturer presses Page Down through "Variational autoencoders in 45 minutes" at 1280 × 720,
on a warm server (one session has visited every page and presented the deck once). A press that
goes to the next step is timed until the step counter shows it, the script run has finished,
and the page's main picture is drawn (a new one, where the step changes page; presses that stay
on a page redraw the same elements; the Train page's picture is its controls, as in
benchmarks.startup). A press on a question reveals the answer: timed until the
cover is gone; and each time until the keys act on the new step (deck.js marks it on the page).
Reported as the median and p95 over every press of every run.
"""

from __future__ import annotations

import sys
import time

from .harness import IDLE, launch, new_context, open_page, running_app, warm
from .startup import DRAWN, FIRST_PICTURE, MARK_OLD
from .stats import summary

STEP_DRAWN = ("""([count, cover, sel, at]) => {
    const c = document.querySelector('.ll-deck-count');
    if (!c || c.innerText.trim() !== count) return false;
    if (at && document.documentElement.dataset.llDeck !== at) return false;  // the keys are its
    if (!!document.querySelector('.ll-deck-cover') !== cover) return false;
    if (!document.querySelector("IDLE")) return false;
    return cover || (DRAWN)(sel);
}""".replace("IDLE", IDLE.replace('"', "'")).replace("DRAWN", DRAWN))


def bench_steps(runs: int = 2, deck: str = "vae45", presses: int | None = None) -> dict:
    """Step through `deck` with Page Down `runs` times (each run a new tab, presenting from
    step 1); `presses` stops a run early (the CI smoke run)."""
    from playwright.sync_api import sync_playwright

    from ui import decks

    steps = decks.builtins()[deck].steps
    forward, reveal = [], []
    with running_app() as url:
        warm(url)
        with sync_playwright() as p:
            browser = launch(p)
            for run in range(runs + 1):  # the first run warms every step's view
                page = new_context(browser, viewport={"width": 1280, "height": 720}).new_page()
                open_page(page, f"{url}/lecture", 120_000)
                page.get_by_role("button", name="Present from step 1").click()
                page.wait_for_function(STEP_DRAWN, arg=[f"1 / {len(steps)}",
                                                        steps[0].predict is not None, None,
                                                        f"{deck}:1:{int(steps[0].predict is not None)}"],
                                       timeout=60_000, polling="raf")
                n, hidden, pressed = 1, steps[0].predict is not None, 0
                while n < len(steps) and (presses is None or pressed < presses):
                    revealing = hidden
                    if not revealing:
                        n += 1
                        hidden = steps[n - 1].predict is not None
                    else:
                        hidden = False
                    changes_page = not revealing and steps[n - 1].page != steps[n - 2].page
                    if changes_page:
                        page.evaluate(MARK_OLD)
                    t0 = time.perf_counter()
                    page.keyboard.press("PageDown")
                    picture = FIRST_PICTURE.get(steps[n - 1].page)  # the Train page: its controls
                    try:
                        page.wait_for_function(STEP_DRAWN, timeout=60_000, polling="raf", arg=[
                            f"{n} / {len(steps)}", hidden, picture, f"{deck}:{n}:{int(hidden)}"])
                    except Exception as e:
                        shown = page.evaluate("() => document.querySelector('.ll-deck-count')?.innerText")
                        raise RuntimeError(f"step {n}: not drawn in 60 s (showing {shown!r}, "
                                           f"picture {page.evaluate(DRAWN, picture)!r}, {page.url})") from e
                    dt = time.perf_counter() - t0
                    pressed += 1
                    if run:
                        (reveal if revealing else forward).append(dt)
                    print(f"run {run} step {n}{' reveal' if revealing else ''}: {dt:.3f} s",
                          file=sys.stderr, flush=True)
                page.context.close()
            browser.close()
    every = forward + reveal
    ordered = sorted(every)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"deck": deck, "runs": runs, "presses": len(every),
            "step_s": summary(every), "step_s_p95": p95,
            "next_step_s": summary(forward), "reveal_s": summary(reveal) if reveal else None}
