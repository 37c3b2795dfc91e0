"""`digest serve`: the live preview serves the site and regenerates a page when its input changes."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def _wait_for(url: str, needle: str, seconds: float) -> str:
    deadline = time.monotonic() + seconds
    last = ""
    while time.monotonic() < deadline:
        try:
            last = _get(url)
            if needle in last:
                return last
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{needle!r} never appeared at {url}")


def test_serve_regenerates_an_edited_translation(built_project: Path, tmp_path: Path) -> None:
    """With the editor's lock link (dangling, as Emacs makes it) beside the catalog being edited. The preview
    starts from a built project (site and build cache kept), as after `make site`."""
    project_copy = tmp_path / "project"
    shutil.copytree(built_project, project_copy, symlinks=True)
    (project_copy / "translations" / "en" / ".#gansu-fengqiao-2021.po").symlink_to("someone@host.4242:1700000000")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "digest.cli", "--root", str(project_copy), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/reports/gansu-fengqiao-2021/"
        _wait_for(url, "On 7 May 2019", 120)
        catalog = project_copy / "translations" / "en" / "gansu-fengqiao-2021.po"
        catalog.write_text(
            catalog.read_text(encoding="utf-8").replace("On 7 May 2019", "On the seventh of May 2019", 1),
            encoding="utf-8",
        )
        _wait_for(url, "On the seventh of May 2019", 120)
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_after_a_build_the_preview_collects_its_cycles_and_keeps_the_rest_out_of_later_collections() -> None:
    """`settle_heap`: garbage cycles of the last build are freed; what is alive is frozen, so the next
    rebuild's collections do not walk it again; once the frozen objects have grown by a quarter a full
    collection is due, and `collect_all` frees a frozen cycle dropped since, so the preview's memory does
    not grow without bound. `digest serve` runs it a moment after the rebuild, in another thread
    (`settle_after_build`), so the browser is told to reload without waiting for it."""
    import gc
    import weakref

    from digest.serve import collect_all, settle_after_build, settle_heap

    class Node:
        pass

    def cycle() -> Node:
        node = Node()
        node.self = node  # type: ignore[attr-defined]
        return node

    try:
        collect_all()
        gone, kept = cycle(), cycle()
        dropped, frozen = weakref.ref(gone), weakref.ref(kept)
        del gone
        assert not settle_heap(), "two objects more: no full collection due"
        assert dropped() is None
        assert gc.get_freeze_count() > 0
        assert not any(obj is kept for obj in gc.get_objects())  # frozen: in no generation
        del kept
        assert settle_after_build(delay=0) is None
        assert frozen() is not None, "a frozen cycle is not walked by the next settle"
        growth = [[] for _ in range(gc.get_freeze_count() // 3)]
        timer = settle_after_build(delay=1.0)
        assert timer is not None, "after a quarter's growth a full collection is due"
        assert frozen() is not None, "not before the rebuild returns"
        assert settle_after_build(delay=0) is None, "one full collection pending at a time"
        timer.join(timeout=30)
        assert frozen() is None, "every object collected again"
        del growth
    finally:
        gc.unfreeze()
