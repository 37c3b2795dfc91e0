"""Time the live preview's rebuilds, for docs/benchmark.md (to run under `farm-bench --vs` against other code):

    python scripts/preview_edits.py PROJECT [EDITS]

A build, then EDITS (default 3) one-report edits (a sentence appended to a random generated report), each
rebuilt in the same process as `digest serve` rebuilds: our stages and MkDocs, no search index, the heap
settled; a full collection, when due, after the figure, as `digest serve` runs it after the browser is
told. Prints each rebuild's seconds as a JSON list. With code older than `serve.collect_all`, settling
includes the full collection, as it did there.
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

from digest.build import build
from digest.project import Project
from digest.serve import settle_heap

try:
    from digest.serve import collect_all
except ImportError:  # older code: `settle_heap` collects everything itself when due
    collect_all = None


def edit(project: Project) -> None:
    raw = random.choice(sorted(project.sources.glob("gen-*.txt")))
    raw.write_bytes(raw.read_bytes() + f"新增一段，用于计时{random.randint(0, 10**9)}。\n".encode())


def main(root: Path, edits: int) -> None:
    project = Project(root.resolve())
    build(project, search=False)
    if settle_heap() and collect_all is not None:
        collect_all()
    seconds = []
    for _ in range(edits):
        edit(project)
        started = time.perf_counter()
        build(project, search=False)
        due = settle_heap()
        seconds.append(round(time.perf_counter() - started, 2))
        if due and collect_all is not None:
            collect_all()
    print(json.dumps(seconds), flush=True)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: preview_edits.py PROJECT [EDITS]")
    main(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 3)
