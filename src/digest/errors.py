"""One small exception hierarchy, so every failure reaches the user as one line naming the file and line."""

from __future__ import annotations

import errno
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path


def display_path(path: Path | str) -> str:
    """A path relative to the working directory when it lies under it, so messages stay short and portable."""
    text = str(path)
    try:
        rel = os.path.relpath(text)
    except ValueError:
        return text
    return text if rel.startswith("..") else rel


@dataclass(frozen=True)
class Problem:
    """A located finding: an error stops the build, a warning does not (unless the run is strict)."""

    path: str
    message: str
    line: int | None = None
    hint: str | None = None
    severity: str = "error"

    def __str__(self) -> str:
        where = display_path(self.path) + (f":{self.line}" if self.line else "")
        text = f"{where}: {self.severity}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


class DigestError(Exception):
    """An error in the input that the user can fix; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(path="digest", message=problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    def __reduce__(self) -> tuple[type[DigestError], tuple[list[Problem]]]:
        """Problems survive the trip back from a worker process intact."""
        return (DigestError, (self.problems,))


def fail(path: Path | str, message: str, line: int | None = None, hint: str | None = None) -> DigestError:
    """Build the error for one problem (callers `raise fail(...)`)."""
    return DigestError(Problem(path=str(path), message=message, line=line, hint=hint))


FAULT_HINTS = {
    errno.ENOSPC: "the disk is full: free some space and build again; the published site is unchanged",
    errno.EDQUOT: "the disk quota is used up: free some space and build again; the published site is unchanged",
    errno.EROFS: "the file system is read-only: build on a writable disk, or remount it",
    errno.EACCES: "give your user read access to the inputs and write access to build/ (chmod u+rw)",
    errno.EPERM: "an immutable file or folder? `lsattr` shows it, `chattr -i` clears it",
    errno.ENAMETOOLONG: "the name is too long for the file system: shorten the report id or file name",
    errno.ENOENT: "the file is missing or is a link that points nowhere: restore it or remove the link",
    errno.ELOOP: "a link points to itself in a loop: remove it",
    errno.EISDIR: "a folder stands where a file is expected: rename or remove it",
    errno.ENOTDIR: "a file stands where a folder is expected: rename or remove it",
    errno.EIO: "the disk reported an input/output error: check the disk",
}
SQLITE_HINTS = (
    ("full", errno.ENOSPC),
    ("readonly", errno.EROFS),
    ("read-only", errno.EROFS),
    ("unable to open", errno.EACCES),
    ("disk i/o", errno.EIO),
)


def machine_fault(exc: OSError | sqlite3.Error, fallback: Path | str) -> Problem:
    """A fault of the machine or the file system as a located one-line error, with what to do about it.

    `fallback` names the file when the exception does not (SQLite's errors never do)."""
    if isinstance(exc, sqlite3.Error):
        text = str(exc)
        code = next((c for word, c in SQLITE_HINTS if word in text.lower()), None)
        hint = FAULT_HINTS.get(code, "delete build/cache.sqlite and build again") if code else None
        return Problem(str(fallback), f"the build cache failed: {text}", hint=hint or "delete it and build again")
    where = exc.filename if exc.filename is not None else fallback
    reason = exc.strerror or type(exc).__name__
    if exc.filename2 is not None:
        reason += f" (with {display_path(str(exc.filename2))})"
    return Problem(os.fsdecode(where), reason.lower()[:1] + reason[1:], hint=FAULT_HINTS.get(exc.errno or -1))


def outside_link(path: Path) -> Problem:
    """A link in an input folder that leads out of the project: its target would be published."""
    return Problem(
        str(path),
        f"a link to {os.path.realpath(path)}, outside the project, is refused",
        hint="copy the file into the project instead of linking to it",
    )
