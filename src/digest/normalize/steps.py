"""The normalization steps: each a pure `str -> str` function, registered by name in the order they run.

Every step must keep the text's meaning and may only remove what is damage or furniture; what it
changed is worked out by diffing its input and output, so a step never has to keep its own books.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from digest.controls import INVISIBLE
from digest.datafiles import Field, LineList, check_fields, load_list
from digest.errors import DigestError, Problem
from digest.ingest.decode import HAN_RANGES
from digest.normalize.damage import mark_damage, outside_damage
from digest.normalize.furniture import CHROME_SUMMARY as CHROME_SUMMARY
from digest.normalize.furniture import ChromeRule as ChromeRule
from digest.normalize.furniture import chrome_facts as chrome_facts
from digest.normalize.furniture import chrome_rules as chrome_rules
from digest.normalize.furniture import chrome_step as chrome_step
from digest.normalize.furniture import match_chrome as match_chrome
from digest.normalize.mojibake import realign_all
from digest.ui_terms import N_

Step = Callable[[str], str]


@dataclass(frozen=True)
class StepInfo:
    name: str
    run: Step
    summary: str


REGISTRY: dict[str, StepInfo] = {}


def step(name: str, summary: str) -> Callable[[Step], Step]:
    """Register a step under a stable name (the name appears in ledgers and edition notes)."""

    def register(func: Step) -> Step:
        if name in REGISTRY:
            raise ValueError(f"step {name} registered twice")
        REGISTRY[name] = StepInfo(name, func, summary)
        return func

    return register


TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
# A pinyin syllable: Latin letters with at least one tone mark, or a neutral-tone syllable from this list.
NEUTRAL = "de|le|men|zi|me|ma|ne|ba|zhe|guo|tou|ge|mo"
SYLLABLE = rf"(?:[a-zü]*[{TONED}][a-zü{TONED}]*|{NEUTRAL})"


@step("control_characters", "Unify line endings; drop NUL and other control characters, BOMs and zero-width marks.")
def control_characters(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\u200b-\u200d\u2060\ud800-\udfff]", "", text)


@step(
    "invisible_controls",
    "Drop bidi overrides, embeddings, isolates and marks and other invisible format controls (U+202E …).",
)
def invisible_controls(text: str) -> str:
    return INVISIBLE.sub("", text)


# What a pinyin annotation can follow besides a character: what is left of one in a damaged span (a
# private-use or replacement character), or a mark the misread produced; after a mark, which may be a
# real question or exclamation, only a syllable with a tone mark counts (a neutral `(ma)` may be meant).
DAMAGED_CHAR = "\ue000-\uf8ff\ufffd"
TONED_SYLLABLE = rf"[a-zü]*[{TONED}][a-zü{TONED}]*"


@step(
    "pinyin_annotations",
    "Remove pinyin that mirror sites insert after characters: 護(hù)航 → 護航, also inside and after damaged spans.",
)
def pinyin_annotations(text: str) -> str:
    text = re.sub(rf"(?<=[{HAN_RANGES}{DAMAGED_CHAR}])\({SYLLABLE}\)", "", text)
    text = re.sub(rf"(?<=[?!。，、；：“”])\({TONED_SYLLABLE}\)", "", text)
    # After a character the mirror lost, its `(` went with it: `日?qǐng)` keeps the `?` for the mojibake step.
    return re.sub(rf"(?<=[?{DAMAGED_CHAR}]){SYLLABLE}\)", "", text)


@step("html_residue", 'Decode HTML entities (&#43; → +, &nbsp;) and drop markup residue (stray ">, empty ![]()).')
def html_residue(text: str) -> str:
    text = re.sub(r"!\[\]\(\s*\)", "", text)
    text = re.sub(r'(?m)^[ \t]*"?>[ \t]*', "", text)
    text = re.sub(r'(?<=[。”])">', "", text)
    if "&" in text:
        text = re.sub(r"&(#\d+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);", lambda m: html.unescape(m.group(0)), text)
    return text


@step(
    "damage_marks",
    "Mark each span that still looks garbled after every repair (⦃…⦄): kept as scraped, never converted, shown "
    "as damaged.",
)
def damage_marks(text: str) -> str:
    return mark_damage(text)


@step("mojibake_realignment", "Re-read spans garbled by a one-byte GBK misalignment: ??萍假x能 → 。科技賦能.")
def mojibake_realignment(text: str) -> str:
    return realign_all(text)


@dataclass(frozen=True)
class Repair:
    """A maintainer's correction of one damaged span, with the reason a reader can check."""

    find: str
    replace: str
    reason: str
    line: int


def repairs_step(repairs: tuple[Repair, ...]) -> Step:
    """The one step that takes data: a report's repairs file, applied in order."""

    def maintainer_repairs(text: str) -> str:
        for repair in repairs:
            text = text.replace(repair.find, repair.replace)
        return text

    return maintainer_repairs


REPAIRS_SUMMARY = N_("Apply the maintainer's corrections from the report's repairs file (find, replace, reason).")
REPAIR_FIELDS = (
    Field("find", (str,), doc="the damaged text exactly as `digest normalize` shows it"),
    Field("replace", (str,), doc="what it should read"),
    Field("reason", (str,), doc="why: the evidence for the reading"),
)


def load_repairs(path: Path) -> tuple[Repair, ...]:
    data = load_list(path, "a repairs file is a list of {find, replace, reason}")
    problems: list[Problem] = []
    repairs = []
    for index, item in enumerate(data):
        found = check_fields(item, REPAIR_FIELDS, path, "a repair")
        if not found and not item["find"]:
            found = [Problem(str(path), "`find` is empty", line=item.line)]
        problems.extend(found)
        if not found:
            line = data.line_of(index) if isinstance(data, LineList) else 0
            repairs.append(Repair(item["find"], item["replace"], item["reason"], line))
    if problems:
        raise DigestError(problems)
    return tuple(repairs)


SENTENCE_MARKS = "。，,；;：:“”"


@step("heading_separators", "A heading's separator lost to '?' becomes a space: 群防群治?共建共享 → 群防群治 共建共享.")
@outside_damage
def heading_separators(text: str) -> str:
    def fix(line: str) -> str:
        if len(line.strip()) > 24 or any(c in line for c in SENTENCE_MARKS):
            return line
        return re.sub(rf"(?<=[{HAN_RANGES}])\?(?=[{HAN_RANGES}])", " ", line)

    return "\n".join(fix(line) for line in text.split("\n"))


@step("whitespace", "Unify spaces (non-breaking, ideographic), strip indents, drop blank lines: one paragraph a line.")
def whitespace(text: str) -> str:
    text = re.sub(r"[\t\xa0\u2000-\u200a\u3000\u202f]", " ", text)
    lines = (re.sub(r" {2,}", " ", line).strip() for line in text.split("\n"))
    kept = [line for line in lines if line]
    return "\n".join(kept) + "\n" if kept else ""


FULL_WIDTH = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}


@step(
    "punctuation", "ASCII , : ; ? ! ( ) in Chinese text become full-width; numbers like 2.2万, 1+9+N, 8:30 keep theirs."
)
@outside_damage
def punctuation(text: str) -> str:
    def fix(line: str) -> str:
        if not re.search(f"[{HAN_RANGES}]", line):
            return line
        line = re.sub(r"(?<!\d),|,(?!\d)", "，", line)
        line = re.sub(r"(?<!\d):|:(?!\d)", "：", line)
        line = re.sub(r"[;?!()]", lambda m: FULL_WIDTH[m.group(0)], line)
        return line

    return "\n".join(fix(line) for line in text.split("\n"))


@step("duplicate_paragraphs", "Drop an exact repeat of an earlier paragraph (short heading-like lines are kept).")
def duplicate_paragraphs(text: str) -> str:
    seen: set[str] = set()
    kept = []
    for line in text.split("\n"):
        is_paragraph = len(line) > 30 or any(c in line for c in "。；")
        if is_paragraph and line in seen:
            continue
        seen.add(line)
        kept.append(line)
    return "\n".join(kept)


ZHE_WORDS = (
    "著名",
    "显著",
    "著作",
    "著称",
    "昭著",
    "土著",
    "卓著",
    "著述",
    "名著",
    "巨著",
    "原著",
    "论著",
    "专著",
    "译著",
    "编著",
    "著者",
    "著录",
    "著书",
    "遐迩闻名",
)


@functools.cache
def _converter(config: str) -> Any:
    import opencc

    return opencc.OpenCC(config)


# Variant characters OpenCC leaves alone, with their Simplified and Traditional standard forms.
VARIANTS = {"陜": ("陕", "陝")}


def _fold_variants(text: str, script: int) -> str:
    for variant, forms in VARIANTS.items():
        text = text.replace(variant, forms[script])
    return text


@outside_damage
def to_simplified(text: str) -> str:
    """Canonical Simplified text: OpenCC t2s, then 著 as 着 except in the words where Simplified keeps 著.

    t2s leaves 著 alone (著名 is Simplified too) and tw2s turns 顯著 into 显着; neither is right for
    Mainland documents, so the ambiguous character is settled here by the short list of 著 words.
    """
    converted: str = _converter("t2s").convert(_fold_variants(text, 0))
    if "著" not in converted:
        return converted
    protected = "|".join(ZHE_WORDS)
    return re.sub(rf"({protected})|著", lambda m: m.group(1) or "着", converted)


@outside_damage
def to_traditional(text: str) -> str:
    """Traditional text: OpenCC s2tw, Taiwan-standard characters with Mainland wording kept (s2twp would
    rewrite 信息 as 資訊; s2t writes the old forms 羣, 爲, 覈 that the Traditional sources do not use).

    On a Traditional source this changes only the Simplified leftovers of machine conversion (于, 里, 干部).
    """
    converted: str = _converter("s2tw").convert(_fold_variants(text, 1))
    return converted


BRANCHES: dict[str, tuple[str, Step, str]] = {
    "zh-Hans": ("to_simplified", to_simplified, N_("Convert to Simplified with OpenCC (t2s; 著/着 settled by word).")),
    "zh-Hant": (
        "to_traditional",
        to_traditional,
        N_("Convert to Traditional with OpenCC (s2tw characters, wording kept)."),
    ),
}
