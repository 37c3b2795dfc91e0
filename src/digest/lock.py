"""One build at a time: an advisory lock on build/.lock, which names the process holding it.

The lock is the kernel's (`flock`), not the file's existence: it is released when its holder exits, however
it exits (kill -9 included), so a lock left by a dead build is simply taken over. The pid written in the
file only serves the waiting build's message.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from digest.errors import DigestError, Problem, display_path

WAIT_VARIABLE = "DIGEST_LOCK_WAIT"
DEFAULT_WAIT = 600.0  # seconds a build waits for another before giving up: longer than a full build takes


def _holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return "another process"
    return f"process {text}" if text.isdigit() else "another process"


def _wait_limit() -> float:
    text = os.environ.get(WAIT_VARIABLE, "")
    try:
        return float(text) if text else DEFAULT_WAIT
    except ValueError:
        raise DigestError(
            Problem(WAIT_VARIABLE, f"'{text}' is not a number of seconds", hint="e.g. DIGEST_LOCK_WAIT=60, or 0")
        ) from None


@contextlib.contextmanager
def build_lock(folder: Path, wait: float | None = None) -> Iterator[None]:
    """Hold build/.lock for the duration; if another build holds it, say so and wait up to `wait` seconds
    (DIGEST_LOCK_WAIT, default 600; 0 refuses at once), then fail with a located error."""
    limit = _wait_limit() if wait is None else wait
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ".lock"
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + limit
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = _holder(path)
                if time.monotonic() >= deadline:
                    raise DigestError(
                        Problem(
                            str(path),
                            f"another build ({holder}) is running in this project",
                            hint=f"wait for it to finish, or stop it; {WAIT_VARIABLE}=N waits N seconds",
                        )
                    ) from None
                if not told:
                    print(f"{display_path(path)}: waiting for the build run by {holder} to finish", file=sys.stderr)
                    told = True
                time.sleep(0.2)
        os.ftruncate(handle, 0)
        os.pwrite(handle, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(handle)  # releases the lock; the file stays, naming the last holder, and is harmless
