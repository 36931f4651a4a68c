"""The SVG charts (ui.charts) and the shared cache (ui.figures.cached)."""

import re

import numpy as np

from ui import charts, figures


def _numbers(svg: str, tag: str, attr: str) -> list[float]:
    return [float(v) for v in re.findall(rf'<{tag}[^>]* {attr}="([-\d.]+)"', svg)]


def test_ticks_are_round_numbers_covering_the_range():
    assert charts._ticks(0, 1) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert charts._ticks(0, 0.33) == [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]
    ticks = charts._ticks(121, 545)
    assert ticks[0] >= 121 and ticks[-1] <= 545 and len(ticks) >= 4
    assert len({round(b - a, 9) for a, b in zip(ticks, ticks[1:])}) == 1  # evenly spaced


def test_a_line_goes_through_its_points_in_the_plot_area_and_skips_missing_values():
    chart = charts.Chart((0, 10), (0, 100), "epoch", "nats")
    chart.line([0, 5, 10], [0, None, 100], "#123456", "VAE")
    svg = chart.svg("a description")
    d = re.search(r'<path d="([^"]+)" fill="none" stroke="#123456"', svg).group(1)
    (x0, y0), (x1, y1) = [tuple(map(float, p[1:].split(","))) for p in d.split()]
    assert (x0, y0) == (charts.L, charts.H - charts.B)  # (0, 0) at the bottom left
    assert (x1, y1) == (charts.W - charts.R, charts.T)  # (10, 100) at the top right
    assert svg.count('fill="#123456"') == 2  # a marker per point that has a value
    assert "<title>nats against epoch</title>" in svg and "<desc>a description</desc>" in svg
    assert 'role="img"' in svg and "VAE" in chart.legend_html()


def test_text_is_escaped():
    chart = charts.Chart((0, 1), (0, 1), "x < y", 'a "quoted" & title')
    svg = chart.svg("<script>")
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "x &lt; y" in svg


def test_grouped_bars_draw_one_bar_per_label_and_series_with_heights_in_proportion():
    chart = charts.grouped_bars(["a", "b", "c"], [("one", [1, 2, 3], "#111"),
                                                 ("two", [3, 0, 1.5], "#222")], "share")
    svg = chart.svg("bars")
    heights = _numbers(svg, "rect", "height")
    assert len(heights) == 6
    assert np.allclose(np.array(heights) / heights[2], [1 / 3, 2 / 3, 1, 1, 0, 0.5], atol=1e-3)
    xs = _numbers(svg, "rect", "x")
    assert xs[0] < xs[3] < xs[1] < xs[4] < xs[2] < xs[5]  # side by side within each label
    assert ">a<" in svg and ">c<" in svg


def test_lines_share_a_range_that_holds_every_value_and_mark_the_current_x():
    chart = charts.lines([0.1, 0.5, 1.0], [("noisy", [0.9, 0.5, None], "#555", "dash"),
                                           ("VAE", [0.95, 0.9, 0.7], "#1f77b4", "")],
                         "strength", "accuracy", marker_x=0.5)
    assert chart.y0 < 0.5 and chart.y1 > 0.95
    svg = chart.svg("curves")
    assert 'stroke-dasharray="6 4"' in svg and 'stroke-dasharray="5 4"' in svg  # dashed, the marker
    assert [n for n, _, _ in chart.legend] == ["noisy", "VAE"]


def test_the_cache_builds_once_per_distinct_content():
    calls = []

    def build(v):
        calls.append(v)
        return [v]

    a = np.arange(4, dtype=np.float32)
    one = figures.cached(["test-cache", a], lambda: build(1))
    assert figures.cached(["test-cache", a.copy()], lambda: build(2)) is one  # same content
    assert figures.cached(["test-cache", a + 1], lambda: build(3)) == [3]
    assert figures.cached(["test-cache", a.astype(np.float64)], lambda: build(4)) == [4]
    assert calls == [1, 3, 4]


def test_rings_draw_one_sigma_solid_and_the_others_dashed():
    import numpy as np

    from ui.figures import rings

    one, two = rings({1: np.zeros((4, 2)), 2: np.zeros((4, 2))})
    assert one["dash"] is False and two["dash"] is True  # the map dashes any truthy "dash"
