"""The site's data as the pages look it up: reports in order, entries, labels, digests, occurrences and
theme listings, each computed once per build on first use. It renders nothing and keys nothing."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from digest.glossary.entries import Entry
from digest.glossary.termmatch import ReportMatches, TermMatch, TermMatcher
from digest.site.model import MAX_PER_REGION, ReportDigest, SiteModel, labels, region_key, report_digest
from digest.slice.corpus import SlicedReport
from digest.slice.outline import Paragraph, Section
from digest.slice.themes import Theme
from digest.translate.catalogs import English

Occurrence = tuple[SlicedReport, Section | None, Paragraph | None, str]
"""Where a glossary entry is found: the report, the section and paragraph (none for a front line, no
paragraph for a heading), and the part: "lead", "text", "heading" or "front:<n>"."""
Located = tuple[SlicedReport, Section, Paragraph]
Listing = tuple[dict[str, str], list[Located], int]
"""A region's part of a theme page: its names by language, the paragraphs shown, how many it has in all."""


class SiteIndex:
    def __init__(self, model: SiteModel) -> None:
        self.model = model
        self.corpus = model.corpus
        self.glossary = model.glossary.value
        self.entries: dict[str, Entry] = self.glossary.by_id()
        self.themes: dict[str, Theme] = {t.id: t for t in self.corpus.themes}
        self.reports = sorted(self.corpus.reports.values(), key=lambda r: (region_key(r), r.normalized.source.date))
        self.status = {rid: translated.value[1] for rid, translated in model.translations.items()}
        self._labels: dict[str, dict[str, str]] = {}
        self._located: dict[str, dict[str, tuple[Section, Paragraph]]] = {}
        self._occurrences: dict[str, list[Occurrence]] = {}
        self._in_report: dict[str, dict[str, list[Occurrence]]] = {}

    @functools.cached_property
    def matcher(self) -> TermMatcher:
        return TermMatcher(self.glossary.forms())

    @functools.cached_property
    def digests(self) -> dict[str, ReportDigest]:
        """Every report's digest, kept between builds until the report, its English or its matches change."""
        model = self.model
        calls = [
            (model.corpus.hashed[rid], model.translations[rid], model.matches[rid]) for rid in model.corpus.reports
        ]
        found = model.memo.map(report_digest, calls)
        return {rid: digest.value for rid, digest in zip(model.corpus.reports, found, strict=True)}

    @functools.cached_property
    def used(self) -> set[str]:
        """Entries found anywhere in the corpus, headings and front matter included."""
        return {entry for digest in self.digests.values() for entry in digest.used}

    def english(self, report_id: str) -> English:
        return self.model.translations[report_id].value[0]

    def matches(self, report_id: str) -> ReportMatches:
        return self.model.matches[report_id].value

    def found(self, report_id: str, paragraph_id: str, part: str) -> list[TermMatch]:
        return self.matches(report_id)[(paragraph_id, part)]

    def label(self, report_id: str, paragraph_id: str) -> str:
        return self.labels(report_id)[paragraph_id]

    def labels(self, report_id: str) -> dict[str, str]:
        found = self._labels.get(report_id)
        if found is None:
            found = self._labels[report_id] = labels(self.corpus.reports[report_id])
        return found

    def located(self, report: SlicedReport, paragraph_id: str) -> tuple[Section, Paragraph]:
        found = self._located.get(report.id)
        if found is None:
            found = self._located[report.id] = {p.id: (s, p) for s, p in report.outline.paragraphs()}
        return found[paragraph_id]

    def occurrences(self, entry_id: str) -> list[Occurrence]:
        """Every text in which an entry is found, in reading order: the title and the lines under it
        ("front:<n>"), then each section's heading (no paragraph) and its paragraphs' lead-ins and texts."""
        found = self._occurrences.get(entry_id)
        if found is None:
            found = self._occurrences[entry_id] = [
                occurrence
                for report in self.reports
                if entry_id in self.digests[report.id].used
                for occurrence in self._found_in(report).get(entry_id, ())
            ]
        return found

    def _found_in(self, report: SlicedReport) -> dict[str, list[Occurrence]]:
        """Each entry's occurrences in one report, from one pass over its matches (a pass per entry and
        report walked every paragraph of the corpus once for each of hundreds of entries)."""
        found = self._in_report.get(report.id)
        if found is None:
            found = self._in_report[report.id] = defaultdict(list)
            matches = self.matches(report.id)
            for index, line in enumerate(report.outline.front):
                if line.kind != "separator":
                    for entry_id in _entries(matches.get((f"front:{index}", ""), ())):
                        found[entry_id].append((report, None, None, f"front:{index}"))
            for section in report.outline.sections:
                if section.heading:
                    for entry_id in _entries(matches.get((f"heading:{section.id}", ""), ())):
                        found[entry_id].append((report, section, None, "heading"))
                for paragraph in section.paragraphs:
                    for part in ("lead", "text"):
                        for entry_id in _entries(matches[(paragraph.id, part)]):
                            found[entry_id].append((report, section, paragraph, part))
        return found

    @functools.cached_property
    def listings(self) -> dict[str, list[Listing]]:
        """Theme id → for each region with the theme (ordered by English name): its names, the paragraphs a
        theme page shows (report order, the first MAX_PER_REGION) and how many it has in all."""
        shown: dict[tuple[str, str], list[Located]] = defaultdict(list)
        counts: dict[tuple[str, str], int] = defaultdict(int)
        names: dict[str, dict[str, str]] = {}
        for report in self.reports:
            name = region_key(report)
            region = report.normalized.source.region
            names[name] = {text: region.name(text) for text in ("en", "zh-Hans", "zh-Hant")}
            digest = self.digests[report.id]
            for theme_id, count in digest.theme_counts.items():
                counts[theme_id, name] += count
                listed = shown[theme_id, name]
                for paragraph_id in digest.theme_shown[theme_id][: MAX_PER_REGION - len(listed)]:
                    listed.append((report, *self.located(report, paragraph_id)))
        found: dict[str, list[Listing]] = {}
        for theme_id, name in sorted(counts):
            found.setdefault(theme_id, []).append((names[name], shown[theme_id, name], counts[theme_id, name]))
        return found

    def theme_reports(self, theme: Theme) -> list[SlicedReport]:
        return list(
            {report.id: report for _, listed, _ in self.listings.get(theme.id, []) for report, _, _ in listed}.values()
        )

    @functools.cached_property
    def theme_matrix(self) -> dict[str, dict[str, int]]:
        """theme id → region → number of paragraphs tagged with it."""
        matrix: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for report in self.reports:
            for theme_id, count in self.digests[report.id].tag_counts.items():
                matrix[theme_id][region_key(report)] += count
        return {theme: dict(regions) for theme, regions in matrix.items()}

    def used_by(self, reports: list[SlicedReport]) -> list[str]:
        """The entries the reports' pages can link, in order."""
        return sorted({entry for report in reports for entry in self.digests[report.id].used})

    def citations(self, cited: list[tuple[str, str]]) -> list[Any]:
        """Labels and report names of cited paragraphs, as citation links show them."""
        found = []
        for rid, pid in cited:
            source = self.corpus.reports[rid].normalized.source
            found.append((rid, pid, self.labels(rid).get(pid), source.title, source.region))
        return found


def _entries(matches: Iterable[TermMatch]) -> list[str]:
    """The entries matched in one text, each once, in order."""
    return list(dict.fromkeys(match.entry for match in matches))
