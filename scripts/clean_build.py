"""Time a clean `digest build` (to run under `farm-bench --vs`, each code on its own copy of a project):

    python scripts/clean_build.py PROJECT [--no-site]

Removes PROJECT/build, then runs the whole build as `digest build` does (with `--no-site`, our stages
only), and prints its seconds, each stage's, and what the search index read and made (pages read, read
while MkDocs rendered, parsed afterwards; groups cut; shards joined). Warnings go to /dev/null.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import digest.publish.mkdocs as publish
from digest.build import build
from digest.project import Project


def main(root: Path, site: bool) -> None:
    project = Project(root.resolve())
    shutil.rmtree(project.build, ignore_errors=True)
    counts: dict[str, int] = {}
    index = publish.build_index

    def counted(*args: Any, **kwargs: Any) -> Any:
        return index(*args, **{**kwargs, "counts": counts})

    publish.build_index = counted  # type: ignore[assignment]
    started = time.perf_counter()
    with open(os.devnull, "w") as quiet, contextlib.redirect_stderr(quiet):
        outcome = build(project, site=site)
    stages = {name: round(seconds, 2) for name, seconds in outcome.timings.items()}
    print(round(time.perf_counter() - started, 2), json.dumps({**stages, **counts}), flush=True)
    os._exit(0)  # as the CLI ends: no teardown of the build's heap


if __name__ == "__main__":
    main(Path(sys.argv[1]), "--no-site" not in sys.argv[2:])
