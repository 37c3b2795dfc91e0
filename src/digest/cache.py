"""A content-addressed cache for per-report stage results, so a rebuild redoes only what changed.

A result is stored under the hash of everything it was computed from: the input bytes and the code of
the package itself, so editing either invalidates exactly the results that depend on it.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
from pathlib import Path
from typing import Any


@functools.cache
def code_version() -> str:
    """A hash of the package's own source: results computed by other code are never reused."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        if path.name in ("bench.py", "cli.py", "serve.py"):
            continue  # they run the pipeline but compute none of its results
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def key(*parts: bytes | str) -> str:
    digest = hashlib.sha256(code_version().encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def file_bytes(path: Path) -> bytes:
    return path.read_bytes() if path.exists() else b""


class Cache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get(self, kind: str, name: str) -> Any:
        path = self.folder / kind / f"{name}.pickle"
        try:
            with path.open("rb") as handle:
                return pickle.load(handle)
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError):
            return None

    def put(self, kind: str, name: str, value: Any) -> None:
        folder = self.folder / kind
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{name}.{os.getpid()}.tmp"
        with tmp.open("wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / f"{name}.pickle")

    def prune(self, kind: str, keep: set[str]) -> None:
        """Drop results no current input needs, so the cache does not grow without bound."""
        folder = self.folder / kind
        if not folder.exists():
            return
        for path in folder.glob("*.pickle"):
            if path.stem not in keep:
                path.unlink(missing_ok=True)
