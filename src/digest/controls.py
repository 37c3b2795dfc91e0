"""Invisible controls: characters that change how text displays without showing themselves.

A bidi override (U+202E) turns the rest of a paragraph around on screen while the bytes say otherwise;
isolates, embeddings and marks do the same more quietly. Raw reports lose them at normalization (a
registered step, recorded in the ledger); files people maintain (glossary and data YAML, PO catalogs,
content articles) are refused with the line and column, since a person can remove them and should know.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from digest.errors import Problem

INVISIBLE = re.compile(
    "[\u061c"  # ARABIC LETTER MARK
    "\u200e\u200f"  # LEFT-TO-RIGHT and RIGHT-TO-LEFT MARK
    "\u202a-\u202e"  # embeddings, POP DIRECTIONAL FORMATTING, overrides
    "\u2066-\u2069"  # isolates
    "\u2061-\u2064"  # invisible function application, times, separator, plus
    "\u206a-\u206f"  # deprecated format characters
    "\ufff9-\ufffb]"  # interlinear annotation anchors
)


def invisible_problems(text: str, path: Path | str) -> list[Problem]:
    """One error per line of a maintained file that holds an invisible control, naming it and its column."""
    problems = []
    for number, line in enumerate(text.splitlines(), 1):
        found = INVISIBLE.search(line)
        if found:
            char = found.group()
            problems.append(
                Problem(
                    str(path),
                    f"invisible control U+{ord(char):04X} {unicodedata.name(char, 'CONTROL')} at column {found.start() + 1}",
                    number,
                    "delete it: it changes how the text displays without showing itself",
                )
            )
    return problems
