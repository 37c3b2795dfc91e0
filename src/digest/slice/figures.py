"""Figures: every quantitative statement in a paragraph — counts, percentages, money, trends, years."""

from __future__ import annotations

import re
from dataclasses import dataclass

UNITS = (
    "人次|场次|万元|亿元|元|平方千米|公里|小时|分钟|个百分点|起|个|名|人|次|项|件|辆|条|户|家|所|处|天|批|支|套|台|部|张|把|升|幢"
    "|笔|宗|类|余|多|倍|轮|座|间|条|组|本|期|场|枚|份|单|村|队|周|月|年"
)
NUMBER = r"\d+(?:\.\d+)?"
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("trend", re.compile(r"连续(\d+|[一二三四五六七八九十])年(?:同比)?(下降|上升|提升|增长|减少|位列[^，。；]{0,8})")),
    ("percent", re.compile(rf"({NUMBER})%")),
    ("points", re.compile(rf"({NUMBER})个百分点")),
    ("year", re.compile(r"(?<!\d)((?:19|20)\d{2})年(?:\d{1,2}月(?:\d{1,2}日)?)?")),
    ("duration", re.compile(r"(?<![\d.])(\d+)年(?:来|以来|间)")),
    ("count", re.compile(rf"(?<![\d.+/])({NUMBER})(万|亿)?(余|多)?(万|亿)?({UNITS})")),
)
MULTIPLIERS = {"万": 1e4, "亿": 1e8}


@dataclass(frozen=True)
class Figure:
    """One number as the text states it, with the clause it belongs to."""

    kind: str
    text: str
    value: float
    unit: str
    clause: str
    approximate: bool
    start: int


def _clause(text: str, start: int, end: int) -> str:
    left = max(text.rfind(mark, 0, start) for mark in "，。；：！？")
    rights = [i for i in (text.find(mark, end) for mark in "，。；！？") if i >= 0]
    return text[left + 1 : min(rights) if rights else len(text)].strip("“”")


def extract(text: str) -> tuple[Figure, ...]:
    """All figures in a paragraph, each counted once (the most specific reading wins)."""
    taken: list[tuple[int, int]] = []
    found: list[Figure] = []
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            if kind == "trend":
                number = match.group(1)
                value = float(number) if number.isdigit() else float("一二三四五六七八九十".index(number) + 1)
                unit = "years " + match.group(2)
                approximate = False
            elif kind == "count":
                number, before, about, after, unit = match.groups()
                value = float(number) * MULTIPLIERS.get(before or "", 1) * MULTIPLIERS.get(after or "", 1)
                approximate = bool(about)
                if unit in ("余", "多"):
                    unit, approximate = "", True
            else:
                value = float(match.group(1))
                unit = {"percent": "%", "points": "percentage points", "year": "year", "duration": "years"}[kind]
                approximate = False
            taken.append((start, end))
            found.append(Figure(kind, match.group(0), value, unit, _clause(text, start, end), approximate, start))
    return tuple(sorted(found, key=lambda f: f.start))
