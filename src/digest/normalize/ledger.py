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
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return [Edit(base + i1, old[i1:i2], new[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


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
