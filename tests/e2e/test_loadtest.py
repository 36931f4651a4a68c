"""Many users at once, short mode (CI): concurrent browser sessions, no errors, no leakage.

The full run (20 sessions for 60 s) is `python -m benchmarks.loadtest`; its figures are in the
README (`python -m benchmarks.reliability`).
"""

import pytest


@pytest.mark.reliability("many users")
def test_concurrent_sessions_keep_their_own_state():
    from benchmarks.loadtest import run

    result = run(sessions=4, seconds=10)
    assert result["errors"] == 0, result["error_samples"]
    assert result["sessions_with_actions"] == 4  # every session got answers, maps and sliders
    assert result["latency_ms_median"] > 0  # latency is a figure (README), not a pass/fail here


@pytest.mark.reliability("many users")
def test_websocket_sessions_keep_their_own_state():
    """The server alone, driven over Streamlit's websocket protocol (no browsers)."""
    pytest.importorskip("websockets")
    from benchmarks.wsload import run

    result = run(sessions=4, seconds=8)
    assert result["errors"] == 0, result["error_samples"]
    assert result["sessions_with_actions"] == 4 and result["actions"] >= 4
