"""Nothing drawn over anything, on every page, at 1400 px, in presenter mode at 1280 × 720 and
on a 390 px phone: no two of the page's legends, captions, titles, paragraphs, pictures and maps
overlap (one inside another is fine), and no title is cut off. (A map's component once drew its
legend over the text below it; a panel title read "…ci…".)"""

import pytest

from benchmarks.harness import new_context, open_page, page_urls
from ui.registry import PAGES

WINDOWS = {"desktop": ({"width": 1400, "height": 1000}, ""),
           "presenter": ({"width": 1280, "height": 720}, "presenter=1"),
           "phone": ({"width": 390, "height": 844}, "")}
SELECTORS = ", ".join([
    ".ll-legend", ".ll-chart-legend", ".ll-title", ".ll-caption", ".ll-stack", ".ll-digit",
    "figure.ll-figure img", "figure.ll-figure svg.ll-chart", "figcaption",
    "[data-testid='stCaptionContainer']", "[data-testid='stMarkdownContainer'] p",
    "[data-testid='stHeading']"])

FIND = """(sels) => {
  const WIDGET = "[data-testid='stWidgetLabel'], [data-testid='stSlider'], [data-testid*='Slider']";
  const roots = [document];
  document.querySelectorAll("*").forEach((e) => { if (e.shadowRoot) roots.push(e.shadowRoot); });
  const items = [];
  for (const r of roots) for (const e of r.querySelectorAll(sels)) {
    const b = e.getBoundingClientRect();
    if (b.width < 1 || b.height < 1 || getComputedStyle(e).visibility === "hidden") continue;
    const host = e.getRootNode().host || e;
    if (!host.closest("[data-testid='stMain']") || e.closest(WIDGET)) continue;
    if (e.closest("details:not([open])")) continue; // a folded intro: laid out, not shown
    const text = (e.innerText || "").slice(0, 40);
    items.push({e, b, what: `${e.tagName.toLowerCase()}.${e.className}: ${text}`});
  }
  const inside = (a, b) => a.contains(b) || b.contains(a) ||
    (a.getRootNode().host || a).contains(b.getRootNode().host || b) && a.getRootNode() !== b.getRootNode();
  const out = [];
  for (let i = 0; i < items.length; i++) for (let j = i + 1; j < items.length; j++) {
    const p = items[i], q = items[j];
    if (inside(p.e, q.e)) continue;
    const w = Math.min(p.b.right, q.b.right) - Math.max(p.b.left, q.b.left);
    const h = Math.min(p.b.bottom, q.b.bottom) - Math.max(p.b.top, q.b.top);
    if (w > 2 && h > 2) out.push(`${p.what} | ${q.what} (${Math.round(w)} x ${Math.round(h)} px)`);
  }
  const clipped = items.filter((t) => t.e.matches(".ll-title, [data-testid='stHeading'] *") &&
                                      t.e.scrollWidth > t.e.clientWidth + 1).map((t) => t.what);
  return {overlaps: out, clipped};
}"""


@pytest.fixture(params=WINDOWS)
def window(browser, request):
    viewport, query = WINDOWS[request.param]
    ctx = new_context(browser, viewport=viewport)
    yield ctx.new_page(), query
    ctx.close()


# every page as it opens, and the options where something was once drawn over something
CASES = [(p.key, "") for p in PAGES] + [
    ("manifold", "model=mnist_ae_2d"), ("latent_map", "model=mnist_ae_2d"), ("ae_vs_vae", "pair=16"),
    ("posterior", "model=mnist_vae_20d"), ("interpolate", "model=mnist_vae_16d")]


@pytest.mark.parametrize("key, options", CASES)
def test_nothing_is_drawn_over_anything_and_no_title_is_cut_off(window, app_url, key, options):
    page, query = window
    query = "&".join(filter(None, (query, options)))
    open_page(page, page_urls(app_url)[key] + (f"?{query}" if query else ""))
    page.wait_for_timeout(500)  # components lay themselves out once they know their width
    found = page.evaluate(FIND, SELECTORS)
    assert found["overlaps"] == [], found["overlaps"][:6]
    assert found["clipped"] == [], found["clipped"]
