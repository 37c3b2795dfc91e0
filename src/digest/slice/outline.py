"""Slice: find each report's own structure — front matter, sections, paragraphs — with stable ids.

Section ids come from the report's own outline numbers (一、(一) 1. → s1, s1-1, s1-1-1) or, for unnumbered
headings, from the pinyin initials of the heading, so they survive edits elsewhere. A paragraph's id is
its section's id and its place in that section, so a repaired character does not move any permalink,
and a translation keeps its key while its Chinese source changes.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from digest.errors import Problem
from digest.ingest.decode import HAN

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
    kind: str = "text"  # "text", or "caption" for a photo caption (numbered apart: s1-c1)


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
    return (
        4 <= len(han) <= 24
        and not any(mark in line for mark in SENTENCE_MARKS)
        and not line.startswith("——")
        and _line_kind(line) is None
    )


# Lines that sit among a report's own lines but are not its prose: they are kept, as what they are, and are
# never headings. A byline names the writer (本报记者 张三, 文/图 李四); a dateline the news agency or paper,
# place and day (新华社西安5月12日电, 本报讯; its agency, month and day are named groups); a caption describes a photo (图为…, ▲…, ……（张三 摄）).
# Words that follow 记者/通讯员 in a heading, not a name: 记者提问, 记者手记, 记者观察, 记者调查, 记者节.
NOT_A_NAME = "提问|问|手记|观察|调查|招待会|节"
BYLINE = re.compile(
    r"^[□■●◆◇★]?\s*[(（]?\s*(本报|本台|本刊|新华社|人民网|\S{2,8}(日报|晚报|晨报|时报|法治报|法制报|电视台))?"
    r"(记者|通讯员|特约记者|见习记者|实习生)\s*[:：|｜丨/／]?\s*(?!" + NOT_A_NAME + r")\S"
    r"|^[□■●◆◇★]?\s*(文|图|文图|文/图|撰文|摄影|作者|撰稿|供稿|整理)\s*[/／|｜:：丨]\s*\S"
    r"|^[\u4e00-\u9fff·]{2,6}\d{1,2}(,\d{1,2})*([，,、\s]+[\u4e00-\u9fff·]{2,6}\d{1,2}(,\d{1,2})*)*$"
)
DATELINE = re.compile(
    r"^[□■●◆◇★]?\s*(本报讯|本台讯|本刊讯|(?P<agency>新华社|中新社|中新网|人民网|央视网|央广网|法治网|新华网|\S{2,8}(日报|晚报|时报|法治报|法制报)|本报)"
    r"[^，。]{0,12}?(?P<month>\d{1,2})月(?P<day>\d{1,2})日\s*(电|讯|消息))"
    r"|^[（(]?\s*\d{4}年\d{1,2}月\d{1,2}日\s*[)）]?$"
)
CAPTION = re.compile(
    r"^(图为|图\s*[:：]|图\d+\s*[:：\s]|[▲△▼↑↓]|上图|下图|左图|右图|(资料|现场|新闻)?图片\s*[:：]|图片来源|图片由|组图|供图\s*[:：])"
    r"|[（(]\s*\S{0,8}\s*(摄|供图|摄影|图片)\s*[)）]$|\s(摄|供图)$"
)


def _line_kind(line: str) -> str | None:
    """ "byline", "dateline" or "caption" for a short line that is one of these, else None."""
    if len(line) > 150:
        return None
    if CAPTION.search(line):
        return "caption"
    if DATELINE.match(line) and len(line) <= 40:
        return "dateline"
    if BYLINE.match(line) and len(line) <= 40 and "。" not in line:
        return "byline"
    return None


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
    for start, end in itertools.pairwise(bounds):
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
    drafts: list[_Draft] = []
    current = _Draft("lead", 1, None, None, -1)
    numbers: list[int] = []
    body_started = False
    separator_at = next((i for i, line in enumerate(canonical[:8]) if SEPARATOR.match(line.strip())), None)
    title_lines = _split_title(canonical, title) or _headline(canonical)
    last = max((i for i, line in enumerate(canonical) if line.strip()), default=-1)
    captions: set[int] = set()

    def pick(i: int, start: int = 0, end: int | None = None) -> dict[str, str]:
        return {s: lines[s][i][start:end] for s in scripts}

    for i, line in enumerate(canonical):
        if not line.strip():
            continue
        forced = line in hints.headings
        refused = line in hints.not_headings
        if not body_started and not forced:
            kind = "title" if i in title_lines else _front_kind(line, i, title, separator_at)
            if kind:
                front.append(FrontLine(kind, pick(i)))
                continue
        body_started = True
        heading = None if refused else _heading(line, forced)
        if heading is not None and heading[1] is None and i == last and not forced:
            # An unnumbered short line with nothing under it heads nothing: it closes the text (a signature).
            heading = None
        if heading is None:
            if not forced and _line_kind(line) == "caption":
                captions.add(i)
            current.entries.append((i, 0))
            continue
        level, number, head_end = heading
        if current.entries or current.heading is not None:
            drafts.append(current)
        if number is not None:
            value = int(number) if number.isdigit() else _cn_number(number)
            numbers = [*numbers[: level - 1], value]
            numbers += [0] * (level - len(numbers))
            section_id = "s" + "-".join(str(n) for n in numbers[:level])
        else:
            section_id = _initials(line)
        current = _Draft(section_id, level, number, pick(i, 0, head_end), i)
        if line[head_end:].strip():
            current.entries.append((i, head_end))
    drafts.append(current)

    warnings: list[Problem] = []
    sections: list[Section] = []
    seen: dict[str, int] = {}
    taken: set[str] = set()
    for ordinal, draft in enumerate(drafts, 1):
        section_id = draft.id
        seen[section_id] = seen.get(section_id, 0) + 1
        if seen[section_id] > 1 or section_id in taken:
            # A repeat is numbered on (s3-1-2 for the second s3-1), past any id already given: a numbered
            # section 3.1.2 would otherwise share its id, and its paragraphs' ids, with the repeat.
            while f"{draft.id}-{seen[draft.id]}" in taken:
                seen[draft.id] += 1
            section_id = f"{draft.id}-{seen[draft.id]}"
            heading_text = draft.heading["zh-Hans"] if draft.heading else ""
            warnings.append(
                Problem(
                    path or report_id,
                    f"heading '{heading_text}' repeats over different content; kept as {section_id}",
                    line=draft.line + 1,
                    hint="check the source: the page may repeat a heading by mistake",
                    severity="warning",
                )
            )
        paragraphs: list[Paragraph] = []
        counts = {"p": 0, "c": 0, "n": 0}
        for index, start in draft.entries:
            if index in captions:
                paragraphs.append(Paragraph(_next_id(section_id, "c", counts), pick(index, start), None, "caption"))
                continue
            for piece in _enumerated(pick(index, start)):
                lead = None
                split = _lead_in(piece["zh-Hans"])
                if split:
                    cut = len(split[0])
                    lead = {s: piece[s][:cut] for s in scripts}
                    piece = {s: piece[s][cut:] for s in scripts}
                prose = any(mark in piece["zh-Hans"] for mark in PROSE_MARKS) or lead is not None
                paragraphs.append(Paragraph(_next_id(section_id, "p" if prose else "n", counts), piece, lead))
        taken.add(section_id)
        if paragraphs or draft.heading:
            sections.append(
                Section(section_id, draft.level, draft.number, draft.heading, tuple(paragraphs), str(ordinal))
            )
    return Outline(report_id, tuple(front), tuple(sections), tuple(warnings))


# A paragraph is numbered among the report's prose (s1-p3) when it holds a sentence; a line without one (a
# stray label, a leftover of the page) is numbered apart (s1-n1), so that when better furniture rules remove
# such a line later, no permalink of the prose moves.
PROSE_MARKS = "。！？；…!?;"


def _next_id(section_id: str, series: str, counts: dict[str, int]) -> str:
    counts[series] += 1
    return f"{section_id}-{series}{counts[series]}"


def _split_title(lines: list[str], title: str) -> set[int]:
    """The first lines that together spell the title, when the page breaks a headline over several lines."""
    wanted = "".join(HAN.findall(title))
    if not wanted:
        return set()
    for start in range(min(len(lines), 6)):
        got, run = "", []
        for index in range(start, min(len(lines), start + 4)):
            han = "".join(HAN.findall(lines[index]))
            if not han or not wanted.startswith(got + han):
                break
            got += han
            run.append(index)
            if got == wanted:
                return set(run) if len(run) > 1 else set()
    return set()


def _headline(lines: list[str]) -> set[int]:
    """The page's headline when the sidecar's title does not spell it: the short lines (one to three) that
    open the page right above its byline, dateline or subtitle, e.g. a title the maintainer translated freely."""
    run: list[int] = []
    for index, line in enumerate(lines[:4]):
        if not line.strip():
            continue
        if line.startswith("——") or _line_kind(line) in ("byline", "dateline"):
            return set(run)
        if len(run) == 3 or _heading(line, False) != (1, None, len(line)):
            return set()
        run.append(index)
    return set()


@dataclass
class _Draft:
    """A section while the slicer is still collecting its lines: (line index, offset of the body)."""

    id: str
    level: int
    number: str | None
    heading: dict[str, str] | None
    line: int
    entries: list[tuple[int, int]] = field(default_factory=list)


def _front_kind(line: str, index: int, title: str, separator_at: int | None) -> str | None:
    if _same(line, title):
        return "title"
    if line.startswith("——"):
        return "series"
    kind = _line_kind(line)
    if kind:
        return kind
    if separator_at is not None and index < separator_at:
        return "highlight"
    if separator_at == index:
        return "separator"
    return None


def _heading(line: str, forced: bool) -> tuple[int, str | None, int] | None:
    """(level, outline number, end of the heading text) when the line is, or starts with, a heading."""
    for level, pattern in ((1, LEVEL1), (2, LEVEL2), (3, LEVEL3)):
        found = pattern.match(line)
        if found:
            head, _body = _split_heading(found.group(2))
            return level, found.group(1), found.start(2) + len(head)
    if forced or _is_short_heading(line):
        return 1, None, len(line)
    return None


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
