"""Faults of the machine and of concurrency: one build at a time, a kill -9 at any moment, a full disk, a
read-only build folder, an unreadable input, a name too long. Each ends as a located one-line error (exit 1)
or a clean wait, and the previously published site is untouched."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from digest.cli import main
from digest.errors import DigestError, machine_fault
from digest.lock import build_lock
from digest.publish.incremental import OutputState, private_output

HOLD = """
import sys, time
from pathlib import Path
from digest.lock import build_lock
with build_lock(Path(sys.argv[1]), wait=0):
    print("held", flush=True)
    time.sleep(60)
"""


@pytest.fixture
def built_copy(built_project: Path, tmp_path: Path) -> Path:
    """A private copy of the built project (site, cache and all), to break."""
    target = tmp_path / "project"
    shutil.copytree(built_project, target, symlinks=True)
    return target


def _holder(folder: Path) -> subprocess.Popen[str]:
    child = subprocess.Popen([sys.executable, "-c", HOLD, str(folder)], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "held"
    return child


def test_a_held_lock_refuses_with_the_holders_pid_and_a_dead_holders_lock_is_taken_over(tmp_path: Path) -> None:
    child = _holder(tmp_path)
    try:
        with pytest.raises(DigestError) as caught, build_lock(tmp_path, wait=0):
            pass
        assert f"another build (process {child.pid}) is running" in str(caught.value)
        assert "build/.lock" in str(caught.value) or ".lock" in str(caught.value)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    assert (tmp_path / ".lock").read_text().strip() == str(child.pid), "a killed holder leaves its file behind"
    started = time.monotonic()
    with build_lock(tmp_path, wait=5):
        assert (tmp_path / ".lock").read_text().strip() == str(os.getpid())
    assert time.monotonic() - started < 2, "a lock whose holder is dead is taken over at once"


def test_a_second_build_waits_with_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    child = _holder(tmp_path)
    threading.Timer(0.6, lambda: child.send_signal(signal.SIGTERM)).start()
    try:
        with build_lock(tmp_path, wait=20):
            pass
    finally:
        child.wait(timeout=10)
    assert f"waiting for the build run by process {child.pid} to finish" in capsys.readouterr().err


def _digest(project: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "digest.cli", "--root", str(project), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=project,
        env={**os.environ, "DIGEST_LOCK_WAIT": "240"},
    )


def test_concurrent_builds_take_turns_and_the_site_never_disappears(built_copy: Path) -> None:
    site = built_copy / "build" / "site"
    gaps: list[float] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            if not (site / "index.html").exists():
                gaps.append(time.monotonic())
            time.sleep(0.002)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        builds = [_digest(built_copy, "build", "--force") for _ in range(2)]
        results = [b.communicate(timeout=280) for b in builds]
    finally:
        done.set()
        watcher.join()
    for build, (_out, err) in zip(builds, results, strict=True):
        assert build.returncode == 0, err
    assert any("waiting for the build run by process" in err for _out, err in results)
    assert not gaps, f"build/site/index.html was missing {len(gaps)} times during the swaps"
    assert not list((built_copy / "build").glob(".site-*")) and not (built_copy / "build" / "site.old").exists()


def _full_next(project: Path) -> None:
    """Make the next build's MkDocs run a full one (as after a configuration change), which publishes by
    swapping in a whole copy; an incremental run puts the changed files in place instead."""
    OutputState.path(private_output(project / "build" / "site")).unlink()


def test_kill_9_during_a_build_leaves_the_site_and_the_next_build_cleans_up(built_copy: Path) -> None:
    site = built_copy / "build" / "site"
    before = (site / "index.html").read_bytes()
    _full_next(built_copy)
    build = _digest(built_copy, "build", "--force")
    deadline = time.monotonic() + 120
    while not list((built_copy / "build").glob(".site-*/*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert build.poll() is None, "the build ended before MkDocs wrote its staging folder"
    build.send_signal(signal.SIGKILL)
    build.communicate(timeout=30)
    assert list((built_copy / "build").glob(".site-*")), "the killed build left its staging folder"
    assert (site / "index.html").read_bytes() == before
    assert main(["--root", str(built_copy), "build", "--force"]) == 0
    assert not list((built_copy / "build").glob(".site-*")), "the next build removes what the killed one left"


def test_the_published_site_has_ordinary_permissions(built_project: Path) -> None:
    site = built_project / "build" / "site"
    modes = {stat.S_IMODE(site.stat().st_mode)}
    for path in site.rglob("*"):
        modes.add(stat.S_IMODE(path.stat().st_mode) | (0o10000 if path.is_dir() else 0))
    assert modes == {0o755, 0o10755, 0o644}, sorted(oct(m) for m in modes)


def _error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error" not in err, err
    lines = [line for line in err.splitlines() if ": error: " in line]
    assert lines, err
    return lines[0]


def test_disk_full_in_the_cache_is_a_located_error_and_the_site_is_kept(
    built_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (built_copy / "build" / "site" / "index.html").read_bytes()

    def full(*_args: object, **_kwargs: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr("digest.memo.Memo.commit", full)
    assert main(["--root", str(built_copy), "build", "--force"]) == 1
    line = _error_line(capsys)
    assert "cache.sqlite: error: the build cache failed: database or disk is full (the disk is full" in line
    assert (built_copy / "build" / "site" / "index.html").read_bytes() == before


def test_disk_full_while_writing_pages_is_a_located_error(
    built_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (built_copy / "build" / "site" / "index.html").read_bytes()
    (built_copy / "content" / "themes" / "crackdowns.en.md").write_text("Changed.\n", encoding="utf-8")
    real = Path.write_bytes

    def full(self: Path, data: bytes) -> int:
        if self.name.endswith(".tmp"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    assert main(["--root", str(built_copy), "build"]) == 1
    line = _error_line(capsys)
    assert ".tmp: error: no space left on device (the disk is full: free some space" in line
    assert (built_copy / "build" / "site" / "index.html").read_bytes() == before


@pytest.mark.parametrize(
    ("code", "hint"),
    [
        (errno.ENOSPC, "the disk is full: free some space"),
        (errno.EROFS, "the file system is read-only"),
        (errno.EACCES, "give your user read access to the inputs"),
        (errno.ENAMETOOLONG, "the name is too long for the file system"),
        (errno.EPERM, "immutable"),
        (errno.ENOENT, "a link that points nowhere"),
    ],
)
def test_each_file_system_fault_has_a_hint(code: int, hint: str) -> None:
    problem = machine_fault(OSError(code, os.strerror(code), "build/site/x.html"), "build")
    assert str(problem).startswith(f"build/site/x.html: error: {os.strerror(code).lower()[:6]}")
    assert hint in str(problem)


@pytest.mark.parametrize("publishing", ["swap_in", "update_in_place"])
def test_a_read_only_build_folder_at_the_swap_keeps_the_site(
    publishing: str, built_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Refused where the site is put in place: the whole copy swapped in after a full MkDocs run, or the
    changed files after an incremental one."""
    before = (built_copy / "build" / "site" / "index.html").read_bytes()
    hint = "the file system is read-only"
    if publishing == "swap_in":
        _full_next(built_copy)

    def refuse(first: Path, site_dir: Path) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(site_dir))

    monkeypatch.setattr(f"digest.publish.mkdocs.{publishing}", refuse)
    assert main(["--root", str(built_copy), "build", "--force"]) == 1
    line = _error_line(capsys)
    assert line.startswith(str(built_copy / "build" / "site") + ": error: ") or "build/site: error: " in line, line
    assert hint in line
    assert (built_copy / "build" / "site" / "index.html").read_bytes() == before
    assert not list((built_copy / "build").glob(".site-*")), "the staging folder is removed"


def test_an_unreadable_raw_file_is_a_located_error(
    project_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = project_copy / "source_texts" / "003_cacb8ca68be18fb9.txt"
    real = Path.read_bytes

    def denied(self: Path) -> bytes:
        if self == raw:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    assert main(["--root", str(project_copy), "build", "--no-site"]) == 1
    line = _error_line(capsys)
    assert "003_cacb8ca68be18fb9.txt: error: permission denied (give your user read access" in line


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file whatever its mode")
def test_an_unreadable_raw_file_for_real(project_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = project_copy / "source_texts" / "003_cacb8ca68be18fb9.txt"
    raw.chmod(0)
    assert main(["--root", str(project_copy), "build", "--no-site"]) == 1
    assert "003_cacb8ca68be18fb9.txt: error: permission denied" in _error_line(capsys)


def test_a_report_id_too_long_for_the_file_system(project_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sidecar = project_copy / "source_texts" / "003_cacb8ca68be18fb9.yml"
    long_id = "-".join(["xian"] * 60)
    text = sidecar.read_text(encoding="utf-8").replace("id: xian-prevention-control-2021", f"id: {long_id}")
    sidecar.write_text(text, encoding="utf-8")
    code = main(["--root", str(project_copy), "build", "--no-site"])
    line = _error_line(capsys)
    assert code == 1
    assert "003_cacb8ca68be18fb9.yml" in line and "too long" in line, line
