"""Glossary checks against the corpus: contexts that really occur, entries that are really used."""

from __future__ import annotations

from digest.errors import Problem
from digest.glossary.entries import Glossary
from digest.glossary.termmatch import TermMatcher
from digest.slice.citations import CitationError, locate
from digest.slice.corpus import SlicedReport, full_text


def corpus_problems(
    glossary: Glossary, reports: dict[str, SlicedReport], used: set[str] | None = None
) -> list[Problem]:
    """Contexts that do not occur are errors; entries never used (`used`: entry ids found) are warnings."""
    problems: list[Problem] = []
    for entry in glossary.entries:
        for context in entry.contexts:
            try:
                locate(reports, context.report, context.quote)
            except CitationError as exc:
                problems.append(
                    Problem(
                        entry.path,
                        f"context: {exc}",
                        entry.lines.get("context"),
                        "copy the quote from `digest slice` output",
                    )
                )
    if used is None:
        used = entries_used(glossary, reports)
    for entry in glossary.entries:
        if entry.id not in used and entry.status != "deprecated":
            problems.append(
                Problem(
                    entry.path,
                    f"'{entry.headword.zh_hans}' never occurs in the corpus",
                    entry.lines.get("terms"),
                    "check the written form against the reports",
                    "warning",
                )
            )
    return problems


def entries_used(glossary: Glossary, reports: dict[str, SlicedReport]) -> set[str]:
    matcher = TermMatcher(glossary.forms())
    used: set[str] = set()
    for report in reports.values():
        texts = [full_text(p) for _, p in report.outline.paragraphs()]
        texts += [s.heading["zh-Hans"] for s in report.outline.sections if s.heading]
        texts += [f.text["zh-Hans"] for f in report.outline.front]
        for text in texts:
            used.update(m.entry for m in matcher.find(text))
    return used
