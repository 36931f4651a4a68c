"""Lecture decks as data: a title and an ordered list of steps, kept as a small TOML file that a
lecturer can write by hand, checked on load.

A step has a title, the narration (1-4 sentences: what a lecturer says or a student reads), a
view (a page of the app and that page's link settings, exactly what its address bar carries),
and optionally what to look at, a "try this" line, and a predict-then-reveal question:

    title = "VAEs in 10 minutes"

    [[steps]]
    title = "Every test digit, placed by its code"
    say = "Each dot is a test image where the encoder puts it."
    page = "latent_map"
    view = { model = "mnist_vae_2d" }
    look = "map"
    try = "Move the pointer into the gap between the 4s and the 9s."

    [steps.predict]
    question = "What will random codes decode to?"
    choices = ["Mostly digits", "Mostly noise"]
    answer = 0
    reveal = "Digits, nearly everywhere the prior puts mass."

Numbers in the words come from the figures files the pages read, never typed in: a field
names one as {file:path.to.value:format}, e.g. {contrast_mnist:pairs.16.vae.prior.confident:.0%}
(checkpoints/eval/contrast_mnist.json), and `fill` puts the value in (`figures` lists them).

Everything is text and stays text: narration with markup in it is shown as written, never run
(the app escapes it). Which pages exist and which settings they take is the app's to check
(ui.decks); this module checks the file's shape, sizes and types, and names every problem by
step and field.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field

MAX_BYTES = 256 * 1024  # a deck of 30 steps is about 10 KB
MAX_STEPS = 200
MAX_TITLE = 120
MAX_SAY = 800
MAX_SENTENCES = 4
MAX_VALUE = 300  # a link setting's text (a zoom window, a z vector)
LOOKS = ("map", "digit", "chart", "slider", "samples", "controls")  # what a step can point at


FIGURE = re.compile(r"\{([a-z0-9_-]+):([A-Za-z0-9_.-]+)(?::([^{}]*))?\}")  # {file:path:format}


class DeckError(ValueError):
    """A deck that cannot be used; `problems` names each one by step and field."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Predict:
    question: str
    reveal: str  # the answer, said when the picture is shown
    choices: tuple[str, ...] = ()  # empty: the student answers by looking (or a click)
    answer: int | None = None  # the right choice's index


@dataclass(frozen=True)
class Step:
    title: str
    say: str
    page: str
    view: dict[str, str] = field(default_factory=dict)  # the page's link settings
    look: str | None = None
    try_this: str | None = None
    predict: Predict | None = None


@dataclass(frozen=True)
class Deck:
    title: str
    steps: tuple[Step, ...]


def sentences(text: str) -> int:
    """How many sentences a narration has (ends of sentence followed by space or the end)."""
    return len(re.findall(r"[.!?…](?:\s|$)", text.strip())) or (1 if text.strip() else 0)


def _text(problems: list[str], where: str, value, limit: int, required: bool = True) -> str | None:
    if value is None:
        if required:
            problems.append(f"{where}: missing")
        return None
    if not isinstance(value, str):
        problems.append(f"{where}: not text ({type(value).__name__})")
        return None
    if required and not value.strip():
        problems.append(f"{where}: empty")
        return None
    if len(value) > limit:
        problems.append(f"{where}: {len(value):,} characters (at most {limit:,})")
        return None
    return value.strip()


def _predict(problems: list[str], where: str, raw) -> Predict | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        problems.append(f"{where}: not a table")
        return None
    question = _text(problems, f"{where}.question", raw.get("question"), MAX_SAY)
    reveal = _text(problems, f"{where}.reveal", raw.get("reveal"), MAX_SAY)
    choices = raw.get("choices", [])
    if not isinstance(choices, list) or not all(isinstance(c, str) and c.strip() for c in choices) \
            or len(choices) > 6:
        problems.append(f"{where}.choices: a list of up to 6 texts")
        choices = []
    answer = raw.get("answer")
    if answer is not None and (isinstance(answer, bool) or not isinstance(answer, int)
                               or not 0 <= answer < len(choices)):
        problems.append(f"{where}.answer: the index of one of the {len(choices)} choices")
        answer = None
    if choices and answer is None and f"{where}.answer" not in " ".join(problems):
        problems.append(f"{where}.answer: missing (which choice is right)")
    if question is None or reveal is None:
        return None
    return Predict(question, reveal, tuple(c.strip() for c in choices), answer)


def _step(problems: list[str], k: int, raw) -> Step | None:
    where = f"step {k}"
    if not isinstance(raw, dict):
        problems.append(f"{where}: not a table")
        return None
    before = len(problems)
    title = _text(problems, f"{where}.title", raw.get("title"), MAX_TITLE)
    say = _text(problems, f"{where}.say", raw.get("say"), MAX_SAY)
    if say is not None and sentences(say) > MAX_SENTENCES:
        problems.append(f"{where}.say: {sentences(say)} sentences (at most {MAX_SENTENCES})")
    page = _text(problems, f"{where}.page", raw.get("page"), 60)
    view = raw.get("view", {})
    if not isinstance(view, dict):
        problems.append(f"{where}.view: not a table of settings")
        view = {}
    clean = {}
    for name, value in view.items():
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            problems.append(f"{where}.view.{name}: not a text or a number")
        elif len(str(value)) > MAX_VALUE:
            problems.append(f"{where}.view.{name}: {len(str(value)):,} characters (at most {MAX_VALUE})")
        else:
            clean[str(name)] = str(value)
    look = _text(problems, f"{where}.look", raw.get("look"), 20, required=False)
    if look is not None and look not in LOOKS:
        problems.append(f"{where}.look: {look!r} is not one of {', '.join(LOOKS)}")
    try_this = _text(problems, f"{where}.try", raw.get("try"), MAX_SAY, required=False)
    predict = _predict(problems, f"{where}.predict", raw.get("predict"))
    unknown = sorted(set(raw) - {"title", "say", "page", "view", "look", "try", "predict"})
    if unknown:
        problems.append(f"{where}: unknown fields {', '.join(unknown)}")
    if len(problems) > before:
        return None
    return Step(title, say, page, clean, look, try_this or None, predict)


def loads(text: str | bytes) -> Deck:
    """A deck from its TOML text; DeckError names every problem (by step and field)."""
    if len(text) > MAX_BYTES:
        raise DeckError([f"the file is {len(text):,} bytes (a deck is at most {MAX_BYTES:,})"])
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise DeckError(["not a deck: not UTF-8 text"]) from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise DeckError([f"not a deck: not TOML ({e})"]) from None
    problems: list[str] = []
    title = _text(problems, "title", raw.get("title"), MAX_TITLE)
    steps_raw = raw.get("steps")
    if not isinstance(steps_raw, list) or not steps_raw:
        problems.append("steps: missing (a deck is a title and [[steps]])")
        steps_raw = []
    if len(steps_raw) > MAX_STEPS:
        raise DeckError([f"steps: {len(steps_raw):,} (a deck has at most {MAX_STEPS})"])
    steps = [_step(problems, k, s) for k, s in enumerate(steps_raw, 1)]
    if problems:
        raise DeckError(problems)
    return Deck(title, tuple(steps))


def dumps(deck: Deck) -> str:
    """The deck as TOML text that `loads` reads back to the same deck."""
    import tomli_w

    steps = []
    for s in deck.steps:
        raw = {"title": s.title, "say": s.say, "page": s.page, "view": dict(s.view)}
        if s.look:
            raw["look"] = s.look
        if s.try_this:
            raw["try"] = s.try_this
        if s.predict:
            p = s.predict
            raw["predict"] = {"question": p.question, "reveal": p.reveal}
            if p.choices:
                raw["predict"].update(choices=list(p.choices), answer=p.answer)
        steps.append(raw)
    return tomli_w.dumps({"title": deck.title, "steps": steps})


def figures(text: str) -> list[tuple[str, str, str]]:
    """The figures a text names: (file, path, format) for each {file:path:format}."""
    return [(m.group(1), m.group(2), m.group(3) or "") for m in FIGURE.finditer(text)]


def fill(text: str, files) -> str:
    """The text with each {file:path:format} replaced by that figure, formatted (`files(name)`
    returns a figures file's dict). Raises KeyError naming a figure that is not there."""

    def value(m: re.Match) -> str:
        node = _walk(files(m.group(1)), m.group(2).split("."))
        if node is None:
            raise KeyError(f"{m.group(1)}:{m.group(2)}")
        if isinstance(node, dict | list):
            raise KeyError(f"{m.group(1)}:{m.group(2)} is not a number or a text")
        return format(node, m.group(3) or "")

    return FIGURE.sub(value, text)


def _walk(node, parts: list[str]):
    """The value at a dotted path; a key may itself hold dots (a model named
    mnist_vae_2d_beta0.5): the longest key that matches is taken first. None if absent."""
    if not parts:
        return node
    if isinstance(node, list):
        head = parts[0]
        ok = head.isdigit() and int(head) < len(node)
        return _walk(node[int(head)], parts[1:]) if ok else None
    if not isinstance(node, dict):
        return None
    for k in range(len(parts), 0, -1):
        key = ".".join(parts[:k])
        if key in node:
            found = _walk(node[key], parts[k:])
            if found is not None:
                return found
    return None


def texts(step: Step) -> list[str]:
    """Every text of a step the audience reads (where figures may be named)."""
    out = [step.title, step.say, step.try_this or ""]
    if step.predict:
        out += [step.predict.question, step.predict.reveal, *step.predict.choices]
    return out
