"""What the site is made from: the pipeline's outputs as one typed value, and each report's digest.

Every input is handed on with the trace it was made under (`Hashed`), so a page declares what it shows by
naming its inputs, and the memo layer decides whether it must be rendered again.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import jinja2

from digest.errors import Problem
from digest.glossary.entries import Glossary
from digest.glossary.termmatch import ReportMatches
from digest.memo import Hashed, Memo, fingerprint, task
from digest.site.content import Article
from digest.slice.corpus import SlicedReport
from digest.slice.gather import Corpus
from digest.translate.catalogs import English, Status

MAX_PER_REGION = 100  # paragraphs or occurrences listed per region on one page; the rest are counted


@dataclass(frozen=True)
class SiteModel:
    corpus: Corpus
    glossary: Hashed[Glossary]
    translations: dict[str, Hashed[tuple[English, Status, list[Problem]]]]  # report id → its English
    matches: dict[str, Hashed[ReportMatches]]  # report id → glossary terms found in it
    abstracts: dict[tuple[str, str], Article]  # (report id, language) → abstract
    summaries: dict[tuple[str, str], Article]  # (theme id, language) → summary
    templates: Hashed[dict[str, jinja2.Environment]]  # language code → Jinja environment with its catalog
    everywhere: Hashed[None]  # what every page depends on: the glossary, the themes and the templates
    memo: Memo


@dataclass(frozen=True)
class ReportDigest:
    """What the pages that gather from every report need of one report: a rebuild after one edit reads a
    thousand of these instead of walking a thousand outlines."""

    shown: dict[str, str]  # paragraph id → the trace of all a theme or glossary page shows of it
    used: frozenset[str]  # glossary entries found anywhere in the report, headings and front matter included
    entry_listings: dict[str, str]  # entry id → the trace of its occurrences here, as its glossary page lists them
    theme_counts: dict[str, int]  # theme id → paragraphs tagged with it
    theme_shown: dict[str, tuple[str, ...]]  # theme id → the first MAX_PER_REGION of those paragraphs' ids
    tag_counts: dict[str, int]  # theme id → tags (the home page's matrix)


def labels(report: SlicedReport) -> dict[str, str]:
    """Each paragraph's reader-facing address within its report: section label and position, e.g. "3.2"."""
    return {
        paragraph.id: f"{section.label}.{index}"
        for section in report.outline.sections
        for index, paragraph in enumerate(section.paragraphs, 1)
    }


def english(found: English, unit: str) -> tuple[str, str]:
    """A unit's English and its state: current, outdated (fuzzy: the Chinese changed) or missing."""
    if unit not in found:
        return "", "missing"
    text, current = found[unit]
    return text, "current" if current else "outdated"


@task("report-digest")
def report_digest(
    report: SlicedReport, translated: tuple[English, Status, list[Problem]], found_here: ReportMatches
) -> ReportDigest:
    source = report.normalized.source
    english_of = translated[0]
    label = labels(report)
    shown: dict[str, str] = {}
    occurrences: dict[str, list[str]] = defaultdict(list)
    theme_counts: dict[str, int] = defaultdict(int)
    theme_shown: dict[str, list[str]] = defaultdict(list)
    tag_counts: dict[str, int] = defaultdict(int)
    for _, paragraph in report.outline.paragraphs():
        lead, text = found_here[(paragraph.id, "lead")], found_here[(paragraph.id, "text")]
        shown[paragraph.id] = fingerprint(
            report.id,
            paragraph.id,
            label[paragraph.id],
            paragraph.lead,
            paragraph.text,
            report.themes[paragraph.id],
            english(english_of, paragraph.id),
            english(english_of, paragraph.id + ".lead"),
            lead,
            text,
            source.title,
            source.region,
        )
        for part, found in (("lead", lead), ("text", text)):
            for entry_id in dict.fromkeys(m.entry for m in found):
                occurrences[entry_id].append(part + shown[paragraph.id])
        for tag in report.themes[paragraph.id]:
            tag_counts[tag.theme] += 1
        for theme_id in dict.fromkeys(t.theme for t in report.themes[paragraph.id]):
            theme_counts[theme_id] += 1
            if theme_counts[theme_id] <= MAX_PER_REGION:
                theme_shown[theme_id].append(paragraph.id)
    outside = {f"heading:{s.id}": s.heading for s in report.outline.sections if s.heading}
    outside |= {f"front:{i}": line.text for i, line in enumerate(report.outline.front)}
    for place, text_shown in outside.items():
        found = found_here.get((place, ""), [])
        for entry_id in dict.fromkeys(m.entry for m in found):
            occurrences[entry_id].append(fingerprint(report.id, place, text_shown, found, source.region))
    return ReportDigest(
        shown,
        frozenset(m.entry for found in found_here.values() for m in found),
        {entry_id: fingerprint(*listed) for entry_id, listed in occurrences.items()},
        dict(theme_counts),
        {theme_id: tuple(ids) for theme_id, ids in theme_shown.items()},
        dict(tag_counts),
    )


def region_key(report: SlicedReport) -> str:
    return report.normalized.source.region.name("en")
