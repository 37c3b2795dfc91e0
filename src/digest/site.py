"""Render the whole site: every page in every language, as Markdown for MkDocs, plus its assets.

Templates receive view objects whose Chinese and English text is already escaped Markup (with glossary
terms linked), so no template can forget to escape source text.
"""

from __future__ import annotations

import functools
import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jinja2
from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal
from markupsafe import Markup, escape

from .cache import key
from .charts import bar_chart
from .content import Article
from .corpus import SlicedReport
from .glossary import Entry, Glossary
from .i18n import DEFAULT, LANGUAGES, Language
from .measures import Measure
from .normalize import step_summaries
from .normalize.damage import DAMAGE_CLOSE, DAMAGE_OPEN
from .normalize.steps import to_traditional
from .pipeline import Corpus, ReportMatches
from .render import render
from .slicing import Paragraph, Section
from .termmatch import TermMatch, TermMatcher
from .themes import Theme


@dataclass(frozen=True)
class SiteInputs:
    corpus: Corpus
    glossary: Glossary
    translations: dict[str, dict[str, tuple[str, bool]]]
    abstracts: dict[tuple[str, str], Article]
    summaries: dict[tuple[str, str], Article]
    status: dict[str, Any]
    matches: dict[str, ReportMatches]
    page_keys: dict[str, str] = field(default_factory=dict)  # report id → hash of all a report page depends on
    digests: dict[str, ReportDigest] = field(default_factory=dict)  # from earlier builds: see Site.digest
    shared_key: str = ""  # hash of the glossary, themes, templates and catalogs: what every page depends on


@dataclass(frozen=True)
class PlannedPage:
    """A page to generate: the hash of all it depends on (None: render it every build) and its renderer."""

    key: str | None
    render: Callable[[], str]


Occurrence = tuple[SlicedReport, Section | None, Paragraph | None, str]
"""Where a glossary entry is found: the report, the section and paragraph (none for a front line, no
paragraph for a heading), and the part: "lead", "text", "heading" or "front:<n>"."""
MAX_PER_REGION = 100  # paragraphs or occurrences listed per region on one page; the rest are counted

_FRAGMENTS: dict[tuple[str, ...], Markup] = {}
"""Rendered pieces of the pages that gather from every report (a paragraph on a theme page, a report's row
on the home page), under the hash of all they show, kept between builds in this process: after one edit
those pages are rendered again, but few of their pieces changed."""
FRAGMENTS_KEPT = 200_000  # beyond this many, start afresh


@dataclass(frozen=True)
class ReportDigest:
    """What the pages that gather from every report need of one report, computed once per version of the
    report (with its catalog, the glossary and the templates) and kept between builds: a rebuild after one
    edit reads a thousand of these instead of walking a thousand outlines."""

    signatures: dict[str, str]  # paragraph id → a hash of all a theme or glossary page shows of it
    used: frozenset[str]  # glossary entries found anywhere in the report, headings and front matter included
    entry_digests: dict[str, str]  # entry id → a hash of its occurrences in the report, as a glossary page lists them
    theme_counts: dict[str, int]  # theme id → paragraphs tagged with it
    theme_shown: dict[str, tuple[str, ...]]  # theme id → the first MAX_PER_REGION of those paragraphs' ids
    tag_counts: dict[str, int]  # theme id → tags (the home page's matrix)


Located = tuple[SlicedReport, Section, Paragraph]


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


def signature(value: object) -> str:
    """A short hash of plain data (strings, numbers, dicts, dataclasses): equal for equal content. Taken
    over the repr, not a pickle: a pickle also records which equal values are the same object, so a report
    fresh from the slicer and the same report from the cache would differ."""
    return hashlib.blake2b(repr(value).encode(), digest_size=16).hexdigest()


def page_root(path: str) -> str:
    """The relative link from a generated page to its language's home, from the page's own path (without
    suffix): `reports/x` is served at `reports/x/`, two folders down; `reports/index` at `reports/`, one.
    Only a last segment that is exactly `index` is a folder's index (a slug such as `fengqiao-index` is not)."""
    folders = path.split("/")
    depth = len(folders) - 1 if folders[-1] == "index" else len(folders)
    return "../" * depth


def region_key(report: SlicedReport) -> str:
    return report.normalized.source.region.name("en")


class Site:
    """Renders pages for one build; term matches are computed once and shared by every language."""

    def __init__(
        self, inputs: SiteInputs, envs: dict[str, jinja2.Environment], matcher: TermMatcher | None = None
    ) -> None:
        self.inputs = inputs
        self.corpus = inputs.corpus
        self.envs = envs
        self.entries = inputs.glossary.by_id()
        self.matcher = matcher or TermMatcher(inputs.glossary.forms())
        self.themes = {t.id: t for t in self.corpus.themes}
        self.reports = sorted(self.corpus.reports.values(), key=lambda r: (region_key(r), r.normalized.source.date))
        self.report_by_id = dict(self.corpus.reports)  # the templates' own copies: see `release`
        self.status = dict(inputs.status)
        self._digests: dict[str, ReportDigest] = {}
        self._labels: dict[str, dict[str, str]] = {}
        self._located: dict[str, dict[str, tuple[Section, Paragraph]]] = {}
        self._occurrences: dict[str, list[Occurrence]] = {}
        self._listings: dict[str, list[tuple[dict[str, str], list[Located], int]]] = {}
        self._common: dict[str, dict[str, Any]] = {}
        self.used: set[str] = set()  # entries found anywhere in the corpus, headings and front matter included
        for report in self.reports:
            self.used |= self.digest(report).used

    def release(self) -> None:
        """Empty what the templates were given. Jinja's macros keep their rendering context in a reference
        cycle, so whatever a context holds lives until the cycle collector runs; emptied, the corpus is
        freed as soon as the build lets go of it (at a thousand reports the collector would take a third of
        a second over it)."""
        for held in (self.reports, self.report_by_id, self.status):
            held.clear()
        self.__dict__.clear()

    # --- text helpers -------------------------------------------------------------------------------

    def term_note(self, entry_id: str) -> str:
        """What a term's note says: its English rendering and pinyin."""
        entry = self.entries[entry_id]
        return f"{entry.en_preferred} · {entry.headword.pinyin}" if entry.headword.pinyin else entry.en_preferred

    def term_notes(self, reports: list[SlicedReport]) -> list[tuple[str, str]]:
        """(entry id, note) for every entry the reports' pages can link, for the page's list of notes that
        each term link names in `aria-describedby`: a screen reader then reads the note with the term."""
        used: set[str] = set()
        for report in reports:
            used |= self.digest(report).used
        return [(entry_id, self.term_note(entry_id)) for entry_id in sorted(used)]

    def linked(self, text: str, matches: list[TermMatch], root: str) -> Markup:
        """Chinese text, escaped, with each glossary term linked to its entry. The note (English and pinyin)
        is shown by the site's script on hover, focus or tap, and read out from the page's list of notes."""
        pieces: list[str] = []
        cursor = 0
        for match in matches:
            entry = self.entries[match.entry]
            pieces.append(str(escape(text[cursor : match.start])))
            pieces.append(
                f'<a class="term" href="{root}glossary/{entry.id}/" data-tip="{escape(self.term_note(entry.id))}" '
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

    def paragraph_zh(self, report: SlicedReport, paragraph: Paragraph, script: str, root: str) -> Markup:
        out = Markup("")
        for part in ("lead", "text"):
            source = paragraph.lead if part == "lead" else paragraph.text
            if not source:
                continue
            text = source[script]
            matches = self.matches(report.id, paragraph.id, part)
            if script != "zh-Hans" and len(text) != len(source["zh-Hans"]):
                matches = self.matcher.find(text)
            html = self.linked(text, matches, root)
            out += Markup('<strong class="lead">') + html + Markup("</strong>") if part == "lead" else html
        return out

    def english(self, report_id: str, unit: str) -> tuple[str, str]:
        """A unit's English and its state: current, outdated (fuzzy: the Chinese changed) or missing."""
        found = self.inputs.translations.get(report_id, {}).get(unit)
        if found is None:
            return "", "missing"
        text, current = found
        return text, "current" if current else "outdated"

    def paragraph_en(self, report_id: str, paragraph: Paragraph) -> tuple[Markup, str]:
        text, state = self.english(report_id, paragraph.id)
        html = escape(text)
        if paragraph.lead:
            lead, lead_state = self.english(report_id, paragraph.id + ".lead")
            html = Markup('<strong class="lead">') + escape(lead) + Markup("</strong> ") + html
            if "missing" in (state, lead_state):
                state = "missing"
            elif "outdated" in (state, lead_state):
                state = "outdated"
        return html, state

    def article(self, article: Article | None, lang: Language, root: str) -> list[Markup]:
        """An abstract or summary as HTML paragraphs, each citation a link to its paragraph."""
        if article is None:
            return []
        out = []
        for paragraph in article.paragraphs:
            html = Markup("")
            for piece in paragraph:
                if not piece.report:
                    text = to_traditional(piece.text) if lang.script == "zh-Hant" else piece.text
                    html += escape(text)
                    continue
                report = self.corpus.reports[piece.report]
                label = self.label(piece.report, piece.paragraph)
                region = report.normalized.source.region.name(lang.text)
                html += Markup(
                    f'<a class="cite" href="{root}reports/{piece.report}/#{piece.paragraph}" '
                    f'title="{escape(report.normalized.source.title[lang.text])}">'
                    f"[{escape(region)} ¶{escape(label)}]</a>"
                )
            out.append(html)
        return out

    def summary_for(self, store: dict[tuple[str, str], Article], name: str, lang: Language) -> Article | None:
        return store.get((name, "en" if lang.code == "en" else "zh-Hans"))

    # --- view models -----------------------------------------------------------------------------------

    def report_sections(self, report: SlicedReport, lang: Language, root: str) -> list[SectionView]:
        views = []
        for section in report.outline.sections:
            heading_en, heading_state = self.english(report.id, section.id) if section.heading else ("", "current")
            view = SectionView(
                section.id,
                section.level,
                section.heading[lang.script] if section.heading else "",
                heading_en,
                heading_state,
            )
            for paragraph in section.paragraphs:
                view.paragraphs.append(self.paragraph_view(report, section, paragraph, lang, root))
            views.append(view)
        return views

    def paragraph_view(
        self, report: SlicedReport, section: Section, paragraph: Paragraph, lang: Language, root: str
    ) -> ParagraphView:
        en, state = self.paragraph_en(report.id, paragraph)
        return ParagraphView(
            paragraph.id,
            self.label(report.id, paragraph.id),
            self.paragraph_zh(report, paragraph, lang.script, root),
            en,
            state,
            [self.themes[t.theme] for t in report.themes[paragraph.id]],
            report,
            section,
            paragraph.kind,
        )

    def front_lines(self, report: SlicedReport, lang: Language) -> list[dict[str, Any]]:
        counts: dict[str, int] = defaultdict(int)
        lines = []
        for line in report.outline.front:
            if line.kind in ("title", "separator"):
                continue
            counts[line.kind] += 1
            en, state = self.english(report.id, f"front-{line.kind}-{counts[line.kind]}")
            lines.append({"kind": line.kind, "zh": line.text[lang.script], "en": en, "state": state})
        return lines

    def edition_notes(self, report: SlicedReport) -> dict[str, Any]:
        summaries = step_summaries()
        notes = [
            {"step": n.step, "summary": summaries[n.step], "count": n.count, "removed": list(n.removed)}
            for n in report.edition
        ]
        applied = report.normalized.result.repairs_applied
        repairs = [{"find": r.find, "replace": r.replace, "reason": r.reason} for r in applied]
        damaged = [span for n in report.edition if n.step == "damage_marks" for span in n.removed]
        return {"repairs": repairs, "steps": notes, "damaged": damaged}

    def concordance(self, entry: Entry, lang: Language, root: str) -> list[dict[str, Any]]:
        """Every occurrence of an entry, grouped by region, each with its context and link: paragraphs,
        lead-ins, section headings and the highlight lines under a report's title."""
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for report, section, paragraph, part in self.occurrences(entry.id):
            anchor, label, source, key = self.occurrence_place(report, section, paragraph, part)
            text = source[lang.script]
            for match in self.inputs.matches[report.id][key]:
                if match.entry != entry.id or len(text) != len(source["zh-Hans"]):
                    continue
                groups[report.normalized.source.region.name(lang.text)].append(
                    {
                        "report": report,
                        "paragraph": anchor,
                        "label": label,
                        "mark": "§" if part == "heading" else "¶",
                        "kind": label if part.startswith("front:") else "",
                        "before": text[max(0, match.start - 18) : match.start],
                        "term": text[match.start : match.end],
                        "after": text[match.end : match.end + 18],
                        "section": section,
                    }
                )
        return [
            {"region": region, "hits": hits[:MAX_PER_REGION], "more": max(0, len(hits) - MAX_PER_REGION)}
            for region, hits in sorted(groups.items())
        ]

    def occurrence_place(
        self, report: SlicedReport, section: Section | None, paragraph: Paragraph | None, part: str
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
        return paragraph.id, self.label(report.id, paragraph.id), source, (paragraph.id, part)

    def measure_chart(self, measure: Measure, lang: Language, root: str) -> Markup:
        bars = []
        for value in measure.values:
            report = self.corpus.reports[value.citation.report]
            region = report.normalized.source.region.name(lang.text)
            label = self.label(value.citation.report, value.citation.paragraph)
            href = f"{root}reports/{value.citation.report}/#{value.citation.paragraph}"
            bars.append((f"{region} ¶{label}", value.value, self.number(value.value, lang), href))
        return bar_chart(measure.name[lang.text], bars, measure.unit)

    # --- formatting ----------------------------------------------------------------------------------

    @staticmethod
    @functools.lru_cache(maxsize=4096)
    def number(value: float, lang: Language) -> str:
        return format_decimal(value, locale=lang.locale, format="#,##0.##")

    @staticmethod
    @functools.lru_cache(maxsize=4096)
    def date(value: str, lang: Language) -> str:
        """ISO dates, years and year ranges in the reader's locale (Babel takes a tenth of a millisecond a date)."""
        from datetime import date

        def one(part: str) -> str:
            pieces = [int(p) for p in part.split("-")]
            if len(pieces) == 3:
                return format_date(date(*pieces), format="long", locale=lang.locale)
            if len(pieces) == 2:
                return format_date(
                    date(pieces[0], pieces[1], 1),
                    format="yyyy MMMM" if lang.code == "en" else "yyyy年M月",
                    locale=lang.locale,
                )
            return str(pieces[0]) if lang.code == "en" else f"{pieces[0]}年"

        return "–".join(one(part) for part in value.split("/"))

    # --- pages ----------------------------------------------------------------------------------------

    def plan(self) -> dict[str, PlannedPage]:
        """Every page of every language, each with the key of what it depends on where that is narrower
        than the whole corpus, rendered only when asked for."""
        planned: dict[str, PlannedPage] = {}
        shared = self.inputs.shared_key
        theme_keys = {t.id: self.theme_key(t) for t in self.corpus.themes} if shared else {}
        entry_keys = self.entry_keys() if shared else {}
        for lang in LANGUAGES:
            env = self.envs[lang.code]
            common = self.common(lang)

            def add(
                path: str,
                template: str,
                depends: str | None = None,
                lang: Language = lang,
                env: jinja2.Environment = env,
                common: dict[str, Any] = common,
                **context: Any,
            ) -> None:
                root = page_root(path)
                site_root = root + ("" if lang is DEFAULT else "../")
                variables = {**common, "root": root, "site_root": site_root, **context}
                planned[f"{path}.{lang.code}.md"] = PlannedPage(
                    key(depends, lang.code) if depends else None, lambda: render(env, template, variables)
                )

            add("index", "home.md.j2")
            add("reports/index", "reports.md.j2")
            for report in self.reports:
                add(f"reports/{report.id}", "report.md.j2", self.inputs.page_keys.get(report.id), report=report)
            add("themes/index", "themes.md.j2")
            for theme in self.corpus.themes:
                add(f"themes/{theme.id}", "theme.md.j2", theme_keys.get(theme.id), theme=theme)
            add("glossary/index", "glossary_index.md.j2")
            for entry in self.inputs.glossary.entries:
                add(f"glossary/{entry.id}", "glossary_entry.md.j2", entry_keys.get(entry.id), entry=entry)
            add("about/index", "about.md.j2")
            add("about/methodology", "methodology.md.j2")
            add("about/downloads", "downloads.md.j2")
        return planned

    # --- what a page depends on --------------------------------------------------------------------------
    # A theme or glossary page shows a few paragraphs of many reports; keyed by exactly those paragraphs
    # (with their labels, translations and term links), it is rendered again only when one of them changes.

    def paragraph_signature(self, report: SlicedReport, paragraph: Paragraph) -> str:
        return self.digest(report).signatures[paragraph.id]

    def digest(self, report: SlicedReport) -> ReportDigest:
        """The report's digest, from an earlier build when the report, its catalog, the glossary and the
        templates are unchanged (`inputs.page_keys` says which), else computed."""
        found = self._digests.get(report.id) or self.inputs.digests.get(report.id)
        if found is None:
            found = self._compute_digest(report)
            self._digests[report.id] = found
        return found

    def _compute_digest(self, report: SlicedReport) -> ReportDigest:
        source = report.normalized.source
        found_here = self.inputs.matches[report.id]
        signatures: dict[str, str] = {}
        occurrences: dict[str, list[str]] = defaultdict(list)
        theme_counts: dict[str, int] = defaultdict(int)
        theme_shown: dict[str, list[str]] = defaultdict(list)
        tag_counts: dict[str, int] = defaultdict(int)
        for _, paragraph in report.outline.paragraphs():
            lead, text = found_here[(paragraph.id, "lead")], found_here[(paragraph.id, "text")]
            signatures[paragraph.id] = signature(
                (
                    report.id,
                    paragraph.id,
                    self.label(report.id, paragraph.id),
                    paragraph.lead,
                    paragraph.text,
                    report.themes[paragraph.id],
                    self.english(report.id, paragraph.id),
                    self.english(report.id, paragraph.id + ".lead"),
                    lead,
                    text,
                    source.title,
                    source.region,
                )
            )
            for part, found in (("lead", lead), ("text", text)):
                for entry_id in dict.fromkeys(m.entry for m in found):
                    occurrences[entry_id].append(part + signatures[paragraph.id])
            for tag in report.themes[paragraph.id]:
                tag_counts[tag.theme] += 1
            for theme_id in dict.fromkeys(t.theme for t in report.themes[paragraph.id]):
                theme_counts[theme_id] += 1
                if theme_counts[theme_id] <= MAX_PER_REGION:
                    theme_shown[theme_id].append(paragraph.id)
        outside = {f"heading:{s.id}": s.heading for s in report.outline.sections if s.heading}
        outside |= {f"front:{i}": line.text for i, line in enumerate(report.outline.front)}
        for place, shown in outside.items():
            found = found_here.get((place, ""), [])
            for entry_id in dict.fromkeys(m.entry for m in found):
                occurrences[entry_id].append(signature((report.id, place, shown, found, source.region)))
        return ReportDigest(
            signatures,
            frozenset(m.entry for found in found_here.values() for m in found),
            {entry_id: signature(listed) for entry_id, listed in occurrences.items()},
            dict(theme_counts),
            {theme_id: tuple(ids) for theme_id, ids in theme_shown.items()},
            dict(tag_counts),
        )

    def computed_digests(self) -> dict[str, ReportDigest]:
        """The digests this build had to compute, to be kept for the next."""
        return {rid: found for rid, found in self._digests.items() if rid not in self.inputs.digests}

    def matches(self, report_id: str, paragraph_id: str, part: str) -> list[TermMatch]:
        return self.inputs.matches[report_id][(paragraph_id, part)]

    def label(self, report_id: str, paragraph_id: str) -> str:
        """A paragraph's reader-facing address within its report: section label and position, e.g. "3.2"."""
        return self.labels(report_id)[paragraph_id]

    def labels(self, report_id: str) -> dict[str, str]:
        found = self._labels.get(report_id)
        if found is None:
            found = self._labels[report_id] = {
                paragraph.id: f"{section.label}.{index}"
                for section in self.corpus.reports[report_id].outline.sections
                for index, paragraph in enumerate(section.paragraphs, 1)
            }
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
            found = self._occurrences[entry_id] = []
            for report in self.reports:
                if entry_id not in self.digest(report).used:
                    continue
                matches = self.inputs.matches[report.id]
                for index, line in enumerate(report.outline.front):
                    hit = any(m.entry == entry_id for m in matches.get((f"front:{index}", ""), ()))
                    if hit and line.kind != "separator":
                        found.append((report, None, None, f"front:{index}"))
                for section in report.outline.sections:
                    if section.heading and any(
                        m.entry == entry_id for m in matches.get((f"heading:{section.id}", ""), ())
                    ):
                        found.append((report, section, None, "heading"))
                    for paragraph in section.paragraphs:
                        for part in ("lead", "text"):
                            if any(m.entry == entry_id for m in self.matches(report.id, paragraph.id, part)):
                                found.append((report, section, paragraph, part))
        return found

    def citations_signature(self, cited: list[tuple[str, str]]) -> str:
        """Labels and report names of cited paragraphs, as citation links show them."""
        found = []
        for rid, pid in cited:
            source = self.corpus.reports[rid].normalized.source
            found.append((rid, pid, self.labels(rid).get(pid), source.title, source.region))
        return signature(found)

    def theme_key(self, theme: Theme) -> str:
        listing = [
            (names, count, [self.paragraph_signature(report, paragraph) for report, _, paragraph in listed])
            for names, listed, count in self.theme_listing(theme)
        ]
        measures = [m for m in self.corpus.measures if m.theme == theme.id]
        articles = [self.inputs.summaries.get((theme.id, lang)) for lang in ("en", "zh-Hans")]
        cited = [(v.citation.report, v.citation.paragraph) for m in measures for v in m.values]
        cited += [(p.report, p.paragraph) for a in articles if a for para in a.paragraphs for p in para if p.report]
        return key(
            self.inputs.shared_key,
            "theme",
            theme.id,
            repr(listing),
            repr(measures),
            repr(articles),
            self.citations_signature(cited),
        )

    def entry_keys(self) -> dict[str, str]:
        listed: dict[str, list[str]] = defaultdict(list)
        for report in self.reports:
            for entry_id, digest in self.digest(report).entry_digests.items():
                listed[entry_id].append(digest)
        return {
            entry.id: key(self.inputs.shared_key, "entry", entry.id, *listed.get(entry.id, []))
            for entry in self.inputs.glossary.entries
        }

    def pages(self) -> dict[str, str]:
        return {path: page.render() for path, page in self.plan().items()}

    def common(self, lang: Language) -> dict[str, Any]:
        found = self._common.get(lang.code)
        if found is None:
            found = self._common[lang.code] = self._make_common(lang)
        return found

    def _make_common(self, lang: Language) -> dict[str, Any]:
        helpers: dict[str, Callable[..., Any]] = {
            "report_sections": lambda report, root: self.report_sections(report, lang, root),
            "front_lines": lambda report: self.front_lines(report, lang),
            "edition_notes": self.edition_notes,
            "abstract": lambda report, root: self.article(
                self.summary_for(self.inputs.abstracts, report.id, lang), lang, root
            ),
            "summary": lambda theme, root: self.article(
                self.summary_for(self.inputs.summaries, theme.id, lang), lang, root
            ),
            "theme_paragraphs": lambda theme, root: self.theme_paragraphs(theme, lang, root),
            "measures_for": lambda theme: [m for m in self.corpus.measures if theme is None or m.theme == theme.id],
            "chart": lambda measure, root: self.measure_chart(measure, lang, root),
            "concordance": lambda entry, root: self.concordance(entry, lang, root),
            "entries_for": lambda theme: [e for e in self.inputs.glossary.entries if theme.id in e.subjects],
            "number": lambda value: self.number(value, lang),
            "date": lambda value: self.date(value, lang),
            "label": self.label,
            "theme_matrix": lambda: self.theme_matrix,
            "region_of": lambda report: report.normalized.source.region.name(lang.text),
            "region_name": lambda name: self.region_names(lang).get(name, name),
            "region_list": lambda: format_list(
                list(dict.fromkeys(r.normalized.source.region.name(lang.text) for r in self.reports)),
                locale=lang.locale,
            ),
            "report_row": lambda report, root: self.report_row(report, lang, root),
            "term_notes": lambda reports: self.term_notes(reports),
            "theme_reports": lambda theme: list(
                {report.id: report for _, listed, _ in self.theme_listing(theme) for report, _, _ in listed}.values()
            ),
        }
        return {
            "lang": lang,
            "languages": LANGUAGES,
            "t": lang.text,
            "in_script": (to_traditional if lang.script == "zh-Hant" else str),
            "script": lang.script,
            "reports": self.reports,
            "report_by_id": self.report_by_id,
            "themes": self.corpus.themes,
            "theme_by_id": self.themes,
            "measures": self.corpus.measures,
            "glossary": self.inputs.glossary,
            "entries": self.entries,
            "status": self.status,
            "step_summaries": step_summaries(),
            **helpers,
        }

    def theme_listing(self, theme: Theme) -> list[tuple[dict[str, str], list[Located], int]]:
        """For each region with the theme (ordered by English name): its names, the paragraphs a theme page
        shows (report order, the first MAX_PER_REGION) and how many it has in all."""
        if not self._listings:
            shown: dict[tuple[str, str], list[Located]] = defaultdict(list)
            counts: dict[tuple[str, str], int] = defaultdict(int)
            names: dict[str, dict[str, str]] = {}
            for report in self.reports:
                name = region_key(report)
                region = report.normalized.source.region
                names[name] = {lang.text: region.name(lang.text) for lang in LANGUAGES}
                digest = self.digest(report)
                for theme_id, count in digest.theme_counts.items():
                    counts[theme_id, name] += count
                    listed = shown[theme_id, name]
                    for paragraph_id in digest.theme_shown[theme_id][: MAX_PER_REGION - len(listed)]:
                        listed.append((report, *self.located(report, paragraph_id)))
            for theme_id, name in sorted(counts):
                self._listings.setdefault(theme_id, []).append(
                    (names[name], shown[theme_id, name], counts[theme_id, name])
                )
        return self._listings.get(theme.id, [])

    def theme_paragraphs(self, theme: Theme, lang: Language, root: str) -> list[dict[str, Any]]:
        """For each region with the theme, its paragraphs on it (rendered, with their source), side by side
        with the other regions'."""
        columns = []
        for names, listed, count in self.theme_listing(theme):
            shown = [
                self.fragment(
                    "_paragraph.md.j2",
                    self.paragraph_signature(report, paragraph),
                    lang,
                    root,
                    functools.partial(self._shown_paragraph, report, section, paragraph, lang, root),
                )
                for report, section, paragraph in listed
            ]
            columns.append({"region": names[lang.text], "paragraphs": shown, "more": count - len(shown)})
        return columns

    def _shown_paragraph(
        self, report: SlicedReport, section: Section, paragraph: Paragraph, lang: Language, root: str
    ) -> dict[str, Any]:
        return {"p": self.paragraph_view(report, section, paragraph, lang, root), "show_source": True}

    def region_names(self, lang: Language) -> dict[str, str]:
        """A region's name in the reader's language, from its English name (the key regions are counted by)."""
        return {region_key(r): r.normalized.source.region.name(lang.text) for r in self.reports}

    def report_row(self, report: SlicedReport, lang: Language, root: str) -> Markup:
        """A report's row in the home page's table of reports."""
        return self.fragment(
            "_report_row.md.j2", self.inputs.page_keys.get(report.id), lang, root, lambda: {"report": report}
        )

    def fragment(
        self, template: str, shows: str | None, lang: Language, root: str, variables: Callable[[], dict[str, Any]]
    ) -> Markup:
        """A piece of a page rendered from its own template, taken from an earlier build in this process when
        `shows` (the hash of its content) is the same; None means render it afresh."""
        name = (self.inputs.shared_key, template, lang.code, root, shows) if shows and self.inputs.shared_key else ()
        found = _FRAGMENTS.get(name) if name else None
        if found is None:
            found = Markup(render(self.envs[lang.code], template, {**self.common(lang), "root": root, **variables()}))
            if name:
                if len(_FRAGMENTS) >= FRAGMENTS_KEPT:
                    _FRAGMENTS.clear()
                _FRAGMENTS[name] = found
        return found

    @functools.cached_property
    def theme_matrix(self) -> dict[str, dict[str, int]]:
        """theme id → region → number of paragraphs tagged with it."""
        matrix: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for report in self.reports:
            for theme_id, count in self.digest(report).tag_counts.items():
                matrix[theme_id][region_key(report)] += count
        return {theme: dict(regions) for theme, regions in matrix.items()}
