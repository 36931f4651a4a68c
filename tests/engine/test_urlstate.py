"""Shareable URLs: every query value is checked; garbage gives a reason, never an exception."""

import pytest

from vae_core import urlstate as u

PARSERS = {"seed": u.integer(0, 100), "t": u.number(0, 1), "z": u.vector(2, [-3, -3], [3, 3]),
           "dataset": u.choice(["mnist", "fashion-mnist"])}


def test_good_values_are_parsed():
    values, problems = u.parse_all({"seed": "7", "t": "0.25", "z": "1.5, -2", "dataset": "mnist",
                                    "other": "ignored"}, PARSERS)
    assert values == {"seed": 7, "t": 0.25, "z": [1.5, -2.0], "dataset": "mnist"} and not problems


@pytest.mark.parametrize("name, raw, words", [
    ("seed", "seven", "not a number"),
    ("seed", "3.5", "whole number"),
    ("seed", "1e9", "outside"),
    ("seed", "nan", "finite"),
    ("t", "inf", "finite"),
    ("t", "-infinity", "finite"),
    ("t", "2", "outside"),
    ("z", "1,2,3", "expected 2"),
    ("z", "1,NaN", "finite"),
    ("z", "99,0", "coordinate 1"),
    ("z", "", "expected 2"),
    ("dataset", "cifar", "not one of"),
    ("dataset", "x" * 5000, "too long"),
])
@pytest.mark.reliability("url parameters")
def test_garbage_gives_a_reason(name, raw, words):
    values, problems = u.parse_all({name: raw}, PARSERS)
    assert name not in values and len(problems) == 1
    assert words in problems[0] and problems[0].startswith(f"`{name}`")
    assert len(problems[0]) < 200  # a long value is not echoed back whole


def test_vectors_round_trip_through_their_text():
    z = [0.123, -2.5]
    assert u.vector(2, [-3, -3], [3, 3])(u.format_vector(z)) == [0.12, -2.5]
