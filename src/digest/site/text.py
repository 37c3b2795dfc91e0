"""The pieces every page kind shows: Chinese with glossary terms linked, English with its state, paragraph
and section views, citations, and numbers and dates in the reader's locale.

Whatever comes from a source, the glossary or a translation leaves here as escaped Markup, so no template
can forget to escape it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date as calendar_date

from babel.dates import format_date
from babel.numbers import format_decimal
from markupsafe import Markup, escape

from digest.glossary.termmatch import TermMatch
from digest.normalize.damage import DAMAGE_CLOSE, DAMAGE_OPEN
from digest.normalize.steps import to_traditional
from digest.site.charts import bar_chart
from digest.site.content import Article
from digest.site.i18n import Language
from digest.site.index import SiteIndex
from digest.site.model import english
from digest.slice.corpus import SlicedReport
from digest.slice.measures import Measure
from digest.slice.outline import Paragraph, Section
from digest.slice.themes import Theme


@dataclass
class ParagraphView:
    id: str
    label: str
    zh: Markup
    en: Markup
    en_state: str  # current, outdated, missing
    themes: list[Theme]
    report: SlicedReport
    section: Section
    kind: str = "text"  # "caption" for a photo caption


@dataclass
class SectionView:
    id: str
    level: int
    heading_zh: str
    heading_en: str
    heading_state: str
    paragraphs: list[ParagraphView] = field(default_factory=list)


def term_note(index: SiteIndex, entry_id: str) -> str:
    """What a term's note says: its English rendering and pinyin."""
    entry = index.entries[entry_id]
    return f"{entry.en_preferred} · {entry.headword.pinyin}" if entry.headword.pinyin else entry.en_preferred


def term_notes(index: SiteIndex, reports: list[SlicedReport]) -> list[tuple[str, str]]:
    """(entry id, note) for every entry the reports' pages can link, for the page's list of notes that each
    term link names in `aria-describedby`: a screen reader then reads the note with the term."""
    return [(entry_id, term_note(index, entry_id)) for entry_id in index.used_by(reports)]


def linked(index: SiteIndex, text: str, matches: list[TermMatch], root: str) -> Markup:
    """Chinese text, escaped, with each glossary term linked to its entry. The note (English and pinyin) is
    shown by the site's script on hover, focus or tap, and read out from the page's list of notes."""
    pieces: list[str] = []
    cursor = 0
    for match in matches:
        entry = index.entries[match.entry]
        pieces.append(str(escape(text[cursor : match.start])))
        pieces.append(
            f'<a class="term" href="{root}glossary/{entry.id}/" data-tip="{escape(term_note(index, entry.id))}" '
            f'aria-describedby="note-{entry.id}">{escape(text[match.start : match.end])}</a>'
        )
        cursor = match.end
    pieces.append(str(escape(text[cursor:])))
    html = "".join(pieces)
    if DAMAGE_OPEN in html:
        html = html.replace(DAMAGE_OPEN, f'<span class="damaged">{DAMAGE_OPEN}').replace(
            DAMAGE_CLOSE, f"{DAMAGE_CLOSE}</span>"
        )
    return Markup(html)


def paragraph_zh(index: SiteIndex, report: SlicedReport, paragraph: Paragraph, script: str, root: str) -> Markup:
    out = Markup("")
    for part in ("lead", "text"):
        source = paragraph.lead if part == "lead" else paragraph.text
        if not source:
            continue
        text = source[script]
        matches = index.found(report.id, paragraph.id, part)
        if script != "zh-Hans" and len(text) != len(source["zh-Hans"]):
            matches = index.matcher.find(text)
        html = linked(index, text, matches, root)
        out += Markup('<strong class="lead">') + html + Markup("</strong>") if part == "lead" else html
    return out


def unit_english(index: SiteIndex, report_id: str, unit: str) -> tuple[str, str]:
    return english(index.english(report_id), unit)


def paragraph_en(index: SiteIndex, report_id: str, paragraph: Paragraph) -> tuple[Markup, str]:
    text, state = unit_english(index, report_id, paragraph.id)
    html = escape(text)
    if paragraph.lead:
        lead, lead_state = unit_english(index, report_id, paragraph.id + ".lead")
        html = Markup('<strong class="lead">') + escape(lead) + Markup("</strong> ") + html
        if "missing" in (state, lead_state):
            state = "missing"
        elif "outdated" in (state, lead_state):
            state = "outdated"
    return html, state


def paragraph_view(
    index: SiteIndex, report: SlicedReport, section: Section, paragraph: Paragraph, lang: Language, root: str
) -> ParagraphView:
    en, state = paragraph_en(index, report.id, paragraph)
    return ParagraphView(
        paragraph.id,
        index.label(report.id, paragraph.id),
        paragraph_zh(index, report, paragraph, lang.script, root),
        en,
        state,
        [index.themes[t.theme] for t in report.themes[paragraph.id]],
        report,
        section,
        paragraph.kind,
    )


def section_views(index: SiteIndex, report: SlicedReport, lang: Language, root: str) -> list[SectionView]:
    views = []
    for section in report.outline.sections:
        heading_en, heading_state = unit_english(index, report.id, section.id) if section.heading else ("", "current")
        view = SectionView(
            section.id,
            section.level,
            section.heading[lang.script] if section.heading else "",
            heading_en,
            heading_state,
        )
        for paragraph in section.paragraphs:
            view.paragraphs.append(paragraph_view(index, report, section, paragraph, lang, root))
        views.append(view)
    return views


def article_for(store: dict[tuple[str, str], Article], name: str, lang: Language) -> Article | None:
    """An abstract or summary in the reader's language (Traditional readers get the Simplified one, converted)."""
    return store.get((name, "en" if lang.code == "en" else "zh-Hans"))


def article(index: SiteIndex, found: Article | None, lang: Language, root: str) -> list[Markup]:
    """An abstract or summary as HTML paragraphs, each citation a link to its paragraph."""
    if found is None:
        return []
    out = []
    for paragraph in found.paragraphs:
        html = Markup("")
        for piece in paragraph:
            if not piece.report:
                text = to_traditional(piece.text) if lang.script == "zh-Hant" else piece.text
                html += escape(text)
                continue
            report = index.corpus.reports[piece.report]
            label = index.label(piece.report, piece.paragraph)
            region = report.normalized.source.region.name(lang.text)
            html += Markup(
                f'<a class="cite" href="{root}reports/{piece.report}/#{piece.paragraph}" '
                f'title="{escape(report.normalized.source.title[lang.text])}">'
                f"[{escape(region)} ¶{escape(label)}]</a>"
            )
        out.append(html)
    return out


@functools.lru_cache(maxsize=4096)
def number(value: float, lang: Language) -> str:
    return str(format_decimal(value, locale=lang.locale, format="#,##0.##"))


@functools.lru_cache(maxsize=4096)
def date(value: str, lang: Language) -> str:
    """ISO dates, years and year ranges in the reader's locale (Babel takes a tenth of a millisecond a date)."""

    def one(part: str) -> str:
        pieces = [int(p) for p in part.split("-")]
        if len(pieces) == 3:
            return str(format_date(calendar_date(*pieces), format="long", locale=lang.locale))
        if len(pieces) == 2:
            return str(
                format_date(
                    calendar_date(pieces[0], pieces[1], 1),
                    format="yyyy MMMM" if lang.code == "en" else "yyyy年M月",
                    locale=lang.locale,
                )
            )
        return str(pieces[0]) if lang.code == "en" else f"{pieces[0]}年"

    return "–".join(one(part) for part in value.split("/"))


def measure_chart(index: SiteIndex, measure: Measure, lang: Language, root: str) -> Markup:
    """A measure's bar chart, each bar named by region and paragraph and linked to the paragraph."""
    bars = []
    for value in measure.values:
        report = index.corpus.reports[value.citation.report]
        region = report.normalized.source.region.name(lang.text)
        label = index.label(value.citation.report, value.citation.paragraph)
        href = f"{root}reports/{value.citation.report}/#{value.citation.paragraph}"
        bars.append((f"{region} ¶{label}", value.value, number(value.value, lang), href))
    return bar_chart(measure.name[lang.text], bars, measure.unit)


def charts(index: SiteIndex, measures: list[Measure], lang: Language, root: str) -> dict[str, Markup]:
    return {measure.id: measure_chart(index, measure, lang, root) for measure in measures}
