"""Summaries of repeated measurements, as every benchmark reports them."""

from __future__ import annotations

import statistics


def quantile(xs: list[float], q: float) -> float:
    """The q-quantile of the values (nearest rank)."""
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def summary(values: list[float]) -> dict:
    """{"median", "min", "max", "runs"} of repeated measurements."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "runs": len(values)}
