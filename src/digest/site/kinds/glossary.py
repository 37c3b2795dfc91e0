"""The glossary's index and an entry's page, with every occurrence of the term in the reports. An entry page
is made from its occurrences (each report's listing of them, by trace): an edit that does not touch the
term leaves it alone."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from digest.glossary.entries import Entry
from digest.memo import Output
from digest.site.common import Pages
from digest.site.index import SiteIndex
from digest.site.model import MAX_PER_REGION
from digest.slice.corpus import SlicedReport
from digest.slice.outline import Paragraph, Section

TEMPLATE = "glossary_entry.md.j2"
INDEX_TEMPLATE = "glossary_index.md.j2"
CONTEXT = 18  # characters shown either side of an occurrence


def occurrence_place(
    index: SiteIndex, report: SlicedReport, section: Section | None, paragraph: Paragraph | None, part: str
) -> tuple[str, str, dict[str, str], tuple[str, str]]:
    """Where an occurrence is: its anchor on the report page, its label, its text and its match key."""
    if part.startswith("front:"):
        line = report.outline.front[int(part.removeprefix("front:"))]
        return "", line.kind, line.text, (part, "")
    if paragraph is None:
        assert section is not None and section.heading
        return section.id, section.label, section.heading, (f"heading:{section.id}", "")
    source = paragraph.lead if part == "lead" else paragraph.text
    assert source is not None
    return paragraph.id, index.label(report.id, paragraph.id), source, (paragraph.id, part)


@dataclass(frozen=True)
class Hit:
    """One occurrence as the entry page lists it: where it is, and the term in its context."""

    report: SlicedReport
    paragraph: str  # the anchor on the report page ("" for a line under the title)
    label: str
    mark: str  # ¶ for a paragraph, § for a heading
    kind: str  # the kind of a line under the title (its label is shown instead of a number)
    before: str
    term: str
    after: str
    section: Section | None


@dataclass(frozen=True)
class RegionHits:
    region: str
    hits: list[Hit]
    more: int  # occurrences beyond those listed


def concordance(pages: Pages, entry: Entry) -> list[RegionHits]:
    """Every occurrence of an entry, grouped by region, each with its context and link: paragraphs,
    lead-ins, section headings and the highlight lines under a report's title."""
    index, lang = pages.index, pages.lang
    groups: dict[str, list[Hit]] = defaultdict(list)
    more: dict[str, int] = defaultdict(int)
    for report, section, paragraph, part in index.occurrences(entry.id):
        anchor, label, source, place = occurrence_place(index, report, section, paragraph, part)
        text = source[lang.script]
        if len(text) != len(source["zh-Hans"]):
            continue
        found = [match for match in index.matches(report.id)[place] if match.entry == entry.id]
        region = report.normalized.source.region.name(lang.text)
        hits = groups[region]
        room = max(0, MAX_PER_REGION - len(hits))
        more[region] += max(0, len(found) - room)
        for match in found[:room]:
            hits.append(
                Hit(
                    report,
                    anchor,
                    label,
                    "§" if part == "heading" else "¶",
                    label if part.startswith("front:") else "",
                    text[max(0, match.start - CONTEXT) : match.start],
                    text[match.start : match.end],
                    text[match.end : match.end + CONTEXT],
                    section,
                )
            )
    return [RegionHits(region, hits, more[region]) for region, hits in sorted(groups.items())]


def pages(pages: Pages) -> Iterator[tuple[str, Output]]:
    index = pages.index
    listed: dict[str, list[str]] = defaultdict(list)
    for report in index.reports:
        for entry_id, listing in index.digests[report.id].entry_listings.items():
            listed[entry_id].append(listing)
    yield pages.page("glossary/index", INDEX_TEMPLATE, None)
    for entry in index.glossary.entries:
        yield pages.page(
            f"glossary/{entry.id}",
            TEMPLATE,
            ("entry", entry.id, listed.get(entry.id, [])),
            entry=entry,
            groups=lambda _root, entry=entry: concordance(pages, entry),
        )
