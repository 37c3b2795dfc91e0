"""The home page: every report in a table, the theme matrix, and the measures most regions report."""

from __future__ import annotations

import functools
from collections.abc import Iterator

from markupsafe import Markup

from digest.memo import Output
from digest.site.common import Pages, page_root
from digest.site.text import charts

TEMPLATE = "home.md.j2"


def rows(pages: Pages, root: str) -> dict[str, Markup]:
    """Each report's row in the table of reports, taken from an earlier build while the report is unchanged."""
    model = pages.index.model
    return {
        report.id: pages.fragment(
            "_report_row.md.j2",
            model.translations[report.id].digest,
            root,
            functools.partial(dict, report=report),
        )
        for report in pages.index.reports
    }


def pages(pages: Pages) -> Iterator[tuple[str, Output]]:
    index = pages.index
    digests = [index.model.translations[report.id].digest for report in index.reports]
    pages.keep_fragments("_report_row.md.j2", page_root("index"), digests)
    yield pages.page(
        "index",
        TEMPLATE,
        None,
        rows=lambda root: rows(pages, root),
        matrix=lambda _root: index.theme_matrix,
        charts=lambda root: charts(index, list(index.corpus.measures), pages.lang, root),
    )
