"""`digest new-report` reads the page: the labelled pages in cases/scaffold.yml, and a whole new report from an
unfamiliar site added and built with no edit to data/ (the walk-through in docs/maintainers.md)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import digest
from digest.normalize.steps import chrome_rules
from digest.scaffold import is_furniture, scaffold

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "scaffold.yml").read_text(encoding="utf-8"))
ROOT = Path(__file__).resolve().parents[1]
# A page with no headline and no date (furniture, then the body): the walk-through builds it too.
BARE = next(case for case in CASES if case["label"].startswith("negative: a pager, breadcrumb"))
EXAMPLE = ROOT / "docs" / "examples" / "lusong-village-auxiliary-police.txt"
CHROME = chrome_rules(ROOT / "data" / "chrome.yml")


def field(data: dict[str, Any], dotted: str) -> Any:
    value: Any = data
    for part in dotted.split("."):
        value = (value or {}).get(part) if isinstance(value, dict) else None
    return "" if value is None else value


@pytest.mark.parametrize("case", CASES, ids=[c["label"] for c in CASES])
def test_page(case: dict[str, Any], tmp_path: Path) -> None:
    raw = tmp_path / "page.txt"
    raw.write_text(case["page"], encoding="utf-8")
    text = scaffold(raw, chrome=CHROME).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    for key, expected in case["expect"].items():
        if key.endswith("!~"):
            assert expected not in str(field(data, key[:-2])), (key, data)
        elif key.endswith("~"):
            assert expected in str(field(data, key[:-1])), (key, data)
        else:
            assert field(data, key) == expected, (key, data)
    for key, words in (case.get("comment~") or {}).items():
        comment = re.search(rf"^# {key}: (.*)$", text, re.M)
        assert comment and words in comment.group(1), text


def test_every_guess_says_where_it_came_from(tmp_path: Path) -> None:
    raw = tmp_path / EXAMPLE.name
    shutil.copy(EXAMPLE, raw)
    text = scaffold(raw, chrome=CHROME).read_text(encoding="utf-8")
    for key in ("title", "region", "publisher", "date", "genre"):
        assert re.search(rf"^# {key}: guessed: \S", text, re.M), key
    # The headline is printed twice (lines 3 and 4); either is where it came from.
    assert re.search(r"^# title: guessed: line [34]\b", text, re.M), "the raw file's line of the headline"


@pytest.mark.parametrize(
    ("line", "furniture"),
    [
        ("首页 | 警务动态 | 警方提示 | 办事指南 | 互动交流", True),
        ("当前位置：首页 > 警务动态 > 正文", True),
        ("发布时间：2024-03-18 09:30 来源：株洲日报 浏览次数：1268", True),
        ("上一篇：株洲警方开展春季道路交通安全整治", True),
        ("版权所有：株洲市公安局 湘ICP备12345678号", True),
        ("2024-03-18 09:30", True),
        ("原创 平安德阳 平安德阳 2024-03-05 18:30 发表于四川", True),
        ("转载自：中国警察网　2023-08-21 10:15", True),
        ("上一版  下一版", True),
        ("芦淞公安“一村一辅警”织密乡村平安防护网", False),
        ("政治引领铸忠诚 素质强警提质效", False),  # a heading with a space is no navigation bar
        ("民警在走访中向群众推荐了“平安株洲”公众号。", False),  # a sentence naming a 公众号
    ],
)
def test_furniture_lines(line: str, furniture: bool) -> None:
    assert is_furniture(line, CHROME) is furniture


def test_a_new_report_from_an_unfamiliar_site_builds_with_no_edit_to_data(project_copy: Path) -> None:
    """The walk-through of docs/maintainers.md: new-report, then build; the sidecar as scaffolded."""
    data_before = {p: p.read_bytes() for p in (project_copy / "data").rglob("*") if p.is_file()}
    raw = project_copy / "source_texts" / EXAMPLE.name
    shutil.copy(EXAMPLE, raw)
    made = digest("new-report", str(raw), cwd=project_copy)
    assert made.returncode == 0, made.stderr
    sidecar = yaml.safe_load(raw.with_suffix(".yml").read_text(encoding="utf-8"))
    assert sidecar["title"]["zh-Hans"] == "芦淞公安“一村一辅警”织密乡村平安防护网"
    assert sidecar["date"] == {"value": "2024-03-18", "kind": "published"}
    assert sidecar["region"]["province"]["zh-Hans"] == "湖南省"
    assert sidecar["region"]["city"] == {"zh-Hans": "株洲市", "zh-Hant": "株洲市", "en": "Zhuzhou"}
    # A page that states no headline and no date builds too, its unknowns shown as unknown; its damaged
    # span, which no repair restores, is shown marked.
    bare = project_copy / "source_texts" / "bare-page.txt"
    bare.write_text(BARE["page"] + "民警前往?搬又輆pp开展工作,群众纷纷点赞。\n", encoding="utf-8")
    assert digest("new-report", str(bare), cwd=project_copy).returncode == 0
    bare_id = yaml.safe_load(bare.with_suffix(".yml").read_text(encoding="utf-8"))["id"]
    built = digest("build", "--no-site", cwd=project_copy)
    assert built.returncode == 0, built.stderr
    assert "error" not in built.stderr
    assert re.search(r"lusong-village-auxiliary-police\.yml:\d+: warning: 'title' lacks its en form", built.stderr)
    page = (project_copy / "build" / "pages" / "reports" / f"{sidecar['id']}.zh.md").read_text(encoding="utf-8")
    text = (project_copy / "build" / "normalized" / f"{sidecar['id']}.zh-Hans.txt").read_text(encoding="utf-8")
    assert "(fǔ)" not in text and "辅警全覆盖" in text, "pinyin removed"
    assert text.count("芦淞公安“一村一辅警”织密乡村平安防护网") == 1, "the doubled headline dropped"
    assert "阿依古丽·吐尔逊" in text and "“一村一辅警”工作机制" in text and "大事不出镇。" in text
    assert "# 芦淞公安“一村一辅警”织密乡村平安防护网" in page
    bare_page = (project_copy / "build" / "pages" / "reports" / f"{bare_id}.zh.md").read_text(encoding="utf-8")
    assert "# 不详" in bare_page and "<th>日期</th><td>不详</td>" in bare_page
    assert re.search(r"bare-page\.yml:\d+: warning: the date is not known", built.stderr)
    assert re.search(r"bare-page\.txt:\d+: warning: unrepaired suspect span '\?搬又輆'", built.stderr)
    assert '<span class="damaged">⦃?搬又輆⦄</span>pp开展工作' in bare_page
    assert "⦃ 与 ⦄ 之间的文字在原文中已损坏" in bare_page
    assert re.search(r"<strong>damage_marks</strong>.*<code>\?搬又輆</code>", bare_page, re.S)
    assert {p: p.read_bytes() for p in (project_copy / "data").rglob("*") if p.is_file()} == data_before
