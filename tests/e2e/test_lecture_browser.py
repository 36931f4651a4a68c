"""The Lecture in Chromium, as a lecturer with a clicker and a student at home meet it: Page Down
through the whole 45-minute deck at 1280 × 720 (each step its page, its settings, no error),
Page Up and the browser's back button, predict-then-reveal, blanking, the arrows yielding to a
focused map, self-study resumed from the browser's memory, a deck of one's own built, exported,
imported elsewhere and presented, a bad deck file refused by name, and a view framed in a slide
that still decodes under the pointer."""

import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from conftest import shot

from benchmarks.harness import IDLE, act, new_context, open_page
from ui import decks, registry

DECK = decks.builtins()["vae45"]
TOTAL = len(DECK.steps)
PROJECTOR = {"width": 1280, "height": 720}


def at_step(page, n: int, cover: bool = False, timeout: float = 60_000):
    """Wait until step `n` is shown (its question's cover up or not) and the run is over."""
    try:
        _wait_step(page, n, cover, timeout)
    except Exception as e:
        count = page.locator(".ll-deck-count")
        shown = count.first.inner_text() if count.count() else None
        raise AssertionError(f"step {n} (cover {cover}) not shown: {shown!r} at {page.url}, "
                             f"cover {page.locator('.ll-deck-cover').count()}") from e


def _wait_step(page, n, cover, timeout):
    page.wait_for_function(  # deck.js marks the step its keys act on
        """([count, cover, idle, at]) => {
            const c = document.querySelector('.ll-deck-count');
            return c && c.innerText.trim() === count && !!document.querySelector(idle)
                && !!document.querySelector('.ll-deck-cover') === cover
                && document.documentElement.dataset.llDeck === at; }""",
        arg=[f"{n} / {TOTAL}", cover, IDLE, f"vae45:{n}:{int(cover)}"], timeout=timeout)


def query(page) -> dict:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def present(browser, app_url, n: int = 1):
    page = new_context(browser, viewport=PROJECTOR).new_page()
    open_page(page, f"{app_url}/lecture", 120_000)
    if n == 1:  # with the keyboard alone
        page.get_by_role("button", name="Present from step 1").focus()
        page.keyboard.press("Enter")
    else:
        open_page(page, f"{app_url}/lecture?show=vae45")
        page.get_by_label("Go to step").click()
        page.get_by_role("option", name=f"{n}. {DECK.steps[n - 1].title}").click()
        page.get_by_role("button", name="Present from here").click()
    at_step(page, n, DECK.steps[n - 1].predict is not None)
    return page


def test_page_down_steps_through_the_whole_lecture_and_page_up_and_back_go_back(browser, app_url):
    page = present(browser, app_url)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    shots = {1, 6, 9, 12, 16, 19}
    for n, step in enumerate(DECK.steps, 1):
        if n > 1:
            page.keyboard.press("PageDown")
            at_step(page, n, step.predict is not None)
        path = urlparse(page.url).path.strip("/")
        assert path == registry.by_key(step.page).url_path, (n, page.url)
        q = query(page)
        assert (q.get("deck"), q.get("step"), q.get("presenter")) == ("vae45", str(n), "1"), page.url
        assert all(q.get(k) == v for k, v in step.view.items()), (n, q, step.view)
        assert page.locator("[data-testid='stException']").count() == 0, n
        assert "were not usable" not in page.inner_text("[data-testid='stMain']"), n
        if step.predict is not None:
            assert step.predict.question in page.inner_text(".ll-deck-cover")
            if n in shots:
                shot(page, f"lecture_{n:02d}_question")
            page.keyboard.press("PageDown")  # the answer, on the same step
            at_step(page, n, cover=False)
            assert step.predict.reveal[:40] in page.inner_text(".ll-deck-line")
        if n in shots:
            shot(page, f"lecture_{n:02d}")
    page.keyboard.press("PageDown")  # past the end: stays
    page.wait_for_timeout(500)
    at_step(page, TOTAL)
    page.keyboard.press("PageUp")
    at_step(page, TOTAL - 1)
    page.go_back()  # the browser's back button: one step back
    at_step(page, TOTAL)
    page.keyboard.press("Home")
    at_step(page, 1)
    page.keyboard.press("End")
    at_step(page, TOTAL)
    assert not errors, errors


def test_the_arrows_step_unless_a_map_has_the_focus_and_b_blanks_the_screen(browser, app_url):
    page = present(browser, app_url)
    page.wait_for_selector(".ll-look")  # step 1 points at the map: it is outlined
    assert page.locator(".ll-look").count() == 1 and page.locator(".ll-look canvas.ll-over").count() == 1
    page.keyboard.press("ArrowRight")
    at_step(page, 2)
    page.keyboard.press("ArrowLeft")
    at_step(page, 1)
    page.locator("canvas.ll-over").first.focus()
    page.keyboard.press("ArrowRight")  # the map's: the decoded spot moves
    page.wait_for_timeout(800)
    at_step(page, 1)
    page.keyboard.press("PageDown")  # Page Down always steps
    at_step(page, 2)
    page.keyboard.press("b")
    assert page.locator("#ll-blank").is_visible()
    page.keyboard.press("b")
    assert page.locator("#ll-blank").count() == 0
    page.keyboard.press("n")  # the narration line hides, the counter stays
    assert not page.locator(".ll-deck-say").is_visible() and page.locator(".ll-deck-count").is_visible()


def test_self_study_keeps_the_words_beside_the_view_and_resumes_in_the_browser(browser, app_url):
    ctx = new_context(browser, viewport={"width": 1400, "height": 900})
    page = ctx.new_page()
    open_page(page, f"{app_url}/lecture", 120_000)
    act(page, lambda: page.get_by_role("button", name="Study on my own").click())
    page.wait_for_selector(".st-key-ll-deck-panel")
    panel = page.locator(".st-key-ll-deck-panel").bounding_box()
    view = page.locator("[data-testid='stMain'] h2").first.bounding_box()
    assert panel["x"] > view["x"] + view["width"] - 1  # beside the view, not above it
    for _ in range(4):
        page.get_by_role("button", name="Next").click()
        page.wait_for_timeout(300)
        page.wait_for_selector(IDLE)
    page.wait_for_function("() => location.search.includes('step=5')")
    assert page.get_by_role("button", name="Next").is_disabled()  # a question waits for a guess
    page.get_by_text(DECK.steps[4].predict.choices[DECK.steps[4].predict.answer]).click()
    page.get_by_role("button", name="Check my guess").click()
    page.wait_for_selector("text=Right.")
    shot(page, "lecture_study_05")
    page.close()
    page = ctx.new_page()  # the tab closed and opened again: a new session, the same browser
    open_page(page, f"{app_url}/lecture", 120_000)
    page.get_by_role("button", name="Resume at step 5").wait_for(timeout=30_000)
    ctx.close()


def opened(page, url: str):
    """Open a page in a new session (open_page waits until the browser has given back what it
    keeps: the deck so far)."""
    open_page(page, url, 120_000)


def add_view(page, title: str):
    page.get_by_role("button", name="Add this view to my deck").click()
    page.get_by_label("Step title").fill(title)
    act(page, lambda: page.get_by_role("button", name="Add to my deck").click())
    page.keyboard.press("Escape")


def test_a_deck_of_my_own_is_built_exported_imported_elsewhere_and_presented(browser, app_url):
    page = new_context(browser).new_page()
    opened(page, f"{app_url}/?model=mnist_vae_2d")
    add_view(page, "The map")
    opened(page, f"{app_url}/manifold?model=mnist_vae_2d&n=9")  # each a new session: the
    add_view(page, "A 9 × 9 grid")  # deck so far comes back from the browser's storage
    opened(page, f"{app_url}/interpolate?model=mnist_vae_2d")
    add_view(page, "A walk")
    opened(page, f"{app_url}/my_deck")
    act(page, lambda: page.locator(".st-key-down-0 button").click())  # reorder
    titles = [page.locator("[data-testid='stTextInput'] input[aria-label='Title']").nth(i).input_value()
              for i in range(3)]
    assert titles == ["A 9 × 9 grid", "The map", "A walk"]
    with page.expect_download() as got:
        page.get_by_role("button", name="Export the deck file").click()
    path = Path(tempfile.mkdtemp()) / "my-deck.toml"
    got.value.save_as(path)
    assert "A 9 × 9 grid" in path.read_text() and 'n = "9"' in path.read_text()

    other = new_context(browser, viewport=PROJECTOR).new_page()  # another browser
    opened(other, f"{app_url}/my_deck")
    act(other, lambda: other.locator("input[type=file]").set_input_files(str(path)))
    other.locator(".st-key-my-deck-present button").click()
    other.wait_for_function("() => document.querySelector('.ll-deck-count')?.innerText.trim() === '1 / 3'")
    assert "/manifold" in other.url and query(other)["n"] == "9"
    other.keyboard.press("PageDown")
    other.wait_for_function("() => document.querySelector('.ll-deck-count')?.innerText.trim() === '2 / 3'")
    shot(other, "my_deck_presented")

    bad = Path(tempfile.mkdtemp()) / "broken.toml"
    bad.write_text(path.read_text().replace('page = "interpolate"', 'page = "nowhere"', 1))
    opened(other, f"{app_url}/my_deck")  # a new session: the browser gives the deck back
    titles = other.locator("[data-testid='stTextInput'] input[aria-label='Title']")
    assert titles.count() == 3
    act(other, lambda: other.locator("input[type=file]").set_input_files(str(bad)))
    said = other.inner_text("[data-testid='stMain']")
    assert "was not opened; your deck is unchanged" in said and "step 3.page" in said
    assert titles.count() == 3


def test_a_view_framed_in_a_slide_shows_its_picture_and_decodes_under_the_pointer(browser, app_url):
    slide = Path(tempfile.mkdtemp()) / "slide.html"
    slide.write_text(f"""<!doctype html><html><body style="margin:0"><h1>My slide</h1>
<iframe src="{app_url}/?model=mnist_vae_2d&embed=true&slide=1" width="1200" height="600"
 style="border:0" title="Latent Lab"></iframe></body></html>""")
    page = new_context(browser, viewport={"width": 1280, "height": 760}).new_page()
    page.goto(slide.as_uri())
    frame = page.frame_locator("iframe")
    over = frame.locator("canvas.ll-over").first
    over.wait_for(timeout=60_000)
    box = over.bounding_box()
    assert box["width"] >= 350 and box["y"] + box["height"] <= 80 + 600  # fills the frame, fits it
    assert frame.locator("[data-testid='stSidebar']").count() == 0 or \
        not frame.locator("[data-testid='stSidebar']").is_visible()
    inner = page.frames[1]
    inner.wait_for_function("() => true")
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.6)
    for i in range(10):
        page.mouse.move(box["x"] + box["width"] * (0.3 + 0.03 * i), box["y"] + box["height"] * 0.6)
        page.wait_for_timeout(30)
    inner.wait_for_function("window.__latentLabFrames && window.__latentLabFrames.length >= 3")
    shot(page, "slide_embedded")


def test_an_outlined_picture_holds_its_caption_inside_the_outline(browser, app_url):
    from urllib.parse import urlencode

    n = next(i for i, s in enumerate(DECK.steps, 1) if s.look == "samples" and s.predict is None)
    step = DECK.steps[n - 1]
    page = new_context(browser, viewport=PROJECTOR).new_page()
    open_page(page, f"{app_url}/{registry.by_key(step.page).url_path}?"
                    f"{urlencode(decks.link('vae45', n, step, False))}", 120_000)
    at_step(page, n)
    look = page.locator(".ll-look")
    look.wait_for()
    box = look.bounding_box()
    caption = page.locator(".ll-look figcaption").bounding_box()
    assert caption is not None  # the figure itself, caption and all, is outlined
    assert box["y"] <= caption["y"] and caption["y"] + caption["height"] <= box["y"] + box["height"] + 0.5
    page.context.close()
