"""The pages about the digest, and the reports index: few, small and drawn from the whole corpus, so they
are rendered every build."""

from __future__ import annotations

from collections.abc import Iterator

from digest.memo import Output
from digest.site.common import Pages

TEMPLATES = {
    "reports/index": "reports.md.j2",
    "about/index": "about.md.j2",
    "about/methodology": "methodology.md.j2",
    "about/downloads": "downloads.md.j2",
}


def pages(pages: Pages) -> Iterator[tuple[str, Output]]:
    for path, template in TEMPLATES.items():
        yield pages.page(path, template, None)
