"""The `digest` command: one subcommand per pipeline stage, and `build` for all of them."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from .errors import DigestError, Problem, display_path
from .project import Project


def _project(args: argparse.Namespace) -> Project:
    return Project(Path(args.root).resolve())


def _report_problems(problems: Sequence[Problem], strict: bool) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
    if strict and problems:
        raise DigestError(list(problems))


def cmd_normalize(args: argparse.Namespace) -> int:
    from .normalize.report import normalize_report, summary, write_normalized
    from .sources import discover

    project = _project(args)
    sources = discover(project.sources)
    if args.report:
        sources = [s for s in sources if s.id == args.report]
        if not sources:
            raise DigestError(f"no report with id '{args.report}' (see source_texts/*.yml)")
    for source in sources:
        report = normalize_report(source)
        if args.report:
            print(summary(report))
        else:
            _report_problems(report.warnings(), strict=False)
        if args.strict and report.warnings():
            raise DigestError(report.warnings())
        for path in write_normalized(report, project.normalized):
            if not args.report:
                print(f"wrote {display_path(path)}")
    return 0


def cmd_slice(args: argparse.Namespace) -> int:
    from .corpus import slice_all
    from .pipeline import normalize_all
    from .slicing import outline_text
    from .themes import load_themes

    project = _project(args)
    normalized = normalize_all(project, args.report)
    if args.report and not normalized:
        raise DigestError(f"no report with id '{args.report}' (see source_texts/*.yml)")
    themes = load_themes(project.data / "themes.yml")
    for report in slice_all(normalized, themes):
        scores = {pid: [(t.theme, t.score) for t in tags] for pid, tags in report.themes.items()}
        print(outline_text(report.outline, scores if args.themes else None))
        _report_problems(list(report.outline.warnings), strict=False)
    return 0


def cmd_new_report(args: argparse.Namespace) -> int:
    from .scaffold import scaffold

    path = scaffold(Path(args.file), update=args.update)
    print(f"{'updated' if args.update else 'wrote'} {display_path(path)}: check it, then run `digest normalize`")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from .build import build

    outcome = build(_project(args), strict=args.strict, site=not args.no_site)
    print(outcome.describe())
    return 0


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="digest", description=__doc__)
    main.add_argument("--root", default=".", help="the project folder (default: current folder)")
    main.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = main.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, func: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=help_text, description=help_text)
        command.set_defaults(func=func)
        return command

    normalize = add("normalize", cmd_normalize, "Repair every raw report; write build/normalized/.")
    normalize.add_argument("--report", help="only this report, with a readable summary of each step")
    normalize.add_argument("--strict", action="store_true", help="unrepaired suspect spans are errors")

    slicer = add("slice", cmd_slice, "Print each report's outline: sections and paragraphs with their ids.")
    slicer.add_argument("--report", help="only this report")
    slicer.add_argument("--no-themes", dest="themes", action="store_false", help="leave out the theme tags")

    new = add("new-report", cmd_new_report, "Scaffold the sidecar YAML for a new raw report file.")
    new.add_argument("file", help="the raw file, already in source_texts/")
    new.add_argument("--update", action="store_true", help="refresh the detected encoding and script only")

    build = add("build", cmd_build, "Run every stage and build the site into build/site.")
    build.add_argument("--strict", action="store_true", help="warnings are errors")
    build.add_argument("--no-site", action="store_true", help="stop before running MkDocs")
    return main


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except DigestError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        if args.debug:
            traceback.print_exc()
        return 1
    except KeyboardInterrupt:
        print("digest: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if args.debug or os.environ.get("DIGEST_DEBUG"):
            traceback.print_exc()
        print(f"digest: internal error: {type(exc).__name__}: {exc} (run with --debug for details)", file=sys.stderr)
        return 70


if __name__ == "__main__":
    raise SystemExit(main())
