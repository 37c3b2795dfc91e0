"""Slicing, themes, figures and measures on the seeds, and the rules that keep ids stable."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from digest.errors import DigestError
from digest.normalize.steps import to_traditional
from digest.project import Project
from digest.slice.citations import CitationError, locate
from digest.slice.corpus import corpus_data, full_text, slice_all
from digest.slice.figures import extract
from digest.slice.gather import gather
from digest.slice.measures import load_measures, measures_data
from digest.slice.outline import SlicingHints, outline_text, slice_report

ROOT = Path(__file__).resolve().parents[1]
CORPUS = gather(Project(ROOT))
OUTLINES = ROOT / "tests" / "cases" / "outlines"


@pytest.mark.parametrize("report_id", sorted(CORPUS.reports))
def test_outline_matches_the_hand_checked_one(report_id: str) -> None:
    """Regenerate after a deliberate change with: digest slice --report ID --no-themes > tests/cases/outlines/ID.txt"""
    expected = (OUTLINES / f"{report_id}.txt").read_text(encoding="utf-8").rstrip("\n")
    assert outline_text(CORPUS.reports[report_id].outline) == expected


def test_front_matter_goes_to_metadata() -> None:
    shangluo = CORPUS.reports["shangluo-2021-2025"].outline.front
    assert [f.kind for f in shangluo] == ["series", "byline"]
    xian = CORPUS.reports["xian-public-order-2023"].outline.front
    assert [f.kind for f in xian] == ["title", "highlight", "highlight", "highlight", "separator"]


def test_repeated_heading_kept_twice_with_a_warning() -> None:
    outline = CORPUS.reports["gansu-fengqiao-2021"].outline
    ids = [s.id for s in outline.sections]
    assert "cxlnsl-jcjcsxxky" in ids and "cxlnsl-jcjcsxxky-2" in ids
    assert len(outline.warnings) == 1 and outline.warnings[0].line == 27


def test_heading_and_body_on_one_line_are_split() -> None:
    report = CORPUS.reports["shaoxing-rule-of-law-2022"]
    section, paragraph = report.paragraph("s2-1-p1")  # type: ignore[misc]
    assert section.heading is not None and section.heading["zh-Hans"] == "（一）以改革创新为驱动，提高警务效能。"
    assert paragraph.text["zh-Hans"].startswith("牢牢把握")


def test_enumerations_become_paragraphs_with_lead_ins() -> None:
    report = CORPUS.reports["shaoxing-rule-of-law-2022"]
    leads = [p.lead["zh-Hans"] for s, p in report.outline.paragraphs() if s.id == "s1-1-1" and p.lead]
    assert leads == ["一是精心顶层设计。", "二是强势组织推进。", "三是激发改革活力。"]


def _texts(report_id: str) -> dict[str, str]:
    return dict(CORPUS.reports[report_id].normalized.result.texts)


def _both(hans: str) -> dict[str, str]:
    return {"zh-Hans": hans, "zh-Hant": to_traditional(hans)}


def test_ids_survive_an_edit_elsewhere() -> None:
    report_id = "xian-prevention-control-2021"
    texts = _texts(report_id)
    title = CORPUS.reports[report_id].normalized.source.title["zh-Hans"]
    before = slice_report(report_id, texts, title)
    hans = texts["zh-Hans"].replace("目前，西安市已完成升级改造25个", "目前，西安市已完成升级改造26个")
    after = slice_report(report_id, _both(hans.replace("历史更迭、穿越千年", "历史更迭、穿越千年，再添一句")), title)
    assert [p.id for _, p in before.paragraphs()] == [p.id for _, p in after.paragraphs()]
    added = texts["zh-Hans"].replace("圈层过滤除隐患\n", "圈层过滤除隐患\n新增的一个段落，插在这一节的开头。\n")
    with_new = slice_report(report_id, _both(added), title)
    other_sections = lambda o: [p.id for s, p in o.paragraphs() if s.id != "qcglcyh"]  # noqa: E731
    assert other_sections(before) == other_sections(with_new)


def test_sidecar_can_force_and_suppress_headings() -> None:
    report_id = "xian-prevention-control-2021"
    texts = _texts(report_id)
    title = CORPUS.reports[report_id].normalized.source.title["zh-Hans"]
    hints = SlicingHints(
        headings=frozenset({"“九州道路无豺虎，远行不劳吉日出。”这是杜甫笔下大唐盛世之长安写照。"}),
        not_headings=frozenset({"提升防控整体效能"}),
    )
    outline = slice_report(report_id, texts, title, hints)
    ids = [s.id for s in outline.sections]
    assert "tsfkztxn" not in ids
    assert any(s.heading and s.heading["zh-Hans"].startswith("“九州道路") for s in outline.sections)


def test_slicing_loses_no_character() -> None:
    for report in CORPUS.reports.values():
        pieces = [f.text["zh-Hans"] for f in report.outline.front]
        for section in report.outline.sections:
            pieces.append(section.heading["zh-Hans"] if section.heading else "")
            pieces += [full_text(p) for p in section.paragraphs]
        assert "".join(pieces) == report.normalized.result.texts["zh-Hans"].replace("\n", "")


def test_every_paragraph_has_one_to_three_themes_and_every_theme_two_regions() -> None:
    regions: dict[str, set[str]] = {}
    for report in CORPUS.reports.values():
        for _, paragraph in report.outline.paragraphs():
            tags = report.themes[paragraph.id]
            assert 1 <= len(tags) <= 3, paragraph.id
            for tag in tags:
                regions.setdefault(tag.theme, set()).add(report.normalized.source.region.name("en"))
    assert set(regions) == {t.id for t in CORPUS.themes}
    assert all(len(r) >= 2 for r in regions.values()), regions


def test_pinned_themes_override_the_tagger(tmp_path: Path) -> None:
    report = CORPUS.reports["xian-public-order-2023"]
    source = dataclasses.replace(report.normalized.source, slicing={"themes": {"lead-p1": ["major-events"]}})
    pinned = dataclasses.replace(report.normalized, source=source)
    sliced = slice_all([pinned], CORPUS.themes)[0]
    assert [t.theme for t in sliced.themes["lead-p1"]] == ["major-events"]
    bad = dataclasses.replace(report.normalized.source, slicing={"themes": {"nowhere-p9": ["major-events"]}})
    with pytest.raises(DigestError, match="unknown paragraph 'nowhere-p9'"):
        slice_all([dataclasses.replace(report.normalized, source=bad)], CORPUS.themes)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("全市110刑事报警数连续4年下降", [("trend", 4.0, "years 下降")]),
        ("聘任2.2万余名村干部", [("count", 22000.0, "名")]),
        ("受理数量同比增长397%", [("percent", 397.0, "%")]),
        ("投入4.5亿余元", [("count", 450000000.0, "元")]),
        ("上升2.48个百分点", [("points", 2.48, "percentage points")]),
        ("完成“1+9+N”系统", []),
    ],
)
def test_figures(text: str, expected: list[tuple[str, float, str]]) -> None:
    assert [(f.kind, f.value, f.unit) for f in extract(text)] == expected


def test_measures_cover_regions_and_cite_real_paragraphs() -> None:
    measures = CORPUS.measures
    assert len(measures) >= 8
    regions = {
        CORPUS.reports[v.citation.report].normalized.source.region.name("en") for m in measures for v in m.values
    }
    assert len(regions) >= 3
    wide = [
        m
        for m in measures
        if len({CORPUS.reports[v.citation.report].normalized.source.region.name("en") for v in m.values}) >= 3
    ]
    assert len(wide) >= 5
    community = next(m for m in measures if m.id == "community-police-share")
    assert {v.citation.report: v.value for v in community.values} == {
        "gansu-fengqiao-2021": 57,
        "shangluo-2021-2025": 43,
        "shaoxing-rule-of-law-2022": 41,
    }


def test_a_wrong_measure_value_fails_the_build(tmp_path: Path) -> None:
    text = (ROOT / "data" / "measures.yml").read_text(encoding="utf-8")
    broken = tmp_path / "measures.yml"
    broken.write_text(text.replace("value: 57\n", "value: 75\n", 1), encoding="utf-8")
    with pytest.raises(DigestError, match="value 75 does not match '57%'"):
        load_measures(broken, CORPUS.reports, {t.id for t in CORPUS.themes})
    broken.write_text(text.replace('text: "57%"', 'text: "58%"', 1), encoding="utf-8")
    with pytest.raises(DigestError, match="'58%' is not in the quoted paragraph"):
        load_measures(broken, CORPUS.reports, {t.id for t in CORPUS.themes})


def test_citations_locate_exactly_one_paragraph() -> None:
    found = locate(CORPUS.reports, "gansu-fengqiao-2021", "社区民警达到派出所警力的57%")
    assert found.paragraph == "cxlnsl-jcjcsxxky-p2"
    with pytest.raises(CitationError, match="not in"):
        locate(CORPUS.reports, "gansu-fengqiao-2021", "这句话不在报告里")
    with pytest.raises(CitationError, match="paragraphs"):
        locate(CORPUS.reports, "gansu-fengqiao-2021", "派出所")


def test_corpus_json_has_the_documented_shape() -> None:
    data = corpus_data(list(CORPUS.reports.values()), CORPUS.themes, measures_data(CORPUS.measures, CORPUS.reports))
    json.dumps(data, ensure_ascii=False)
    assert set(data) == {"schema_version", "reports", "themes", "measures"}
    report = data["reports"][0]
    assert {"id", "title", "region", "date", "genre", "sections", "front", "facts"} <= set(report)
    paragraph = report["sections"][0]["paragraphs"][0]
    assert set(paragraph) == {"id", "kind", "lead", "text", "themes", "figures"}
    assert set(paragraph["text"]) == {"zh-Hans", "zh-Hant"}
    assert (ROOT / "docs" / "corpus-schema.md").read_text(encoding="utf-8").count("`figures`") >= 1


def test_a_repeated_heading_never_takes_the_id_of_a_numbered_one() -> None:
    """The second （一） under 一、 is kept as s1-1-2, and the numbered 2. under it, 1.1.2 too, gets an id
    of its own: no two paragraphs share an id (term matches and anchors are looked up by it)."""
    text = "\n".join(
        [
            "一、总体情况",
            "（一）第一项工作。",
            "开展了工作。",
            "（一）又一项工作。",
            "又开展了工作。",
            "2.第二小项。",
            "完成了任务。",
        ]
    )
    outline = slice_report("repeats", {"zh-Hans": text, "zh-Hant": text}, "标题")
    section_ids = [s.id for s in outline.sections]
    paragraph_ids = [p.id for _, p in outline.paragraphs()]
    assert len(set(section_ids)) == len(section_ids), section_ids
    assert len(set(paragraph_ids)) == len(paragraph_ids), paragraph_ids
    assert section_ids == ["s1", "s1-1", "s1-1-2", "s1-1-2-1"]
