"""Widgets that read what the browser sends: a Plotly selection becomes a plane point."""

import numpy as np
import pytest

from ui.widgets import point_from_selection


@pytest.mark.parametrize(
    "selection, expected",
    [
        ({"points": [{"x": 1.5, "y": -2, "curve_number": 0}]}, ((1.5, -2), None)),
        ({"points": [{"x": 0.1, "y": 0.2, "customdata": 4321}]}, ((0.1, 0.2), 4321)),
        ({"points": [{"x": 0.1, "y": 0.2, "customdata": [17]}]}, ((0.1, 0.2), 17)),
        ({"points": []}, None),
        (None, None),
        ({"points": [{"x": "nan", "y": 0}]}, None),
        ({"points": [{"y": 0}]}, None),
    ],
)
def test_point_from_selection(selection, expected):
    out = point_from_selection(selection)
    if expected is None:
        assert out is None
    else:
        assert np.allclose(out["uv"], expected[0]) and out["index"] == expected[1]
