"""Gather the corpus: every report through ingest, normalize and slice, then the measures across reports.

One report is the unit of work: a memo task of its raw file, sidecar and repairs (and the rules and themes
every report shares), so an edit reprocesses that report alone; many reports to process use every core.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from digest.datafiles import caching_reader
from digest.errors import DigestError, Problem
from digest.ingest.sources import ReportSource, discover
from digest.inputs import file_bytes
from digest.memo import Hashed, Memo, hashed, task
from digest.normalize.report import NormalizedReport, normalize_report
from digest.normalize.steps import ChromeRule, chrome_rules
from digest.progress import Progress, quiet
from digest.project import Project
from digest.slice.corpus import SlicedReport, slice_one
from digest.slice.measures import Measure, load_measures
from digest.slice.themes import Theme, load_themes

PARALLEL_FROM = 16  # below this many reports to (re)process, a process pool costs more than it saves


@dataclass(frozen=True)
class Corpus:
    """Everything read and derived from the inputs, before any page is rendered."""

    themes: tuple[Theme, ...]
    reports: dict[str, SlicedReport]
    measures: tuple[Measure, ...]
    hashed: dict[str, Hashed[SlicedReport]]  # each report with the trace it was made under: later tasks' input
    processed: int = 0  # reports processed in this run (the rest were kept from an earlier one)

    @property
    def normalized(self) -> list[NormalizedReport]:
        return [report.normalized for report in self.reports.values()]

    def warnings(self) -> list[Problem]:
        found = [w for report in self.normalized for w in report.warnings()]
        found += [w for report in self.reports.values() for w in report.outline.warnings]
        return found + recurring_lines(self.reports)


def recurring_lines(reports: dict[str, SlicedReport]) -> list[Problem]:
    """A line that holds no sentence (numbered `-n`) and stands in the body of several reports is most likely
    furniture of their site that no rule knows yet: one warning per line, naming the reports."""
    seen: dict[str, list[SlicedReport]] = {}
    for report in reports.values():
        for _, paragraph in report.outline.paragraphs():
            if re.search(r"-n\d+$", paragraph.id):
                seen.setdefault(paragraph.text["zh-Hans"], []).append(report)
    return [
        Problem(
            str(found[0].normalized.source.raw_path),
            f"'{text}' stands in the body of {len(found)} reports ({', '.join(r.id for r in found)}) "
            "and holds no sentence: site furniture no rule knows?",
            hint="add or widen a rule in data/chrome.yml, with its cases (docs/maintainers.md)",
            severity="warning",
        )
        for text, found in seen.items()
        if len({r.id for r in found}) > 1
    ]


def normalize_all(project: Project, report_id: str | None = None) -> list[NormalizedReport]:
    sources = discover(project.sources)
    if report_id is not None:
        sources = [s for s in sources if s.id == report_id]
    chrome = chrome_rules(project.data / "chrome.yml")
    return [normalize_report(source, chrome) for source in sources]


def _process(
    source: ReportSource, chrome: tuple[ChromeRule, ...], themes: tuple[Theme, ...]
) -> tuple[SlicedReport | None, list[Problem]]:
    try:
        return slice_one(normalize_report(source, chrome), themes)
    except DigestError as exc:
        return None, exc.problems


def _kept(outcome: tuple[SlicedReport | None, list[Problem]]) -> tuple[SlicedReport | None, list[Problem]]:
    report, problems = outcome
    return (report.without_ledger() if report else None), problems


process_report = task("report", slim=_kept)(_process)
"""One report through ingest, normalize and slice. It is kept without its ledger (a quarter of the size):
what later stages need; the normalized texts and ledger are written when the report is processed."""


def rebind(report: SlicedReport, source: ReportSource) -> SlicedReport:
    """A kept report, re-attached to where its files are now (its trace ignores the project's location)."""
    if report.normalized.source == source:
        return report
    old = str(report.normalized.source.raw_path)
    warnings = tuple(
        dataclasses.replace(w, path=str(source.raw_path)) if w.path == old else w for w in report.outline.warnings
    )
    return dataclasses.replace(
        report,
        normalized=dataclasses.replace(report.normalized, source=source),
        outline=dataclasses.replace(report.outline, warnings=warnings),
    )


def gather(project: Project, memo: Memo | None = None, progress: Progress = quiet) -> Corpus:
    """Every report sliced (from the memo where its files are unchanged), with all problems at once."""
    memo = memo or Memo()
    read = caching_reader(memo)
    themes_path, chrome_path = project.data / "themes.yml", project.data / "chrome.yml"
    themes = hashed(load_themes(themes_path), file_bytes(themes_path))
    chrome = hashed(chrome_rules(chrome_path), file_bytes(chrome_path))
    sources = discover(project.sources, read)
    calls = [
        (
            hashed(s, s.raw_path.name, file_bytes(s.raw_path), file_bytes(s.sidecar_path), file_bytes(s.repairs_path)),
            chrome,
            themes,
        )
        for s in sources
    ]
    outcomes = memo.map(process_report, calls, progress, parallel_from=PARALLEL_FROM)
    problems = [problem for outcome in outcomes for problem in outcome.value[1]]
    if problems:
        raise DigestError(problems)
    reports: dict[str, Hashed[SlicedReport]] = {}
    for source, outcome in zip(sources, outcomes, strict=True):
        report = outcome.value[0]
        assert report is not None
        reports[source.id] = Hashed(rebind(report, source), outcome.digest)
    plain = {rid: report.value for rid, report in reports.items()}
    measures = load_measures(project.data / "measures.yml", plain, {t.id for t in themes.value})
    return Corpus(themes.value, plain, measures, reports, memo.ran.get(process_report.name, 0))
