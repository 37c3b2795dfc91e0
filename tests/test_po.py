"""Strict PO reading: every fault that Babel's lenient reader would pass over is a located error, and the
shipped catalogs are clean by GNU gettext's own checker."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from digest.errors import DigestError
from digest.translate.po import check_po

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted([*ROOT.glob("translations/en/*.po"), *ROOT.glob("locales/*/LC_MESSAGES/*.po")])
HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'


def test_the_shipped_catalogs_pass_the_strict_reader() -> None:
    assert len(SHIPPED) >= 7
    for path in SHIPPED:
        check_po(path.read_bytes(), path)


def test_the_shipped_catalogs_are_msgfmt_clean() -> None:
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "msgfmt is missing: `make browser-deps` installs Debian's gettext"
    for path in SHIPPED:
        run = subprocess.run([msgfmt, "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True)
        assert run.returncode == 0, run.stderr


GOOD = [
    'msgctxt "a"\nmsgid "甲"\nmsgstr "A"\n',
    'msgctxt "a"\nmsgid "甲"\nmsgstr ""\n"two \\"quoted\\" "\n"lines\\n"\n',
    'msgid "one"\nmsgid_plural "many"\nmsgstr[0] "x"\nmsgstr[1] "y"\n',
    '#, fuzzy\n#| msgid "old"\nmsgctxt "a"\nmsgid "甲"\nmsgstr "A"\n\n#~ msgctxt "a"\n#~ msgid "甲"\n#~ msgstr "B"\n',
    'msgctxt "a"\nmsgid "甲"\nmsgstr "A"\n\nmsgctxt "b"\nmsgid "甲"\nmsgstr "A"\n',
]
BAD = [
    ('msgctxt "a"\nmsgid "甲"\nmsgstr "cut off\n', 7, "a string is not terminated on its line"),
    ('msgctxt "a"\nmsgid "甲"\nmsgstr "A"\n"and then\n', 8, "a string is not terminated on its line"),
    ('msgctxt "a"\nmsgid "甲"\nmsgstr "A"\n\nmsgctxt "a"\nmsgid "甲"\nmsgstr "B"\n', 9, "duplicate entry"),
    ('msgid "甲"\nmsgstr "A"\n\nmsgid "甲"\nmsgstr "B"\n', 8, "duplicate entry"),
    ('msgctx "a"\nmsgid "甲"\nmsgstr "A"\n', 5, "unknown or misformatted keyword: msgctx"),
    ('msgctxt "a"\nmsgid "甲"\nmsgstr "A\\q"\n', 7, "a malformed string or an unknown escape"),
    ('msgctxt "a"\nmsgid "甲"\n', 5, "an entry without msgstr"),
    ('msgctxt "a"\nmsgid "甲"\nmsgstr "A"\nmsgstr "B"\n', 8, "a second msgstr in one entry"),
    ('<<<<<<< HEAD\nmsgctxt "a"\nmsgid "甲"\nmsgstr "A"\n', 5, "unknown or misformatted keyword: <<<<<<<"),
]


@pytest.mark.parametrize("body", GOOD)
def test_well_formed_catalogs_pass(body: str, tmp_path: Path) -> None:
    check_po((HEADER + body).encode(), tmp_path / "x.po")


@pytest.mark.parametrize(("body", "line", "message"), BAD)
def test_each_fault_is_located(body: str, line: int, message: str, tmp_path: Path) -> None:
    with pytest.raises(DigestError) as caught:
        check_po((HEADER + body).encode(), tmp_path / "x.po")
    first = caught.value.problems[0]
    assert first.line == line, str(caught.value)
    assert message in first.message


def test_every_fact_a_furniture_rule_reads_has_a_label_in_each_language() -> None:
    """A report page lists the facts its furniture lines carry (reporter, source, edition …) under the
    fact's label (`ui_terms.LABELS`); a fact name in data/chrome.yml with no label showed its raw English
    key on the Chinese pages ("reporter"). Every named group and field of every rule must have a label,
    translated in both Chinese catalogs."""
    from babel.messages.pofile import read_po

    from digest.normalize.furniture import chrome_rules
    from digest.ui_terms import LABELS

    names = set()
    for rule in chrome_rules(ROOT / "data" / "chrome.yml"):
        names.update(rule.pattern.groupindex if rule.pattern is not None else ())
        names.update(rule.fields.values())
    assert {"reporter", "source", "editor", "index_number"} <= names
    assert sorted(names - LABELS.keys()) == [], "add each to LABELS in src/digest/ui_terms.py, then `make locales`"
    for catalog in ("zh_Hans", "zh_Hant"):
        with open(ROOT / "locales" / catalog / "LC_MESSAGES" / "messages.po", "rb") as handle:
            messages = read_po(handle)
        found = {name: messages.get(LABELS[name]) for name in sorted(names)}
        untranslated = [name for name, message in found.items() if message is None or not message.string]
        assert untranslated == [], catalog
