"""The memo layer: the build's one mechanism for redoing only what changed.

In the terms of "Build systems à la carte" (Mokhov, Mitchell, Peyton Jones), a *task* is a pure function
of the inputs it is called with, and its result is kept under a *constructive trace*: the hash of the
task's name, the code, and the hash of every input. The same call with the same inputs later (in this
process or a later build) returns the kept result without running the task. Nothing else in the package
computes a key: stages and page builders declare what they read by what they pass in.

- An input is plain data (hashed by its `repr`: strings, numbers, tuples, frozen dataclasses; never a set,
  whose `repr` changes order with the process's hash seed) or a `Hashed` value, which carries the hash of
  what it was made from, so a large value (a sliced report) is never hashed again and a result passed on
  to the next task is keyed by the trace that made it.
- The code version is a hash of the package's source: a change to the code invalidates every result
  (coarse but never stale; a finer one would have to know which module each task really uses).
- Results live in one SQLite file (a thousand small results cost one write), plus this process's memory,
  which is all that `kept="process"` tasks (Jinja environments) use.
- Outputs on disk (the generated pages) are recorded with the key they were produced from; one whose key
  changed, or whose file is gone, is produced again (`Memo.outputs`).
  Many files to produce are produced in processes forked from the build, which hand back the results
  they computed; the build keeps them as its own.
- Writes wait for `commit`: a build that fails midway leaves the store as the last good build left it;
  `prune` drops the results of each task that this build did not ask for, so the store stays the size of
  the current inputs. A damaged store is discarded: it only ever costs time.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import importlib
import multiprocessing
import os
import pickle
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from digest.progress import Progress

T = TypeVar("T")
R = TypeVar("R")

SCHEMA = """
CREATE TABLE IF NOT EXISTS results (kind TEXT, name TEXT, value BLOB, PRIMARY KEY (kind, name)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS written (path TEXT PRIMARY KEY, name TEXT) WITHOUT ROWID;
"""
# They run the pipeline, or publish what it made, but compute none of its results.
NOT_CODE = ("bench.py", "cli.py", "serve.py", "mkdocs.py", "incremental.py", "hooks.py")


@functools.cache
def code_version() -> str:
    """A hash of the package's own source: results computed by other code are never reused."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        if path.name in NOT_CODE:
            continue
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class Hashed(Generic[T]):
    """A value with the hash of what it was made from; as a task's input, the hash stands for the value."""

    value: T
    digest: str


def _feed(digest: Any, part: object) -> None:
    if isinstance(part, Hashed):
        data = b"H" + part.digest.encode()
    elif isinstance(part, bytes):
        data = b"B" + part
    elif isinstance(part, str):
        data = b"S" + part.encode()
    else:
        data = b"R" + repr(part).encode()
    digest.update(len(data).to_bytes(8, "little"))
    digest.update(data)


def fingerprint(*parts: object) -> str:
    """The hash of some inputs, as a task's key takes them: `Hashed` by its digest, bytes and strings as
    they are, anything else by its repr (never a pickle, which also records which equal values are the
    same object, so a report fresh from the slicer and the same report from the store would differ)."""
    digest = hashlib.blake2b(code_version().encode(), digest_size=20)
    for part in parts:
        _feed(digest, part)
    return digest.hexdigest()


def hashed(value: T, *made_from: object) -> Hashed[T]:
    """`value` with the hash of what it was made from (the value itself when nothing else is named)."""
    return Hashed(value, fingerprint(*(made_from or (value,))))


def fingerprints(*shared: object) -> Callable[[object], str]:
    """`fingerprint(*shared, last)` for many values of `last`, the shared parts hashed once."""
    base = hashlib.blake2b(code_version().encode(), digest_size=20)
    for part in shared:
        _feed(base, part)

    def finish(last: object) -> str:
        digest = base.copy()
        _feed(digest, last)
        return digest.hexdigest()

    return finish


@dataclass(frozen=True)
class Task(Generic[R]):
    """A pure function with a name (its results' kind in the store) and where its results are kept."""

    name: str
    function: Callable[..., R]
    kept: Literal["disk", "process"] = "disk"
    slim: Callable[[Any], Any] | None = None


class task:
    """Declare a task. `kept="process"` keeps results in this process only (values that cannot be pickled);
    `slim` is what is kept of a result (the caller of the run that computed it still gets all of it)."""

    def __init__(
        self, name: str, kept: Literal["disk", "process"] = "disk", slim: Callable[[Any], Any] | None = None
    ) -> None:
        self.name, self.kept, self.slim = name, kept, slim

    def __call__(self, function: Callable[..., R]) -> Task[R]:
        return Task(self.name, function, self.kept, self.slim)


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Hashed) else value


def _run(function: Callable[..., R], calls: list[tuple[Any, ...]]) -> list[R]:
    return [function(*(_plain(arg) for arg in args)) for args in calls]


def _run_named(where: tuple[str, str], calls: list[tuple[Any, ...]]) -> list[Any]:
    """`_run` in a worker process, given the task's function by module and name (a decorated function's
    name finds its Task, which pickle cannot send by reference)."""
    found = getattr(importlib.import_module(where[0]), where[1])
    return _run(found.function if isinstance(found, Task) else found, calls)


@contextlib.contextmanager
def gc_paused(paused: bool = True) -> Iterator[None]:
    """No cyclic garbage collection inside: a build allocates millions of objects that stay alive, and
    collecting meanwhile only walks the growing heap again and again (it doubled a one-report rebuild).
    With `paused` false, the collector runs inside (work that makes millions of cycles: a full MkDocs
    run) and is as before afterwards."""
    collecting = gc.isenabled()
    if paused:
        gc.disable()
    else:
        gc.enable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
        else:
            gc.disable()


PROCESS_KEPT = 200_000  # results of `kept="process"` tasks held at most; beyond, start afresh

_REMEMBERED: dict[Path | None, dict[str, dict[str, Any]]] = {}
"""Per store file: task name → key → result, as this process last read or wrote it (keys are content
hashes, so they never go stale); the next build in this process (`digest serve`) starts from there."""


@dataclass(frozen=True)
class Output:
    """A file to produce: what it is made from (None: produce it every time) and how."""

    made_from: tuple[object, ...] | None
    produce: Callable[[], bytes | str]


def _drop_unused(db: sqlite3.Connection, kind: str, used: set[str]) -> None:
    stored = [name for (name,) in db.execute("SELECT name FROM results WHERE kind = ?", (kind,))]
    db.executemany(
        "DELETE FROM results WHERE kind = ? AND name = ?", [(kind, name) for name in stored if name not in used]
    )


def _commit(db: sqlite3.Connection, outputs: list[tuple[str, str]] | None) -> None:
    if outputs is not None:
        db.execute("DELETE FROM written")
        db.executemany("INSERT INTO written VALUES (?, ?)", outputs)
    db.commit()


class Memo:
    """Tasks' results by key, in a SQLite file (or in this process only, with no path)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.used: dict[str, set[str]] = {}
        self.ran: dict[str, int] = {}  # task name → calls computed (not found kept) by this memo
        self._pruned: dict[str, int] = {}  # task name → how many results it had asked for at the last prune
        self._written: dict[str, str] | None = None
        self._outputs: dict[str, str] = {}
        self.memory = _REMEMBERED.setdefault(path.resolve() if path else None, {})
        self.db: sqlite3.Connection | None = None
        self._handed_back: list[tuple[str, str, Any]] | None = None  # in a forked worker: results made there
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            self.memory.clear()  # a deleted store means a clean build: nothing remembered is used either
        try:
            self.db = self._open(path)
        except sqlite3.DatabaseError:
            path.unlink(missing_ok=True)
            self.memory.clear()
            self.db = self._open(path)

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(path, timeout=60)
        db.executescript(SCHEMA)
        db.commit()
        db.execute("SELECT kind, name, value FROM results LIMIT 0")  # tables of another shape fail here
        db.execute("SELECT path, name FROM written LIMIT 0")
        return db

    # --- running tasks ----------------------------------------------------------------------------------

    def call(self, job: Task[R], *args: object) -> Hashed[R]:
        """The task's result for these inputs: kept, or computed now and kept."""
        return self.map(job, [args])[0]

    def map(
        self,
        job: Task[R],
        calls: Sequence[tuple[object, ...]],
        progress: Progress | None = None,
        parallel_from: int | None = None,
        chunk: int = 8,
        batch: Callable[[list[tuple[Any, ...]]], list[R]] | None = None,
    ) -> list[Hashed[R]]:
        """The task's result for each call, the kept ones looked up at once; with `parallel_from`, that many
        calls to compute or more are spread over every core (the task and its inputs must then pickle).
        `batch`, if given, computes all the missing calls at once instead (its results must be what the task
        would return: it is how a task made of smaller ones reuses theirs, as term matching reuses each
        unchanged paragraph's matches within an edited report)."""
        names = [fingerprint(job.name, *args) for args in calls]
        found = self._get_many(job, names)
        todo = list({name: index for index, name in enumerate(names) if name not in found}.values())  # equal calls once
        done = len(calls) - len(todo)
        if batch is not None:
            if todo:
                self._collect(job, names, [todo], [batch([calls[i] for i in todo])], found, done, len(calls), None)
            return [Hashed(found[name], name) for name in names]
        if progress and todo:
            progress(done, len(calls))
        cores = os.cpu_count() or 1
        pieces = [todo[start : start + chunk] for start in range(0, len(todo), chunk)]
        work = [[calls[index] for index in piece] for piece in pieces]
        if parallel_from is not None and len(todo) >= parallel_from and cores > 1:
            with ProcessPoolExecutor(max_workers=cores) as pool:
                where = (job.function.__module__, job.function.__qualname__)
                results: Iterable[list[R]] = pool.map(_run_named, [where] * len(work), work)
                self._collect(job, names, pieces, results, found, done, len(calls), progress)
        else:
            results = (_run(job.function, piece) for piece in work)
            self._collect(job, names, pieces, results, found, done, len(calls), progress)
        return [Hashed(found[name], name) for name in names]

    def _collect(
        self,
        job: Task[R],
        names: list[str],
        pieces: list[list[int]],
        results: Iterable[list[R]],
        found: dict[str, Any],
        done: int,
        total: int,
        progress: Progress | None,
    ) -> None:
        for piece, values in zip(pieces, results, strict=True):
            for index, value in zip(piece, values, strict=True):
                found[names[index]] = value
                self._put(job.name, job.kept, names[index], job.slim(value) if job.slim else value)
            done += len(piece)
            self.ran[job.name] = self.ran.get(job.name, 0) + len(piece)
            if progress:
                progress(done, total)

    def keep(self, job: Task[Any], made_from: Iterable[tuple[object, ...]]) -> None:
        """Count these calls' results as used by this build without loading them, so `prune` keeps them."""
        self.keep_named(job, (fingerprint(job.name, *args) for args in made_from))

    def keep_named(self, job: Task[Any], names: Iterable[str]) -> None:
        """`keep` by the results' names."""
        self.used.setdefault(job.name, set()).update(names)

    def _get_many(self, job: Task[Any], names: list[str]) -> dict[str, Any]:
        self.used.setdefault(job.name, set()).update(names)
        remembered = self.memory.setdefault(job.name, {})
        found = {name: remembered[name] for name in names if name in remembered}
        if len(found) < len(set(names)) and job.kept == "disk" and self.db is not None:
            with gc_paused():
                loaded = self._load(job.name, [name for name in dict.fromkeys(names) if name not in found])
            remembered.update(loaded)
            found.update(loaded)
        return found

    def _load(self, kind: str, wanted: list[str]) -> dict[str, Any]:
        def load(db: sqlite3.Connection) -> dict[str, Any]:
            found: dict[str, Any] = {}
            for start in range(0, len(wanted), 900):
                piece = wanted[start : start + 900]
                marks = ",".join("?" * len(piece))
                rows = db.execute(
                    f"SELECT name, value FROM results WHERE kind = ? AND name IN ({marks})", [kind, *piece]
                )
                for name, blob in rows:
                    try:
                        found[name] = pickle.loads(blob)
                    except (pickle.PickleError, EOFError, AttributeError, ImportError, TypeError, ValueError):
                        continue
            return found

        return self._sql(load, {})

    def _put(self, kind: str, kept: Literal["disk", "process"], name: str, value: Any) -> None:
        remembered = self.memory.setdefault(kind, {})
        if kept == "process" and len(remembered) >= PROCESS_KEPT:
            remembered.clear()
        remembered[name] = value
        if kept == "disk" and self._handed_back is not None:
            self._handed_back.append((kind, name, value))
        if kept == "disk" and self.db is not None:
            row = (kind, name, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            self._sql(lambda db: db.execute("INSERT OR REPLACE INTO results VALUES (?, ?, ?)", row), None)

    def _sql(self, run: Callable[[sqlite3.Connection], T], otherwise: T) -> T:
        """`run` on the store; should SQLite find the file damaged, the store starts afresh (the results it
        held are made again: a damaged store only costs time) and `otherwise` is the answer."""
        assert self.db is not None and self.path is not None
        try:
            return run(self.db)
        except sqlite3.DatabaseError as exc:
            if (getattr(exc, "sqlite_errorcode", 0) & 0xFF) not in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
                raise  # a fault of the machine (disk full, read-only, locked): the build must say so
            self.db.close()
            self.path.unlink(missing_ok=True)
            self.memory.clear()
            self.db = self._open(self.path)
            return otherwise

    # --- outputs on disk --------------------------------------------------------------------------------

    def outputs(
        self, folder: Path, planned: Mapping[str, Output], parallel_from: int | None = None
    ) -> tuple[dict[str, bytes], list[str]]:
        """The files of `planned` to write (produced now) and those already in `folder` as they would be
        produced (neither read nor produced). The keys are recorded for `commit`. With `parallel_from`, that
        many files to produce or more are produced on every core (`_produce_forked`)."""
        if self._written is None:
            self._written = (
                self._sql(lambda db: dict(db.execute("SELECT path, name FROM written")), {}) if self.db else {}
            )
        todo: list[str] = []
        current: list[str] = []
        for path, output in planned.items():
            recorded = f"{folder.name}/{path}"
            name = fingerprint("output", path, *output.made_from) if output.made_from is not None else None
            if name and self._written.get(recorded) == name and (folder / path).is_file():
                current.append(path)
            else:
                todo.append(path)
            if name:
                self._outputs[recorded] = name
        if parallel_from is not None and len(todo) >= parallel_from and _can_fork():
            made = self._produce_forked(planned, todo)
            return {path: made[path] for path in todo}, current
        return {path: _encoded(planned[path].produce()) for path in todo}, current

    def _produce_forked(self, planned: Mapping[str, Output], todo: list[str]) -> dict[str, bytes]:
        """Produce files in worker processes forked from this one, so each starts with everything the
        build has gathered (nothing is pickled to them but paths). A worker has no store: what it does not
        find in this process's memory it computes, and hands the results back with the names it asked
        for, which are kept and counted here as if this process had made them."""
        global _FORKED_WORK
        made: dict[str, bytes] = {}
        pieces = [todo[start : start + 4] for start in range(0, len(todo), 4)]
        _FORKED_WORK = (self, planned)
        fork = multiprocessing.get_context("fork")
        pool = ProcessPoolExecutor(os.cpu_count(), mp_context=fork, initializer=_enter_worker)
        try:
            for files, results, used, ran in pool.map(_produce_piece, pieces):
                made.update(files)
                for kind, name, value in results:
                    self._put(kind, "disk", name, value)
                for kind, names in used.items():
                    self.used.setdefault(kind, set()).update(names)
                for kind, count in ran.items():
                    self.ran[kind] = self.ran.get(kind, 0) + count
        finally:
            # Never `multiprocessing.Pool`: on an error it kills its workers, and one killed while sending
            # its result holds the results' lock for ever (a build hung on a template error that way).
            # Here the pieces not started are cancelled and the running ones end before the error is raised.
            pool.shutdown(wait=True, cancel_futures=True)
            _FORKED_WORK = None
        return made

    # --- the end of a build -----------------------------------------------------------------------------

    def prune(self) -> None:
        """Drop every kept result of a task this build ran that this build did not ask for. A task that asked
        for nothing more since the last prune (a build prunes after writing its pages and again after
        publishing) is not gone through again."""
        for kind, used in self.used.items():
            if self._pruned.get(kind) == len(used):
                continue
            self._pruned[kind] = len(used)
            if self.db is not None:
                self._sql(functools.partial(_drop_unused, kind=kind, used=used), None)
            remembered = self.memory.get(kind, {})
            for name in [name for name in remembered if name not in used]:
                del remembered[name]

    def commit(self) -> None:
        """Make this build's results and recorded outputs the store's."""
        if self.db is None:
            return
        outputs = sorted(self._outputs.items()) if self._written is not None else None
        self._sql(functools.partial(_commit, outputs=outputs), None)

    def close(self) -> None:
        if self.db is not None:
            self.db.close()


def _encoded(content: bytes | str) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def _can_fork() -> bool:
    """Forking is safe from a process with one thread only (another thread may hold a lock the worker
    would wait on for ever: `digest serve` rebuilds in one process, one file after another), and where
    the platform forks."""
    return (
        (os.cpu_count() or 1) > 1
        and threading.active_count() == 1
        and "fork" in multiprocessing.get_all_start_methods()
    )


_FORKED_WORK: tuple[Memo, Mapping[str, Output]] | None = None
_INHERITED: list[sqlite3.Connection] = []


def _enter_worker() -> None:
    """In a forked worker: the parent's connection to the store is never used, nor closed (closing would
    roll back the parent's open transaction in the file), and results are handed back, not stored."""
    assert _FORKED_WORK is not None
    memo = _FORKED_WORK[0]
    if memo.db is not None:
        _INHERITED.append(memo.db)
    memo.db = None


def _produce_piece(
    paths: list[str],
) -> tuple[list[tuple[str, bytes]], list[tuple[str, str, Any]], dict[str, set[str]], dict[str, int]]:
    assert _FORKED_WORK is not None
    memo, planned = _FORKED_WORK
    memo.used, memo.ran, memo._handed_back = {}, {}, []
    files = [(path, _encoded(planned[path].produce())) for path in paths]
    return files, memo._handed_back, memo.used, memo.ran
