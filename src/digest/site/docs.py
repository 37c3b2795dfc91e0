"""The hand-written documentation pages, in every language: a page without a Chinese version gets one that
says, in Chinese, that the page is English only, with the English marked as such (instead of MkDocs'
silent fallback)."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2

from digest.inputs import files_under, input_bytes
from digest.site.i18n import DEFAULT, LANGUAGES
from digest.site.render import render

FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)


def documentation(docs: Path, envs: dict[str, jinja2.Environment]) -> dict[str, bytes]:
    pages = {relative: input_bytes(path) for relative, path in files_under(docs)}
    for relative in [r for r in pages if r.endswith(".md") and r.count(".") == 1]:
        stem = relative.removesuffix(".md")
        for lang in LANGUAGES:
            if lang is DEFAULT or f"{stem}.{lang.code}.md" in pages:
                continue
            note = render(envs[lang.code], "english_only.md.j2", {"script": lang.script})
            pages[f"{stem}.{lang.code}.md"] = english_only(pages[relative].decode("utf-8"), note).encode("utf-8")
    return pages


def english_only(text: str, note: str) -> str:
    """The English page under a note in the page's language: its title and body marked `lang="en"`. Front
    matter stays at the top, where MkDocs reads it (and the hooks escape it), not inside the English block."""
    front = FRONT_MATTER.match(text)
    meta, text = (front.group(), text[front.end() :].lstrip("\n")) if front else ("", text)
    title, _, body = text.partition("\n") if text.startswith("# ") else ("", "", text)
    heading = f'{title} {{ lang="en" }}\n\n' if title else ""
    return f'{meta}{heading}{note.strip()}\n\n<div lang="en" markdown="1">\n\n{body.strip()}\n\n</div>\n'
