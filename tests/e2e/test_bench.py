"""Every benchmark's quickest mode runs end to end (so none can rot) and reports its figures."""

import json
import os

import pytest

from benchmarks import bench
from benchmarks.harness import on_own_thread
from ui.registry import PAGES


@pytest.fixture(scope="module")
def quick(data_root):
    """Each benchmark as its command runs it: on a thread of its own, since the session's
    browser fixture may already hold Playwright's sync API (and its event loop) on this one."""
    os.environ.setdefault("LATENT_LAB_DATA", str(data_root))
    doc = on_own_thread(lambda: {name: bench.run(name, quick=True) for name in bench.BENCHES})
    doc.update(bench.headline(doc))
    return doc


def test_headline_keys_are_all_there(quick):
    for key in ("cold_start_s", "click_to_digit_ms", "click_to_digit_ms_p95", "page_rerun_ms",
                "live_decode_frame_ms_p95", "server_rss_mb", "rss_per_extra_session_mb",
                "train_throughput_ratio", "live_train_epoch_s", "live_train_first_update_s",
                "live_train_click_ratio", "page_first_visit_s", "live_decode_frame_ms_p95_throttled_4x"):
        assert key in quick, key
    json.dumps(quick)  # the file is plain JSON


def test_figures_are_plausible(quick):
    assert 0 < quick["cold"]["torch_import_s"]["median"] < quick["cold_start_s"]
    assert 0 < quick["click_to_digit_ms"] <= quick["click_to_digit_ms_p95"] + 1e-9
    assert set(quick["page_rerun_ms"]) == {p.key for p in PAGES}  # every page was rerun and timed
    assert all(ms > 0 for ms in quick["page_rerun_ms"].values())
    assert 0 < quick["live_decode_frame_ms_p95"] < 1000
    # dragging the 20-D model's first live slider decoded in the browser (frames were recorded)
    assert 0 < quick["live"]["live_sliders_frame_ms_p95"]["median"] < 1000
    # every page's first visit drew its picture, and the map opened in a new tab
    assert set(quick["page_first_visit_s"]) == {p.key for p in PAGES}
    assert all(0 < s < 60 for s in quick["page_first_visit_s"].values())
    assert quick["firstvisit"]["picture"]["latent_map"] == "canvas.ll-base"
    assert 0 < quick["firstvisit"]["app_open_to_map_s"]["median"] < 60
    assert 0 < quick["live_decode_frame_ms_p95_throttled_4x"]["mnist_vae_2d"] < 1000
    assert quick["throttled"]["busy_loop_slowdown"]["median"] > 2  # the throttle took hold
    assert quick["server_rss_mb"] > quick["memory"]["server_rss_mb_idle"] > 50
    assert 0.2 < quick["train_throughput_ratio"] < 5
    t = quick["livetrain"]
    assert 0 < t["live_train_epoch_s"]["median"] < 120
    assert 0 < t["live_train_first_update_s"] < 60 and t["unanswered_clicks"] == 0
    # the live model was evaluated on the test set and set beside the shipped 2-D VAE
    assert 100 < t["live_neg_elbo"] < 400 and t["shipped_model"] and t["shipped_neg_elbo"] > 100
    q = quick["quality"]
    assert q["models"]["mnist_judge"]["accuracy"] > 0.99
    assert 0 < q["gap_map"]["mnist_vae_2d"] <= 1


def test_readme_table_comes_from_the_figures(quick):
    table = bench.readme_table({**quick, "machine": {"cores": 2}})
    assert "click → decoded digit" in table and "warm rerun, script time: posterior" in table
    assert f"{quick['cold_start_s']:.2f} s" in table
