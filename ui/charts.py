"""Small charts as SVG, drawn on the server: bars, lines, a histogram and an ROC curve.

Plotly's script is 4.7 MB; on this app's chart pages it cost 350-440 ms of blocking time and a
layout shift of 0.11-0.19 when its placeholder was swapped for the chart (Lighthouse, desktop).
These charts are simple, so they are drawn here as SVG: no script at all, a size the browser
knows from the first paint, and a <title> and <desc> that say what the chart shows.
"""

from __future__ import annotations

import math
from html import escape

import streamlit as st

W, H = 640, 300  # the viewBox; the chart scales to its column's width
L, R, T, B = 56, 16, 16, 46  # room for the axes' labels, for 13-unit type
FONT = 'font-family="Source Sans, sans-serif" fill="#31333f"'
SIZE, BIG = 13, 19  # type in viewBox units; a projector's is bigger (18 px or more on screen)


def _ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    span = (hi - lo) or 1.0
    raw = span / n
    step = min((m * 10 ** math.floor(math.log10(raw)) for m in (1, 2, 2.5, 5, 10)),
               key=lambda s: abs(span / s - n))
    start = math.ceil(lo / step - 1e-9) * step
    return [round(start + i * step, 10) for i in range(int((hi - start) / step + 1e-9) + 1)]


def _text(x: float, y: float, text: str, anchor: str = "start", extra: str = "",
          size: float = SIZE) -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {extra} {FONT} '
            f'font-size="{size:g}">{escape(str(text))}</text>')


def _line(x1: float, x2: float, y1: float, y2: float, stroke: str, extra: str = "") -> str:
    return f'<line x1="{x1:.1f}" x2="{x2:.1f}" y1="{y1:.1f}" y2="{y2:.1f}" stroke="{stroke}" {extra}/>'


def _fmt(v: float) -> str:
    return f"{v:g}" if abs(v) >= 0.01 or v == 0 else f"{v:.1e}"


class Chart:
    """An SVG plot area with linear axes; add series, then `show()` (or `svg()`)."""

    def __init__(self, x_range, y_range, x_title: str, y_title: str, title: str = "",
                 x_labels: list[str] | None = None, size: tuple[int, int] = (W, H)):
        from .frame import presenting

        self.w, self.h = size
        self.fs = BIG if presenting() else SIZE  # the axes' room grows with the type
        k = self.fs / SIZE
        self.L, self.R, self.T, self.B = L * k, R, T, B * k
        self.x0, self.x1 = x_range
        self.y0, self.y1 = y_range
        self.x_title, self.y_title, self.title, self.x_labels = x_title, y_title, title, x_labels
        self.parts: list[str] = []
        self.legend: list[tuple[str, str, str]] = []  # name, colour, dash

    def X(self, x: float) -> float:
        return self.L + (x - self.x0) / (self.x1 - self.x0) * (self.w - self.L - self.R)

    def Y(self, y: float) -> float:
        return self.h - self.B - (y - self.y0) / (self.y1 - self.y0) * (self.h - self.T - self.B)

    def line(self, xs, ys, color: str, name: str = "", dash: bool = False, markers: bool = True,
             width: float = 2.5):
        pts = [(self.X(x), self.Y(y)) for x, y in zip(xs, ys) if y is not None and math.isfinite(y)]
        d = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(pts))
        style = ' stroke-dasharray="6 4"' if dash else ""
        self.parts.append(f'<path d="{d}" fill="none" stroke="{color}" stroke-width="{width}"{style}/>')
        if markers:
            self.parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{color}"/>' for x, y in pts]
        if name:
            self.legend.append((name, color, "dash" if dash else ""))

    def bars(self, lefts, widths, heights, color: str, name: str = "", opacity: float = 1.0):
        for x, w, h in zip(lefts, widths, heights):
            top, base = self.Y(max(h, 0)), self.Y(0)
            width = max(self.X(x + w) - self.X(x), 0.5)
            self.parts.append(f'<rect x="{self.X(x):.1f}" y="{top:.1f}" width="{width:.1f}" '
                              f'height="{base - top:.1f}" fill="{color}" fill-opacity="{opacity}"/>')
        if name:
            self.legend.append((name, color, ""))

    def vline(self, x: float, label: str = ""):
        self.parts.append(_line(self.X(x), self.X(x), self.T, self.h - self.B, "#000",
                                'stroke-width="2" stroke-dasharray="5 4"'))
        if label:
            self.parts.append(_text(self.X(x) + 4, self.T + self.fs, label, size=self.fs))

    def point(self, x: float, y: float, color: str = "#000", r: float = 6):
        self.parts.append(f'<circle cx="{self.X(x):.1f}" cy="{self.Y(y):.1f}" r="{r}" fill="{color}"/>')

    def svg(self, description: str) -> str:
        fs, L, R, T, B = self.fs, self.L, self.R, self.T, self.B
        axes = [_line(L, self.w - R, self.h - B, self.h - B, "#888"), _line(L, L, T, self.h - B, "#888")]
        for y in _ticks(self.y0, self.y1):
            axes.append(_line(L, self.w - R, self.Y(y), self.Y(y), "#e6e6e6"))
            axes.append(_text(L - 6, self.Y(y) + fs * 0.3, _fmt(y), "end", size=fs))
        if self.x_labels:
            axes += [_text(self.X(i + 0.5), self.h - B + fs * 1.25, lab, "middle", size=fs)
                     for i, lab in enumerate(self.x_labels)]
        else:
            axes += [_text(self.X(x), self.h - B + fs * 1.25, _fmt(x), "middle", size=fs)
                     for x in _ticks(self.x0, self.x1, 6)]
        axes.append(_text((L + self.w - R) / 2, self.h - fs * 0.6, self.x_title, "middle", size=fs))
        turn = f'transform="translate({fs * 1.1:.1f},{(T + self.h - B) / 2}) rotate(-90)"'
        axes.append(_text(0, 0, self.y_title, "middle", turn, size=fs))
        title = escape(self.title or f"{self.y_title} against {self.x_title}")
        return (f'<svg viewBox="0 0 {self.w} {self.h}" width="{self.w}" height="{self.h}" role="img" '
                f'class="ll-chart" xmlns="http://www.w3.org/2000/svg"><title>{title}</title>'
                f'<desc>{escape(description)}'
                f'</desc>{"".join(axes)}{"".join(self.parts)}</svg>')

    def legend_html(self) -> str:
        items = "".join(
            f'<span><svg width="22" height="10" aria-hidden="true">{_line(0, 22, 5, 5, color, style)}'
            f"</svg>{escape(name)}</span>"
            for name, color, dash in self.legend
            for style in ['stroke-width="4"' + (' stroke-dasharray="5 3"' if dash else "")])
        return f'<div class="ll-chart-legend">{items}</div>' if items else ""

    def show(self, description: str):
        st.markdown(f'<figure class="ll-figure">{self.legend_html()}{self.svg(description)}</figure>',
                    unsafe_allow_html=True)


def grouped_bars(labels: list[str], series: list[tuple[str, list[float], str]], y_title: str,
                 x_title: str = "") -> Chart:
    """Bars per label, one colour per series (name, values, colour), side by side."""
    top = max(max(v) for _, v, _ in series) or 1.0
    chart = Chart((0, len(labels)), (0, top * 1.1), x_title, y_title, x_labels=labels)
    k = len(series)
    for j, (name, values, color) in enumerate(series):
        chart.bars([i + 0.1 + 0.8 * j / k for i in range(len(labels))], [0.8 / k] * len(labels),
                   values, color, name)
    return chart


def lines(x: list[float], series: list[tuple[str, list[float], str, str]], x_title: str,
          y_title: str, marker_x: float | None = None, size: tuple[int, int] = (W, H)) -> Chart:
    """Lines over a shared x: (name, values, colour, "dash" or "") each; a dashed vertical line."""
    ys = [v for _, vals, _, _ in series for v in vals if v is not None]
    lo, hi = min(ys), max(ys)
    pad = (hi - lo) * 0.08 or 1.0
    chart = Chart((min(x), max(x)), (lo - pad, hi + pad), x_title, y_title, size=size)
    for name, values, color, dash in series:
        chart.line(x, values, color, name, dash=dash == "dash")
    if marker_x is not None:
        chart.vline(marker_x)
    return chart
