"""Shareable views: read untrusted URL query values into checked settings, write them back.

Every parser takes the raw text and returns a clean value or raises `BadParam` with a short
reason; nothing here knows Streamlit. A page lists the parameters it understands as
`{name: parser}`; `parse_all` applies them and collects the problems for one notice.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

MAX_LEN = 400  # a query value longer than this is refused unread


class BadParam(ValueError):
    pass


def _text(raw) -> str:
    text = str(raw)
    if len(text) > MAX_LEN:
        raise BadParam(f"too long ({len(text)} characters)")
    return text.strip()


def _number(text: str) -> float:
    try:
        x = float(text)
    except ValueError:
        raise BadParam(f"{text[:20]!r} is not a number") from None
    if not math.isfinite(x):
        raise BadParam(f"{text!r} is not a finite number")
    return x


def integer(lo: int, hi: int) -> Callable[[str], int]:
    def parse(raw) -> int:
        text = _text(raw)
        x = _number(text)
        if not float(x).is_integer():
            raise BadParam(f"{text!r} is not a whole number")
        if not lo <= x <= hi:
            raise BadParam(f"{int(x)} is outside {lo}…{hi}")
        return int(x)

    return parse


def number(lo: float, hi: float) -> Callable[[str], float]:
    def parse(raw) -> float:
        x = _number(_text(raw))
        if not lo <= x <= hi:
            raise BadParam(f"{x:g} is outside {lo:g}…{hi:g}")
        return x

    return parse


def vector(length: int, lo: Sequence[float], hi: Sequence[float]) -> Callable[[str], list[float]]:
    """Comma-separated numbers, exactly `length` of them, each inside its [lo, hi]."""

    def parse(raw) -> list[float]:
        parts = [p for p in _text(raw).split(",")]
        if len(parts) != length:
            raise BadParam(f"expected {length} comma-separated numbers, got {len(parts)}")
        out = [_number(p.strip()) for p in parts]
        for i, x in enumerate(out):
            if not lo[i] <= x <= hi[i]:
                raise BadParam(f"coordinate {i + 1} = {x:g} is outside {lo[i]:g}…{hi[i]:g}")
        return out

    return parse


def numbers(max_length: int, lo: float, hi: float) -> Callable[[str], list[float]]:
    """Comma-separated numbers, 1 to `max_length` of them, each inside [lo, hi]."""

    def parse(raw) -> list[float]:
        parts = _text(raw).split(",")
        if not 1 <= len(parts) <= max_length:
            raise BadParam(f"expected 1 to {max_length} comma-separated numbers, got {len(parts)}")
        return vector(len(parts), [lo] * len(parts), [hi] * len(parts))(raw)

    return parse


def choice(options: Sequence[str]) -> Callable[[str], str]:
    def parse(raw) -> str:
        text = _text(raw)
        if text not in options:
            shown = text if len(text) <= 30 else text[:30] + "…"
            raise BadParam(f"{shown!r} is not one of {', '.join(map(str, options))}")
        return text

    return parse


def parse_all(params, parsers: dict[str, Callable]) -> tuple[dict, list[str]]:
    """Apply each parser to its parameter where present: (clean values, problems)."""
    values, problems = {}, []
    for name, parse in parsers.items():
        if name not in params:
            continue
        try:
            values[name] = parse(params[name])
        except BadParam as e:
            problems.append(f"`{name}`: {e}")
    return values, problems


def format_vector(z) -> str:
    return ",".join(f"{float(x):.2f}" for x in z)


def format_view(v) -> str:
    """A zoom window [x0, x1, y0, y1] for a link: five significant digits (a map zoomed 200x is
    a few hundredths wide)."""
    return ",".join(f"{float(x):.5g}" for x in v)
