"""Ingest: turn a raw report's bytes into text, detecting (not trusting) its encoding and its script."""

from __future__ import annotations

import codecs
import contextlib
import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from digest.errors import fail

HAN_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs, extension A, compatibility
HAN = re.compile(f"[{HAN_RANGES}]")
# Encodings tried, in order, for text without a byte-order mark.
LEGACY_CHINESE = ("gb18030", "big5")


@dataclass(frozen=True)
class Decoded:
    """A raw file read as text, with the encoding that read it (several when lines disagree)."""

    text: str
    encoding: str
    line_encodings: dict[str, int] = field(default_factory=dict)


@functools.cache
def _common_han() -> frozenset[str]:
    """Characters of everyday Chinese: GB2312 (Simplified) plus Big5's frequent block (Traditional)."""
    chars: set[str] = set()
    for lead in range(0xB0, 0xF8):
        for trail in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes([lead, trail]).decode("gb2312"))
    for lead in range(0xA4, 0xC7):
        for trail in [*range(0x40, 0x7F), *range(0xA1, 0xFF)]:
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes([lead, trail]).decode("big5"))
    return frozenset(chars)


def is_common_han(char: str) -> bool:
    return char in _common_han()


def plausibility(text: str) -> float:
    """Share of Han characters that are everyday ones: wrong decodings of Chinese score far lower."""
    han = HAN.findall(text)
    if not han:
        return 0.0
    common = _common_han()
    return sum(1 for c in han if c in common) / len(han)


def _looks_utf16(data: bytes) -> str | None:
    if len(data) < 4 or len(data) % 2:
        return None
    even_nul = data[0::2].count(0) / (len(data) / 2)
    odd_nul = data[1::2].count(0) / (len(data) / 2)
    # ASCII-range code units leave a NUL in their high byte; Chinese text in UTF-16 has few NULs but
    # decodes to Han characters. Try both byte orders and keep the one that reads as text.
    candidates = []
    for name, nul_share in (("utf-16-le", odd_nul), ("utf-16-be", even_nul)):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        printable = sum(1 for c in text if c.isprintable() or c in "\r\n\t") / max(len(text), 1)
        score = plausibility(text) + nul_share
        if printable > 0.95 and (nul_share > 0.2 or plausibility(text) > 0.9):
            candidates.append((score, name))
    return max(candidates)[1] if candidates else None


def _decode_whole(data: bytes) -> tuple[str, str] | None:
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError:
                return None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # UTF-8 whose only flaw is encoded lone surrogates (as some exporters write): keep them for the
        # control_characters step, which removes them and records it.
        return data.decode("utf-8", "surrogatepass"), "utf-8 (lone surrogates)"
    except UnicodeDecodeError:
        pass
    utf16 = _looks_utf16(data)
    if utf16:
        return data.decode(utf16), utf16
    readings = []
    for name in LEGACY_CHINESE:
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        readings.append((plausibility(text), name, text))
    if not readings:
        return None
    best = max(readings)
    return best[2], best[1]


_C1_AS_TEXT = {c: "x" for c in range(0x80, 0xA0)}


def _is_binary(text: str) -> bool:
    sample = text[:65536]
    controls = sum(1 for c in sample if (c < "\x20" and c not in "\t\n\r\x00") or "\x7f" <= c < "\xa0")
    return controls / max(len(sample), 1) > 0.05


MAX_MEGABYTES = float(os.environ.get("DIGEST_MAX_REPORT_MB", "16"))


def decode(data: bytes, path: Path) -> Decoded:
    """Read bytes as text. Whole-file encodings first; failing that, line by line (mixed-encoding scrapes)."""
    size = len(data) / 1e6
    if size > MAX_MEGABYTES:
        raise fail(
            path,
            f"the file is {size:.1f} MB; reports over {MAX_MEGABYTES:g} MB are refused as likely not a single report",
            hint="split it into reports, or raise DIGEST_MAX_REPORT_MB",
        )
    if not data.strip():
        raise fail(path, "the file is empty", hint="remove it or replace it with the report's text")
    binary = fail(path, "this looks like a binary file, not a text report", hint="export the report as plain text")
    whole = _decode_whole(data)
    if whole is not None:
        if _is_binary(whole[0]):
            raise binary
        return Decoded(text=whole[0], encoding=whole[1])
    if _is_binary(data.decode("latin-1").translate(_C1_AS_TEXT)):
        raise binary
    pieces: list[str] = []
    counts: dict[str, int] = {}
    for number, raw_line in enumerate(data.splitlines(keepends=True), 1):
        line = _decode_whole(raw_line) if raw_line.strip() else (raw_line.decode("ascii", "replace"), "ascii")
        if line is None:
            raise fail(
                path,
                "cannot decode this line as UTF-8, GB18030 or Big5",
                line=number,
                hint="re-save the report as UTF-8",
            )
        pieces.append(line[0])
        counts[line[1]] = counts.get(line[1], 0) + 1
    main = max(counts, key=lambda name: counts[name])
    return Decoded(text="".join(pieces), encoding="mixed" if len(counts) > 1 else main, line_encodings=counts)


@functools.cache
def _converters() -> tuple[object, object]:
    import opencc

    return opencc.OpenCC("t2s"), opencc.OpenCC("s2t")


def detect_script(text: str) -> str:
    """'zh-Hant' or 'zh-Hans': which of the two scripts the characters are written in."""
    t2s, s2t = _converters()
    han = "".join(HAN.findall(text))
    if not han:
        return "zh-Hans"
    to_simplified = t2s.convert(han)  # type: ignore[attr-defined]
    to_traditional = s2t.convert(han)  # type: ignore[attr-defined]
    traditional_only = sum(1 for a, b in zip(han, to_simplified, strict=False) if a != b)
    simplified_only = sum(1 for a, b in zip(han, to_traditional, strict=False) if a != b)
    return "zh-Hant" if traditional_only > simplified_only else "zh-Hans"


def read_raw(path: Path) -> Decoded:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise fail(path, f"cannot read: {exc.strerror}") from exc
    return decode(data, path)
