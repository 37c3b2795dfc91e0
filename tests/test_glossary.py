"""The glossary: its checks, its exchange formats, and matching its terms in running text."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import digest
from digest.errors import DigestError
from digest.glossary.entries import Entry, Glossary, check, load_glossary
from digest.glossary.exchange import export_csv, export_tbx, import_csv, import_tbx, merge
from digest.glossary.termmatch import TermMatcher

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = load_glossary(ROOT / "glossary")
THEMES = {"grassroots-fengqiao", "station-reform", "prevention-control", "crackdowns", "public-services",
          "smart-policing", "force-building", "law-enforcement", "outcomes", "major-events"}  # fmt: skip
LISTED = [
    "一室两队",
    "两队一室",
    "交所合一",
    "枫桥经验",
    "枫桥式公安派出所",
    "派出所主防",
    "市县主战",
    "1551",
    "12345",
    "1+9+N",
    "2+3+50+N",
    "1+22+N",
    "1+X+N",
    "3432",
    "54321",
    "1234567",
    "三率",
    "五连升",
    "放管服",
    "跨省通办",
    "一窗通办",
    "一网通办",
    "云帮办",
    "暖心警务会客厅",
    "雪亮工程",
    "情指行",
    "公安大脑",
    "一区一警",
    "一警多能",
    "岗位制",
    "大所带小所",
    "治安户长制",
    "警格+网格",
    "黄赌毒",
    "盗抢骗",
    "食药环",
    "两抢",
    "两卡",
    "民转刑",
    "刑转命",
    "项目警官制",
    "首违不罚",
    "义警",
    "智慧安防小区",
    "圈层查控",
    "单元防控",
    "要素管控",
]


def test_shipped_glossary_is_clean_and_large_enough() -> None:
    assert len(GLOSSARY.entries) >= 80
    assert [p for p in check(GLOSSARY, THEMES) if p.severity == "error"] == []


@pytest.mark.parametrize("term", LISTED)
def test_every_listed_term_has_an_approved_entry(term: str) -> None:
    owner = GLOSSARY.forms().get(term)
    assert owner is not None, term
    entry = GLOSSARY.by_id()[owner]
    assert entry.status == "approved" and entry.en_preferred


def test_variants_are_one_concept() -> None:
    forms = GLOSSARY.forms()
    assert forms["一室两队"] == forms["两队一室"] == forms["一室兩隊"]
    assert forms["枫桥经验"] == forms["楓橋經驗"]


def test_no_true_equivalent_is_said() -> None:
    assert GLOSSARY.by_id()["two-teams-one-office"].equivalence_note


@pytest.fixture
def broken(project_copy: Path) -> Path:
    return project_copy / "glossary"


def _fails(project: Path, message: str) -> None:
    run = digest("glossary", "check", cwd=project)
    assert run.returncode == 1, run.stdout + run.stderr
    assert message in run.stderr, run.stderr
    assert "Traceback" not in run.stderr


def test_check_passes_on_the_shipped_glossary(project_copy: Path) -> None:
    run = digest("glossary", "check", cwd=project_copy)
    assert run.returncode == 0, run.stderr
    assert "0 errors" in run.stdout


def test_yaml_syntax_error_names_file_and_line(broken: Path) -> None:
    (broken / "two-cards.yml").write_text("id: two-cards\nstatus: [approved\n", encoding="utf-8")
    _fails(broken.parent, "two-cards.yml:3: error: YAML syntax error")


def test_missing_field(broken: Path) -> None:
    path = broken / "two-cards.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("status: approved\n", ""), encoding="utf-8")
    _fails(broken.parent, "two-cards.yml:1: error: missing required field 'status'")


def test_variant_claimed_by_two_entries(broken: Path) -> None:
    path = broken / "two-cards.yml"
    text = path.read_text(encoding="utf-8").replace(
        "- zh-Hans: 两卡\n  zh-Hant: 兩卡", "- zh-Hans: 一室两队\n  zh-Hant: 一室兩隊"
    )
    path.write_text(text, encoding="utf-8")
    _fails(broken.parent, "is also claimed by entry")


def test_related_link_to_nothing(broken: Path) -> None:
    path = broken / "two-teams-one-office.yml"
    text = path.read_text(encoding="utf-8").replace("- post-based-system", "- no-such-entry")
    path.write_text(text, encoding="utf-8")
    _fails(broken.parent, "crossReference 'no-such-entry' names no entry")


def test_traditional_form_must_agree_with_opencc(broken: Path) -> None:
    path = broken / "two-cards.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("zh-Hant: 兩卡", "zh-Hant: 两卡"), encoding="utf-8")
    _fails(broken.parent, "differs from OpenCC's '兩卡'")


def test_context_must_occur(broken: Path) -> None:
    path = broken / "two-teams-one-office.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("推进两队一室改革明确派出所", "这句话不在任何报告里"), encoding="utf-8"
    )
    _fails(broken.parent, "context: '这句话不在任何报告里' is not in xian-public-order-2023")


def test_pinyin_disagreement_is_a_warning(broken: Path) -> None:
    path = broken / "two-cards.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("pinyin: liǎng kǎ", "pinyin: liǎng kā"), encoding="utf-8")
    run = digest("glossary", "check", cwd=broken.parent)
    assert run.returncode == 0
    assert "warning: pinyin 'liǎng kā'" in run.stderr


def test_tbx_and_csv_round_trip_unchanged() -> None:
    assert merge(GLOSSARY, import_tbx(export_tbx(GLOSSARY), Path("g.tbx")), Path("g.tbx")) == []
    assert merge(GLOSSARY, import_csv(export_csv(GLOSSARY), Path("g.csv")), Path("g.csv")) == []


def _imported(glossary: Glossary, data: bytes, name: str) -> dict[str, Entry]:
    path = Path(name)
    patches = import_csv(data, path, glossary) if name.endswith(".csv") else import_tbx(data, path)
    changed = {c.after.id: c.after for c in merge(glossary, patches, path)}
    return {e.id: changed.get(e.id, e) for e in glossary.entries}


def _edited(entries: dict[str, Entry]) -> Glossary:
    """The shipped glossary with an edit in every kind of field of one entry, and a new admitted form."""
    two = entries["two-cards"]
    terms = (replace(two.terms[0], pinyin="liǎng kǎ", pinyin_confirmed=True), *two.terms[1:])
    entries = dict(entries)
    entries["two-cards"] = replace(
        two,
        en_preferred='the "two cards"',
        en_admitted=("phone and bank cards",),
        usage_note="Keep the quotation marks.",
        definition_zh=two.definition_zh + "（测试）",
        subjects=(*two.subjects, "fraud"),
        terms=terms,
    )
    return Glossary(tuple(entries.values()))


@pytest.mark.parametrize("fmt", ["tbx", "csv"])
def test_round_trip_keeps_every_edited_field(fmt: str) -> None:
    edited = _edited(GLOSSARY.by_id())
    data = export_tbx(edited) if fmt == "tbx" else export_csv(edited)
    assert _imported(GLOSSARY, data, f"g.{fmt}") == edited.by_id()


def _weblate_csv(glossary: Glossary, change: dict[str, str] | None = None) -> bytes:
    """A glossary as Weblate's CSV export writes it (translate-toolkit's csv columns): no entry ids, no
    field of ours beyond the five it knows."""
    from translate.storage import csvl10n

    store = csvl10n.csvfile()
    for entry in glossary.entries:
        for term in entry.terms:
            unit = store.addsourceunit(term.zh_hans)
            unit.target = (change or {}).get(entry.id, entry.en_preferred)
            unit.developer_comments = entry.definition_en
            unit.translator_comments = entry.usage_note
    return bytes(store)


def test_weblate_csv_changes_only_what_it_holds() -> None:
    data = _weblate_csv(GLOSSARY, {"two-cards": "telephone and bank cards"})
    assert data.decode("utf-8").splitlines()[0].startswith('"location","source","target","id","fuzzy"')
    after = _imported(GLOSSARY, data, "weblate.csv")
    expected = replace(GLOSSARY.by_id()["two-cards"], en_preferred="telephone and bank cards")
    assert after == {**GLOSSARY.by_id(), "two-cards": expected}


def test_spreadsheet_csv_round_trip() -> None:
    """Saved by a spreadsheet: BOM, CRLF, columns reordered and renamed in case, empty columns added."""
    edited = _edited(GLOSSARY.by_id())
    rows = list(csv.reader(io.StringIO(export_csv(edited).decode("utf-8"))))
    order = list(reversed(range(len(rows[0]))))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for number, row in enumerate(rows):
        cells = [row[i].upper() if number == 0 and rows[0][i] == "source" else row[i] for i in order]
        writer.writerow([*cells, "", ""])
    writer.writerow(["" for _ in range(len(rows[0]) + 2)])
    data = b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")
    assert _imported(GLOSSARY, data, "sheet.csv") == edited.by_id()


def test_partial_csv_changes_only_its_columns() -> None:
    data = "source,target\n两卡,telephone and bank cards\n".encode()
    after = _imported(GLOSSARY, data, "partial.csv")
    assert after["two-cards"] == replace(GLOSSARY.by_id()["two-cards"], en_preferred="telephone and bank cards")
    assert {k: v for k, v in after.items() if k != "two-cards"} == {
        k: v for k, v in GLOSSARY.by_id().items() if k != "two-cards"
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"source,target,context\n\xe4\xb8\xa4\xe5\x8d\xa1,,two-cards\n",
            "would empty the required field 'en_preferred'",
        ),
        (b"source,developer_comments\n\xe4\xb8\xa4\xe5\x8d\xa1,\n", "would empty the required field 'definition_en'"),
        (b"source,entry_status\n\xe4\xb8\xa4\xe5\x8d\xa1,final\n", "status 'final' unknown"),
        (b"source,target\n\xe4\xb8\x8d\xe5\xad\x98\xe5\x9c\xa8,x\n", "names no entry"),
        (b"source,target,context\nA,x,a-new-entry\n", "is new, but the file does not give its"),
    ],
)
def test_import_refuses_a_file_that_would_lose_data(data: bytes, message: str) -> None:
    with pytest.raises(DigestError, match=message) as caught:
        _imported(GLOSSARY, data, "bad.csv")
    assert all(p.path == "bad.csv" and p.line for p in caught.value.problems)


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "'=already", "''+x", "'plain"])
def test_csv_cells_never_start_a_formula_and_still_round_trip(text: str) -> None:
    entry = dataclasses.replace(GLOSSARY.entries[0], en_preferred=text, definition_en=text, equivalence_note=text)
    glossary = dataclasses.replace(GLOSSARY, entries=(entry,))
    data = export_csv(glossary)
    for row in csv.DictReader(io.StringIO(data.decode())):
        for name in ("target", "developer_comments", "equivalence_note"):
            assert not re.match(r"[=+\-@\t\r]", row[name]), row[name]
    assert _imported(glossary, data, "g.csv")[entry.id] == entry


def test_translate_toolkit_pairs_chinese_with_english(tmp_path: Path) -> None:
    from translate.storage import tbx

    store = tbx.tbxfile.parsestring(export_tbx(GLOSSARY))
    assert len(store.units) == len(GLOSSARY.entries)
    units = {unit.source: unit for unit in store.units}
    unit = units["两队一室"]
    assert unit.target == "two teams, one office model"
    entry = next(e for e in GLOSSARY.entries if e.terms[0].zh_hans == "两队一室")
    assert [t.text for t in unit.get_source_terms()] == [t.zh_hans for t in entry.terms]
    assert [t.text for t in unit.get_target_terms()][:2] == ["two teams, one office model", "two teams and one office"]
    assert [t.text for t in unit.get_target_terms("zh-Hant")] == [t.zh_hant for t in entry.terms]
    assert {"一室两队", "一室两队一中心"} <= {t.text for t in unit.get_source_terms()}
    for unit in store.units:
        for term in unit.get_target_terms():
            assert not set(term.text) & set('"“”'), term.text
            assert not term.text.startswith("the "), term.text


def test_csv_has_weblate_columns() -> None:
    header = export_csv(GLOSSARY).decode().splitlines()[0].split(",")
    assert header[:5] == ["source", "target", "context", "developer_comments", "translator_comments"]


def test_export_then_import_changes_no_file(project_copy: Path, tmp_path: Path) -> None:
    before = {p.name: p.read_bytes() for p in (project_copy / "glossary").glob("*.yml")}
    for fmt in ("tbx", "csv"):
        out = tmp_path / f"glossary.{fmt}"
        assert digest("glossary", "export", "--format", fmt, "-o", str(out), cwd=project_copy).returncode == 0
        run = digest("glossary", "import", str(out), "--apply", cwd=project_copy)
        assert run.returncode == 0 and "0 files changed" in run.stdout, run.stdout + run.stderr
    assert {p.name: p.read_bytes() for p in (project_copy / "glossary").glob("*.yml")} == before


def test_import_shows_a_diff_and_writes_only_with_apply(project_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "glossary.csv"
    digest("glossary", "export", "--format", "csv", "-o", str(out), cwd=project_copy)
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["context"] == "two-cards":
            row["target"] = "telephone and bank cards"
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    before = (project_copy / "glossary" / "two-cards.yml").read_bytes()
    run = digest("glossary", "import", str(out), cwd=project_copy)
    assert run.returncode == 0
    assert "+  preferred: telephone and bank cards" in run.stdout and "1 would change (dry run" in run.stdout
    assert (project_copy / "glossary" / "two-cards.yml").read_bytes() == before
    run = digest("glossary", "import", str(out), "--apply", cwd=project_copy)
    assert "1 files changed" in run.stdout
    entry = load_glossary(project_copy / "glossary").by_id()["two-cards"]
    assert entry.en_preferred == "telephone and bank cards"


def test_refused_import_writes_nothing(project_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "partial.csv"
    out.write_text("source,target,developer_comments\n两卡,cards,\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in (project_copy / "glossary").glob("*.yml")}
    run = digest("glossary", "import", str(out), "--apply", cwd=project_copy)
    assert run.returncode == 1 and "partial.csv:2: error:" in run.stderr and "Traceback" not in run.stderr
    assert {p.name: p.read_bytes() for p in (project_copy / "glossary").glob("*.yml")} == before


def test_suggest_lists_candidates_with_context(project_copy: Path) -> None:
    for entry in (
        "two-establishes",
        "two-safeguards",
        "first-agenda-item",
        "fourteenth-five-year-plan",
        "eight-actions",
    ):
        (project_copy / "glossary" / f"{entry}.yml").unlink()
    run = digest("glossary", "suggest", "--limit", "5", cwd=project_copy)
    assert run.returncode == 0
    assert "coverage: " in run.stderr
    lines = run.stdout.splitlines()
    assert len([line for line in lines if not line.startswith(" ")]) == 5
    assert any("#" in line and "…" in line for line in lines)


MATCHER = TermMatcher(GLOSSARY.forms() | {"安全": "test-safety"})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("西安全市公安机关", ["公安机关"]),
        ("保障安全", ["安全"]),
        ("推进“两队一室”改革", ["两队一室"]),
        ("推進“兩隊一室”改革", ["兩隊一室"]),
        ("全面推开“一室两队”“岗位制”", ["一室两队", "岗位制"]),
        ("按照“1234567”总思路和“12345”格局", ["1234567", "12345"]),
        ("充分运用“三单三率三挂钩”绩效管理", ["三单三率三挂钩"]),
        ("坚持和发展新时代“枫桥经验”", ["新时代枫桥经验"]),
    ],
)
def test_term_matching_traps(text: str, expected: list[str]) -> None:
    assert [m.form for m in MATCHER.find(text)] == expected


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("两队一室交所合一枫桥经验西安全市“”123+N派出所主防 ")), max_size=60))
def test_matches_never_overlap_or_leave_the_text(text: str) -> None:
    matches = MATCHER.find(text)
    end = 0
    for match in matches:
        assert end <= match.start < match.end <= len(text)
        end = match.end


def test_shipped_glossary_files_are_canonical(tmp_path: Path) -> None:
    """Files are kept in the form `import` writes, so a round trip through a CAT tool shows no noise."""
    from digest.glossary.entries import write_entries

    shutil.copytree(ROOT / "glossary", tmp_path / "g")
    assert write_entries(GLOSSARY.entries, tmp_path / "g") == []


def test_missing_glossary_folder_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "glossary").mkdir()
    (tmp_path / "glossary" / "x.yml").write_text("- not a mapping\n", encoding="utf-8")
    with pytest.raises(DigestError, match="must be a mapping"):
        load_glossary(tmp_path / "glossary")
