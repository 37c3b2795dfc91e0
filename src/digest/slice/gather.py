"""The stages before rendering, run in order; each subcommand runs as many of them as it needs.

Per-report work (ingest, normalize, slice, tag) is cached by content hash and, when many reports need
it, spread over every core.
"""

from __future__ import annotations

import dataclasses
import os
import re
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from .cache import Cache, file_bytes, key, keyer
from .corpus import SlicedReport, slice_one
from .datafiles import caching_reader, load_yaml
from .errors import DigestError, Problem
from .measures import Measure, load_measures
from .normalize.report import NormalizedReport, normalize_report
from .normalize.steps import ChromeRule, chrome_rules
from .project import Project
from .sources import ReportSource, discover
from .termmatch import TermMatch, TermMatcher
from .themes import Theme, load_themes

PARALLEL_FROM = 16  # below this many reports to (re)process, a process pool costs more than it saves
PARALLEL_TEXTS_FROM = 320  # the same for texts to search for glossary terms

ReportMatches = dict[tuple[str, str], list[TermMatch]]
"""Glossary terms found in one report: (paragraph id, "lead" or "text") → matches; headings and front lines
as ("heading:<section id>", "") and ("front:<n>", "")."""


@dataclass(frozen=True)
class Corpus:
    """Everything read and derived from the inputs, before any page is rendered."""

    normalized: list[NormalizedReport]
    themes: tuple[Theme, ...]
    reports: dict[str, SlicedReport]
    measures: tuple[Measure, ...]
    processed: int = 0  # reports computed afresh (the rest came from the cache)
    keys: dict[str, str] = dataclasses.field(default_factory=dict)  # each report's content hash
    fresh: frozenset[str] = frozenset()  # ids of the reports computed afresh

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


def process_report(
    source: ReportSource, chrome: tuple[ChromeRule, ...], themes: tuple[Theme, ...]
) -> tuple[SlicedReport | None, list[Problem]]:
    """One report through ingest, normalize and slice: the unit of caching and of parallel work."""
    try:
        return slice_one(normalize_report(source, chrome), themes)
    except DigestError as exc:
        return None, exc.problems


def rebind(report: SlicedReport, source: ReportSource) -> SlicedReport:
    """A cached report, re-attached to where its files are now (the cache key ignores the project's location)."""
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


Progress = Callable[[int, int], None]


def _quiet(_done: int, _total: int) -> None:
    pass


def process_reports(
    project: Project,
    sources: list[ReportSource],
    themes: tuple[Theme, ...],
    cache: Cache | None,
    progress: Progress = _quiet,
    needs_ledger: Callable[[str], bool] = lambda _id: False,
) -> tuple[dict[str, SlicedReport], frozenset[str], dict[str, str]]:
    """Every report sliced, from the cache where its inputs are unchanged; all problems at once.

    Cached reports come without their ledger (`SlicedReport.without_ledger`); those for which
    `needs_ledger` says yes are processed again to have it.
    """
    chrome_path = project.data / "chrome.yml"
    chrome = chrome_rules(chrome_path)
    shared = file_bytes(chrome_path) + b"\0" + file_bytes(project.data / "themes.yml")
    keys = {
        s.id: key(
            s.raw_path.name, file_bytes(s.raw_path), file_bytes(s.sidecar_path), file_bytes(s.repairs_path), shared
        )
        for s in sources
    }
    results: dict[str, SlicedReport] = {}
    todo: list[ReportSource] = []
    stored = cache.get_many("report", keys.values()) if cache else {}
    for source in sources:
        cached = stored.get(keys[source.id])
        if isinstance(cached, SlicedReport) and not needs_ledger(source.id):
            results[source.id] = rebind(cached, source)
        else:
            todo.append(source)
    problems: list[Problem] = []
    done = len(results)
    progress(done, len(sources))
    if len(todo) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
        with ProcessPoolExecutor(max_workers=os.cpu_count()) as pool:
            outcomes = pool.map(process_report, todo, [chrome] * len(todo), [themes] * len(todo), chunksize=8)
            for source, (sliced, found) in zip(todo, outcomes, strict=True):
                done += 1
                progress(done, len(sources))
                problems += found
                if sliced is not None:
                    results[source.id] = sliced
    else:
        for source in todo:
            sliced, found = process_report(source, chrome, themes)
            done += 1
            progress(done, len(sources))
            problems += found
            if sliced is not None:
                results[source.id] = sliced
    if problems:
        raise DigestError(problems)
    if cache:
        for source in todo:
            cache.put("report", keys[source.id], results[source.id].without_ledger())
    return {s.id: results[s.id] for s in sources}, frozenset(s.id for s in todo), keys


def terminal_progress(label: str) -> Progress:
    """A one-line counter on a terminal; silent in CI and when output is piped."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        return _quiet

    def show(done: int, total: int) -> None:
        end = "\n" if done == total else ""
        print(f"\r{label}: {done}/{total}", end=end, file=sys.stderr, flush=True)

    return show


def gather(
    project: Project,
    cache: Cache | None = None,
    progress: Progress = _quiet,
    needs_ledger: Callable[[str], bool] = lambda _id: False,
) -> Corpus:
    themes = load_themes(project.data / "themes.yml")
    sources = discover(project.sources, caching_reader(cache) if cache else load_yaml)
    reports, fresh, keys = process_reports(project, sources, themes, cache, progress, needs_ledger)
    measures = load_measures(project.data / "measures.yml", reports, {t.id for t in themes})
    return Corpus([r.normalized for r in reports.values()], themes, reports, measures, len(fresh), keys, fresh)


def searchable(report: SlicedReport) -> dict[tuple[str, str], str]:
    """Every Simplified text of a report in which glossary terms are looked for, under its match key."""
    texts: dict[tuple[str, str], str] = {}
    for _, paragraph in report.outline.paragraphs():
        texts[(paragraph.id, "lead")] = (paragraph.lead or {}).get("zh-Hans", "")
        texts[(paragraph.id, "text")] = paragraph.text["zh-Hans"]
    for section in report.outline.sections:
        if section.heading:
            texts[(f"heading:{section.id}", "")] = section.heading["zh-Hans"]
    for index, line in enumerate(report.outline.front):
        texts[(f"front:{index}", "")] = line.text["zh-Hans"]
    return texts


_worker_matcher: TermMatcher | None = None


def _start_matcher(forms: dict[str, str]) -> None:
    global _worker_matcher
    _worker_matcher = TermMatcher(forms)


def _match_texts(texts: list[str]) -> list[list[TermMatch]]:
    assert _worker_matcher is not None
    return [_worker_matcher.find(text) for text in texts]


def match_terms(
    corpus: Corpus, forms: dict[str, str], glossary_key: str, cache: Cache | None, progress: Progress = _quiet
) -> dict[str, ReportMatches]:
    """Glossary terms in every report, cached by report and glossary, and within a changed report by text:
    editing one paragraph matches that paragraph again, not the report. Many texts to match use every core."""
    names = {rid: key(corpus.keys.get(rid, rid), glossary_key) for rid in corpus.reports}
    stored = cache.get_many("matches", names.values()) if cache else {}
    found: dict[str, ReportMatches] = {}
    kept_texts: list[str] = []  # the text keys of unchanged reports, stored with their matches
    for rid in corpus.reports:
        cached = stored.get(names[rid])
        if isinstance(cached, tuple):
            kept_texts += cached[0]
            found[rid] = cached[1]
    texts = {rid: searchable(report) for rid, report in corpus.reports.items() if rid not in found}
    text_key = keyer(glossary_key)
    text_names = {text: text_key(text) for by_name in texts.values() for text in by_name.values()}
    known = cache.get_many("text-matches", text_names.values()) if cache else {}
    todo = sorted(text for text, name in text_names.items() if name not in known)
    chunks = [todo[start : start + 200] for start in range(0, len(todo), 200)]
    if todo:
        progress(0, len(todo))
    if len(todo) >= PARALLEL_TEXTS_FROM and (os.cpu_count() or 1) > 1:
        with ProcessPoolExecutor(os.cpu_count(), initializer=_start_matcher, initargs=(forms,)) as pool:
            outcomes: Iterable[list[list[TermMatch]]] = pool.map(_match_texts, chunks)
            _collect(chunks, outcomes, known, text_names, cache, progress)
    elif todo:
        _start_matcher(forms)
        _collect(chunks, map(_match_texts, chunks), known, text_names, cache, progress)
    for rid, by_name in texts.items():
        found[rid] = {name: known[text_names[text]] for name, text in by_name.items()}
        if cache:
            own = sorted({text_names[text] for text in by_name.values()})
            cache.put("matches", names[rid], (own, found[rid]))
    if cache:
        # Keep every current text's matches, so that the next edit finds its unchanged paragraphs.
        cache.keep("text-matches", kept_texts)
    return {rid: found[rid] for rid in corpus.reports}


def _collect(
    chunks: list[list[str]],
    outcomes: Iterable[list[list[TermMatch]]],
    known: dict[str, Any],
    text_names: dict[str, str],
    cache: Cache | None,
    progress: Progress,
) -> None:
    done = 0
    total = sum(len(chunk) for chunk in chunks)
    for chunk, matches in zip(chunks, outcomes, strict=True):
        for text, found in zip(chunk, matches, strict=True):
            known[text_names[text]] = found
            if cache:
                cache.put("text-matches", text_names[text], found)
        done += len(chunk)
        progress(done, total)
