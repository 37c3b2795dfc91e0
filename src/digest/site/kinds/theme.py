"""The themes index and a theme's page: each region's paragraphs on the theme side by side, its measures
and summary. A theme page is made from exactly the paragraphs it lists (each by the trace of what it shows),
its measures, its summary and the citations in them: an edit elsewhere leaves it alone."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from digest.memo import Output
from digest.site.common import Pages, page_root
from digest.site.text import article, article_for, charts, paragraph_view, term_notes
from digest.slice.measures import Measure
from digest.slice.themes import Theme

TEMPLATE = "theme.md.j2"
INDEX_TEMPLATE = "themes.md.j2"


@dataclass(frozen=True)
class RegionColumn:
    region: str
    paragraphs: list[Markup]
    more: int  # paragraphs on the theme beyond those shown


def columns(pages: Pages, theme: Theme, root: str) -> list[RegionColumn]:
    """For each region with the theme, its paragraphs on it (rendered, with their source)."""
    index, lang = pages.index, pages.lang
    found = []
    for names, listed, count in index.listings.get(theme.id, []):
        shown = [
            pages.fragment(
                "_paragraph.md.j2",
                index.digests[report.id].shown[paragraph.id],
                root,
                functools.partial(_shown_paragraph, pages, report, section, paragraph, root),
            )
            for report, section, paragraph in listed
        ]
        found.append(RegionColumn(names[lang.text], shown, count - len(shown)))
    return found


def _shown_paragraph(pages: Pages, report: Any, section: Any, paragraph: Any, root: str) -> dict[str, Any]:
    return {"p": paragraph_view(pages.index, report, section, paragraph, pages.lang, root), "show_source": True}


def made_from(pages: Pages, theme: Theme, measures: list[Measure]) -> tuple[object, ...]:
    index = pages.index
    listing = [
        (names, count, [index.digests[report.id].shown[paragraph.id] for report, _, paragraph in listed])
        for names, listed, count in index.listings.get(theme.id, [])
    ]
    articles = [index.model.summaries.get((theme.id, lang)) for lang in ("en", "zh-Hans")]
    cited = [(v.citation.report, v.citation.paragraph) for m in measures for v in m.values]
    cited += [(p.report, p.paragraph) for a in articles if a for para in a.paragraphs for p in para if p.report]
    return ("theme", theme.id, listing, measures, articles, index.citations(cited))


def pages(pages: Pages) -> Iterator[tuple[str, Output]]:
    index, lang = pages.index, pages.lang
    yield pages.page("themes/index", INDEX_TEMPLATE, None)
    for theme in index.corpus.themes:
        measures = [m for m in index.corpus.measures if m.theme == theme.id]
        summary = article_for(index.model.summaries, theme.id, lang)
        pages.keep_fragments(
            "_paragraph.md.j2",
            page_root(f"themes/{theme.id}"),
            [
                index.digests[r.id].shown[p.id]
                for _, listed, _ in index.listings.get(theme.id, [])
                for r, _, p in listed
            ],
        )
        yield pages.page(
            f"themes/{theme.id}",
            TEMPLATE,
            made_from(pages, theme, measures),
            theme=theme,
            summary=lambda root, summary=summary: article(index, summary, lang, root),
            theme_measures=measures,
            charts=lambda root, measures=measures: charts(index, measures, lang, root),
            columns=lambda root, theme=theme: columns(pages, theme, root),
            terms=[e for e in index.glossary.entries if theme.id in e.subjects],
            notes=lambda _root, theme=theme: term_notes(index, index.theme_reports(theme)),
        )
