"""Damaged spans that no repair restored: marked in the text, kept as scraped, shown to readers.

A span that still looks like mojibake after the automatic realignment and the maintainer's repairs is
wrapped in DAMAGE_OPEN … DAMAGE_CLOSE. Later steps and the script conversion leave what is inside as it
is (converting `?` to `？` or running OpenCC over garbage would make it look like text); the site renders
the span with a visible damage marker and the report's edition notes list it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from digest.normalize.mojibake import find_suspects

# White curly brackets: absent from the Chinese and Latin text of reports, and visible if printed as they are.
DAMAGE_OPEN = "\u2983"
DAMAGE_CLOSE = "\u2984"
# A plane-15 private-use character, which no scraped report contains: the stand-in for a held-out span.
PLACEHOLDER = "\U000f0000"
MARKED = re.compile(f"{DAMAGE_OPEN}[^{DAMAGE_OPEN}{DAMAGE_CLOSE}]*{DAMAGE_CLOSE}")


def mark_damage(text: str) -> str:
    """Wrap every remaining suspect span (see `find_suspects`) in the damage marks; marked spans stay as they are."""
    pieces: list[str] = []
    cursor = 0
    for start, end in _unmarked(text):
        pieces.append(text[cursor:start])
        chunk = text[start:end]
        inner = 0
        for suspect in find_suspects(chunk):
            pieces.append(chunk[inner : suspect.start])
            pieces.append(DAMAGE_OPEN + chunk[suspect.start : suspect.end] + DAMAGE_CLOSE)
            inner = suspect.end
        pieces.append(chunk[inner:])
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def _unmarked(text: str) -> list[tuple[int, int]]:
    """The (start, end) ranges of `text` outside marked spans."""
    ranges = []
    cursor = 0
    for match in MARKED.finditer(text):
        ranges.append((cursor, match.start()))
        cursor = match.end()
    ranges.append((cursor, len(text)))
    return ranges


def outside_damage(func: Callable[[str], str]) -> Callable[[str], str]:
    """`func` applied to the text with each marked span held out; on text with no marks, exactly `func`.

    While `func` runs, each span stands as one PLACEHOLDER, so a step that judges a whole line (is it a
    heading, does it hold Chinese) sees the line around the span as it is, and cannot touch the span.
    """

    def protected(text: str) -> str:
        if DAMAGE_OPEN not in text:
            return func(text)
        spans = MARKED.findall(text)
        result = func(MARKED.sub(PLACEHOLDER, text))
        if result.count(PLACEHOLDER) != len(spans):
            return _by_segments(func, text)  # the step dropped or doubled a span: apply it around the spans
        held = iter(spans)
        return re.sub(PLACEHOLDER, lambda _match: next(held), result)

    protected.__name__ = func.__name__
    protected.__doc__ = func.__doc__
    return protected


def _by_segments(func: Callable[[str], str], text: str) -> str:
    pieces = []
    cursor = 0
    for match in MARKED.finditer(text):
        pieces.append(func(text[cursor : match.start()]))
        pieces.append(match.group(0))
        cursor = match.end()
    pieces.append(func(text[cursor:]))
    return "".join(pieces)


def damaged_spans(text: str) -> list[str]:
    """The marked spans of a text, without their marks, in order."""
    return [match.group(0)[1:-1] for match in MARKED.finditer(text)]
