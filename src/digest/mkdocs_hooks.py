"""MkDocs hooks: give every language its own 404 page, one that works wherever the site is served; escape
front-matter text before the theme shows it.

mkdocs-static-i18n builds each language in turn into the same site folder, and each build writes the
theme's 404.html at the top, so only the last language's survived. After each language's build its
404.html is moved into that language's folder; the default language's is put back at the top.

MkDocs writes a 404 page's links from the server's root ("/assets/…"), which breaks when the site lives in a
sub-folder; here they are written relative to the site's root instead, which the page's script finds and
sets as its <base> (overrides/404.html).
"""

from __future__ import annotations

import html
import os
import shutil
import sys
from pathlib import Path
from typing import Any


def on_pre_build(config: Any, **_: Any) -> None:
    """Under `digest serve`, run the pipeline before each rebuild so edited inputs reach the pages."""
    root = os.environ.get("DIGEST_SERVE_ROOT")
    if not root:
        return
    from digest.build import build
    from digest.errors import DigestError
    from digest.project import Project

    try:
        print(build(Project(Path(root)), site=False).describe(), file=sys.stderr)
    except DigestError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)


TEXT_META = ("title", "description", "author", "subtitle")


def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    """Front-matter text is escaped once, here: the theme puts `page.meta.title` and its kin into the page as
    HTML (a page title from a heading is already escaped HTML), so unescaped front matter would be markup."""
    for name in TEXT_META:
        value = page.meta.get(name)
        if isinstance(value, str):
            page.meta[name] = html.escape(value)
    return markdown


def on_template_context(context: dict[str, Any], template_name: str, config: Any) -> dict[str, Any]:
    if template_name == "404.html":
        context["base_url"] = ""
    return context


def on_post_build(config: Any, **_: Any) -> None:
    i18n = config.plugins.get("i18n")
    if i18n is None:
        return
    site = Path(config.site_dir)
    page = site / "404.html"
    if not page.exists():
        return
    language = i18n.current_language
    default = i18n.default_language
    stash = site / ".404.default.html"
    if language == default:
        shutil.copyfile(page, stash)
    else:
        (site / language).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(page, site / language / "404.html")
    if language == list(i18n.build_languages)[-1] and stash.exists():
        shutil.move(stash, page)
