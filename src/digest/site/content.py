"""Editorial content kept as files: report abstracts and theme summaries, with paragraph citations.

A citation is written `[[report-id#paragraph-id]]` right after the claim it supports. The build resolves
every one and fails, naming the file and line, on a citation to a paragraph that does not exist. The text
itself is plain: paragraphs separated by blank lines, escaped on the way into the site.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from digest.controls import invisible_problems
from digest.errors import DigestError, Problem
from digest.inputs import input_files
from digest.slice.corpus import SlicedReport

CITATION = re.compile(r"\[\[([a-z0-9-]+)#([a-z0-9.-]+)\]\]")
LANGS = ("en", "zh-Hans")


@dataclass(frozen=True)
class Piece:
    """A run of text, or a citation to a paragraph."""

    text: str
    report: str = ""
    paragraph: str = ""


@dataclass(frozen=True)
class Article:
    paragraphs: tuple[tuple[Piece, ...], ...]
    path: str

    def citations(self) -> list[Piece]:
        return [p for para in self.paragraphs for p in para if p.report]


def parse_article(text: str, path: Path, reports: dict[str, SlicedReport]) -> tuple[Article, list[Problem]]:
    problems: list[Problem] = []
    paragraphs: list[tuple[Piece, ...]] = []
    line_number = 1
    for block in re.split(r"\n\s*\n", text.strip()):
        pieces: list[Piece] = []
        cursor = 0
        flat = " ".join(block.split()) if not re.search(r"[\u4e00-\u9fff]", block) else "".join(block.split("\n"))
        for match in CITATION.finditer(flat):
            if match.start() > cursor:
                pieces.append(Piece(flat[cursor : match.start()]))
            report_id, paragraph_id = match.groups()
            report = reports.get(report_id)
            if report is None or report.paragraph(paragraph_id) is None:
                offset = block.find(match.group(0))
                problems.append(
                    Problem(
                        str(path),
                        f"citation to a paragraph that does not exist: {match.group(0)}",
                        line=line_number + block.count("\n", 0, max(offset, 0)),
                        hint="check the id with `digest slice --report " + report_id + "`",
                    )
                )
            pieces.append(Piece("", report_id, paragraph_id))
            cursor = match.end()
        if cursor < len(flat):
            pieces.append(Piece(flat[cursor:]))
        paragraphs.append(tuple(pieces))
        line_number += block.count("\n") + 2
    return Article(tuple(paragraphs), str(path)), problems


def load_articles(folder: Path, reports: dict[str, SlicedReport]) -> dict[tuple[str, str], Article]:
    """(name, language) → article, for every `<name>.<lang>.md` in the folder."""
    articles: dict[tuple[str, str], Article] = {}
    problems: list[Problem] = []
    if not folder.exists():
        return articles
    for path in input_files(folder, "*.md"):
        name, _, lang = path.stem.rpartition(".")
        if lang not in LANGS:
            problems.append(
                Problem(str(path), f"unknown language suffix '{lang}'", hint="name files <id>.en.md or <id>.zh-Hans.md")
            )
            continue
        text = path.read_text(encoding="utf-8")
        hidden = invisible_problems(text, path)
        if hidden:
            problems += hidden
            continue
        article, found = parse_article(text, path, reports)
        problems += found
        articles[(name, lang)] = article
    if problems:
        raise DigestError(problems)
    return articles
