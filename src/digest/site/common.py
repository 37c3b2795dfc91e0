"""What every page kind shares: where a page stands, the template context every page gets, and the two
ways a page or a piece of one is made (rendered, or taken from the memo when what it shows is unchanged)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import jinja2
from babel.lists import format_list
from markupsafe import Markup

from digest.memo import Hashed, Output, task
from digest.normalize import step_summaries
from digest.normalize.steps import to_traditional
from digest.site.i18n import DEFAULT, LANGUAGES, Language
from digest.site.index import SiteIndex
from digest.site.model import region_key
from digest.site.render import render
from digest.site.text import date, number


@dataclass(frozen=True)
class Pages:
    """One language's part of a build, as every page kind receives it."""

    index: SiteIndex
    lang: Language
    env: Hashed[jinja2.Environment]
    base: dict[str, Any]  # the context every template of this language gets

    def page(
        self, path: str, template: str, made_from: tuple[object, ...] | None, **context: Any
    ) -> tuple[str, Output]:
        """A page at `path` (without suffix) from a template. `made_from` names all it shows beyond what every
        page depends on; None renders it every build. Context values that are callables taking `root` are
        called with the page's root, so a view model is built only when the page is rendered."""
        root = page_root(path)
        site_root = root + ("" if self.lang is DEFAULT else "../")
        env = self.env.value

        def produce() -> str:
            views = {name: value(root) if callable(value) else value for name, value in context.items()}
            return render(env, template, {**self.base, "root": root, "site_root": site_root, **views})

        declared = None if made_from is None else (self.env, self.index.model.everywhere, *made_from)
        return f"{path}.{self.lang.code}.md", Output(declared, produce)

    def fragment(self, template: str, shows: str, root: str, variables: Callable[[], dict[str, Any]]) -> Markup:
        """A piece of a page (a paragraph on a theme page, a report's row on the home page) rendered from its
        own template, or taken from an earlier build when `shows`, the trace of all it
        shows, is the same: after one edit the pages that gather from every report are rendered again,
        but few of their pieces changed."""

        def context() -> dict[str, Any]:
            return {**self.base, "root": root, **variables()}

        memo = self.index.model.memo
        return memo.call(_fragment, self.env, template, root, self.index.model.everywhere, Hashed(context, shows)).value

    def keep_fragments(self, template: str, root: str, shows: Iterable[str]) -> None:
        """Count a page's fragments as used although the page is not rendered in this build (it did not
        change), so that pruning keeps them for the build that renders it again: otherwise an edit whose
        paragraph lands on another theme than the last edit's would render that theme's pieces anew."""
        memo = self.index.model.memo
        everywhere = self.index.model.everywhere
        memo.keep(_fragment, [(self.env, template, root, everywhere, Hashed(None, trace)) for trace in shows])


@task("fragment")
def _fragment(
    env: jinja2.Environment, template: str, _root: str, _everywhere: None, context: Callable[[], dict[str, Any]]
) -> Markup:
    return Markup(render(env, template, context()))


def page_root(path: str) -> str:
    """The relative link from a generated page to its language's home, from the page's own path (without
    suffix): `reports/x` is served at `reports/x/`, two folders down; `reports/index` at `reports/`, one.
    Only a last segment that is exactly `index` is a folder's index (a slug such as `fengqiao-index` is not)."""
    folders = path.split("/")
    depth = len(folders) - 1 if folders[-1] == "index" else len(folders)
    return "../" * depth


def base_context(index: SiteIndex, lang: Language) -> dict[str, Any]:
    """What every template of a language gets: the corpus to look things up in, and formatting helpers."""
    region_names = {region_key(r): r.normalized.source.region.name(lang.text) for r in index.reports}
    return {
        "lang": lang,
        "languages": LANGUAGES,
        "t": lang.text,
        "in_script": (to_traditional if lang.script == "zh-Hant" else str),
        "script": lang.script,
        "reports": index.reports,
        "report_by_id": index.corpus.reports,
        "themes": index.corpus.themes,
        "theme_by_id": index.themes,
        "measures": index.corpus.measures,
        "glossary": index.glossary,
        "entries": index.entries,
        "status": index.status,
        "step_summaries": step_summaries(),
        "number": lambda value: number(value, lang),
        "date": lambda value: date(value, lang),
        "label": index.label,
        "region_of": lambda report: report.normalized.source.region.name(lang.text),
        "region_list": lambda: format_list(
            list(dict.fromkeys(r.normalized.source.region.name(lang.text) for r in index.reports)), locale=lang.locale
        ),
        "region_name": lambda name: region_names.get(name, name),
    }
