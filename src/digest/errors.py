"""One small exception hierarchy, so every failure reaches the user as one line naming the file and line."""

from __future__ import annotations

import os
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
