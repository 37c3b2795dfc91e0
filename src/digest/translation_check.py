"""`digest translate check`: translations that break the glossary, or are no translation at all."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .corpus import SlicedReport
from .glossary import Glossary
from .termmatch import TermMatcher
from .translate import units

HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
PLACEHOLDER = re.compile(r"\b(TODO|TBD|FIXME|XXX|lorem ipsum|translate me)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    report: str
    unit: str
    message: str


def comparable(text: str) -> str:
    """Lower case, quotes and hyphens as spaces, single spaces: renderings match however punctuated."""
    text = text.lower().replace("’", "'")
    text = re.sub(r"(?<![a-z])'|'(?![a-z])", " ", text)
    text = re.sub(r"[\"“”‘()\[\],;:.!?+]", " ", text)
    text = re.sub(r"[-–—/]", " ", text)
    return " " + " ".join(text.split()) + " "


def has_rendering(english: str, rendering: str) -> bool:
    """Whether the English contains the rendering, allowing a plural or a possessive on its last word."""
    wanted = comparable(rendering).strip().removeprefix("the ")
    if not wanted:
        return True
    words = wanted.split(" ")
    last = re.escape(words[-1])
    if words[-1].endswith("y"):
        last = re.escape(words[-1][:-1]) + "(?:y|ies)"
    elif words[-1].endswith("s"):
        last = re.escape(words[-1]) + "?"  # a plural rendering also covers the singular
    pattern = r"(?<![a-z])" + " ".join(re.escape(w) for w in words[:-1]) + (" " if len(words) > 1 else "") + last
    return re.search(pattern + r"(?:s|es|'s|s')?(?![a-z])", comparable(english)) is not None


def check_report(
    report: SlicedReport, english: dict[str, tuple[str, bool]], glossary: Glossary, matcher: TermMatcher
) -> list[Finding]:
    findings: list[Finding] = []
    entries = glossary.by_id()
    for unit in units(report):
        found = english.get(unit.id)
        if found is None:
            continue
        text, current = found
        if not current:
            continue
        if not text.strip():
            findings.append(Finding(report.id, unit.id, "empty translation"))
            continue
        if PLACEHOLDER.search(text):
            findings.append(Finding(report.id, unit.id, "placeholder text in the translation"))
        if text.strip() == unit.source.strip() or len("".join(HAN_RUN.findall(text))) > len(text) / 4:
            findings.append(Finding(report.id, unit.id, "the Chinese is copied through, not translated"))
        for match in matcher.find(unit.source):
            entry = entries[match.entry]
            if entry.status != "approved":
                continue
            if not any(has_rendering(text, r) for r in entry.renderings()):
                findings.append(
                    Finding(
                        report.id,
                        unit.id,
                        f"'{match.form}' is not rendered as '{entry.en_preferred}' (entry {entry.id})",
                    )
                )
    return findings
