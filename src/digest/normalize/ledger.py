"""The edit ledger: what each normalization step changed, precise enough to rebuild its input exactly."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Edit:
    """`before` at offset `start` of the step's input became `after`."""

    start: int
    before: str
    after: str


@dataclass(frozen=True)
class StepRecord:
    """One step's run: its name and every edit it made, in input order."""

    name: str
    edits: tuple[Edit, ...]

    @property
    def changed(self) -> bool:
        return bool(self.edits)


def diff(before: str, after: str) -> tuple[Edit, ...]:
    """The edits turning `before` into `after`: lines aligned first, then characters inside changed blocks.

    Aligning lines first keeps this fast on large inputs (one hashed line is one token), and the
    character pass keeps each recorded edit as small as the change it describes.
    """
    if before == after:
        return ()
    old_lines = before.splitlines(keepends=True)
    new_lines = after.splitlines(keepends=True)
    old_offsets = _offsets(old_lines)
    edits: list[Edit] = []
    opcodes: Sequence[tuple[str, int, int, int, int]]
    if len(old_lines) == len(new_lines):
        # Most steps keep every line: pair them directly instead of aligning (which is quadratic on repeats).
        opcodes = [
            ("equal" if a == b else "replace", i, i + 1, i, i + 1)
            for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=True))
        ]
    else:
        # Exact alignment for report-sized texts; past that, difflib's junk heuristic keeps it near linear.
        exact = len(old_lines) + len(new_lines) < 4000
        opcodes = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=not exact).get_opcodes()
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            continue
        old_block = "".join(old_lines[i1:i2])
        new_block = "".join(new_lines[j1:j2])
        base = old_offsets[i1]
        if tag == "replace" and i2 - i1 == j2 - j1:
            # Line for line (most steps keep the lines): a character diff per pair stays small.
            for k in range(i2 - i1):
                edits.extend(_char_edits(old_lines[i1 + k], new_lines[j1 + k], old_offsets[i1 + k]))
        elif tag == "replace" and len(old_block) * len(new_block) < 20_000_000:
            edits.extend(_char_edits(old_block, new_block, base))
        else:
            edits.append(Edit(base, old_block, new_block))
    return tuple(edits)


def _offsets(lines: list[str]) -> list[int]:
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    return offsets


def _char_edits(old: str, new: str, base: int) -> list[Edit]:
    """Character edits inside one changed block: the common ends trimmed, then the middle compared."""
    head = 0
    limit = min(len(old), len(new))
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    old_mid, new_mid = old[head : len(old) - tail], new[head : len(new) - tail]
    base += head
    if len(old_mid) == len(new_mid):
        # Same length (script conversion, punctuation folding): character substitutions in place, which
        # is what such steps do, found in one pass instead of by alignment.
        return _substitutions(old_mid, new_mid, base)
    if len(new_mid) < len(old_mid):
        deletions = _deletions(old_mid, new_mid, base)
        if deletions is not None:
            return deletions
    matcher = difflib.SequenceMatcher(None, old_mid, new_mid, autojunk=False)
    return [
        Edit(base + i1, old_mid[i1:i2], new_mid[j1:j2])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def _deletions(old: str, new: str, base: int) -> list[Edit] | None:
    """The spans removed from `old` to leave `new` (pinyin, chrome) in one pass, or None when `new` is not
    `old` with spans removed. A span that could sit at several places (`區(qū)(域` losing `(qū)` or
    `qū)(`) is put at the leftmost, as the alignment would."""
    spans: list[tuple[int, int]] = []
    i = 0
    for char in new:
        found = old.find(char, i)
        if found < 0:
            return None
        if found > i:
            start, stop = i, found
            floor = spans[-1][1] + 1 if spans else 0
            while start > floor and old[start - 1] == old[stop - 1]:
                start, stop = start - 1, stop - 1
            spans.append((start, stop))
        i = found + 1
    if i < len(old):
        spans.append((i, len(old)))
    return [Edit(base + start, old[start:stop], "") for start, stop in spans]


def _substitutions(old: str, new: str, base: int) -> list[Edit]:
    """Runs of differing characters between two strings of equal length."""
    edits: list[Edit] = []
    start = -1
    for index, (a, b) in enumerate(zip(old, new, strict=True)):
        if a != b:
            if start < 0:
                start = index
        elif start >= 0:
            edits.append(Edit(base + start, old[start:index], new[start:index]))
            start = -1
    if start >= 0:
        edits.append(Edit(base + start, old[start:], new[start:]))
    return edits


def apply(text: str, edits: tuple[Edit, ...]) -> str:
    """Replay edits on the step's input (the forward direction)."""
    pieces: list[str] = []
    cursor = 0
    for edit in edits:
        pieces.append(text[cursor : edit.start])
        pieces.append(edit.after)
        cursor = edit.start + len(edit.before)
    pieces.append(text[cursor:])
    return "".join(pieces)


def invert(text: str, edits: tuple[Edit, ...]) -> str:
    """Rebuild a step's input from its output and its edits."""
    pieces: list[str] = []
    cursor = 0  # in the output
    shift = 0  # output offset minus input offset, so far
    for edit in edits:
        out_start = edit.start + shift
        pieces.append(text[cursor:out_start])
        pieces.append(edit.before)
        cursor = out_start + len(edit.after)
        shift += len(edit.after) - len(edit.before)
    pieces.append(text[cursor:])
    return "".join(pieces)


def map_back(offset: int, edits: tuple[Edit, ...]) -> int:
    """The offset in a step's input of what sits at `offset` in its output (an edit maps to its start)."""
    shift = 0
    for edit in edits:
        out_start = edit.start + shift
        if offset < out_start:
            break
        if offset < out_start + len(edit.after):
            return edit.start
        shift += len(edit.after) - len(edit.before)
    return offset - shift


def to_json(records: tuple[StepRecord, ...]) -> list[dict[str, object]]:
    return [
        {"step": r.name, "edits": [{"at": e.start, "before": e.before, "after": e.after} for e in r.edits]}
        for r in records
    ]


def from_json(data: list[dict[str, object]]) -> tuple[StepRecord, ...]:
    records = []
    for item in data:
        raw_edits = item["edits"]
        assert isinstance(raw_edits, list)
        edits = tuple(Edit(int(e["at"]), str(e["before"]), str(e["after"])) for e in raw_edits)
        records.append(StepRecord(str(item["step"]), edits))
    return tuple(records)
