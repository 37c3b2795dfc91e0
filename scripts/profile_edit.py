"""Profile what a maintainer waits for after a one-report edit (docs/benchmark.md, "Where the time goes"):

    python scripts/profile_edit.py PROJECT [site|preview] [OUT]

appends a paragraph to one generated report of PROJECT (a project `make bench` made, e.g. build/bench/n1000,
built once already), runs the build under cProfile (`site`: the whole `digest build`; `preview`: as
`digest serve` rebuilds, without the search index), prints the stages' seconds and the 45 most expensive
calls, and writes the profile to OUT (default build/profile-edit.out) for `python -m pstats`.
"""

from __future__ import annotations

import cProfile
import json
import pstats
import random
import sys
import time
from pathlib import Path

from digest.build import build
from digest.project import Project


def main(project_dir: Path, mode: str = "site", out: Path = Path("build/profile-edit.out")) -> None:
    project = Project(project_dir.resolve())
    raw = random.choice(sorted(project.sources.glob("gen-*.txt")))
    raw.write_bytes(raw.read_bytes() + f"新增一段，用于剖析{random.randint(0, 10**9)}。\n".encode())
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    outcome = build(project, search=mode == "site")
    profile.disable()
    print(f"{time.perf_counter() - started:.2f} s under the profiler after editing {raw.name}")
    print(json.dumps({stage: round(seconds, 2) for stage, seconds in outcome.timings.items()}))
    out.parent.mkdir(parents=True, exist_ok=True)
    profile.dump_stats(out)
    pstats.Stats(profile).sort_stats("cumulative").print_stats(45)


if __name__ == "__main__":
    arguments = sys.argv[1:]
    main(
        Path(arguments[0]),
        arguments[1] if len(arguments) > 1 else "site",
        Path(arguments[2]) if len(arguments) > 2 else Path("build/profile-edit.out"),
    )
