"""MkDocs hooks: keep pre-rendered HTML away from Python-Markdown; escape front-matter text before the theme
shows it; give every language its own 404 page, one that works wherever the site is served.

Our pages are mostly HTML already (paragraph pairs, tables, notes) rendered by Jinja2. Python-Markdown would
scan all of it again (its HTML-block preprocessor, MkDocs' anchor scan of raw HTML): about a quarter of
MkDocs' time, growing with the page's bytes. `on_page_markdown` lifts each self-contained HTML block out
and leaves a placeholder paragraph; `on_page_content` puts the blocks back, and records their element ids
so MkDocs still validates links to them. Headings stay Markdown, so the TOC and anchors are MkDocs' own.

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
import re
import secrets
import shutil
from pathlib import Path
from typing import Any

_BLOCK_START = re.compile(r"<([a-z][a-z0-9]*)[\s>]")
_OPEN = re.compile(r"<([a-z][a-z0-9]*)")
_VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr", "source", "col", "area"})
_IDS = re.compile(r'\sid="([^"]+)"')
# The placeholder carries a token drawn per process, so no text from an input can pose as one.
_TOKEN = secrets.token_hex(8)
_PLACEHOLDER = re.compile(rf"<p>DIGESTBLOCK{_TOKEN}N(\d+)X</p>")
_STASH = "_digest_blocks"


def _self_contained(chunk: str) -> bool:
    """HTML Python-Markdown would pass through untouched: starts and ends with a tag, closes all it opens."""
    if not _BLOCK_START.match(chunk) or "markdown=" in chunk or not chunk.rstrip().endswith(">"):
        return False
    names = set(_OPEN.findall(chunk)) - _VOID
    return all(len(re.findall(rf"<{name}[\s>]", chunk)) == chunk.count(f"</{name}>") for name in names)


def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    """Front-matter text is escaped once, here: the theme puts `page.meta.title` and its kin into the page as
    HTML (a page title from a heading is already escaped HTML), so unescaped front matter would be markup.
    Then the self-contained HTML blocks are lifted out until `on_page_content`."""
    for name in TEXT_META:
        value = page.meta.get(name)
        if isinstance(value, str):
            page.meta[name] = html.escape(value)
    blocks: list[str] = []
    out = []
    for chunk in re.split(r"(\n[ \t]*\n)", markdown):
        if chunk.startswith("<") and _self_contained(chunk):
            out.append(f"DIGESTBLOCK{_TOKEN}N{len(blocks)}X")
            blocks.append(chunk)
        else:
            out.append(chunk)
    setattr(page, _STASH, blocks)
    return "".join(out)


def on_page_content(content: str, page: Any, **_: Any) -> str:
    blocks: list[str] = getattr(page, _STASH, [])
    if not blocks:
        return content
    setattr(page, _STASH, [])
    ids = getattr(page, "present_anchor_ids", None)
    if ids is not None:
        for block in blocks:
            ids.update(_IDS.findall(block))
    return _PLACEHOLDER.sub(lambda m: blocks[int(m.group(1))], content)


TEXT_META = ("title", "description", "author", "subtitle")


def on_template_context(context: dict[str, Any], template_name: str, config: Any) -> dict[str, Any]:
    if template_name == "404.html":
        context["base_url"] = ""
    return context


def last_language_pass(i18n: Any) -> bool:
    """Whether mkdocs-static-i18n is building its last language: what a pass leaves at the site's root
    (the 404 page, the sitemap) stays only from that one."""
    return bool(i18n.current_language == list(i18n.build_languages)[-1])


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
        _copy_anew(page, stash)
    else:
        (site / language).mkdir(parents=True, exist_ok=True)
        _copy_anew(page, site / language / "404.html")
    if last_language_pass(i18n) and stash.exists():
        os.replace(stash, page)


def _copy_anew(source: Path, target: Path) -> None:
    """A new file, never a write into the old one: the site MkDocs builds into shares its unchanged files
    with the published site as hard links (publish/incremental.py)."""
    tmp = target.with_name(target.name + ".tmp")
    shutil.copyfile(source, tmp)
    os.replace(tmp, target)
