"""Time a clean `digest build` (to run under `farm-bench --vs`, each code on its own copy of a project):

    python scripts/clean_build.py PROJECT [--no-site] [--log FILE]

Removes PROJECT/build, then runs the whole build as `digest build` does (with `--no-site`, our stages
only), and prints its seconds, each stage's, and what the search index read and made (pages read, read
while MkDocs rendered, parsed afterwards; groups cut; shards joined), also appended to FILE with `--log`
(`farm-bench` throws a command's output away). Warnings go to /dev/null.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import digest.publish.mkdocs as publish
from digest.build import build
from digest.project import Project


def main(root: Path, site: bool, log: Path | None) -> None:
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
    line = f"{round(time.perf_counter() - started, 2)} {json.dumps({**stages, **counts})}"
    print(line, flush=True)
    if log is not None:
        with log.open("a") as out:
            out.write(line + "\n")
    os._exit(0)  # as the CLI ends: no teardown of the build's heap


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Time a clean digest build.")
    parser.add_argument("project", type=Path)
    parser.add_argument("--no-site", action="store_true", help="our stages only")
    parser.add_argument("--log", type=Path, help="also append the figures to this file")
    arguments = parser.parse_args()
    main(arguments.project, not arguments.no_site, arguments.log)
