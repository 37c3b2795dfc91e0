"""Invisible controls: removed from raw reports by a registered, ledgered step; refused in maintained files."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.controls import INVISIBLE, invisible_problems
from digest.normalize import normalize_text, rebuild_raw
from digest.normalize.steps import chrome_rules

ROOT = Path(__file__).resolve().parents[1]
CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2061\u2064\ufff9\ufffb"


def test_normalization_removes_each_control_and_the_ledger_gives_the_raw_text_back() -> None:
    raw = "".join(f"西安市公安局{c}共破获案件{i}起。\n" for i, c in enumerate(CONTROLS))
    result = normalize_text(raw, (), chrome_rules(ROOT / "data" / "chrome.yml"))
    for text in result.texts.values():
        assert not INVISIBLE.search(text)
    record = next(r for r in result.steps if r.name == "invisible_controls")
    assert sorted(e.before for e in record.edits) == sorted(CONTROLS)
    assert all(e.after == "" for e in record.edits)
    assert rebuild_raw(result, "zh-Hans") == raw


@pytest.mark.parametrize("char", list(CONTROLS))
def test_a_maintained_file_with_a_control_is_refused_at_its_line_and_column(char: str) -> None:
    problems = invisible_problems(f"first line\nsecond {char}line\n", "glossary/x.yml")
    assert [(p.line, p.severity) for p in problems] == [(2, "error")]
    assert f"U+{ord(char):04X}" in problems[0].message and "at column 8" in problems[0].message


def test_ordinary_text_passes() -> None:
    text = "西安市公安局，“枫桥经验”——（一）\u3000共建共治共享…\nEnglish — text’s quotes, and Ελληνικά, العربية\n"
    assert invisible_problems(text, "x") == []
