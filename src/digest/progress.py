"""Progress on long work: a one-line counter on a terminal, nothing in CI or when output is piped."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

Progress = Callable[[int, int], None]


def quiet(_done: int, _total: int) -> None:
    pass


def terminal_progress(label: str) -> Progress:
    if not sys.stderr.isatty() or os.environ.get("CI"):
        return quiet

    def show(done: int, total: int) -> None:
        end = "\n" if done == total else ""
        print(f"\r{label}: {done}/{total}", end=end, file=sys.stderr, flush=True)

    return show
