"""Mojibake: spans where a GBK page was read one byte out of step, and the byte-realignment repair.

A GBK decoder that loses one byte reads every following pair across a character boundary, turning
`。科技賦能` (a1a3 bfc6 bcbc d978 c4dc) into `??萍假x能` until an ASCII byte puts it back in step. Encoding
the damaged span back to GBK, restoring the lost lead byte and decoding again undoes that, when no other
byte was lost. Spans that cannot be undone this way are left for the maintainer's repairs file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..ingest import HAN, is_common_han

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
        end += 1
    return end


def _is_heading_line(text: str, index: int) -> bool:
    """A short line with no sentence punctuation: its `?` is a lost separator, not mojibake."""
    line_start = text.rfind("\n", 0, index) + 1
    line_end = text.find("\n", index)
    line = text[line_start : line_end if line_end >= 0 else len(text)].strip()
    return len(line) <= 24 and not any(c in line for c in "。，,；;：:“”")


def realign(span: str) -> str | None:
    """Undo a one-byte misread of GBK in `span` (which starts at the lost byte), or None if it cannot.

    The span's first `?` stands for the lost lead byte; the rest is re-encoded (folded punctuation
    unfolded), the lead byte restored, and the whole decoded afresh. The result is accepted only when it
    decodes cleanly into everyday characters and the misread run ends on an ASCII byte (where the
    original decoder got back in step).
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
    return punctuated[0] if len(punctuated) == 1 else None


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
