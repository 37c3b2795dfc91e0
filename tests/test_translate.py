"""Translations: catalogs kept in step with the corpus, their status, their checks; the interface catalogs."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from conftest import digest
from digest.glossary import load_glossary
from digest.i18n import LANGUAGES, translations
from digest.pipeline import gather
from digest.project import Project
from digest.site import Site
from digest.termmatch import TermMatcher
from digest.translate import Status, catalog_path, read_catalog, status, translation_map, units, update
from digest.translation_check import check_report

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
    assert run.stdout.strip().endswith("0 findings")


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
    assert Site.date(value, language) == expected


def test_numbers_in_each_locale() -> None:
    assert Site.number(19713, LANGUAGES[0]) == "19,713"
    assert Site.number(99.04, LANGUAGES[1]) == "99.04"
