"""What the search index keeps between builds, beside the memo store (`<store>.search/`), so that an update
after an edit reads a few files instead of asking the memo for every page and every group of texts.

- `pages-<k>`: each page's blocks as last read, by its path in the site, with its file's device, inode,
  size and time and the hash of its bytes, PAGE_FILES files by a CRC of the path: a page whose file is
  the same is not read, one whose bytes are the same is not parsed, and an edit rewrites only the files
  of the pages it changed. Asking the memo cost a fingerprint and a lookup per page, a second a build at
  a thousand reports.
- `<lang>/g<n>`: a group of texts' postings, cut one part per shard (`search.group_postings`), under the
  key it was made from; `<lang>/state`: every group's key, fold pairs and parts' hashes, and each shard
  file as it was written (inode, size, time). From these an edit's shards are patched from the difference
  (`search.patch_shard`) rather than joined again from every group's part.
- `made.json`: the chunk files each kept chunk result made, as written, and each group's result name by
  language (`search._Made`). It is removed before the other files are saved and written after them, so
  while it can be read the rest is one build's, and an update takes the groups it did not touch as they
  are.

Every file holds the code version it was made by, and anything unreadable, of another version or of
another shape is taken as absent: it costs time, never correctness. Files are replaced whole (a new file
renamed over), so a build cut short leaves each file either old or new, and each carries its own key.
"""

from __future__ import annotations

import os
import pickle
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from digest.memo import Memo, code_version

PAGE_FILES = 64
FORMAT = 1


def store_folder(memo: Memo) -> Path | None:
    return Path(f"{memo.path}.search") if memo.path is not None else None


def read(path: Path) -> Any:
    """The value kept in `path`, or None if it is missing, damaged or made by other code."""
    try:
        with open(path, "rb") as handle:
            version, value = pickle.load(handle)
    except Exception:  # a damaged file raises whatever its bytes happen to trip: it only costs time
        return None
    return value if version == (FORMAT, code_version()) else None


def stamp(path: Path | str) -> tuple[int, int, int]:
    """A file as written, as far as the next build needs to know: its inode, size and time. A file replaced
    or written since has another."""
    st = os.stat(path)
    return st.st_ino, st.st_size, st.st_mtime_ns


def as_stamped(path: Path | str, recorded: Sequence[object]) -> bool:
    """Whether the file is still the one `recorded` (its `stamp` when written) describes."""
    try:
        return stamp(path) == tuple(recorded)
    except OSError:
        return False


def write(path: Path, value: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "wb") as handle:
        pickle.dump(((FORMAT, code_version()), value), handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temporary, path)


PageEntry = tuple[tuple[int, int, int, int], str, Any]  # (device, inode, size, time), bytes' hash, blocks


class PageCache:
    """Each page's blocks as last read (module docstring); `get` and `put` by the page's path in the site."""

    def __init__(self, folder: Path | None) -> None:
        self.changed: set[int] = set()
        self.folder = folder
        self.files: list[dict[str, PageEntry]] = []
        for k in range(PAGE_FILES):
            found = read(folder / f"pages-{k}") if folder is not None else None
            self.files.append(found if isinstance(found, dict) else {})
            if not isinstance(found, dict):
                self.changed.add(k)  # written again whatever this build finds: every file exists after a save
        self.complete = not self.changed  # every page the last build saw is here: nothing unreadable or missing
        self.seen: set[str] = set()

    @staticmethod
    def _file(rel: str) -> int:
        return zlib.crc32(rel.encode("utf-8")) % PAGE_FILES

    def get(self, rel: str) -> PageEntry | None:
        self.seen.add(rel)
        return self.files[self._file(rel)].get(rel)

    def put(self, rel: str, entry: PageEntry) -> None:
        k = self._file(rel)
        self.files[k][rel] = entry
        self.changed.add(k)

    def unseen(self) -> Iterator[tuple[str, PageEntry]]:
        """The pages kept but not asked for in this build so far (removed from the site)."""
        for pages in self.files:
            yield from ((rel, entry) for rel, entry in pages.items() if rel not in self.seen)

    def save(self) -> None:
        """Write the files that changed, leaving out pages not asked for in this build (removed pages)."""
        if self.folder is None:
            return
        for k, pages in enumerate(self.files):
            gone = [rel for rel in pages if rel not in self.seen]
            for rel in gone:
                del pages[rel]
            if gone or k in self.changed:
                write(self.folder / f"pages-{k}", pages)


class Postings:
    """One language's postings as the last build left them (module docstring): each group's key, fold pairs
    and parts' hashes, each group's parts on demand, and each shard file as written."""

    def __init__(
        self, folder: Path | None, lang: str, shape: tuple[int, int, int], counts: dict[str, int] | None = None
    ) -> None:
        """`shape`: shards, slots per bucket and groups; a state of another shape is not used. `counts`
        receives how many groups were cut and shards joined or patched."""
        self.folder = folder / (lang or "_") if folder is not None else None
        self.counts = counts if counts is not None else {}
        state = read(self.folder / "state") if self.folder is not None else None
        if not (isinstance(state, dict) and state.get("shape") == shape):
            state = {"groups": [], "files": {}}
        self.shape = shape
        self.groups: list[tuple[str, str, str]] = state["groups"]  # key, fold pairs, hashes
        self.files: dict[int, tuple[int, int, int]] = state["files"]
        self.now: list[tuple[str, str, str]] = []  # this build's groups, as `groups`

    def count(self, what: str, how_many: int) -> None:
        if how_many:
            self.counts[what] = self.counts.get(what, 0) + how_many

    def key(self, group: int) -> str | None:
        return self.groups[group][0] if group < len(self.groups) else None

    def parts(self, group: int, key: str) -> tuple[str, ...] | None:
        """The parts kept for `group` if they were made from `key`."""
        found = read(self.folder / f"g{group}") if self.folder is not None else None
        return found[1] if isinstance(found, tuple) and len(found) == 2 and found[0] == key else None

    def keep_parts(self, group: int, key: str, parts: tuple[str, ...]) -> None:
        if self.folder is not None:
            write(self.folder / f"g{group}", (key, parts))

    def as_written(self, shard: int, path: Path) -> bool:
        """Whether the shard's file is the one the last build wrote (`stamp`)."""
        return shard in self.files and as_stamped(path, self.files[shard])

    def save(self, shard_paths: list[Path]) -> None:
        """Record this build's groups and its shard files as they are now on disk."""
        if self.folder is None:
            return
        files = {k: stamp(path) for k, path in enumerate(shard_paths)}
        write(self.folder / "state", {"shape": self.shape, "groups": self.now, "files": files})
        for path in self.folder.glob("g*"):
            if not path.name[1:].isdigit() or int(path.name[1:]) >= len(self.now):
                path.unlink()
