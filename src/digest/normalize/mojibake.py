"""Mojibake: spans where a GBK page was read one byte out of step, and the byte-realignment repair.

A GBK decoder that loses one byte reads every following pair across a character boundary, turning
`。科技賦能` (a1a3 bfc6 bcbc d978 c4dc) into `??萍假x能` until an ASCII byte puts it back in step. Encoding
the damaged span back to GBK, restoring the lost lead byte and decoding again undoes that, when no other
byte was lost. Spans that cannot be undone this way are left for the maintainer's repairs file.
"""

from __future__ import annotations

import functools
import os
import re
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from typing import Any

from digest.ingest.decode import HAN, is_common_han

# The share of all character occurrences in jieba's dictionary that the "frequent" characters make up.
# At 99.5% that is the 4,300 or so most frequent characters: the everyday core (the 3,500 of the first level
# of the Table of General Standard Chinese Characters) plus the next thousand, which keeps 枫 (枫桥经验), 暨
# and 陇. A correct repair of running text rarely needs a rarer character; when it does (嵊州), the span is
# left marked for the maintainer rather than guessed.
COMMON_SHARE = 0.995
FREQUENT_FILE = "data/frequent_characters.txt"

PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]")
# Full-width punctuation that the scrape folded to ASCII, with its GBK bytes.
FOLDED = {"!": "！", "?": "？", ",": "，", ":": "：", ";": "；", "(": "（", ")": "）"}
PUNCTUATION = "。，、；：？！“”‘’（）《》…—"
SENTENCE_END = "。！？；…”’》）"


@dataclass(frozen=True)
class Suspect:
    """A span that looks like mojibake: where it is and why."""

    start: int
    end: int
    reason: str


def _is_han(char: str) -> bool:
    return bool(HAN.fullmatch(char))


def find_suspects(text: str) -> list[Suspect]:
    """Spans with the marks of a misread GBK page: private-use characters, `?!`, `??`, `?` inside a Han run."""
    found: list[Suspect] = []
    for match in PRIVATE_USE.finditer(text):
        found.append(Suspect(match.start(), match.end(), "private-use character"))
    for match in re.finditer(r"\?", text):
        i = match.start()
        before = text[i - 1] if i else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        if after in "!?" or (before == "?" and after):
            reason = "'?' beside folded punctuation"
        elif after == "#" and re.match(r"#\d+;", text[i + 1 :]):
            reason = "'?' swallowed the '&' of an HTML entity"
        elif _is_heading_line(text, i):
            continue
        elif _is_han(before) and _is_han(after):
            reason = "'?' inside a run of Chinese"
        elif after and _is_han(after) and not is_common_han(after) and before not in "吗呢么吧啊":
            reason = f"'?' before the rare character {after}"
        else:
            continue
        found.append(Suspect(i, min(i + 2, len(text)), reason))
    return _merge(found, text)


def _merge(found: list[Suspect], text: str) -> list[Suspect]:
    """Neighbouring marks are one damaged span; extend each to the end of its misread run."""
    spans: list[Suspect] = []
    for suspect in sorted(found, key=lambda s: s.start):
        end = _run_end(text, suspect.end)
        if spans and suspect.start <= spans[-1].end:
            last = spans[-1]
            spans[-1] = Suspect(last.start, max(last.end, end), last.reason)
        else:
            spans.append(Suspect(suspect.start, end, suspect.reason))
    return spans


def _run_end(text: str, start: int) -> int:
    end = start
    while end < len(text) and end - start < 12 and text[end] not in SENTENCE_END + "“\n":
        if text[end].isascii() and text[end] not in FOLDED and not text[end].isdigit():
            break
        if text[end].isspace():  # a wide space ends a field of a scraped line (作者：郭??明　时间：…)
            break
        end += 1
    return end


def _is_heading_line(text: str, index: int) -> bool:
    """A short line with no sentence punctuation: its `?` is a lost separator, not mojibake."""
    line_start = text.rfind("\n", 0, index) + 1
    line_end = text.find("\n", index)
    line = text[line_start : line_end if line_end >= 0 else len(text)].strip()
    return len(line) <= 24 and not any(c in line for c in "。，,；;：:“”")


def count_frequent_characters() -> list[str]:
    """The most frequent characters of jieba's dictionary (word frequencies summed per character) that make
    up COMMON_SHARE of all occurrences, most frequent first.

    jieba's dictionary is a maintained frequency list of some 350,000 words counted over large news and
    general corpora; GB2312, which decides "common" elsewhere, also holds 3,000 rare level-two characters
    that wrong realignments land on. Counting takes a second, so the result is kept in
    data/frequent_characters.txt (`scripts/frequent_characters.py` writes it; a test checks it against jieba).
    """
    import jieba

    counts: Counter[str] = Counter()
    with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), encoding="utf-8") as lines:
        for line in lines:
            word, freq, *_ = line.split(" ")
            for char in word:
                counts[char] += int(freq)
    ranked = [(char, count) for char, count in counts.most_common() if HAN.fullmatch(char)]
    total = sum(count for _, count in ranked)
    frequent: list[str] = []
    covered = 0
    for char, count in ranked:
        if covered >= COMMON_SHARE * total:
            break
        frequent.append(char)
        covered += count
    return frequent


def frequent_characters_file() -> str:
    """The text of data/frequent_characters.txt as jieba's dictionary gives it now."""
    chars = count_frequent_characters()
    lines = ["".join(chars[i : i + 50]) for i in range(0, len(chars), 50)]
    header = (
        f"# The characters that make up {COMMON_SHARE:.1%} of all occurrences in jieba's word-frequency dictionary,\n"
        "# most frequent first, 50 a line. Written by scripts/frequent_characters.py; do not edit by hand.\n"
    )
    return header + "\n".join(lines) + "\n"


@functools.cache
def frequent_characters() -> frozenset[str]:
    """The characters of data/frequent_characters.txt (see `count_frequent_characters`)."""
    text = resources.files(__package__).joinpath(FREQUENT_FILE).read_text(encoding="utf-8")
    return frozenset("".join(line for line in text.splitlines() if not line.startswith("#")))


@functools.cache
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def is_plausible(text: str) -> bool:
    """Every Han character of `text` is among the most frequent (compared in its Simplified form)."""
    frequent = frequent_characters()
    simplified: str = _t2s().convert(text)
    return all(char in frequent for char in HAN.findall(simplified))


def realign(span: str) -> str | None:
    """Undo a one-byte misread of GBK in `span` (which starts at the lost byte), or None if it cannot.

    The span's first `?` stands for the lost lead byte; the rest is re-encoded (folded punctuation
    unfolded), the lead byte restored, and the whole decoded afresh. The result is accepted only when it
    decodes cleanly, starts with punctuation in exactly one reading, has every Han character among the most
    frequent (`is_plausible`), and the misread run ends on an ASCII byte (where the original decoder got back
    in step).
    """
    if not span.startswith("?") or len(span) < 3:
        return None
    body = span[1:]
    encoded = bytearray()
    for char in body:
        char = FOLDED.get(char, char)
        try:
            encoded += char.encode("gbk")
        except UnicodeEncodeError:
            return None
    readings: list[str] = []
    for lead in range(0xA1, 0xFF):
        try:
            candidate = (bytes([lead]) + encoded).decode("gbk")
        except UnicodeDecodeError:
            continue
        if all(is_common_han(c) or c in PUNCTUATION or c.isascii() for c in candidate):
            readings.append(candidate)
    # The misread starts where a byte went missing, typically at a punctuation mark (GBK row A1-A3);
    # among the readings that decode cleanly, only one that starts with punctuation is unambiguous.
    punctuated = [r for r in readings if r[0] in PUNCTUATION]
    if len(punctuated) != 1 or not is_plausible(punctuated[0]):
        # Several readings, or one with a rare character: a guess, not a repair. The span stays as it is,
        # is marked as damaged and shown so, and waits for a maintainer's repair.
        return None
    return punctuated[0]


def realign_all(text: str) -> str:
    """Apply `realign` to every suspect span it can repair on its own."""
    pieces: list[str] = []
    cursor = 0
    for suspect in find_suspects(text):
        span = _realignable_span(text, suspect.start)
        if span is None:
            continue
        repaired = realign(span)
        if repaired is None:
            continue
        pieces.append(text[cursor : suspect.start])
        pieces.append(repaired)
        cursor = suspect.start + len(span)
    pieces.append(text[cursor:])
    return "".join(pieces)


def _realignable_span(text: str, start: int) -> str | None:
    """From the lost byte to the ASCII letter that ended the misread, if there is one within reach."""
    end = start + 1
    while end < len(text) and end - start <= 16:
        char = text[end]
        if char.isascii() and char not in FOLDED:
            # A trail byte in the ASCII range is where the decoder regained step: the letter belongs to the span.
            return text[start : end + 1] if char.isalpha() else None
        if not (_is_han(char) or char in FOLDED):
            return None
        end += 1
    return None
