"""Translations: catalogs kept in step with the corpus, their status, their checks; the interface catalogs."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from conftest import digest
from digest.glossary.entries import load_glossary
from digest.glossary.termmatch import TermMatcher
from digest.project import Project
from digest.site.i18n import LANGUAGES, translations
from digest.site.text import date as local_date
from digest.site.text import number as local_number
from digest.slice.gather import gather
from digest.translate.catalogs import Status, catalog_path, read_catalog, status, translation_map, units, update
from digest.translate.check import (
    CN_QUOTED,
    EN_QUOTED,
    Text,
    check_report,
    chinese_figures,
    collect_texts,
    drift,
    english_figures,
    load_contextual,
    load_names,
    name_drift,
    quote_drift,
    term_drift,
)

ROOT = Path(__file__).resolve().parents[1]
CORPUS = gather(Project(ROOT))
REPORT = CORPUS.reports["xian-public-order-2023"]


def test_every_report_is_fully_translated() -> None:
    run = digest("translate", "status")
    assert run.returncode == 0
    for report_id in CORPUS.reports:
        line = next(line for line in run.stdout.splitlines() if line.startswith(report_id))
        total, translated, percent, fuzzy, untranslated = line.split()[1:]
        assert (translated, percent, fuzzy, untranslated) == (total, "100%", "0", "0")


def test_translate_check_is_clean() -> None:
    run = digest("translate", "check")
    assert run.returncode == 0, run.stdout
    assert re.search(r"\n0 findings, \d+ for review$", run.stdout.strip()), run.stdout


def test_update_adds_marks_fuzzy_and_obsoletes() -> None:
    _first, counts = update(REPORT, None)
    assert counts["added"] == len(units(REPORT))
    old = Catalog(locale="en")
    source = units(REPORT)[3]
    old.add("旧的中文原文", "The old English.", context=source.id)
    old.add("已删除的段落", "A paragraph that is gone.", context="gone-p1")
    kept = units(REPORT)[4]
    old.add(kept.source, "Still right.", context=kept.id)
    catalog, counts = update(REPORT, old)
    assert counts == {"added": len(units(REPORT)) - 2, "changed": 1, "kept": 1, "obsolete": 1}
    changed = next(m for m in catalog if m.context == source.id)
    assert changed.fuzzy and changed.previous_id == ["旧的中文原文"] and changed.string == "The old English."
    assert ("已删除的段落", "gone-p1") in catalog.obsolete
    mapping = translation_map(catalog)
    assert mapping[source.id] == ("The old English.", False)
    assert mapping[kept.id] == ("Still right.", True)
    numbers = status(REPORT, catalog)
    assert (numbers.translated, numbers.fuzzy) == (1, 1)


def test_shipped_catalogs_are_idempotent_under_update() -> None:
    path = catalog_path(ROOT / "translations", REPORT.id)
    _catalog, counts = update(REPORT, read_catalog(path))
    assert counts["changed"] == counts["added"] == counts["obsolete"] == 0


CATALOGS = sorted([*(ROOT / "translations").glob("*/*.po"), *(ROOT / "locales").glob("*/LC_MESSAGES/*.po")])


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is installed by `make test`")
@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.name)
def test_catalogs_pass_msgfmt_check(path: Path) -> None:
    run = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert run.returncode == 0 and not run.stderr, run.stderr


def test_header_placeholders_are_replaced_but_a_translators_name_is_kept() -> None:
    fresh, _ = update(REPORT, None)
    assert "EMAIL@ADDRESS" not in (fresh.last_translator + fresh.msgid_bugs_address)
    fresh.last_translator = "Li Hua <li@example.org>"
    again, _ = update(REPORT, fresh)
    assert again.last_translator == "Li Hua <li@example.org>"


def test_status_never_rounds_a_fuzzy_entry_up_to_100_percent() -> None:
    catalog, _ = update(REPORT, None)
    for number, message in enumerate(m for m in catalog if m.id):
        message.string = "English."
        if number == 0:
            message.flags.add("fuzzy")
    numbers = status(REPORT, catalog)
    assert (numbers.fuzzy, numbers.total - numbers.translated) == (1, 1)
    assert numbers.percent == 100 * (numbers.total - 1) // numbers.total < 100
    many = Status("many", 1000, 999, 1, 0)
    assert many.percent == 99


def test_check_flags_placeholders_copies_and_missing_renderings() -> None:
    glossary = load_glossary(ROOT / "glossary")
    paragraph = next(u for u in units(REPORT) if "两队一室" in u.source)
    english = {
        paragraph.id: ("It pushed the reform of the stations.", True),
        units(REPORT)[0].id: ("TODO", True),
        units(REPORT)[1].id: (units(REPORT)[1].source, True),
    }
    messages = [f.message for f in check_report(REPORT, english, glossary, TermMatcher(glossary.forms()))]
    assert any("'两队一室' is not rendered as" in m for m in messages)
    assert "placeholder text in the translation" in messages
    assert "the Chinese is copied through, not translated" in messages


@pytest.mark.parametrize(("code", "expected"), [("en", "Glossary"), ("zh", "术语表"), ("zh-Hant", "術語表")])
def test_each_interface_locale_really_loads(code: str, expected: str) -> None:
    language = next(lang for lang in LANGUAGES if lang.code == code)
    assert translations(ROOT / "locales", language).gettext("Glossary") == expected


def test_interface_catalogs_are_complete() -> None:
    from babel.messages.pofile import read_po

    template = read_po((ROOT / "locales" / "messages.pot").open("rb"))
    for folder in ("zh_Hans", "zh_Hant"):
        catalog = read_po((ROOT / "locales" / folder / "LC_MESSAGES" / "messages.po").open("rb"))
        ids = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
        assert {m.id for m in template if m.id} <= ids


@pytest.mark.parametrize(
    ("code", "value", "expected"),
    [
        ("en", "2021-05-12", "May 12, 2021"),
        ("zh", "2021-05-12", "2021年5月12日"),
        ("zh-Hant", "2023-01-13", "2023年1月13日"),
        ("en", "2021/2025", "2021–2025"),
        ("zh", "2023", "2023年"),
    ],
)
def test_dates_in_each_locale(code: str, value: str, expected: str) -> None:
    language = next(lang for lang in LANGUAGES if lang.code == code)
    assert local_date(value, language) == expected


def test_numbers_in_each_locale() -> None:
    assert local_number(19713, LANGUAGES[0]) == "19,713"
    assert local_number(99.04, LANGUAGES[1]) == "99.04"


GLOSSARY = load_glossary(ROOT / "glossary")
MATCHER = TermMatcher(GLOSSARY.forms())
CATALOGS = {rid: read_catalog(catalog_path(ROOT / "translations", rid)) for rid in CORPUS.reports}
TEXTS = collect_texts(ROOT, CORPUS.reports, CATALOGS)
NAMES = load_names(ROOT / "data" / "names.yml")
CONTEXTUAL = load_contextual(ROOT / "data" / "renderings.yml", GLOSSARY)


def _seeded(report: str, unit: str, old: str, new: str, **changes: object) -> list[Text]:
    """The shipped texts with one unit's English edited (and any other field changed)."""
    out = []
    for text in TEXTS:
        if (text.report, text.unit) == (report, unit) and not text.path:
            assert old in text.en, (old, text.en)
            text = dataclasses.replace(text, en=text.en.replace(old, new), **changes)
        out.append(text)
    return out


def _failures(texts: list[Text]) -> list[str]:
    return [
        f"{f.report}:{f.unit}: {f.message}" for f in drift(texts, GLOSSARY, MATCHER, NAMES, CONTEXTUAL) if not f.review
    ]


def test_drift_is_clean_on_the_shipped_texts() -> None:
    assert _failures(TEXTS) == []


def test_a_term_rendered_two_ways_across_catalogs_is_named() -> None:
    texts = _seeded(
        "shangluo-2021-2025",
        "bmlqyfw-kjggsqd-p4",
        "receiving and responding to calls",
        "call receipt and response",
    )
    assert _failures(texts) == [
        "shangluo-2021-2025:bmlqyfw-kjggsqd-p4: '接处警' is rendered 'call receipt and response' here but"
        " 'receiving and responding to calls' in gansu-fengqiao-2021:cxlnsl-jcjcsxxky-p2 and 0 more"
        " (entry call-receipt-and-response): use one"
    ]


def test_a_context_dependent_pair_recorded_by_a_translator_is_not_drift() -> None:
    texts = _seeded(
        "xian-public-order-2023", "qfqz-gjgx-p1", "digital traffic police offices", "digital traffic police offices"
    )
    assert _failures(texts) == []
    assert term_drift(texts, GLOSSARY, MATCHER, {}, NAMES)  # without data/renderings.yml it is drift


def test_a_quoted_phrase_outside_the_glossary_quoted_two_ways_is_named() -> None:
    repeated = [
        (t, zh)
        for t in TEXTS
        if not t.path
        for zh in CN_QUOTED.findall(t.zh)
        if zh not in GLOSSARY.forms() and sum(zh in CN_QUOTED.findall(o.zh) for o in TEXTS if not o.path) > 1
    ]
    assert repeated, "the corpus repeats quoted phrases the glossary lacks"
    texts = list(TEXTS)
    seeded = {}
    for index, text in enumerate(texts):
        chinese, english = CN_QUOTED.findall(text.zh), EN_QUOTED.findall(text.en)
        if text.path or not chinese or len(chinese) != len(english):
            continue
        for zh, (plain, curly) in zip(chinese, english, strict=True):
            if zh == "东莱精神" or (zh not in GLOSSARY.forms() and zh in seeded):
                quoted = plain or curly
                texts[index] = dataclasses.replace(text, en=text.en.replace(f'"{quoted}"', '"Something Else"', 1))
                found = [f for f in quote_drift(texts, GLOSSARY) if (f.report, f.unit) == (text.report, text.unit)]
                assert found and "“" + zh + "”" in found[0].message and "Something Else".lower() in found[0].message
                return
            seeded[zh] = text
    pytest.skip("no repeated quoted phrase aligned in two units")


def test_a_name_in_another_form_is_named_in_catalogs_content_and_metadata(tmp_path: Path) -> None:
    texts = _seeded(
        "xian-public-order-2023", "djzz-jhsh-p2", "The Xi'an Public Security Bureau was", "The Xi'an PSB was"
    )
    assert _failures(texts) == [
        "xian-public-order-2023:djzz-jhsh-p2: bureau '西安市公安局' is not given as 'Xi'an Public Security Bureau'"
    ]
    content = [
        dataclasses.replace(t, en=t.en.replace("Lü Family Compact", "Lü Clan Compact"))
        if t.unit == "grassroots-fengqiao"
        else t
        for t in TEXTS
    ]
    assert any("content/themes/grassroots-fengqiao.en.md" in f.path for f in name_drift(content, NAMES))
    metadata = [
        dataclasses.replace(t, en="Public Order Management Bureau of the Xi'an Public Security Bureau")
        if t.unit == "publisher" and t.report == "xian-public-order-2023"
        else t
        for t in TEXTS
    ]
    found = [f for f in name_drift(metadata, NAMES) if f.unit == "publisher"]
    assert (
        found and found[0].path.endswith(".yml") and "is written 'Public Order Management Bureau'" in found[-1].message
    )


def test_capitals_are_part_of_a_name() -> None:
    texts = _seeded("xian-public-order-2023", "qfqz-gjgx-p4", "Wenji Road Police Station", "Wenji Road police station")
    assert any("is written 'Wenji Road police station'" in f for f in _failures(texts))


def test_a_figure_kept_in_an_outdated_english_is_named() -> None:
    unit = "s1-2-2-p3"
    text = next(t for t in TEXTS if t.unit == unit and t.report == "shaoxing-rule-of-law-2022")
    new_chinese = text.zh.replace("225人次", "240人次")
    texts = [dataclasses.replace(t, zh=new_chinese, current=False, previous=t.zh) if t is text else t for t in TEXTS]
    assert _failures(texts) == [
        f"shaoxing-rule-of-law-2022:{unit}: the kept (outdated) English still states 225,"
        " which the updated Chinese no longer says"
    ]
    updated = [dataclasses.replace(t, en=t.en.replace("225", "240")) if t.unit == unit else t for t in texts]
    assert _failures(updated) == []  # the translator brought the figure up to date (the flag is cleared later)


def test_chinese_and_english_figures_agree_on_scale() -> None:
    assert chinese_figures("访评群众164万人次，投入4.5亿余元") == {1640000.0, 450000000.0}
    assert english_figures("1.64 million visits, CNY 450 million, 6,525 cases") == {1640000.0, 450000000.0, 6525.0}


def test_a_rendering_forced_into_a_compound_is_listed_for_review_not_failed() -> None:
    texts = _seeded(
        "xian-public-order-2023",
        "qfqz-gjgx-p1",
        "digital traffic police offices",
        "digital traffic community policing offices",
    )
    findings = drift(texts, GLOSSARY, MATCHER, NAMES, CONTEXTUAL)
    review = [f for f in findings if f.review and f.unit == "qfqz-gjgx-p1"]
    assert review and "digital traffic community policing office" in review[0].message
    assert all(f.path == "" for f in review)  # named by report and unit: the CLI prints the catalog's path


def test_pasted_renderings_are_flagged() -> None:
    paragraph = next(u for u in units(REPORT) if "市局" in u.source)
    english = {paragraph.id: ("the municipal bureau (Public Security Bureau) did it.", True)}
    messages = [f.message for f in check_report(REPORT, english, GLOSSARY, MATCHER)]
    assert any("pasted together" in m for m in messages), messages


def test_check_names_file_and_unit_on_the_command_line(project_copy: Path) -> None:
    path = project_copy / "translations" / "en" / "shangluo-2021-2025.po"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("receiving and responding to calls", "call receipt and response", 1), encoding="utf-8")
    names = project_copy / "data" / "names.yml"
    names.write_text(
        names.read_text(encoding="utf-8") + "- zh-Hans: 商洛\n  en: Shangluo\n  kind: nowhere\n", encoding="utf-8"
    )
    run = digest("translate", "check", cwd=project_copy)
    assert run.returncode == 1 and "names.yml:" in run.stderr and "kind 'nowhere' unknown" in run.stderr, run.stderr
    names.write_text(names.read_text(encoding="utf-8").replace("kind: nowhere", "kind: place"), encoding="utf-8")
    run = digest("translate", "check", cwd=project_copy)
    assert run.returncode == 1
    assert "translations/en/shangluo-2021-2025.po: bmlqyfw-kjggsqd-p4: '接处警' is rendered" in run.stdout, run.stdout
