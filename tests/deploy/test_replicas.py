"""A short lecture hall through Debian's HAProxy: 2 replicas, 10 websocket students and one
Chromium for 20 s a run (benchmarks.replicas). With cookie affinity nothing fails and both
replicas serve; without it the uploads that land on the other replica fail, and the run sees it;
a replica killed halfway loses no student, and a browser on it reconnects by itself. The
browser's goals (a few clicks, an upload, an action after the kill) are waited for, not counted
inside the window."""

import json
import os
import shutil

import pytest

from benchmarks import hall_browsers, replicas
from benchmarks.harness import chromium_path

if not (shutil.which("haproxy") or os.path.exists("/usr/sbin/haproxy")) or chromium_path() is None:
    if os.environ.get("CI"):
        raise RuntimeError("CI needs HAProxy and Chromium: apt-get install haproxy chromium")
    pytestmark = pytest.mark.skip("needs Debian's haproxy and chromium")


@pytest.fixture(scope="module")
def hall(data_root):
    os.environ.setdefault("LATENT_LAB_DATA", str(data_root))
    return replicas.run(replicas=2, sessions=10, seconds=20, browsers=1, kill=True)


def test_with_affinity_every_action_image_and_upload_works_on_both_replicas(hall):
    a = hall["affinity"]
    assert a["errors"] == 0 and a["disconnects"] == 0, a["error_samples"]
    assert a["actions"] >= 10 * 10  # ten students, one action a second, most of 20 s
    assert a["images_checked"] > 50 and a["images_missing"] == 0
    assert a["uploads"] >= 10 and a["uploads_failed"] == 0
    assert a["upload_http_status"] == {"204": a["uploads"]}
    assert set(a["sessions_per_replica"]) == {"r0", "r1"} and min(a["sessions_per_replica"].values()) >= 3
    b = a["browsers"]
    goals = hall_browsers.BROWSER_GOALS
    assert b["clicks"] >= goals["clicks"] and b["images_missing"] == 0 and b["errors"] == 0, b
    assert b["uploads"] >= goals["uploads"] and b["uploads_failed"] == 0, b


def test_without_affinity_uploads_reach_the_wrong_replica_and_the_run_sees_it(hall):
    n = hall["no_affinity"]
    # the pictures are inline (data URIs in the page's messages): they never need affinity ...
    assert n["images_missing"] == 0 and n["images_checked"] > 50
    # ... but an upload is a separate HTTP request, filed under a session one replica holds
    assert n["upload_http_status"].get("400", 0) > 0
    assert n["uploads_failed"] == n["upload_http_status"].get("400", 0) > 0


def test_a_replica_killed_halfway_sends_its_students_to_the_other(hall):
    k = hall["kill"]["kill"]
    assert k["sessions_on_it"] >= 3 and k["sessions_disconnected"] == k["sessions_on_it"]
    assert k["sessions_recovered"] == k["sessions_disconnected"] and k["sessions_lost"] == 0
    assert k["moved_to"] == ["r1"] and k["recovery_s_max"] < 15
    assert k["errors_elsewhere"] == 0  # the students on r1 never noticed


def test_a_browser_on_the_killed_replica_reconnects_by_itself_and_works_again(hall):
    """Chromium pinned to r0 by the balancer's cookie: Streamlit's frontend notices the closed
    websocket, pings the server until the balancer answers from r1, and opens a new session
    there; the next click decodes. No reload. The driver keeps the browser going past the run's
    window until it has acted after the kill (hall_browsers.BROWSER_GRACE_S), so this asserts the
    outcome, not how much fits in 20 s on a busy machine; the benchmark reports the time.

    Why it used to fail: a click sent to r0 as it died is never answered (the new session on r1
    knows nothing of it), and the driver waited 45 s for its run; with the lecturer taking turns
    in the same thread, one or two such waits used up the grace. Now a click whose connection
    closes is counted as lost at once (harness.ConnectionLost), the lecturer has a browser and a
    thread of their own, and the run's window starts only once the browsers are in place
    (hall_browsers.Clock)."""
    k = hall["kill"]["kill"]
    # the whole record when it fails (pytest would cut a long dict short): the trace says why
    assert k["browsers_on_it"] == 1 and k["browsers_working_again"] == 1, json.dumps(k, indent=1)
    assert k["browsers_moved_to"] == ["r1"] and max(k["browser_recovery_s"]) < hall_browsers.BROWSER_GRACE_S
    assert k["browser_errors_elsewhere"] == 0, hall["kill"]["browsers"]


def test_a_lecturer_presenting_their_own_deck_on_the_killed_replica_resumes_on_the_same_step(hall):
    """A deck imported from a file and presented at step 2 on r0 when r0 is killed: the page
    reconnects by itself to r1, whose new session finds the deck in the browser's local storage
    and the step in the link, shows step 2 again, and the next key press goes to step 3."""
    lec = hall["kill"]["kill"]["lecturer"]
    assert lec and lec["replica"] == "r0" and not lec["errors"], lec
    assert lec["lecture_step_after"] == 2 and lec["lecture_next_after"] == 3, lec
    assert lec["replica_after"] == "r1", lec
