"""HAProxy in front of N replicas of the app, as Streamlit's deployment docs describe it (one
load balancer, session affinity by an inserted cookie, health checks, websockets tunnelled)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

from .harness import free_port


def haproxy_config(port: int, replicas: list[int], affinity: bool) -> str:
    """HAProxy in front of the replicas: health checks on /_stcore/health, websockets tunnelled
    for a lecture's length, and (with affinity) a cookie that pins a browser to its replica.
    X-Replica on every answer names the replica that served it (for the report)."""
    servers = "\n".join(
        f"    server r{i} 127.0.0.1:{p} check" + (f" cookie r{i}" if affinity else "")
        for i, p in enumerate(replicas))
    cookie = "    cookie LLREPLICA insert indirect nocache httponly\n" if affinity else ""
    return f"""global
    maxconn 4096

defaults
    mode http
    timeout connect 5s
    timeout client 2h
    timeout server 2h
    timeout tunnel 2h
    option redispatch
    retries 3

frontend lecture
    bind 127.0.0.1:{port}
    default_backend replicas

backend replicas
    balance roundrobin
{cookie}    option httpchk GET /_stcore/health
    http-check expect status 200
    default-server inter 1s fall 2 rise 1
    http-response set-header X-Replica %[srv_name]
{servers}
"""


@contextlib.contextmanager
def balancer(replicas: list[int], affinity: bool, timeout: float = 30.0):
    """Debian's HAProxy on a free loopback port in front of the replicas; yields its URL once
    every replica has answered a health check through it."""
    exe = os.environ.get("HAPROXY") or "/usr/sbin/haproxy"
    if not os.path.exists(exe):
        raise RuntimeError("HAProxy is not installed (apt-get install -y haproxy)")
    port = free_port()
    folder = tempfile.mkdtemp(prefix="ll-haproxy-")
    cfg = os.path.join(folder, "haproxy.cfg")
    with open(cfg, "w") as f:
        f.write(haproxy_config(port, replicas, affinity))
    check = subprocess.run([exe, "-c", "-q", "-f", cfg], capture_output=True, text=True)
    if check.returncode:
        raise RuntimeError(f"HAProxy refused its configuration: {check.stderr}")
    log = open(os.path.join(folder, "haproxy.log"), "w+")
    proc = subprocess.Popen([exe, "-db", "-f", cfg], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        seen, deadline = set(), time.monotonic() + timeout
        while len(seen) < len(replicas):  # round robin: every replica answers in turn
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    seen.add(r.headers.get("X-Replica"))
            except OSError:
                time.sleep(0.1)
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(f"HAProxy did not reach every replica ({seen}):\n{log.read()}")
        yield url
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()


def haproxy_version() -> str:
    out = subprocess.run([os.environ.get("HAPROXY") or "/usr/sbin/haproxy", "-v"],
                         capture_output=True, text=True).stdout
    return out.split()[2] if out else "?"
