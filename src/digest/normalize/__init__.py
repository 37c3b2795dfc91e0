"""Normalize: repair a decoded report and produce its canonical Simplified and its Traditional text.

`normalize_text` runs the registered steps in order and returns, beside the texts, the ledger of every
edit each step made, so the raw text can be rebuilt exactly and every change explained.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from digest.normalize import layout  # noqa: F401  (registers its steps)
from digest.normalize.furniture import Removed, furniture
from digest.normalize.ledger import Edit, StepRecord, apply, diff, invert, map_back
from digest.normalize.mojibake import find_suspects
from digest.normalize.steps import (
    BRANCHES,
    CHROME_SUMMARY,
    REGISTRY,
    REPAIRS_SUMMARY,
    ChromeRule,
    Repair,
    repairs_step,
)

__all__ = [
    "Edit",
    "Normalized",
    "Removed",
    "Repair",
    "StepRecord",
    "SuspectSpan",
    "normalize_text",
    "raw_line",
    "rebuild_raw",
    "step_summaries",
]

# The registered steps run in this order; the maintainer's repairs come right after the automatic
# mojibake repair, so suspect spans are judged, and repairs written, against text that still shows
# the damage as it was scraped (ASCII `?`, no full-width folding yet).
ORDER = (
    "control_characters",
    "invisible_controls",
    "pinyin_annotations",
    "html_residue",
    "name_dots",
    "mojibake_realignment",
    "maintainer_repairs",
    "damage_marks",
    "site_chrome",
    "heading_separators",
    "whitespace",
    "punctuation",
    "broken_lines",
    "pdf_spacing",
    "duplicate_paragraphs",
    "duplicate_short_lines",
)


@dataclass(frozen=True)
class SuspectSpan:
    """A span still looking like mojibake after all repairs: the maintainer should add a repair."""

    line: int
    text: str
    context: str
    reason: str


@dataclass(frozen=True)
class Normalized:
    """A report's clean texts with the full account of how they were made."""

    texts: dict[str, str]
    steps: tuple[StepRecord, ...]
    branches: dict[str, StepRecord]
    facts: dict[str, str]
    suspects: tuple[SuspectSpan, ...]
    repairs_applied: tuple[Repair, ...] = field(default_factory=tuple)
    repairs_unused: tuple[Repair, ...] = field(default_factory=tuple)
    furniture: tuple[Removed, ...] = field(default_factory=tuple)  # each line the furniture rules removed, raw line


def step_summaries() -> dict[str, str]:
    summaries = {name: info.summary for name, info in REGISTRY.items()}
    summaries["maintainer_repairs"] = REPAIRS_SUMMARY
    summaries["site_chrome"] = CHROME_SUMMARY
    ordered = {name: summaries[name] for name in ORDER}
    ordered.update({name: summary for name, _, summary in BRANCHES.values()})
    return ordered


def normalize_text(text: str, repairs: tuple[Repair, ...] = (), chrome: tuple[ChromeRule, ...] = ()) -> Normalized:
    """Run every step on one report's decoded text, with the report's repairs and the site-chrome rules."""
    records: list[StepRecord] = []
    suspects: tuple[SuspectSpan, ...] = ()
    facts: dict[str, str] = {}
    applied: list[Repair] = []
    unused: list[Repair] = []
    removed: tuple[Removed, ...] = ()
    raw = text
    for name in ORDER:
        if name == "maintainer_repairs":
            for repair in repairs:
                (applied if repair.find in text else unused).append(repair)
            run = repairs_step(repairs)
        elif name == "site_chrome":
            page = furniture(text, chrome)
            facts = page.facts()
            removed = tuple(_raw_removed(text, line, records, raw) for line in page.removed())
            run = _returning(page.without())
        else:
            run = REGISTRY[name].run
        after = run(text)
        records.append(StepRecord(name, diff(text, after)))
        text = after
        if name == "maintainer_repairs":
            suspects = _suspects(text)
    texts: dict[str, str] = {}
    branches: dict[str, StepRecord] = {}
    for script, (name, run, _summary) in BRANCHES.items():
        converted = run(text)
        texts[script] = converted
        branches[script] = StepRecord(name, diff(text, converted))
    return Normalized(texts, tuple(records), branches, facts, suspects, tuple(applied), tuple(unused), removed)


def _returning(result: str) -> Callable[[str], str]:
    """The furniture step, already worked out on this very text when it was classified for facts and ledger."""
    return lambda _text: result


def _raw_removed(text: str, removed: Removed, records: list[StepRecord], raw: str) -> Removed:
    """The removed line with its line number in the raw file, traced back through the steps before."""
    offset = 0
    for _ in range(removed.line - 1):
        offset = text.index("\n", offset) + 1
    for record in reversed(records):
        offset = map_back(offset, record.edits)
    return Removed(raw.count("\n", 0, offset) + 1, removed.klass, removed.rule, removed.text)


def _suspects(text: str) -> tuple[SuspectSpan, ...]:
    found = []
    for suspect in find_suspects(text):
        line = text.count("\n", 0, suspect.start) + 1
        context = text[max(0, suspect.start - 8) : suspect.end + 8].replace("\n", " ")
        found.append(SuspectSpan(line, text[suspect.start : suspect.end], context, suspect.reason))
    return tuple(found)


def rebuild_raw(result: Normalized, script: str) -> str:
    """Undo every recorded edit, from one output text back to the decoded raw text."""
    text = invert(result.texts[script], result.branches[script].edits)
    for record in reversed(result.steps):
        text = invert(text, record.edits)
    return text


def raw_line(result: Normalized, raw: str, script: str, line: int) -> int:
    """The raw file's line (1-based) that an output line (1-based) came from, traced through the ledger."""
    text = result.texts[script]
    offset = 0
    for _ in range(line - 1):
        offset = text.index("\n", offset) + 1
    offset = map_back(offset, result.branches[script].edits)
    for record in reversed(result.steps):
        offset = map_back(offset, record.edits)
    return raw.count("\n", 0, offset) + 1


def replay(raw: str, result: Normalized, script: str) -> str:
    """Apply the ledger forward: the raw text through every recorded edit gives the output again."""
    text = raw
    for record in result.steps:
        text = apply(text, record.edits)
    return apply(text, result.branches[script].edits)
