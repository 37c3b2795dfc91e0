"""Every seed report, end to end through ingest and normalize."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from digest.ingest.decode import HAN, decode, read_raw
from digest.ingest.sources import discover
from digest.normalize import normalize_text, rebuild_raw, replay
from digest.normalize.report import normalize_report
from digest.normalize.steps import chrome_rules, match_chrome

ROOT = Path(__file__).resolve().parents[1]
REPORTS = discover(ROOT / "source_texts")
IDS = [r.id for r in REPORTS]
CHROME = chrome_rules(ROOT / "data" / "chrome.yml")
NORMALIZED = {r.id: normalize_report(r, CHROME) for r in REPORTS}
# Steps allowed to remove Chinese characters, and why: chrome and duplicates are not body text,
# repairs and realignment replace garbled characters with what they stood for.
MAY_REMOVE_HAN = {"site_chrome", "duplicate_paragraphs", "maintainer_repairs", "mojibake_realignment"}


def test_five_seeds_with_sidecars() -> None:
    assert IDS == [
        "gansu-fengqiao-2021",
        "shangluo-2021-2025",
        "shaoxing-rule-of-law-2022",
        "xian-prevention-control-2021",
        "xian-public-order-2023",
    ]


@pytest.mark.parametrize("report", REPORTS, ids=IDS)
def test_raw_files_are_the_seeds_byte_for_byte(report, root: Path) -> None:
    seed = root.parent / "shared" / "seeds" / report.raw_path.name
    if not seed.exists():
        pytest.skip("shared seeds not beside the project")
    assert report.raw_path.read_bytes() == seed.read_bytes()


@pytest.mark.parametrize("report_id", IDS)
def test_sidecar_detection_matches(report_id: str) -> None:
    report = NORMALIZED[report_id]
    assert (report.encoding, report.script) == (report.source.encoding, report.source.script)


@pytest.mark.parametrize("report_id", IDS)
@pytest.mark.parametrize("script", ["zh-Hans", "zh-Hant"])
def test_clean_output(report_id: str, script: str) -> None:
    report = NORMALIZED[report_id]
    text = report.result.texts[script]
    assert not re.search(r"\([a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]", text), "pinyin annotation left"
    assert not re.search(r"&(#\d+|[a-z]+);", text), "HTML entity left"
    assert not any(match_chrome(line, CHROME) for line in text.splitlines()), "site chrome left"
    assert not re.search(r"[\ue000-\uf8ff]|\?", text), "mojibake or stray question mark left"
    assert "\xa0" not in text and "\u3000" not in text
    assert report.result.suspects == ()
    assert report.result.repairs_unused == ()
    assert text.endswith("\n") and "\n\n" not in text


@pytest.mark.parametrize("report_id", IDS)
@pytest.mark.parametrize("script", ["zh-Hans", "zh-Hant"])
def test_ledger_rebuilds_raw_exactly(report_id: str, script: str) -> None:
    report = NORMALIZED[report_id]
    raw = read_raw(report.source.raw_path).text
    assert rebuild_raw(report.result, script) == raw
    assert replay(raw, report.result, script) == report.result.texts[script]


@pytest.mark.parametrize("report_id", IDS)
def test_no_chinese_character_lost_silently(report_id: str) -> None:
    """Every Han character removed from the body is removed by a step whose job that is."""
    for record in NORMALIZED[report_id].result.steps:
        removed = sum(len(HAN.findall(e.before)) - len(HAN.findall(e.after)) for e in record.edits)
        if record.name not in MAY_REMOVE_HAN:
            assert removed <= 0, f"{record.name} removed {removed} Chinese characters"


def test_chrome_facts_kept_in_metadata() -> None:
    assert NORMALIZED["gansu-fengqiao-2021"].result.facts["published"] == "2021-05-12"
    assert NORMALIZED["gansu-fengqiao-2021"].result.facts["editor"] == "孔令闻"
    shaoxing = NORMALIZED["shaoxing-rule-of-law-2022"].result.facts
    assert shaoxing["index_number"] == "11330600002577508J/2023-236878"
    assert shaoxing["date_written"] == "2023-01-13"
    assert shaoxing["issuing_body"] == "市公安局"
    assert len(CHROME) >= 8


def test_repairs_carry_reasons() -> None:
    for report in NORMALIZED.values():
        for repair in report.result.repairs_applied:
            assert len(repair.reason) > 40


def test_known_repairs_in_text() -> None:
    assert "。“楓橋+鄉約”的社會治理模式" in NORMALIZED["xian-public-order-2023"].result.texts["zh-Hant"]
    assert "新格局。“2+3+50+N”方案體系" in NORMALIZED["xian-public-order-2023"].result.texts["zh-Hant"]
    assert "精准派警”。科技赋能改革" in NORMALIZED["shangluo-2021-2025"].result.texts["zh-Hans"]
    assert "表奖〔务〕占全警□0%" in NORMALIZED["gansu-fengqiao-2021"].result.texts["zh-Hans"]


def test_duplicate_lead_dropped_once() -> None:
    text = NORMALIZED["xian-prevention-control-2021"].result.texts["zh-Hans"]
    assert text.count("交出一份新时代平安建设的优异答卷") == 1


@pytest.mark.parametrize("report_id", IDS)
@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-16-le", "utf-8-sig"])
def test_other_encodings_give_the_same_text(report_id: str, encoding: str) -> None:
    report = NORMALIZED[report_id]
    original = read_raw(report.source.raw_path).text
    decoded = decode(original.encode(encoding), report.source.raw_path)
    assert decoded.text == original
    assert normalize_text(decoded.text, report.result.repairs_applied, CHROME).texts == report.result.texts


def test_big5_copy_of_a_traditional_text() -> None:
    text = NORMALIZED["gansu-fengqiao-2021"].result.texts["zh-Hant"]
    big5 = text.encode("big5", errors="ignore")
    decoded = decode(big5, Path("copy.txt"))
    assert decoded.encoding == "big5"
    assert decoded.text == big5.decode("big5")


def test_an_automatic_realignment_is_listed_for_readers() -> None:
    """No repair changes characters without saying so: the edition notes show each reading, before → after."""
    from digest.slice.corpus import edition_notes

    notes = {n.step: n for n in edition_notes(NORMALIZED["shangluo-2021-2025"])}
    assert notes["mojibake_realignment"].removed == ("??萍假x → 。科技賦",)
