"""End to end: seven pages of kinds no case file had (county portal, provincial e-paper, police WeChat account,
journal database, Hong Kong mirror, press conference, station feature), each with the damage such pages carry,
added with their checked sidecars and no edit to data/."""

from __future__ import annotations

import itertools
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import copy_project
from digest.build import build
from digest.project import Project

CASE = Path(__file__).parent / "cases" / "unseen"
# Words that only the pages' furniture carries: none may reach a report's body.
FURNITURE = [
    "首页", "位置", "索引号", "文号", "打印", "关闭", "相关链接", "主办单位", "网站标识码", "公网安备",
    "上一版", "下一版", "数字报", "本版责编", "版权所有", "收录于", "来源：", "END", "二维码", "关注平安德阳",
    "阅读原文", "在看", "期刊导航", "关键词", "分类号", "DOI", "参考文献", "[J]", "作者简介", "基金项目",
    "下载PDF", "转载自", "编辑：", "延伸阅读", "免责声明", "Copyright", "发布时间", "字体", "站点导航",
    "基层风采", "点击数", "上一篇", "下一篇",
]  # fmt: skip
PINYIN = re.compile(r"\([a-zàáǎèéěìíǐòóǒùúǔüǘǚǜāēīōū]+\)")
# What a reader must find in each report: title, date, province, outline and front matter.
EXPECTED: dict[str, dict[str, Any]] = {
    "fengxian-police-2023": {
        "date": "2024-01-09",
        "province": "陕西省",
        "front": [("title", "凤县公安局2023年工作总结")],
        "headings": [
            "一、坚持政治建警，队伍建设全面加强",
            "二、坚持主动警务，打击犯罪成效明显",
            "（一）严厉打击电信网络诈骗。",
            "（二）深入推进扫黑除恶常态化。",
            "三、坚持基层基础，治安防控更加严密",
            "2024年工作打算",
        ],
        "facts": {
            "index_number": "11610330MB1234567X/2024-00012",
            "issuing_body": "凤县公安局",
            "published": "2024-01-09",
        },
    },
    "qianzhou-station-2023": {
        "date": "2023-11-16",
        "province": "湖南省",
        "front": [
            ("title", "“枫桥式”派出所的湘西实践"),
            ("series", "——吉首市公安局乾州派出所创建工作纪实"),
            ("byline", "湖南日报记者 刘 洋 通讯员 彭小勇"),
        ],
        "headings": ["调解有“方”", "服务有“温度”"],
        "facts": {"edition": "04", "correspondent": "彭小勇"},
        "captions": 1,
    },
    "deyang-police-grid-2024": {
        "date": "2024-03-05",
        "province": "四川省",
        "front": [("title", "德阳公安“警网融合”让基层治理更有力"), ("byline", "记者｜陈静 通讯员｜何伟")],
        "headings": ["打通信息壁垒", "做实群防群治"],
        "facts": {"reporter": "陈静", "correspondent": "何伟", "source": "德阳市公安局"},
    },
    "station-reform-paths-2022": {
        "date": "2022",
        "province": "不详",  # a national article: the sidecar has no way to say so (see the report)
        "front": [("title", "新时代派出所工作改革的实践路径研究"), ("byline", "王建国1，李红梅2")],
        "headings": ["一、问题的提出", "二、改革实践的主要模式", "（一）浙江模式", "（二）江苏模式", "三、结论与建议"],
        "facts": {"doi": "10.3969/j.issn.1002-3623.2022.06.006"},
    },
    "shaoxing-station-reform-2023": {
        "date": "2023-08-21",
        "province": "浙江省",
        "front": [("title", "浙江绍兴公安推进派出所工作改革")],
        "headings": ["一、深化基层基础", "二、创新服务模式"],
        "facts": {"source": "中国警察网", "editor": "陈家豪"},
    },
    "hebei-summer-campaign-2023": {
        "date": "2023-09-12",
        "province": "河北省",
        "front": [("title", "河北省公安厅举行“夏季治安打击整治行动”新闻发布会")],
        "headings": ["记者提问"],
        "facts": {"source": "河北省公安厅新闻中心"},
    },
    "yining-old-street-2022": {
        "date": "2022-12-20",
        "province": "新疆维吾尔自治区",
        "front": [("title", "“老街警长”的二十年")],
        "headings": [],
        "captions": 2,
    },
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    project = copy_project(tmp_path_factory.mktemp("unseen") / "project")
    data_before = {p.name: p.read_bytes() for p in (project / "data").iterdir()}
    for path in CASE.iterdir():
        shutil.copy(path, project / "source_texts" / path.name)
    build(Project(project), site=False)
    assert {p.name: p.read_bytes() for p in (project / "data").iterdir()} == data_before
    corpus = json.loads((project / "build" / "pages" / "downloads" / "corpus.json").read_text(encoding="utf-8"))
    return project, {r["id"]: r for r in corpus["reports"]}


@pytest.mark.parametrize("report_id", sorted(EXPECTED))
def test_an_unseen_page_comes_out_clean(built: tuple[Path, dict[str, Any]], report_id: str) -> None:
    _project, reports = built
    report, expected = reports[report_id], EXPECTED[report_id]
    front = [(f["kind"], f["text"]["zh-Hans"]) for f in report["front"]]
    assert front == expected["front"]
    headings = [s["heading"]["zh-Hans"] for s in report["sections"] if s["heading"]]
    assert headings == expected["headings"]
    paragraphs = [p for s in report["sections"] for p in s["paragraphs"]]
    assert sum(p["kind"] == "caption" for p in paragraphs) == expected.get("captions", 0)
    lines = [f["text"]["zh-Hans"] for f in report["front"]] + headings + [p["text"]["zh-Hans"] for p in paragraphs]
    body = "\n".join(lines)
    assert [word for word in FURNITURE if word in body] == []
    assert not PINYIN.search(body), "pinyin left in the text"
    # A doubled line is printed twice in a row; a speaker's label may recur.
    assert [a for a, b in itertools.pairwise(lines) if a == b] == [], "a doubled line"
    for key, value in expected.get("facts", {}).items():
        assert report["facts"].get(key) == value, key
    assert report["date"]["value"] == expected["date"]
    assert ((report.get("region") or {}).get("province") or {}).get("zh-Hans") == expected["province"]
