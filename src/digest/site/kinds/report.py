"""A report's page: the Chinese beside the English, paragraph by paragraph, with its abstract, front lines
and edition notes. It shows one report, so it is made from that report, its English and its abstracts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from digest.memo import Output
from digest.normalize import step_summaries
from digest.site.common import Pages
from digest.site.text import article, article_for, section_views, term_notes, unit_english
from digest.slice.corpus import SlicedReport

TEMPLATE = "report.md.j2"


@dataclass(frozen=True)
class FrontLine:
    kind: str
    zh: str
    en: str
    state: str


@dataclass(frozen=True)
class EditionNotes:
    """What normalization did to the text, as the page's edition notes tell it."""

    steps: list[dict[str, Any]]
    repairs: list[dict[str, str]]
    damaged: list[str]


def front_lines(pages: Pages, report: SlicedReport) -> list[FrontLine]:
    counts: dict[str, int] = defaultdict(int)
    lines = []
    for line in report.outline.front:
        if line.kind in ("title", "separator"):
            continue
        counts[line.kind] += 1
        en, state = unit_english(pages.index, report.id, f"front-{line.kind}-{counts[line.kind]}")
        lines.append(FrontLine(line.kind, line.text[pages.lang.script], en, state))
    return lines


def edition_notes(report: SlicedReport) -> EditionNotes:
    summaries = step_summaries()
    steps = [
        {"step": n.step, "summary": summaries[n.step], "count": n.count, "removed": list(n.removed)}
        for n in report.edition
    ]
    applied = report.normalized.result.repairs_applied
    repairs = [{"find": r.find, "replace": r.replace, "reason": r.reason} for r in applied]
    damaged = [span for n in report.edition if n.step == "damage_marks" for span in n.removed]
    return EditionNotes(steps, repairs, damaged)


def pages(pages: Pages) -> Iterator[tuple[str, Output]]:
    index, lang, model = pages.index, pages.lang, pages.index.model
    for report in index.reports:
        abstract = article_for(model.abstracts, report.id, lang)
        yield pages.page(
            f"reports/{report.id}",
            TEMPLATE,
            (model.corpus.hashed[report.id], model.translations[report.id], abstract),
            report=report,
            abstract=lambda root, abstract=abstract: article(index, abstract, lang, root),
            front=lambda _root, report=report: front_lines(pages, report),
            edition=lambda _root, report=report: edition_notes(report),
            sections=lambda root, report=report: section_views(index, report, lang, root),
            notes=lambda _root, report=report: term_notes(index, [report]),
        )
