"""The `digest` command: one subcommand per pipeline stage, and `build` for all of them."""

from __future__ import annotations

import argparse
import logging
import os
import sqlite3
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from digest.errors import DigestError, Problem, display_path, machine_fault
from digest.lock import build_lock
from digest.project import Project


def _project(args: argparse.Namespace) -> Project:
    return Project(Path(args.root).resolve())


def _report_problems(problems: Sequence[Problem], strict: bool) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
    if strict and problems:
        raise DigestError(list(problems))


def cmd_normalize(args: argparse.Namespace) -> int:
    from digest.normalize.report import summary, write_normalized
    from digest.slice.gather import normalize_all

    project = _project(args)
    reports = normalize_all(project, args.report)
    if args.report and not reports:
        raise DigestError(f"no report with id '{args.report}' (see source_texts/*.yml)")
    for report in reports:
        if args.report:
            print(summary(report))
        else:
            _report_problems(report.warnings(), strict=False)
        if args.strict and report.warnings():
            raise DigestError(report.warnings())
    with build_lock(project.build):  # build/normalized is a build's output too
        for report in reports:
            for path in write_normalized(report, project.normalized):
                if not args.report:
                    print(f"wrote {display_path(path)}")
    return 0


def cmd_slice(args: argparse.Namespace) -> int:
    from digest.slice.corpus import slice_all
    from digest.slice.gather import normalize_all
    from digest.slice.outline import outline_text
    from digest.slice.themes import load_themes

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


def cmd_glossary(args: argparse.Namespace) -> int:
    from digest.glossary.entries import Glossary, check, load_glossary, write_entries
    from digest.glossary.exchange import export_csv, export_tbx, import_csv, import_tbx

    project = _project(args)
    if args.action == "import":
        from digest.glossary.exchange import merge

        if not args.file:
            raise DigestError("glossary import needs a file: digest glossary import FILE.tbx|FILE.csv [--apply]")
        path = Path(args.file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise DigestError(Problem(str(path), f"cannot read: {exc.strerror}")) from exc
        current = load_glossary(project.glossary)
        is_csv = path.suffix.lower() == ".csv"
        patches = import_csv(data, path, current) if is_csv else import_tbx(data, path)
        changes = merge(current, patches, path)
        for change in changes:
            sys.stdout.write(change.diff(Path(display_path(project.glossary))))
        if not args.apply:
            print(
                f"read {len(patches)} entries from {display_path(path)}; {len(changes)} would change"
                + (" (dry run: add --apply to write them)" if changes else "")
            )
            return 0
        written = write_entries(tuple(c.after for c in changes), project.glossary)
        load_glossary(project.glossary)  # what was imported must read back cleanly
        print(f"imported {len(patches)} entries from {display_path(path)}; {len(written)} files changed")
        return 0
    glossary: Glossary = load_glossary(project.glossary)
    if args.action == "export":
        data = export_tbx(glossary) if args.format == "tbx" else export_csv(glossary)
        if args.output:
            Path(args.output).write_bytes(data)
            print(f"wrote {len(glossary.entries)} entries to {args.output}")
        else:
            sys.stdout.buffer.write(data)
        return 0
    from digest.glossary.usage import corpus_problems
    from digest.slice.gather import gather

    corpus = gather(project)
    from digest.glossary.suggest import candidates, coverage, load_scope, scope_problems, suggest

    scope_path = project.data / "glossary-scope.yml"
    scope = load_scope(scope_path)
    if args.action == "suggest":
        for line in suggest(glossary, corpus.reports, args.limit, scope):
            print(line)
        covered = coverage(glossary, corpus.reports, scope)
        print(
            f"coverage: {len(covered.covered)} of {len(covered.covered) + len(covered.missing)} quoted phrases and "
            f"formulas ({covered.share:.0%}); {len(covered.out_of_scope)} not jargon ({display_path(scope_path)})",
            file=sys.stderr,
        )
        return 0
    problems = check(glossary, {t.id for t in corpus.themes}) + corpus_problems(glossary, corpus.reports)
    problems += scope_problems(scope_path, scope, glossary, {c.term for c in candidates(corpus.reports)})
    for problem in problems:
        print(problem, file=sys.stderr)
    errors = [p for p in problems if p.severity == "error"]
    warnings = len(problems) - len(errors)
    print(f"{len(glossary.entries)} entries: {len(errors)} errors, {warnings} warnings")
    return 1 if errors or (args.strict and warnings) else 0


def cmd_translate(args: argparse.Namespace) -> int:
    from digest.slice.gather import gather
    from digest.translate.catalogs import catalog_path, load_translations, read_catalog, status, update, write_catalog

    project = _project(args)
    corpus = gather(project)
    if args.action == "update":
        with build_lock(project.build):  # a build must not read a catalog half-written
            for report_id, report in sorted(corpus.reports.items()):
                path = catalog_path(project.translations, report_id)
                catalog, counts = update(report, read_catalog(path) if path.exists() else None)
                changed = write_catalog(catalog, path)
                summary = ", ".join(f"{n} {what}" for what, n in counts.items() if n)
                print(f"{display_path(path)}: {summary}{'' if changed else ' (unchanged)'}")
        return 0
    if args.action == "status":
        print(f"{'report':32} {'units':>6} {'translated':>11} {'fuzzy':>6} {'untranslated':>13}")
        total = [0, 0, 0, 0]
        for report_id, report in sorted(corpus.reports.items()):
            path = catalog_path(project.translations, report_id)
            s = status(report, read_catalog(path) if path.exists() else None)
            print(f"{report_id:32} {s.total:6} {s.translated:6} {s.percent:3d}% {s.fuzzy:6} {s.untranslated:13}")
            total = [a + b for a, b in zip(total, (s.total, s.translated, s.fuzzy, s.untranslated), strict=True)]
        print(
            f"{'all':32} {total[0]:6} {total[1]:6} {100 * total[1] // max(total[0], 1):3d}% {total[2]:6} {total[3]:13}"
        )
        return 0
    from digest.glossary.entries import load_glossary
    from digest.glossary.termmatch import TermMatcher
    from digest.memo import Memo
    from digest.translate.check import check_report, collect_texts, drift, load_contextual, load_names

    glossary = load_glossary(project.glossary)
    translated = load_translations(Memo(), project.translations, corpus.hashed)
    english = {rid: found.value[0] for rid, found in translated.items()}
    matcher = TermMatcher(glossary.forms())
    findings = [f for r in corpus.reports.values() for f in check_report(r, english[r.id], glossary, matcher)]
    catalogs = {
        rid: read_catalog(path) for rid in corpus.reports if (path := catalog_path(project.translations, rid)).exists()
    }
    texts = collect_texts(project.root, corpus.reports, catalogs)
    names = load_names(project.data / "names.yml")
    contextual = load_contextual(project.data / "renderings.yml", glossary)
    findings += drift(texts, glossary, matcher, names, contextual)
    for finding in findings:
        where = display_path(finding.path or catalog_path(project.translations, finding.report))
        print(f"{where}: {finding.unit}: {finding.message}")
    failures = [f for f in findings if not f.review]
    print(f"{len(failures)} findings, {len(findings) - len(failures)} for review")
    return 1 if failures else 0


def cmd_serve(args: argparse.Namespace) -> int:
    from digest.serve import serve

    serve(_project(args), host=args.host, port=args.port)
    return 0


def cmd_new_report(args: argparse.Namespace) -> int:
    from digest.normalize.steps import chrome_rules
    from digest.scaffold import scaffold

    path = scaffold(Path(args.file), update=args.update, chrome=chrome_rules(_project(args).data / "chrome.yml"))
    print(f"{'updated' if args.update else 'wrote'} {display_path(path)}: check it, then run `digest normalize`")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from digest.build import build

    outcome = build(_project(args), strict=args.strict, site=not args.no_site, force=args.force)
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

    glossary = add("glossary", cmd_glossary, "Check, export, import the glossary; suggest new terms.")
    glossary.add_argument("action", choices=["check", "suggest", "export", "import"])
    glossary.add_argument("file", nargs="?", help="for import: a .tbx or .csv file")
    glossary.add_argument("--format", choices=["tbx", "csv"], default="tbx", help="for export")
    glossary.add_argument("-o", "--output", help="for export: write here instead of standard output")
    glossary.add_argument("--limit", type=int, default=40, help="for suggest: how many candidates")
    glossary.add_argument("--strict", action="store_true", help="for check: warnings fail too")
    glossary.add_argument("--apply", action="store_true", help="for import: write the changes (default: show them)")

    translate = add("translate", cmd_translate, "Keep the English catalogs in step; report and check them.")
    translate.add_argument("action", choices=["update", "status", "check"])

    serve = add("serve", cmd_serve, "Live preview: rebuild on every change and reload the browser.")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)

    build = add("build", cmd_build, "Run every stage and build the site into build/site.")
    build.add_argument("--strict", action="store_true", help="warnings are errors")
    build.add_argument("--no-site", action="store_true", help="stop before running MkDocs")
    build.add_argument("--force", action="store_true", help="rebuild even if no input changed")
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
    except (OSError, sqlite3.Error) as exc:
        build = Path(args.root) / "build"
        print(machine_fault(exc, build / "cache.sqlite" if isinstance(exc, sqlite3.Error) else build), file=sys.stderr)
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


def run() -> None:
    """The console script: `main`, then exit without tearing down the heap object by object, which after a
    build of a thousand reports takes longer than the rebuild of one (mypy exits the same way)."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    logging.shutdown()
    os._exit(code)


if __name__ == "__main__":
    run()
