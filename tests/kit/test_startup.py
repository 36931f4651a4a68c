"""The server's start-up: what it warms is what the first page shows, and the memory measures
change memory only (torch still computes after the CUDA libraries' pages are dropped)."""

from pathlib import Path

import pytest
import torch

from ui import catalog, registry, server


def test_start_up_warms_the_model_the_default_page_opens_with():
    meta = catalog.warm(registry.default().models)
    spec = registry.default()
    first = next(m for m in catalog.models(meta["dataset"]) if spec.models(m))
    assert meta["name"] == first["name"] == "mnist_vae_2d"


def test_dropping_the_unused_libraries_pages_leaves_torch_working(tmp_path):
    maps = Path("/proc/self/maps").read_text() if Path("/proc/self/maps").exists() else ""
    if not any(name in maps for name in server.UNUSED_LIBRARIES):
        pytest.skip("this torch loads no CUDA libraries")
    x = torch.randn(64, 64)
    before = x @ x
    assert server.drop_unused_libraries() > 0
    assert torch.equal(x @ x, before)
    fake = tmp_path / "maps"  # nothing of ours listed: nothing advised
    fake.write_text("00400000-00452000 r-xp 00000000 08:02 173521 /usr/bin/python3\n")
    assert server.drop_unused_libraries(str(fake)) == 0


def test_malloc_arenas_are_limited_where_glibc_allows_it():
    import platform

    assert server.limit_malloc_arenas() == (platform.libc_ver()[0] == "glibc")


def test_freed_memory_goes_back_to_the_kernel_where_glibc_allows_it():
    import platform

    if platform.libc_ver()[0] != "glibc":
        assert not catalog.release_memory()
        return

    def rss_mb() -> float:
        return int(Path("/proc/self/statm").read_text().split()[1]) * 4096 / 2**20

    catalog.release_memory()
    base = rss_mb()
    # many small blocks (below glibc's mmap threshold, so they live in the arena), the last kept:
    # freeing the others leaves free pages under a block in use, which only a trim gives back
    blocks = [bytearray(64 * 1024) for _ in range(1500)]
    kept = blocks[-1]
    del blocks
    held = rss_mb()
    assert held - base > 50  # glibc kept the freed ~94 MB
    assert catalog.release_memory() and rss_mb() < held - 50, (base, held, rss_mb())
    assert len(kept) == 64 * 1024


def test_the_servers_own_imports_leave_torch_to_the_warming_thread():
    """What the server imports before it listens (app.py's imports: ui.server, the registry, the
    settings and the light engine modules they name) must not import torch: it takes 1.3-3 s,
    and the warming thread imports it beside the server (an import of vae_core.config once pulled
    it in through vae_core/__init__ and held the health check back by 1.6 s)."""
    import subprocess
    import sys

    code = ("import sys; import ui.server, ui.registry, ui.settings, vae_core.config, vae_core.urlstate; "
            "from vae_core import TrainConfig; "
            "print(sorted(m for m in ('torch', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[2],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
