"""Many users at once, short mode (CI): concurrent browser sessions, no errors, no leakage.

The full run (20 sessions for 60 s) is `python -m vae_core.loadtest`; its figures are in the
README (`python -m benchmarks.reliability`).
"""

import os

import pytest

from vae_core.browser import chromium_path

if chromium_path() is None:
    if os.environ.get("CI"):
        raise RuntimeError("CI needs Chromium for the load test: apt-get install chromium")
    pytest.skip("no Chromium on this machine", allow_module_level=True)
pytest.importorskip("playwright.async_api")


@pytest.mark.reliability("many users")
def test_concurrent_sessions_keep_their_own_state():
    from vae_core.loadtest import run

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
