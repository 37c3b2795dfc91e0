"""Site furniture: classify every line of a scraped page by what it is, from features any page shows.

The rules live in `data/chrome.yml`, written for a class of line (navigation bar, breadcrumb, pager,
share or print widget, QR prompt, footer, editor line, e-paper dateline …), never for one site. A rule
combines a pattern with features: where the line stands (before the body starts, after it ends, or
anywhere), its length, its share of Han characters, whether it reads as a sentence, and how it splits
at separators (`|` `>` `»` `/`, wide spaces). Lines a rule matches are removed, each recorded with its
class; the facts they carry (date, source, author, editor, newspaper, edition) go to the metadata.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from digest.datafiles import Field, LineDict, check_fields, load_list
from digest.errors import DigestError, Problem
from digest.ui_terms import N_

CLASSES = {
    "banner": "the site's greeting or today's date, above the page",
    "navigation": "a bar of short menu entries",
    "breadcrumb": "where the page sits in the site (首页 > 新闻 > 正文)",
    "pager": "previous/next links and page numbers",
    "widget": "share, print, font-size, close-window and app buttons",
    "qr": "a QR-code prompt",
    "copy": "a copy-link button",
    "counter": "like, read and view counters",
    "follow": "an invitation to follow an account",
    "source": "the source, author and time line under a headline",
    "editor": "the editor or reviewer line",
    "timestamp": "a URL or a bare date and time",
    "epaper": "an e-paper's newspaper, date and edition line",
    "bibliographic": "a journal mirror's classification, DOI and download lines",
    "disclaimer": "a reposting site's disclaimer",
    "contact": "an address, telephone or e-mail block",
    "related": "a related-links list and its items",
    "footer": "copyright, ICP licence and host lines",
    "blurb": "the reposting site's description of itself",
    "disclosure": "a government information-disclosure table",
}
# Lines that are the report's own but carry facts: read, never removed (the outline places them).
KEPT_CLASSES = {
    "byline": "the reporter's or writer's line (本报记者 张三 通讯员 李四)",
    "dateline": "the agency, place and day opening a news story (新华社西安5月12日电（记者 张三）)",
}
WHERE = ("top", "bottom", "edge", "any")
SENTENCE_END = "。！？；!?;"
# A span the damage step marked (⦃…⦄) holds lost characters, not punctuation: its '?' ends no sentence.
DAMAGED = re.compile(r"⦃[^⦄]*⦄")
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
DEFAULT_SEPARATORS = r"\s*[|｜>＞»›/／•·]\s*|\s{2,}"
# A line long enough and punctuated enough to be the report's own prose: it bounds the page's edges.
BODY_MIN_HAN = 20


@dataclass(frozen=True)
class ChromeRule:
    """One class of furniture line: a pattern and the features a line must also show."""

    name: str
    pattern: re.Pattern[str] | None
    about: str
    fields: dict[str, str] = field(default_factory=dict)
    klass: str = "widget"
    where: str = "edge"
    max_length: int = 0
    sentence: bool | None = None
    han_share_max: float | None = None
    segments: tuple[re.Pattern[str], int, int] | None = None  # (separator, at least n pieces, each at most m chars)
    block: int = 0  # following short lines (at most this long, not sentences) belong to the same block

    @property
    def removes(self) -> bool:
        """Whether the lines of this class are furniture (removed) or the report's own (only read for facts)."""
        return self.klass not in KEPT_CLASSES

    def matches(self, probe: str) -> re.Match[str] | None:
        """Whether the stripped Simplified line shows this rule's features (its place is checked apart)."""
        if self.max_length and len(probe) > self.max_length:
            return None
        if self.sentence is False and any(mark in DAMAGED.sub("", probe) for mark in SENTENCE_END):
            return None
        if self.han_share_max is not None and probe and len(HAN.findall(probe)) / len(probe) > self.han_share_max:
            return None
        if self.segments is not None:
            separator, least, longest = self.segments
            pieces = [p for p in separator.split(probe) if p.strip()]
            if len(pieces) < least or any(len(p.strip()) > longest for p in pieces):
                return None
        if self.pattern is None:
            return re.match(r"", probe)
        return self.pattern.search(probe)


@dataclass(frozen=True)
class Removed:
    """A line the furniture step removed: its line in the text it saw (1-based), its class and its rule."""

    line: int
    klass: str
    rule: str
    text: str


@functools.cache
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def probe(line: str) -> str:
    return str(_t2s().convert(line.strip().replace("\xa0", " ").replace("\u3000", " ")))


def _probes(text: str) -> list[str]:
    """Every line as `probe` gives it, converted in one call (OpenCC keeps the line breaks)."""
    converted = str(_t2s().convert(text.replace("\xa0", " ").replace("\u3000", " ")))
    return [line.strip() for line in converted.split("\n")]


RULE_FIELDS = (
    Field("name", (str,)),
    Field("class", (str,), doc="one of: " + ", ".join([*CLASSES, *KEPT_CLASSES])),
    Field("about", (str,)),
    Field("pattern", (str,), required=False, doc="a Python regular expression"),
    Field("where", (str,), required=False, doc="top, bottom, edge or any"),
    Field("max_length", (int,), required=False),
    Field("sentence", (bool,), required=False),
    Field("han_share_max", (float, int), required=False),
    Field("segments", (dict,), required=False, doc="{min: n, max_chars: m, separator: regex}"),
    Field("block", (int,), required=False),
    Field("fields", (dict,), required=False, doc="{label: fact name}: read `label: value` from the line"),
)


@functools.cache
def chrome_rules(path: Path) -> tuple[ChromeRule, ...]:
    """Load and check the furniture rules; every problem names the file, the line and what to write."""
    data = load_list(path, "the furniture rules are a list of {name, class, about, …}")
    problems: list[Problem] = []
    rules: list[ChromeRule] = []
    names: set[str] = set()
    for item in data:
        found = check_fields(item, RULE_FIELDS, path, "a furniture rule")
        if found:
            problems.extend(found)
            continue
        rule, found = _rule(item, path)
        if rule is not None and rule.name in names:
            found.append(Problem(str(path), f"rule '{rule.name}' defined twice", line=item.line_of("name")))
        problems.extend(found)
        if rule is not None and not found:
            names.add(rule.name)
            rules.append(rule)
    if problems:
        raise DigestError(problems)
    return tuple(rules)


def _rule(item: LineDict, path: Path) -> tuple[ChromeRule | None, list[Problem]]:
    problems: list[Problem] = []

    def compile_(key: str, text: str) -> re.Pattern[str] | None:
        try:
            return re.compile(text)
        except re.error as exc:
            problems.append(Problem(str(path), f"bad pattern: {exc}", line=item.line_of(key)))
            return None

    klass, where = item["class"], item.get("where", "edge")
    if klass not in CLASSES and klass not in KEPT_CLASSES:
        problems.append(
            Problem(
                str(path),
                f"unknown class '{klass}'",
                line=item.line_of("class"),
                hint="use " + ", ".join([*CLASSES, *KEPT_CLASSES]),
            )
        )
    if where not in WHERE:
        problems.append(
            Problem(str(path), f"unknown place '{where}'", line=item.line_of("where"), hint="use " + ", ".join(WHERE))
        )
    pattern = compile_("pattern", item["pattern"]) if "pattern" in item else None
    segments = None
    if "segments" in item:
        spec = item["segments"]
        least, longest = spec.get("min"), spec.get("max_chars")
        if not isinstance(least, int) or not isinstance(longest, int):
            problems.append(
                Problem(
                    str(path),
                    "segments needs whole numbers `min` and `max_chars`",
                    line=item.line_of("segments"),
                    hint="e.g. segments: {min: 4, max_chars: 8}",
                )
            )
        separator = compile_("segments", str(spec.get("separator", DEFAULT_SEPARATORS)))
        if separator is not None and isinstance(least, int) and isinstance(longest, int):
            segments = (separator, least, longest)
    if pattern is None and segments is None and not problems:
        problems.append(
            Problem(
                str(path),
                f"rule '{item['name']}' has neither `pattern` nor `segments`: it would match every line",
                line=item.line,
            )
        )
    if problems:
        return None, problems
    share = item.get("han_share_max")
    rule = ChromeRule(
        name=item["name"],
        pattern=pattern,
        about=item["about"],
        fields=dict(item.get("fields") or {}),
        klass=klass,
        where=where,
        max_length=item.get("max_length", 0),
        sentence=item.get("sentence"),
        han_share_max=float(share) if share is not None else None,
        segments=segments,
        block=item.get("block", 0),
    )
    return rule, []


def match_chrome(line: str, rules: tuple[ChromeRule, ...]) -> tuple[ChromeRule, re.Match[str]] | None:
    """The first rule whose features the line shows, wherever it stands (for checks on finished text)."""
    text = probe(line)
    if not text:
        return None
    for rule in rules:
        found = rule.matches(text) if rule.removes else None
        if found:
            return rule, found
    return None


def _is_body(text: str) -> bool:
    return len(HAN.findall(text)) >= BODY_MIN_HAN and any(mark in text for mark in "。！？；，")


@dataclass(frozen=True)
class Label:
    """A line's class, the rule that gave it, and the match (for its facts)."""

    rule: ChromeRule
    found: re.Match[str]
    text: str


def classify(text: str, rules: tuple[ChromeRule, ...]) -> dict[int, Label]:
    """The furniture lines of a page, by index in `text.split("\\n")`; lines not listed are the report's.

    The page's edges are what lies before its first and after its last line of prose (a line with twenty
    Han characters and punctuation that no rule claims); rules marked `top`, `bottom` or `edge` only act there.
    """
    lines = text.split("\n")
    probes = _probes(text)
    if len(probes) != len(lines):
        probes = [probe(line) for line in lines]
    candidates: dict[int, Label] = {}
    for index, text_ in enumerate(probes):
        if not text_:
            continue
        for rule in rules:
            found = rule.matches(text_)
            if found:
                candidates[index] = Label(rule, found, text_)
                break
    prose = [
        i for i, t in enumerate(probes) if t and _is_body(t) and (i not in candidates or not candidates[i].rule.removes)
    ]
    first, last = (prose[0], prose[-1]) if prose else (len(lines), -1)

    def placed(index: int, where: str) -> bool:
        top, bottom = index < first, index > last
        return {"any": True, "top": top, "bottom": bottom, "edge": top or bottom}[where]

    labels: dict[int, Label] = {}
    block: tuple[Label, int] | None = None
    for index, text_ in enumerate(probes):
        if not text_:
            continue
        label = candidates.get(index)
        if label is not None and placed(index, label.rule.where):
            labels[index] = label
            block = (label, label.rule.block) if label.rule.block else None
            continue
        if (
            block is not None
            and len(text_) <= block[1]
            and not any(m in text_ for m in "。！？")
            and placed(index, "edge")
        ):
            labels[index] = Label(block[0].rule, block[0].found, text_)
            continue
        block = None
    return labels


LABEL_VALUE = r"\s*[:：]\s*\|?\s*([^|\s]+)"


def facts_of(label: Label) -> dict[str, str]:
    """What one furniture line tells about the report: the rule's named groups and its labelled fields."""
    facts = {key: value.strip() for key, value in label.found.groupdict().items() if value and value.strip()}
    for name, key in label.rule.fields.items():
        for value in re.findall(re.escape(name) + LABEL_VALUE, label.text):
            if value and not value.startswith(tuple(label.rule.fields)):
                facts.setdefault(key, value.strip())
                break
    return facts


@dataclass(frozen=True)
class Furniture:
    """One page's furniture, classified once: what the step removes, the facts, the ledger's account."""

    text: str
    labels: dict[int, Label]

    def facts(self) -> dict[str, str]:
        """The facts the page's lines carry (publisher, dates, editor, reporter, index number), first seen first."""
        facts: dict[str, str] = {}
        for index in sorted(self.labels):
            for key, value in facts_of(self.labels[index]).items():
                facts.setdefault(key, value)
        return facts

    def removed(self) -> tuple[Removed, ...]:
        lines = self.text.split("\n")
        return tuple(
            Removed(index + 1, label.rule.klass, label.rule.name, lines[index].strip())
            for index, label in sorted(self.labels.items())
            if label.rule.removes
        )

    def without(self) -> str:
        """The page with its furniture lines removed."""
        gone = {i for i, label in self.labels.items() if label.rule.removes}
        return "\n".join(line for index, line in enumerate(self.text.split("\n")) if index not in gone)


def furniture(text: str, rules: tuple[ChromeRule, ...]) -> Furniture:
    return Furniture(text, classify(text, rules))


def chrome_facts(text: str, rules: tuple[ChromeRule, ...]) -> dict[str, str]:
    """The facts that a page's furniture, bylines and datelines carry."""
    return furniture(text, rules).facts()


CHROME_SUMMARY = N_(
    "Remove site furniture found by general rules (navigation, breadcrumbs, pagers, widgets, source and editor"
    " lines, footers, related links …); each removed line is listed with its class."
)


def chrome_step(rules: tuple[ChromeRule, ...]) -> Any:
    """The step that takes the maintained furniture rules (data/chrome.yml): the lines they classify are removed."""

    def site_chrome(text: str) -> str:
        return furniture(text, rules).without()

    return site_chrome
