"""Furniture and outline on labelled pages of many kinds of site (tests/cases/furniture/*.yml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from digest.errors import DigestError
from digest.ingest.decode import HAN
from digest.normalize import normalize_text
from digest.normalize.furniture import CLASSES, chrome_rules, classify, probe
from digest.slice.outline import Outline, slice_report

ROOT = Path(__file__).resolve().parents[1]
CHROME = chrome_rules(ROOT / "data" / "chrome.yml")
CASE_FILES = sorted((ROOT / "tests" / "cases" / "furniture").glob("*.yml"))
CASES = {path.stem: yaml.safe_load(path.read_text(encoding="utf-8")) for path in CASE_FILES}
KEPT = {"title", "series", "byline", "dateline", "caption", "heading", "body"}


def _page(case: dict[str, Any]) -> str:
    return "\n".join(text for _, text in case["lines"]) + "\n"


def _han(text: str) -> str:
    """The Han characters of a line, in Simplified (the outline is compared in zh-Hans, pages may be Traditional)."""
    return "".join(HAN.findall(probe(text)))


def _kinds(outline: Outline) -> tuple[dict[str, str], str]:
    """Each front line, heading and caption by its Han characters, and all prose run together."""
    kinds = {_han(f.text["zh-Hans"]): f.kind for f in outline.front}
    prose = []
    for section in outline.sections:
        if section.heading:
            kinds[_han(section.heading["zh-Hans"])] = "heading"
        for paragraph in section.paragraphs:
            text = (paragraph.lead or {}).get("zh-Hans", "") + paragraph.text["zh-Hans"]
            if paragraph.kind == "caption":
                kinds[_han(text)] = "caption"
            else:
                prose.append(_han(text))
    return kinds, "".join(prose)


def test_cases_cover_fifteen_kinds_of_site_and_every_rule() -> None:
    assert len(CASES) >= 15
    used = set()
    for case in CASES.values():
        used |= {label.rule.name for label in classify(_page(case), CHROME).values()}
    assert {rule.name for rule in CHROME} <= used, "a rule with no labelled case"
    labels = {label for case in CASES.values() for label, _ in case["lines"]}
    assert labels <= KEPT | set(CLASSES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_furniture_removed_with_its_class(name: str) -> None:
    case = CASES[name]
    result = normalize_text(_page(case), (), CHROME)
    expected = [
        (number, label, text.strip()) for number, (label, text) in enumerate(case["lines"], 1) if label not in KEPT
    ]
    assert [(r.line, r.klass, r.text) for r in result.furniture] == expected
    for key, value in (case.get("facts") or {}).items():
        assert result.facts.get(key) == str(value), key


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_report_lines_kept_as_what_they_are(name: str) -> None:
    case = CASES[name]
    result = normalize_text(_page(case), (), CHROME)
    # The sidecar's zh-Hans title, as the build passes it.
    outline = slice_report(name, result.texts, probe(case["title"]))
    kinds, prose = _kinds(outline)
    for label, text in case["lines"]:
        if label == "body":
            assert _han(text) in prose and kinds.get(_han(text)) is None, text
        elif label in KEPT:
            assert kinds.get(_han(text)) == label, text
    headings = [s.heading["zh-Hans"] for s in outline.sections if s.heading]
    assert len(headings) == sum(1 for label, _ in case["lines"] if label == "heading")


def test_the_same_page_in_traditional_gives_the_same_classes() -> None:
    from digest.normalize.steps import to_traditional

    for case in CASES.values():
        page = _page(case)
        simplified = [(r.line, r.klass) for r in normalize_text(page, (), CHROME).furniture]
        assert [(r.line, r.klass) for r in normalize_text(to_traditional(page), (), CHROME).furniture] == simplified


def test_furniture_only_at_the_edges_when_the_rule_says_so() -> None:
    """A footer-like or contact-like line between two paragraphs of prose is the report's, not furniture."""
    prose = "全市公安机关坚持以人民为中心，扎实推进社区警务改革，群众安全感持续提升。"
    inside = f"{prose}\n地址：西安市雁塔区xx路xx号\n版权所有者的权益也得到保护\n{prose}\n"
    assert normalize_text(inside, (), CHROME).furniture == ()
    outside = f"{prose}\n地址：西安市雁塔区xx路xx号\n"
    assert [r.klass for r in normalize_text(outside, (), CHROME).furniture] == ["contact"]


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ("- {name: a, class: menu, about: x, pattern: '^x'}\n", r"chrome.yml:1: error: unknown class 'menu'"),
        ("- {name: a, class: footer, about: x, pattern: '('}\n", r"chrome.yml:1: error: bad pattern"),
        ("- {name: a, class: footer, about: x}\n", r"neither `pattern` nor `segments`"),
        ("- {name: a, class: footer, about: x, pattern: x, where: middle}\n", r"unknown place 'middle'"),
        ("- {name: a, class: footer, about: x, segments: {min: many}}\n", r"segments needs whole numbers"),
        (
            "- {name: a, class: footer, about: x, pattern: x}\n- {name: a, class: footer, about: y, pattern: y}\n",
            r"chrome.yml:2: error: rule 'a' defined twice",
        ),
    ],
)
def test_bad_rules_are_named_by_file_and_line(tmp_path: Path, rules: str, message: str) -> None:
    path = tmp_path / "chrome.yml"
    path.write_text(rules, encoding="utf-8")
    with pytest.raises(DigestError, match=message):
        chrome_rules(path)


def test_a_headline_above_the_byline_is_the_title_even_when_the_sidecar_words_it_otherwise() -> None:
    page = "守护一方平安\n护航高质量发展\n本报记者 王五\n五年来，全市公安机关坚持以人民为中心，全力防风险、保安全、护稳定、促发展。\n"
    result = normalize_text(page, (), CHROME)
    outline = slice_report("x", result.texts, "商洛公安五年成就")
    assert [f.kind for f in outline.front] == ["title", "title", "byline"]
    # Without a byline below them, two short opening lines are headings, as before.
    outline = slice_report("x", normalize_text(page.replace("本报记者 王五\n", ""), (), CHROME).texts, "商洛公安")
    assert outline.front == () and len([s for s in outline.sections if s.heading]) == 2
