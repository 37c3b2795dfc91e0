"""The stages before rendering, run in order; each subcommand runs as many of them as it needs."""

from __future__ import annotations

from dataclasses import dataclass

from .corpus import SlicedReport, slice_all
from .errors import Problem
from .measures import Measure, load_measures
from .normalize.report import NormalizedReport, normalize_report
from .normalize.steps import chrome_rules
from .project import Project
from .sources import discover
from .themes import Theme, load_themes


@dataclass(frozen=True)
class Corpus:
    """Everything read and derived from the inputs, before any page is rendered."""

    normalized: list[NormalizedReport]
    themes: tuple[Theme, ...]
    reports: dict[str, SlicedReport]
    measures: tuple[Measure, ...]

    def warnings(self) -> list[Problem]:
        found = [w for report in self.normalized for w in report.warnings()]
        return found + [w for report in self.reports.values() for w in report.outline.warnings]


def normalize_all(project: Project, report_id: str | None = None) -> list[NormalizedReport]:
    sources = discover(project.sources)
    if report_id is not None:
        sources = [s for s in sources if s.id == report_id]
    chrome = chrome_rules(project.data / "chrome.yml")
    return [normalize_report(source, chrome) for source in sources]


def gather(project: Project) -> Corpus:
    normalized = normalize_all(project)
    themes = load_themes(project.data / "themes.yml")
    sliced = {report.id: report for report in slice_all(normalized, themes)}
    measures = load_measures(project.data / "measures.yml", sliced, {t.id for t in themes})
    return Corpus(normalized, themes, sliced, measures)
