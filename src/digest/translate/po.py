"""Strict reading of gettext PO files, before Babel parses them.

Babel's reader is lenient where a translation would be lost without a word: it reads an unterminated
string up to the end of the line and goes on, and of two entries for one unit (a merge conflict resolved
badly) it keeps one. This check follows GNU gettext's grammar, as `msgfmt -c` does, and reports each such
fault with its line, as it does invisible controls (see controls.py); comments (`#`, `#.`, `#:`, `#,`, `#|`, obsolete `#~`) are not checked.
"""

from __future__ import annotations

import re
from pathlib import Path

from digest.controls import invisible_problems
from digest.errors import DigestError, Problem

STRING = r'"(?:[^"\\]|\\["\\abfnrtv?]|\\[0-7]{1,3}|\\x[0-9A-Fa-f]+)*"'
KEYWORD_LINE = re.compile(rf"^\s*(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+({STRING})\s*$")
KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(\[\d+\])?)(\s|$)")
CONTINUATION = re.compile(rf"^\s*({STRING})\s*$")
HINT = "open the file in Poedit or run `msgfmt -c` on it to see the fault"


def _fault(path: Path, line: int, message: str, hint: str = HINT) -> Problem:
    return Problem(str(path), message, line, hint)


def check_po(data: bytes, path: Path) -> None:
    """Raise a located DigestError for every syntax fault and every duplicate entry in a PO file's bytes."""
    text = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
    problems: list[Problem] = invisible_problems(text, path)
    seen: dict[tuple[str, str], int] = {}
    entry: dict[str, str] = {}
    entry_line = 0
    field = ""  # the keyword whose string a continuation line extends

    def close() -> None:
        if not entry:
            return
        if "msgid" not in entry:
            problems.append(_fault(path, entry_line, "an entry without msgid"))
        elif not any(name.startswith("msgstr") for name in entry):
            problems.append(_fault(path, entry_line, "an entry without msgstr"))
        else:
            identity = (entry.get("msgctxt", "\0"), entry["msgid"])
            if identity in seen:
                where = f"msgctxt {entry['msgctxt']} " if "msgctxt" in entry else ""
                problems.append(
                    _fault(
                        path,
                        entry_line,
                        f"duplicate entry for {where}msgid {entry['msgid'][:60]} (first at line {seen[identity]})",
                        "keep one of the two; a merge may have doubled it",
                    )
                )
            else:
                seen[identity] = entry_line

    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        keyword = KEYWORD_LINE.match(line)
        if keyword:
            name, value = keyword.group(1), keyword.group(2)
            if name == "msgctxt" or (name == "msgid" and set(entry) != {"msgctxt"}):
                close()
                entry, entry_line = {}, number
            elif name in entry:
                problems.append(_fault(path, number, f"a second {name} in one entry"))
            elif name != "msgid" and "msgid" not in entry:
                problems.append(_fault(path, number, f"{name} before its msgid"))
            entry[name] = value
            field = name
            continue
        continuation = CONTINUATION.match(line)
        if continuation and field:
            entry[field] += continuation.group(1)
            continue
        if stripped.count('"') % 2 == 1 or (stripped.startswith('"') and not stripped.endswith('"')):
            problems.append(_fault(path, number, "a string is not terminated on its line"))
        elif stripped.startswith('"') or KEYWORD.match(stripped):
            problems.append(_fault(path, number, f"a malformed string or an unknown escape: {stripped[:40]}"))
        else:
            problems.append(_fault(path, number, f"unknown or misformatted keyword: {stripped.split()[0][:30]}"))
        field = ""
    close()
    if problems:
        raise DigestError(problems)
