"""A content-addressed cache for stage results, so a rebuild redoes only what changed.

A result is stored under the hash of everything it was computed from: the input bytes and the code of
the package itself, so editing either invalidates exactly the results that depend on it. Results live in
one SQLite file: a thousand small results cost one write, where a thousand files cost seconds.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import os
import pickle
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS results (kind TEXT, name TEXT, value BLOB, PRIMARY KEY (kind, name)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS written (path TEXT PRIMARY KEY, name TEXT) WITHOUT ROWID;
"""


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


def _feed(digest: Any, part: bytes | str) -> None:
    data = part.encode() if isinstance(part, str) else part
    digest.update(len(data).to_bytes(8, "little"))
    digest.update(data)


def key(*parts: bytes | str) -> str:
    digest = hashlib.sha256(code_version().encode())
    for part in parts:
        _feed(digest, part)
    return digest.hexdigest()


def keyer(*parts: bytes | str) -> Callable[[bytes | str], str]:
    """`key(*parts, last)` for many values of `last`, the shared parts hashed once."""
    base = hashlib.sha256(code_version().encode())
    for part in parts:
        _feed(base, part)

    def finish(last: bytes | str) -> str:
        digest = base.copy()
        _feed(digest, last)
        return digest.hexdigest()

    return finish


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside: a build allocates millions of objects that stay alive, and
    collecting meanwhile only walks the growing heap again and again (it doubled a one-report rebuild)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def ignored(name: str) -> bool:
    """Hidden files and editors' lock, swap and backup files (`.#x.po`, `.x.swp`, `x~`, `#x#`) are never
    inputs, as MkDocs skips dot files: an editor open on a catalog must not break or change a build."""
    return name.startswith((".", "#")) or name.endswith(("~", ".swp", ".swo", ".swx"))


def input_files(folder: Path, pattern: str) -> list[Path]:
    """A folder's input files matching a glob pattern, in name order, without the files `ignored` skips."""
    return sorted(path for path in folder.glob(pattern) if not ignored(path.name))


def files_under(folder: Path, folders: set[str] | None = None) -> list[tuple[str, Path]]:
    """Every file below a folder as (relative POSIX path, path), in a stable order; quicker than sorting Paths.
    The folders walked are added to `folders`; hidden folders and `ignored` files are left out."""
    found = []
    for top, dirs, files in os.walk(folder):
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        if folders is not None:
            folders.add(top)
        relative = os.path.relpath(top, folder).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        found += [(prefix + name, Path(top, name)) for name in files if not ignored(name)]
    return sorted(found)


_SNAPSHOT: dict[str, bytes] = {}
_SNAPSHOT_FOLDERS: set[str] = set()


@contextlib.contextmanager
def inputs_read(files: dict[str, bytes], folders: Iterable[str]) -> Iterator[None]:
    """Within, `input_bytes` answers from `files` (path → bytes, as read once for the build's fingerprint)
    and knows that a file missing from a listed folder does not exist: the stages see the version of the
    reports, sidecars, catalogs, glossary and docs that the fingerprint hashed (Jinja loads templates itself), and a thousand reports' files are
    not opened three times over."""
    _SNAPSHOT.update(files)
    _SNAPSHOT_FOLDERS.update(folders)
    try:
        yield
    finally:
        _SNAPSHOT.clear()
        _SNAPSHOT_FOLDERS.clear()


def input_bytes(path: Path) -> bytes:
    """An input file's bytes (FileNotFoundError if there is none), from the build's snapshot when it has one."""
    name = os.fspath(path)
    found = _SNAPSHOT.get(name)
    if found is not None:
        return found
    if os.path.dirname(name) in _SNAPSHOT_FOLDERS:
        raise FileNotFoundError(name)
    return path.read_bytes()


def file_bytes(path: Path) -> bytes:
    """A file's bytes, or none for a file that does not exist (an optional input)."""
    try:
        return input_bytes(path)
    except FileNotFoundError:
        return b""


_REMEMBERED: dict[Path, dict[str, dict[str, Any]]] = {}
"""Per cache file: kind → name → the result, as this process last read or wrote it."""


class Cache:
    """Pickled results by kind and key, plus a record of which key each generated page was written from.

    Writes are held in one transaction until `commit`, so a build that fails midway leaves the cache as
    the last successful build left it. A damaged cache file is discarded: it only ever costs time.

    Results read or written are also kept in this process's memory (values are keyed by content, so they
    never go stale), and the next build in the same process, as in `digest serve`, takes them from there
    instead of unpickling them again.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.used: dict[str, set[str]] = {}
        path.parent.mkdir(parents=True, exist_ok=True)
        self.memory = _REMEMBERED.setdefault(path.resolve(), {})
        if not path.exists():
            self.memory.clear()  # a deleted cache means a clean build: nothing remembered is used either
        try:
            self.db = self._open()
        except sqlite3.DatabaseError:
            path.unlink(missing_ok=True)
            self.memory.clear()
            self.db = self._open()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=60)
        db.executescript(SCHEMA)
        db.commit()
        return db

    def get(self, kind: str, name: str) -> Any:
        return self.get_many(kind, [name]).get(name)

    def get_many(self, kind: str, names: Iterable[str]) -> dict[str, Any]:
        """The stored results among `names` (missing or unreadable ones left out), in one query per thousand."""
        wanted = list(dict.fromkeys(names))
        self.used.setdefault(kind, set()).update(wanted)
        remembered = self.memory.setdefault(kind, {})
        found = {name: remembered[name] for name in wanted if name in remembered}
        if len(found) < len(wanted):
            with gc_paused():
                self._load(kind, [name for name in wanted if name not in found], found)
            remembered.update(found)
        return found

    def _load(self, kind: str, wanted: list[str], found: dict[str, Any]) -> None:
        for start in range(0, len(wanted), 900):
            chunk = wanted[start : start + 900]
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(
                f"SELECT name, value FROM results WHERE kind = ? AND name IN ({marks})", [kind, *chunk]
            )
            for name, blob in rows:
                try:
                    found[name] = pickle.loads(blob)
                except (pickle.PickleError, EOFError, AttributeError, ImportError, TypeError, ValueError):
                    continue

    def put(self, kind: str, name: str, value: Any) -> None:
        self.used.setdefault(kind, set()).add(name)
        self.memory.setdefault(kind, {})[name] = value
        blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        self.db.execute("INSERT OR REPLACE INTO results VALUES (?, ?, ?)", (kind, name, blob))

    def keep(self, kind: str, names: Iterable[str]) -> None:
        """Count these results as used by this run without loading them, so `prune` keeps them."""
        self.used.setdefault(kind, set()).update(names)

    def written(self) -> dict[str, str]:
        """Each generated page's path and the key of what it was rendered from, as of the last commit."""
        return dict(self.db.execute("SELECT path, name FROM written").fetchall())

    def record_written(self, pages: dict[str, str]) -> None:
        self.db.execute("DELETE FROM written")
        self.db.executemany("INSERT INTO written VALUES (?, ?)", sorted(pages.items()))

    def prune(self) -> None:
        """Drop every result of a kind this run used that this run did not ask for: the cache stays the size
        of the current inputs instead of growing with every edit."""
        for kind, used in self.used.items():
            stored = [name for (name,) in self.db.execute("SELECT name FROM results WHERE kind = ?", (kind,))]
            stale = [(kind, name) for name in stored if name not in used]
            self.db.executemany("DELETE FROM results WHERE kind = ? AND name = ?", stale)
            remembered = self.memory.get(kind, {})
            for name in [name for name in remembered if name not in used]:
                del remembered[name]

    def commit(self) -> None:
        self.db.commit()

    def close(self) -> None:
        self.db.close()
