"""Render the whole site: every page in every language, as Markdown for MkDocs, plus its assets.

Templates receive view objects whose Chinese and English text is already escaped Markup (with glossary
terms linked), so no template can forget to escape source text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jinja2
from babel.dates import format_date
from babel.numbers import format_decimal
from markupsafe import Markup, escape

from .cache import Cache, key
from .charts import bar_chart
from .content import Article
from .corpus import SlicedReport
from .glossary import Entry, Glossary
from .i18n import DEFAULT, LANGUAGES, Language
from .measures import Measure
from .normalize import step_summaries
from .normalize.steps import to_traditional
from .pipeline import Corpus
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
    cache: Cache | None = None
    glossary_key: str = ""  # hash of the glossary: term matches depend on it
    page_keys: dict[str, str] = field(default_factory=dict)  # report id → hash of all a report page depends on
    shared_key: str = ""  # hash of the glossary, themes, templates and catalogs: what every page depends on


MAX_PER_REGION = 100  # paragraphs or occurrences listed per region on one page; the rest are counted


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


@dataclass
class SectionView:
    id: str
    level: int
    heading_zh: str
    heading_en: str
    heading_state: str
    paragraphs: list[ParagraphView] = field(default_factory=list)


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
        self.matches: dict[tuple[str, str, str], list[TermMatch]] = {}
        self.occurrences: dict[str, list[tuple[SlicedReport, Section, Paragraph, str]]] = defaultdict(list)
        self.used: set[str] = set()  # entries found anywhere in the corpus, headings and front matter included
        cache = inputs.cache
        for report in self.reports:
            match_key = key(self.corpus.keys.get(report.id, report.id), inputs.glossary_key)
            cached = cache.get("matches", match_key) if cache and report.id in self.corpus.keys else None
            found_here: dict[tuple[str, str], list[TermMatch]] = cached if isinstance(cached, dict) else {}
            for section, paragraph in report.outline.paragraphs():
                for part in ("lead", "text"):
                    if (paragraph.id, part) not in found_here:
                        hans = (
                            (paragraph.lead or {}).get("zh-Hans", "") if part == "lead" else paragraph.text["zh-Hans"]
                        )
                        found_here[(paragraph.id, part)] = self.matcher.find(hans)
                    found = found_here[(paragraph.id, part)]
                    self.matches[(report.id, paragraph.id, part)] = found
                    for entry_id in dict.fromkeys(m.entry for m in found):
                        self.occurrences[entry_id].append((report, section, paragraph, part))
            extra = [(f"heading:{s.id}", s.heading["zh-Hans"]) for s in report.outline.sections if s.heading]
            extra += [(f"front:{i}", f.text["zh-Hans"]) for i, f in enumerate(report.outline.front)]
            for name, text in extra:
                if (name, "") not in found_here:
                    found_here[(name, "")] = self.matcher.find(text)
            self.used.update(m.entry for found in found_here.values() for m in found)
            if cache and cached is None and report.id in self.corpus.keys:
                cache.put("matches", match_key, found_here)
        self.labels = {
            (report.id, paragraph.id): f"{section.label}.{index}"
            for report in self.reports
            for section in report.outline.sections
            for index, paragraph in enumerate(section.paragraphs, 1)
        }

    # --- text helpers -------------------------------------------------------------------------------

    def linked(self, text: str, matches: list[TermMatch], root: str) -> Markup:
        """Chinese text, escaped, with each glossary term linked to its entry (tooltip: English and pinyin)."""
        pieces: list[str] = []
        cursor = 0
        for match in matches:
            entry = self.entries[match.entry]
            pieces.append(str(escape(text[cursor : match.start])))
            tip = f"{entry.en_preferred} · {entry.headword.pinyin}" if entry.headword.pinyin else entry.en_preferred
            pieces.append(
                f'<a class="term" href="{root}glossary/{entry.id}/" data-tip="{escape(tip)}">'
                f"{escape(text[match.start : match.end])}</a>"
            )
            cursor = match.end
        pieces.append(str(escape(text[cursor:])))
        return Markup("".join(pieces))

    def paragraph_zh(self, report: SlicedReport, paragraph: Paragraph, script: str, root: str) -> Markup:
        out = Markup("")
        for part in ("lead", "text"):
            source = paragraph.lead if part == "lead" else paragraph.text
            if not source:
                continue
            text = source[script]
            matches = self.matches[(report.id, paragraph.id, part)]
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
                label = self.labels[(piece.report, piece.paragraph)]
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
            self.labels[(report.id, paragraph.id)],
            self.paragraph_zh(report, paragraph, lang.script, root),
            en,
            state,
            [self.themes[t.theme] for t in report.themes[paragraph.id]],
            report,
            section,
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
        result = report.normalized.result
        summaries = step_summaries()
        notes = []
        for record in (*result.steps, result.branches["zh-Hans"], result.branches["zh-Hant"]):
            if not record.edits:
                continue
            examples = []
            if record.name in ("site_chrome", "duplicate_paragraphs"):
                examples = [e.before.strip() for e in record.edits if e.before.strip()][:12]
            notes.append(
                {
                    "step": record.name,
                    "summary": summaries[record.name],
                    "count": len(record.edits),
                    "removed": examples,
                }
            )
        repairs = [{"find": r.find, "replace": r.replace, "reason": r.reason} for r in result.repairs_applied]
        return {"repairs": repairs, "steps": notes}

    def concordance(self, entry: Entry, lang: Language, root: str) -> list[dict[str, Any]]:
        """Every occurrence of an entry, grouped by region, each with its context and paragraph link."""
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for report, section, paragraph, part in self.occurrences.get(entry.id, []):
            source = paragraph.lead if part == "lead" else paragraph.text
            if not source:
                continue
            text = source[lang.script]
            for match in self.matches[(report.id, paragraph.id, part)]:
                if match.entry != entry.id or len(text) != len(source["zh-Hans"]):
                    continue
                groups[report.normalized.source.region.name(lang.text)].append(
                    {
                        "report": report,
                        "paragraph": paragraph.id,
                        "label": self.labels[(report.id, paragraph.id)],
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

    def measure_chart(self, measure: Measure, lang: Language, root: str) -> Markup:
        bars = []
        for value in measure.values:
            report = self.corpus.reports[value.citation.report]
            region = report.normalized.source.region.name(lang.text)
            label = self.labels[(value.citation.report, value.citation.paragraph)]
            href = f"{root}reports/{value.citation.report}/#{value.citation.paragraph}"
            bars.append((f"{region} ¶{label}", value.value, self.number(value.value, lang), href))
        return bar_chart(measure.name[lang.text], bars, measure.unit)

    # --- formatting ----------------------------------------------------------------------------------

    @staticmethod
    def number(value: float, lang: Language) -> str:
        return format_decimal(value, locale=lang.locale, format="#,##0.##")

    @staticmethod
    def date(value: str, lang: Language) -> str:
        """ISO dates, years and year ranges in the reader's locale."""
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

    def pages(self) -> dict[str, str]:
        pages: dict[str, str] = {}
        for lang in LANGUAGES:
            env = self.envs[lang.code]

            common = self.common(lang)

            def page(
                path: str,
                template: str,
                lang: Language = lang,
                env: jinja2.Environment = env,
                common: dict[str, Any] = common,
                **context: Any,
            ) -> str:
                depth = path.count("/") + (0 if path.endswith("index") else 1)
                root = "../" * depth
                site_root = root + ("" if lang is DEFAULT else "../")
                text = render(env, template, {**common, "root": root, "site_root": site_root, **context})
                pages[f"{path}.{lang.code}.md"] = text
                return text

            page("index", "home.md.j2")
            page("reports/index", "reports.md.j2")
            cache = self.inputs.cache
            for report in self.reports:
                page_key = self.inputs.page_keys.get(report.id)
                name = key(page_key, lang.code) if page_key else ""
                cached = cache.get("page", name) if cache and page_key else None
                if isinstance(cached, str):
                    pages[f"reports/{report.id}.{lang.code}.md"] = cached
                    continue
                text = page(f"reports/{report.id}", "report.md.j2", report=report)
                if cache and page_key:
                    cache.put("page", name, text)
            page("themes/index", "themes.md.j2")
            for theme in self.corpus.themes:
                page(f"themes/{theme.id}", "theme.md.j2", theme=theme)
            page("glossary/index", "glossary_index.md.j2")
            for entry in self.inputs.glossary.entries:
                # An entry page changes only with the glossary, the templates or a report it quotes.
                quoted = sorted({r.id for r, _, _, _ in self.occurrences.get(entry.id, [])})
                name = key(self.inputs.shared_key, entry.id, lang.code, *(self.corpus.keys.get(r, r) for r in quoted))
                cached = cache.get("page", name) if cache and self.inputs.shared_key else None
                if isinstance(cached, str):
                    pages[f"glossary/{entry.id}.{lang.code}.md"] = cached
                    continue
                text = page(f"glossary/{entry.id}", "glossary_entry.md.j2", entry=entry)
                if cache and self.inputs.shared_key:
                    cache.put("page", name, text)
            page("about/methodology", "methodology.md.j2")
            page("about/downloads", "downloads.md.j2")
        return pages

    def common(self, lang: Language) -> dict[str, Any]:
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
            "label": lambda report_id, paragraph_id: self.labels[(report_id, paragraph_id)],
            "theme_matrix": lambda: self.theme_matrix(),
            "region_of": lambda report: report.normalized.source.region.name(lang.text),
        }
        return {
            "lang": lang,
            "languages": LANGUAGES,
            "t": lang.text,
            "script": lang.script,
            "reports": self.reports,
            "report_by_id": self.corpus.reports,
            "themes": self.corpus.themes,
            "theme_by_id": self.themes,
            "measures": self.corpus.measures,
            "glossary": self.inputs.glossary,
            "entries": self.entries,
            "status": self.inputs.status,
            "step_summaries": step_summaries(),
            **helpers,
        }

    def theme_paragraphs(self, theme: Theme, lang: Language, root: str) -> list[dict[str, Any]]:
        """For each region with the theme, its paragraphs on it, strongest first within report order."""
        regions: dict[str, list[ParagraphView]] = defaultdict(list)
        counts: dict[str, int] = defaultdict(int)
        names: dict[str, str] = {}
        for report in self.reports:
            for section, paragraph in report.outline.paragraphs():
                if any(t.theme == theme.id for t in report.themes[paragraph.id]):
                    name = region_key(report)
                    names[name] = report.normalized.source.region.name(lang.text)
                    counts[name] += 1
                    if counts[name] <= MAX_PER_REGION:
                        regions[name].append(self.paragraph_view(report, section, paragraph, lang, root))
        return [
            {"region": names[name], "paragraphs": views, "more": counts[name] - len(views)}
            for name, views in sorted(regions.items())
        ]

    def theme_matrix(self) -> dict[str, dict[str, int]]:
        """theme id → region → number of paragraphs tagged with it."""
        matrix: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for report in self.reports:
            for tags in report.themes.values():
                for tag in tags:
                    matrix[tag.theme][region_key(report)] += 1
        return {theme: dict(regions) for theme, regions in matrix.items()}
