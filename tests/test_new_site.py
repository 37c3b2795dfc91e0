"""End to end: a report from a site the furniture rules have never seen, added with no edit to data/."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import copy_project
from digest.build import build
from digest.project import Project

CASE = Path(__file__).parent / "cases" / "new-site"
FURNITURE = [
    "网站首页",
    "当前位置",
    "发布时间",
    "分享到",
    "责任编辑",
    "打印本页",
    "相关新闻",
    "跨省盗窃案",
    "上一篇",
    "扫一扫",
    "版权所有",
    "ICP",
    "0912-",
]


def test_a_page_from_an_unfamiliar_site_comes_out_clean(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    data_before = {p.name: p.read_bytes() for p in (project / "data").iterdir()}
    for name in ("yulin-police-2023.txt", "yulin-police-2023.yml"):
        shutil.copy(CASE / name, project / "source_texts" / name)
    build(Project(project), site=False)
    assert {p.name: p.read_bytes() for p in (project / "data").iterdir()} == data_before

    corpus = json.loads((project / "build" / "pages" / "downloads" / "corpus.json").read_text(encoding="utf-8"))
    report = next(r for r in corpus["reports"] if r["id"] == "yulin-police-2023")
    front = [(f["kind"], f["text"]["zh-Hans"]) for f in report["front"]]
    assert front == [
        ("title", "榆林公安深化派出所工作改革"),
        ("title", "推动基层治理提质增效"),
        ("byline", "记者 周一 通讯员 吴二"),
    ]
    outline = [(s["id"], (s["heading"] or {}).get("zh-Hans")) for s in report["sections"]]
    assert outline == [
        ("lead", None),
        ("s1", "一、推行“一室两队”，警力配置更加科学"),
        ("s1-1", "（一）社区警务室专职做群众工作"),
        ("s1-2", "（二）案件办理队集中办理案件"),
        ("s2", "二、深化“一村一辅警”，防控网络更加严密"),
        ("qfqz-gjgx", "群防群治 共建共享"),
    ]
    captions = [p["id"] for s in report["sections"] for p in s["paragraphs"] if p["kind"] == "caption"]
    assert captions == ["s1-c1", "s2-c1"]
    body = "".join(p["text"]["zh-Hans"] for s in report["sections"] for p in s["paragraphs"])
    assert [word for word in FURNITURE if word in body] == []
    assert "官方微信公众号“平安榆林”" in body  # a sentence that names an account is the report's
    assert report["facts"]["published"] == "2023-06-18"
    assert report["facts"]["source"] == "榆林市公安局"
    assert report["facts"]["editor"] == "郑三"
    assert (report["facts"]["reporter"], report["facts"]["correspondent"]) == ("周一", "吴二")

    ledger = json.loads((project / "build" / "normalized" / "yulin-police-2023.ledger.json").read_text("utf-8"))
    classes = [(f["line"], f["class"]) for f in ledger["furniture"]]
    assert classes == [
        (1, "navigation"),
        (2, "breadcrumb"),
        (5, "source"),
        (6, "widget"),
        (22, "editor"),
        (23, "widget"),
        (24, "related"),
        (25, "related"),
        (26, "related"),
        (27, "pager"),
        (28, "qr"),
        (29, "footer"),
        (30, "contact"),
    ]
    page = (project / "build" / "pages" / "reports" / "yulin-police-2023.zh.md").read_text(encoding="utf-8")
    assert 'class="parallel caption" id="s1-c1"' in page
    assert "陕ICP备" not in page.split("<details")[0]


def test_a_line_left_in_the_body_of_several_reports_is_flagged(tmp_path: Path) -> None:
    """Unknown furniture that slips through (no sentence, in two reports' bodies) gets one warning naming both."""
    from digest.slice.gather import gather

    project = copy_project(tmp_path / "project")
    raw = (CASE / "yulin-police-2023.txt").read_text(encoding="utf-8")
    sidecar = (CASE / "yulin-police-2023.yml").read_text(encoding="utf-8")
    stray = "本栏目更多内容：警务资讯、平安建设、基层动态"
    for n in (1, 2):
        page = raw.replace("群防群治 共建共享\n", f"群防群治 共建共享\n{stray}\n")
        (project / "source_texts" / f"page{n}.txt").write_text(page.replace("124个", f"12{n}个"), encoding="utf-8")
        (project / "source_texts" / f"page{n}.yml").write_text(
            sidecar.replace("yulin-police-2023", f"page{n}"), encoding="utf-8"
        )
    corpus = gather(Project(project))
    _section, paragraph = corpus.reports["page1"].paragraph("qfqz-gjgx-n1")  # type: ignore[misc]
    assert paragraph.text["zh-Hans"] == stray
    assert [p.id for _, p in corpus.reports["page1"].outline.paragraphs() if p.id.startswith("qfqz")] == [
        "qfqz-gjgx-n1",
        "qfqz-gjgx-p1",
        "qfqz-gjgx-p2",
    ]
    flagged = [str(w) for w in corpus.warnings() if "stands in the body" in w.message]
    assert len(flagged) == 1 and "page1, page2" in flagged[0] and stray in flagged[0]
    assert not [w for w in gather(Project(copy_project(tmp_path / "plain"))).warnings() if "stands in" in w.message]
