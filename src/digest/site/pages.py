"""Every page of the site: the page kinds (`digest.site.kinds`) in every language."""

from __future__ import annotations

from digest.memo import Output, hashed
from digest.site.common import Pages, base_context
from digest.site.i18n import LANGUAGES
from digest.site.index import SiteIndex
from digest.site.kinds import about, glossary, home, report, theme
from digest.site.model import SiteModel

KINDS = (home, report, theme, glossary, about)


def plan(model: SiteModel, index: SiteIndex | None = None) -> dict[str, Output]:
    """Every generated page of every language (path → what it is made from, and how to render it)."""
    index = index or SiteIndex(model)
    planned: dict[str, Output] = {}
    for lang in LANGUAGES:
        env = hashed(model.templates.value[lang.code], model.templates, lang.code)
        pages = Pages(index, lang, env, base_context(index, lang))
        for kind in KINDS:
            planned.update(kind.pages(pages))
    return planned
