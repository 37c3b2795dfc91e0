"""Time `digest build` after a one-report edit, for docs/benchmark.md (to run under `farm-bench --vs`):

    python scripts/edit_and_build.py PROJECT

Appends a sentence to a random generated report, then runs the whole build (pipeline, MkDocs, search
index, the site put in place) as `digest build` does, and prints its seconds and each stage's.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from pathlib import Path

from digest.build import build
from digest.project import Project


def main(root: Path) -> None:
    root = root.resolve()
    raw = random.choice(sorted((root / "source_texts").glob("gen-*.txt")))
    raw.write_bytes(raw.read_bytes() + f"新增一段，用于计时{random.randint(0, 10**9)}。\n".encode())
    started = time.perf_counter()
    outcome = build(Project(root))
    stages = {name: round(seconds, 2) for name, seconds in outcome.timings.items()}
    print(round(time.perf_counter() - started, 2), json.dumps(stages), flush=True)
    os._exit(0)  # as the CLI ends: no teardown of the build's heap


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: edit_and_build.py PROJECT")
    main(Path(sys.argv[1]))
