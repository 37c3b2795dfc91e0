"""Slice: find each report's own structure — front matter, sections, paragraphs — with stable ids.

Section ids come from the report's own outline numbers (一、(一) 1. → s1, s1-1, s1-1-1) or, for unnumbered
headings, from the pinyin initials of the heading, so they survive edits elsewhere. A paragraph's id is
its section's id and its place in that section, so a repaired character does not move any permalink,
and a translation keeps its key while its Chinese source changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import Problem
from .ingest import HAN

CN_NUMERALS = "〇一二三四五六七八九十"
LEVEL1 = re.compile(r"^([一二三四五六七八九十]+)、(.*)$")
LEVEL2 = re.compile(r"^（([一二三四五六七八九十]+)）(.*)$")
LEVEL3 = re.compile(r"^(\d+)[.．、](?!\d)(.*)$")
SENTENCE_MARKS = "。，；：！？"
SEPARATOR = re.compile(r"^(……|…|\.{3,}|—{2,}|-{3,}|\*{3,})$")


@dataclass(frozen=True)
class FrontLine:
    """A line before the body that belongs in metadata: title, series, byline, highlight or separator."""

    kind: str
    text: dict[str, str]


@dataclass(frozen=True)
class Paragraph:
    id: str
    text: dict[str, str]
    lead: dict[str, str] | None = None  # a lead-in sentence that acts as a sub-heading


@dataclass(frozen=True)
class Section:
    id: str
    level: int
    number: str | None
    heading: dict[str, str] | None
    paragraphs: tuple[Paragraph, ...]
    label: str = ""  # the reader-facing ordinal, e.g. "3"


@dataclass(frozen=True)
class Outline:
    report_id: str
    front: tuple[FrontLine, ...]
    sections: tuple[Section, ...]
    warnings: tuple[Problem, ...] = field(default_factory=tuple)

    def paragraphs(self) -> list[tuple[Section, Paragraph]]:
        return [(s, p) for s in self.sections for p in s.paragraphs]


@dataclass(frozen=True)
class SlicingHints:
    """A maintainer's corrections from the sidecar's `slicing:` block."""

    headings: frozenset[str] = frozenset()
    not_headings: frozenset[str] = frozenset()


def _cn_number(text: str) -> int:
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + CN_NUMERALS.index(text[1])
    if text.endswith("十"):
        return CN_NUMERALS.index(text[0]) * 10
    if "十" in text:
        tens, units = text.split("十")
        return CN_NUMERALS.index(tens) * 10 + CN_NUMERALS.index(units)
    return CN_NUMERALS.index(text)


def _split_heading(rest: str) -> tuple[str, str]:
    """`以改革创新为驱动，提高警务效能。牢牢…` → heading up to the first full stop, and the body after it."""
    if "。" in rest:
        head, body = rest.split("。", 1)
        return head + "。", body
    return rest, ""


def _is_short_heading(line: str) -> bool:
    han = HAN.findall(line)
    return 4 <= len(han) <= 24 and not any(mark in line for mark in SENTENCE_MARKS) and not line.startswith("——")


def _initials(text: str) -> str:
    from pypinyin import Style, lazy_pinyin

    parts = []
    for phrase in re.split(r"[\s“”‘’]+", text):
        han = "".join(HAN.findall(phrase))
        if han:
            parts.append("".join(s[0] for s in lazy_pinyin(han, style=Style.FIRST_LETTER) if s))
    return "-".join(parts)[:40].strip("-") or "section"


LEAD_IN = re.compile(r"^([^，。；：]{2,14}。)(?=.)")


def _lead_in(line: str) -> tuple[str, str] | None:
    """A short opening sentence with no comma, e.g. 新思路构建新格局。 — a sub-heading in all but form."""
    found = LEAD_IN.match(line)
    if not found or len(HAN.findall(found.group(1))) < 4:
        return None
    return found.group(1), line[found.end() :]


ENUMERATION = re.compile(r"(?<=。)(?=[二三四五六七八九十]是)")


def _enumerated(text: dict[str, str]) -> list[dict[str, str]]:
    """A body written as 一是…。二是…。 is that many paragraphs: split it where each item starts."""
    canonical = text["zh-Hans"]
    if not canonical.startswith("一是"):
        return [text]
    cuts = [m.start() for m in ENUMERATION.finditer(canonical)]
    if any(len(ENUMERATION.findall(t)) != len(cuts) for t in text.values()):
        return [text]
    pieces: list[dict[str, str]] = []
    bounds = [0, *cuts, None]
    for script_bounds in zip(bounds, bounds[1:], strict=False):
        start, end = script_bounds
        pieces.append({s: t[start:end] for s, t in text.items()})
    return pieces


def _same(a: str, b: str) -> bool:
    return "".join(HAN.findall(a)) == "".join(HAN.findall(b))


def slice_report(
    report_id: str, texts: dict[str, str], title: str, hints: SlicingHints = SlicingHints(), path: str = ""
) -> Outline:
    """Cut the normalized texts (one paragraph a line, zh-Hans and zh-Hant aligned) into an outline."""
    scripts = list(texts)
    lines = {script: texts[script].split("\n") for script in scripts}
    canonical = lines["zh-Hans"]
    count = len(canonical)
    if any(len(lines[s]) != count for s in scripts):
        raise ValueError(f"{report_id}: the scripts have different line counts")

    front: list[FrontLine] = []
    sections: list[dict[str, object]] = []
    warnings: list[Problem] = []
    current: dict[str, object] = {"id": "lead", "level": 1, "number": None, "heading": None, "paragraphs": []}
    numbers: list[int] = []
    body_started = False
    separator_at = next((i for i, line in enumerate(canonical[:8]) if SEPARATOR.match(line.strip())), None)

    def pick(i: int, start: int = 0, end: int | None = None) -> dict[str, str]:
        return {s: lines[s][i][start:end] for s in scripts}

    for i, line in enumerate(canonical):
        if not line.strip():
            continue
        forced = line in hints.headings
        refused = line in hints.not_headings
        if not body_started and not forced:
            kind = None
            if _same(line, title):
                kind = "title"
            elif line.startswith("——"):
                kind = "series"
            elif re.match(r"^(本报|本台|新华社)?记者", line) or re.match(r"^(通讯员|记者)\s", line):
                kind = "byline"
            elif separator_at is not None and i < separator_at:
                kind = "highlight"
            elif separator_at == i:
                kind = "separator"
            if kind:
                front.append(FrontLine(kind, pick(i)))
                continue
        body_started = True
        heading: tuple[int, str | None, int, int] | None = None  # level, number, split offset, body start
        for level, pattern in ((1, LEVEL1), (2, LEVEL2), (3, LEVEL3)):
            found = pattern.match(line)
            if found and not refused:
                head, _body = _split_heading(found.group(2))
                heading = (level, found.group(1), found.start(2) + len(head), found.start(2) + len(head))
                break
        if heading is None and not refused and (forced or _is_short_heading(line)):
            heading = (1, None, len(line), len(line))
        if heading is None:
            paragraphs = current["paragraphs"]
            assert isinstance(paragraphs, list)
            paragraphs.append(i)
            continue
        level, number, head_end, body_start = heading
        if current["paragraphs"] or current["heading"] is not None:
            sections.append(current)
        if number is not None:
            value = int(number) if number.isdigit() else _cn_number(number)
            numbers = [*numbers[: level - 1], value]
            numbers += [0] * (level - len(numbers))
            section_id = "s" + "-".join(str(n) for n in numbers[:level])
        else:
            section_id = _initials(line)
        current = {
            "id": section_id,
            "level": level,
            "number": number,
            "heading": pick(i, 0, head_end),
            "heading_line": i,
            "paragraphs": [(i, body_start)] if line[body_start:].strip() else [],
        }
    sections.append(current)

    built: list[Section] = []
    seen: dict[str, int] = {}
    for ordinal, raw in enumerate(sections, 1):
        section_id = str(raw["id"])
        if section_id in seen:
            seen[section_id] += 1
            heading = raw["heading"]
            assert isinstance(heading, dict)
            warnings.append(
                Problem(
                    path or report_id,
                    f"heading '{heading['zh-Hans']}' repeats over different content; kept as {section_id}-{seen[section_id]}",
                    line=int(str(raw.get("heading_line", 0))) + 1,
                    hint="check the source: the page may repeat a heading by mistake",
                    severity="warning",
                )
            )
            section_id = f"{section_id}-{seen[section_id]}"
        else:
            seen[section_id] = 1
        paragraphs = []
        entries = raw["paragraphs"]
        assert isinstance(entries, list)
        for entry in entries:
            index, start = entry if isinstance(entry, tuple) else (entry, 0)
            for piece in _enumerated(pick(index, start)):
                lead = None
                split = _lead_in(piece["zh-Hans"])
                if split:
                    cut = len(split[0])
                    lead = {s: piece[s][:cut] for s in scripts}
                    piece = {s: piece[s][cut:] for s in scripts}
                paragraphs.append(Paragraph(f"{section_id}-p{len(paragraphs) + 1}", piece, lead))
        heading = raw["heading"]
        built.append(
            Section(
                id=section_id,
                level=int(str(raw["level"])),
                number=raw["number"] if isinstance(raw["number"], str) else None,
                heading=heading if isinstance(heading, dict) else None,
                paragraphs=tuple(paragraphs),
                label=str(ordinal),
            )
        )
    return Outline(report_id, tuple(front), tuple(s for s in built if s.paragraphs or s.heading), tuple(warnings))


def outline_text(outline: Outline, themes: dict[str, list[tuple[str, float]]] | None = None) -> str:
    """The outline as a maintainer reads it: headings indented by level, each paragraph with its themes."""
    out = [f"{outline.report_id}"]
    for line in outline.front:
        out.append(f"  [{line.kind}] {line.text['zh-Hans']}")
    for section in outline.sections:
        indent = "  " * section.level
        heading = section.heading["zh-Hans"] if section.heading else "(lead)"
        out.append(f"{indent}§ {section.id}  {heading}")
        for paragraph in section.paragraphs:
            lead = f"[{paragraph.lead['zh-Hans']}] " if paragraph.lead else ""
            tags = ""
            if themes is not None:
                tags = "  {" + ", ".join(f"{t} {s:.1f}" for t, s in themes.get(paragraph.id, [])) + "}"
            out.append(f"{indent}  ¶ {paragraph.id}  {lead}{paragraph.text['zh-Hans'][:24]}…{tags}")
    return "\n".join(out)
