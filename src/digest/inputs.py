"""The build's inputs as files: which files count, and one snapshot of their bytes per build.

Every stage reads its input files through `input_bytes`, so within a build all stages see the bytes the
build's fingerprint was taken over, and a thousand reports' files are not opened three times over.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path


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
