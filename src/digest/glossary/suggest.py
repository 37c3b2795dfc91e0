"""`digest glossary suggest`: candidate terms the glossary lacks, most useful first, with their contexts.

The reports put their jargon in quotation marks (“两个确立”, “枫桥式”) or pack it into numbered formulas
(1+X+N; 一室两队, 一村一警, 三查三访), so those are the candidates. Not every quoted phrase is jargon: a
quoted reply, a metaphor or an ordinary word is listed in `data/glossary-scope.yml` with the reason, and
coverage (what share of the jargon the glossary explains) is measured against what remains.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from digest.datafiles import Field, YamlReader, check_fields, load_yaml
from digest.errors import DigestError, Problem
from digest.glossary.entries import Glossary
from digest.ingest.decode import HAN
from digest.slice.corpus import SlicedReport, full_text

QUOTED = re.compile(r"“([^“”]{2,14})”")
FORMULA = re.compile(r"(?<![\d.])(\d+(?:\+[\dA-Z]+)+|\d{3,7})(?![\d.%])")
NUMERALS = "一二两三四五六七八九十百千"
# A numbered formula: two to four parallel segments, each a numeral and a one- or two-character slot,
# the slot optionally qualified in brackets: 一区一警, 一室两队一中心, 一村（格）一警, 三查三纠三提升.
_SLOT = rf"[^\W\d{NUMERALS}万个是批些次年月日天的]"
NUMBERED = re.compile(rf"(?<![{NUMERALS}第])((?:[{NUMERALS}]{_SLOT}{{1,2}}?(?:[（(]{_SLOT}{{1,2}}[)）])?){{2,4}})")
SCOPE_KINDS = ("quotation", "metaphor", "ordinary", "slogan", "name")
SCOPE_FIELDS = (
    Field("phrase", (str,), doc="the quoted phrase as the reports write it, in Simplified Chinese"),
    Field("kind", (str,), doc=", ".join(SCOPE_KINDS)),
    Field("why", (str,), doc="one line: why this is not jargon a reader needs explained"),
)


@dataclass(frozen=True)
class Candidate:
    term: str
    kind: str  # quoted, formula, numbered
    report: str
    unit: str
    context: str


def _texts(report: SlicedReport) -> Iterator[tuple[str, str]]:
    """Every text of a report a reader sees, with the id of its unit: paragraphs, headings, front lines."""
    for index, line in enumerate(report.outline.front):
        yield f"front-{index + 1}", line.text["zh-Hans"]
    for section in report.outline.sections:
        if section.heading:
            yield section.id, section.heading["zh-Hans"]
        for paragraph in section.paragraphs:
            yield paragraph.id, full_text(paragraph)


@functools.cache
def _jieba_cut(text: str) -> tuple[str, ...]:
    from digest.glossary.termmatch import _quiet_jieba

    return tuple(_quiet_jieba().cut(text, HMM=False))


def _numbered(text: str) -> Iterator[tuple[int, int]]:
    """Numbered formulas in running text. The regex takes the shortest slots; the last one is then widened
    to the end of the word jieba finds there, so 一室两队一中心 is not cut to 一室两队一中."""
    for match in NUMBERED.finditer(text):
        start, end = match.span(1)
        position = 0
        for word in _jieba_cut(text):
            position += len(word)
            if position >= end:
                if position == end + 1 and len(word) > 1 and text[end] not in NUMERALS and HAN.match(text[end]):
                    end = position
                break
        yield start, end


def candidates(reports: dict[str, SlicedReport]) -> Iterator[Candidate]:
    """Quoted phrases, arithmetic formulas (1+X+N, quoted 12345) and numbered formulas, where they occur."""
    for report in reports.values():
        for unit, text in _texts(report):
            spans: list[tuple[int, int, str]] = []
            spans += [(*m.span(1), "quoted") for m in QUOTED.finditer(text) if HAN.search(m.group(1))]
            for match in FORMULA.finditer(text):
                term = match.group(1)
                quoted = text[max(0, match.start() - 1) : match.start()] == "“"
                if re.fullmatch(r"(19|20)\d\d", term) or ("+" not in term and not quoted):
                    continue
                spans.append((*match.span(1), "formula"))
            bounded = [(a, b) for a, b, _ in spans]
            spans += [
                (start, end, "numbered")
                for start, end in _numbered(text)
                if not any(a <= start and end <= b for a, b in bounded)  # the quotation already bounds it
            ]
            for start, end, kind in spans:
                context = text[max(0, start - 12) : end + 12]
                yield Candidate(text[start:end], kind, report.id, unit, context)


def load_scope(path: Path, read: YamlReader = load_yaml) -> dict[str, str]:
    """The quoted phrases that are not jargon, each mapped to its kind; problems name the file and line."""
    if not path.exists():
        return {}
    data = read(path) or []
    problems: list[Problem] = []
    scope: dict[str, str] = {}
    if not isinstance(data, list):
        raise DigestError([Problem(str(path), "should be a list of phrases", 1, "see the comment at its top")])
    for index, item in enumerate(data):
        line = data.line_of(index) if hasattr(data, "line_of") else None
        found = check_fields(item, SCOPE_FIELDS, path, "a phrase")
        if not found and item["kind"] not in SCOPE_KINDS:
            found.append(Problem(str(path), f"kind '{item['kind']}' unknown", line, "one of " + ", ".join(SCOPE_KINDS)))
        if not found and item["phrase"] in scope:
            found.append(Problem(str(path), f"'{item['phrase']}' is listed twice", line, "keep one"))
        problems += found
        if not found:
            scope[item["phrase"]] = item["kind"]
    if problems:
        raise DigestError(problems)
    return scope


def scope_problems(scope_path: Path, scope: dict[str, str], glossary: Glossary, found: set[str]) -> list[Problem]:
    """A phrase both explained and declared not jargon is an error; one the reports never quote, a warning."""
    forms = glossary.forms()
    problems = [
        Problem(str(scope_path), f"'{phrase}' is a term of glossary entry '{forms[phrase]}'", None, "remove it here")
        for phrase in scope
        if phrase in forms
    ]
    problems += [
        Problem(str(scope_path), f"'{phrase}' is not quoted in the reports", None, "remove it", "warning")
        for phrase in scope
        if phrase not in found
    ]
    return problems


@dataclass(frozen=True)
class Coverage:
    covered: tuple[str, ...]
    missing: tuple[str, ...]
    out_of_scope: tuple[str, ...]

    @property
    def share(self) -> float:
        jargon = len(self.covered) + len(self.missing)
        return len(self.covered) / jargon if jargon else 1.0


def coverage(glossary: Glossary, reports: dict[str, SlicedReport], scope: dict[str, str]) -> Coverage:
    """How many distinct quoted phrases and formulas the glossary explains. Numbered formulas found
    unquoted count only where the glossary or a quotation already shows them to be terms, since the
    pattern also matches ordinary phrases (一批一); they are still proposed by `suggest`."""
    forms = glossary.forms()
    terms = {c.term for c in candidates(reports) if c.kind != "numbered" or c.term in forms}
    covered = tuple(sorted(t for t in terms if t in forms))
    missing = tuple(sorted(t for t in terms if t not in forms and t not in scope))
    out = tuple(sorted(t for t in terms if t in scope))
    return Coverage(covered, missing, out)


def suggest(glossary: Glossary, reports: dict[str, SlicedReport], limit: int, scope: dict[str, str]) -> list[str]:
    """Quoted phrases and formulas not yet covered nor declared out of scope, ranked by reach then frequency."""
    known = set(glossary.forms()) | set(scope)
    hits: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in candidates(reports):
        if candidate.term not in known:
            hits[candidate.term].append(candidate)
    ranked = sorted(
        hits.items(),
        key=lambda item: (
            -len({c.report for c in item[1]}),
            item[1][0].kind == "numbered",
            -len(item[1]),
            item[0],
        ),
    )
    lines = []
    for term, found in ranked[:limit]:
        reports_with = sorted({c.report for c in found})
        lines.append(
            f"{term}  ×{len(found)} {found[0].kind} in {len(reports_with)} report(s): {', '.join(reports_with)}"
        )
        for candidate in found[:3]:
            lines.append(f"    {candidate.report}#{candidate.unit}: …{candidate.context}…")
    return lines
