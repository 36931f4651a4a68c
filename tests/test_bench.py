"""The benchmark's quickest mode runs end to end (so it cannot rot) and reports its figures."""

import os

import pytest

from vae_core.browser import chromium_path

if chromium_path() is None and not os.environ.get("CI"):
    pytest.skip("no Chromium on this machine", allow_module_level=True)


def test_live_benchmark_quick_mode_reports_frame_times():
    from vae_core.bench import bench_live, readme_table

    result = bench_live(runs=1, moves=30)
    assert result["live_decode_frame_ms"]["runs"] == 1
    assert 0 < result["live_decode_frame_ms"]["median"] <= result["live_decode_frame_ms_p95"]["median"]
    assert result["map_after_header_s"]["median"] >= 0
    table = readme_table({"live": result, "machine": {"cores": 2}})
    assert "live decode + draw per frame, p95" in table
