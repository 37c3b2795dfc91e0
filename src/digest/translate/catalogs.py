"""Translations: one gettext catalog per report and language, keyed by unit id (msgctxt), source as msgid.

A unit is anything a reader sees in a report besides the title: front lines, section headings, lead-in
sentences and paragraphs. `update` keeps catalogs in step with the corpus using Babel's catalog API: new
units are added empty, a unit whose Chinese changed keeps its English but turns fuzzy with the previous
source kept, and units that are gone become obsolete. A fuzzy translation is outdated: never counted or
shown as current.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

from digest.errors import DigestError, Problem
from digest.inputs import file_bytes, input_bytes, input_files
from digest.memo import Hashed, Memo, hashed, task
from digest.slice.corpus import SlicedReport
from digest.translate.po import check_po

LANGUAGE = "en"
# Real header values, not Babel's placeholders (`msgfmt -c` warns on those); a translator's tool may
# replace Last-Translator, and `update` keeps what it wrote.
TRANSLATOR = "the digest's translators <translators@digest.invalid>"
BUGS_ADDRESS = "translators@digest.invalid"
HEADER_COMMENT = """\
# English translation of {report}: {title}
# Kept with `digest translate update`; msgctxt is the unit id (a paragraph id is a permalink on the
# site), msgid the canonical Simplified Chinese. Open with Poedit, Lokalize or Weblate.
#"""


@dataclass(frozen=True)
class Unit:
    id: str
    source: str
    kind: str  # front, heading, lead, paragraph


def units(report: SlicedReport) -> list[Unit]:
    """Everything translatable in a report, in reading order."""
    found: list[Unit] = []
    counts: dict[str, int] = {}
    for line in report.outline.front:
        if line.kind in ("title", "separator"):
            continue
        counts[line.kind] = counts.get(line.kind, 0) + 1
        found.append(Unit(f"front-{line.kind}-{counts[line.kind]}", line.text["zh-Hans"], "front"))
    for section in report.outline.sections:
        if section.heading:
            found.append(Unit(section.id, section.heading["zh-Hans"], "heading"))
        for paragraph in section.paragraphs:
            if paragraph.lead:
                found.append(Unit(f"{paragraph.id}.lead", paragraph.lead["zh-Hans"], "lead"))
            found.append(Unit(paragraph.id, paragraph.text["zh-Hans"], "paragraph"))
    return found


def catalog_path(folder: Path, report_id: str, language: str = LANGUAGE) -> Path:
    return folder / language / f"{report_id}.po"


def read_catalog(path: Path) -> Catalog:
    try:
        data = input_bytes(path)
        check_po(data, path)
        return read_po(io.BytesIO(data), locale=LANGUAGE, abort_invalid=True)
    except DigestError:
        raise
    except OSError as exc:
        raise DigestError(Problem(str(path), f"cannot read: {exc.strerror}")) from exc
    except Exception as exc:  # Babel raises PoFileError and ValueError subclasses with a line number
        line = getattr(exc, "lineno", None)
        raise DigestError(
            Problem(str(path), f"not a valid PO file: {exc}", line=line, hint="open it in Poedit to find the error")
        ) from exc


def write_catalog(catalog: Catalog, path: Path) -> bool:
    """Write the catalog if its bytes changed; returns whether it wrote."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, include_previous=True, sort_output=False, omit_header=False)
    data = buffer.getvalue()
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")  # a dot file: no build or preview reads it
    partial.write_bytes(data)
    os.replace(partial, path)
    return True


def new_catalog(report: SlicedReport, existing: Catalog | None = None) -> Catalog:
    """An empty catalog with a stable header: dates come from the previous catalog, so rewrites are idempotent."""
    epoch = datetime.fromtimestamp(int(os.environ.get("SOURCE_DATE_EPOCH", "1767225600")), tz=UTC)
    catalog = Catalog(
        locale=LANGUAGE,
        project=f"digest {report.id}",
        header_comment=HEADER_COMMENT.format(title=report.normalized.source.title["en"], report=report.id),
        version="1",
        copyright_holder="the digest's translators",
        msgid_bugs_address=BUGS_ADDRESS,
        creation_date=existing.creation_date if existing is not None else epoch,
        revision_date=existing.revision_date if existing is not None else epoch,
        last_translator=_kept(existing.last_translator if existing is not None else "", TRANSLATOR),
        language_team="English",
        fuzzy=False,
    )
    return catalog


def _kept(value: str, default: str) -> str:
    """A header value a translator's tool set (Poedit writes Last-Translator), unless it is Babel's placeholder."""
    return value if value and "EMAIL@ADDRESS" not in value else default


def update(report: SlicedReport, existing: Catalog | None) -> tuple[Catalog, dict[str, int]]:
    """The catalog in step with the report's units, and counts of what changed."""
    catalog = new_catalog(report, existing)
    old = {m.context: m for m in existing if m.id and m.context} if existing is not None else {}
    counts = {"added": 0, "changed": 0, "kept": 0, "obsolete": 0}
    current = units(report)
    for unit in current:
        before = old.get(unit.id)
        if before is None:
            catalog.add(unit.source, "", context=unit.id, auto_comments=[unit.kind])
            counts["added"] += 1
        elif before.id == unit.source:
            catalog.add(
                unit.source,
                before.string,
                context=unit.id,
                auto_comments=[unit.kind],
                flags=before.flags,
                user_comments=before.user_comments,
                previous_id=before.previous_id,
            )
            counts["kept"] += 1
        else:
            message = catalog.add(
                unit.source,
                before.string,
                context=unit.id,
                auto_comments=[unit.kind],
                flags={*before.flags, "fuzzy"} if before.string else before.flags,
                user_comments=before.user_comments,
                previous_id=before.id,
            )
            assert isinstance(message, Message)
            counts["changed"] += 1
    ids = {u.id for u in current}
    for context, message in old.items():
        if context not in ids:
            catalog.obsolete[(str(message.id), context)] = message
            counts["obsolete"] += 1
    if existing is not None:
        for key, message in existing.obsolete.items():
            catalog.obsolete.setdefault(key, message)
    return catalog, counts


@dataclass(frozen=True)
class Status:
    report: str
    total: int
    translated: int
    fuzzy: int
    untranslated: int

    @property
    def percent(self) -> int:
        """Whole percent translated, rounded down: 203 of 204 is 99%, never 100% while anything is fuzzy
        or missing."""
        return 100 * self.translated // self.total if self.total else 100


def translation_map(catalog: Catalog) -> dict[str, tuple[str, bool]]:
    """unit id → (English, is it current). Fuzzy entries are returned as outdated, never as current."""
    return {
        m.context: (m.string, not m.fuzzy)
        for m in catalog
        if m.id and m.context and isinstance(m.string, str) and m.string.strip()
    }


def status(report: SlicedReport, catalog: Catalog | None) -> Status:
    current = units(report)
    mapping = {m.context: m for m in catalog if m.id and m.context} if catalog is not None else {}
    translated = fuzzy = 0
    for unit in current:
        message = mapping.get(unit.id)
        if message is None or message.id != unit.source or not str(message.string).strip():
            if message is not None and message.fuzzy and str(message.string).strip():
                fuzzy += 1
            continue
        if message.fuzzy:
            fuzzy += 1
        else:
            translated += 1
    return Status(report.id, len(current), translated, fuzzy, len(current) - translated - fuzzy)


English = dict[str, tuple[str, bool]]
"""A report's English by unit id: (text, current); not current when the Chinese changed since (fuzzy)."""


@task("translations")
def report_translations(report: SlicedReport, path: Path) -> tuple[English, Status, list[Problem]]:
    """One report's English catalog read against the report: its units' English, the report's translation
    status, and warnings for entries out of step with the report."""
    catalog = read_catalog(path) if path.exists() else None
    if catalog is None:
        return {}, status(report, None), []
    warnings: list[Problem] = []
    current_units = {u.id: u for u in units(report)}
    mapping = translation_map(catalog)
    for message in catalog:
        unit = current_units.get(str(message.context)) if message.context else None
        if message.id and message.context and unit is None:
            warnings.append(
                Problem(
                    str(path),
                    f"translation for '{message.context}', which no longer exists",
                    message.lineno,
                    "run `digest translate update`",
                    "warning",
                )
            )
        elif unit is not None and message.id != unit.source and message.context in mapping:
            text, _current = mapping[str(message.context)]
            mapping[str(message.context)] = (text, False)
    return mapping, status(report, catalog), warnings


def load_translations(
    memo: Memo, folder: Path, reports: dict[str, Hashed[SlicedReport]]
) -> dict[str, Hashed[tuple[English, Status, list[Problem]]]]:
    """Each report's English, status and warnings, read again only when the report or its catalog changed."""
    language = folder / LANGUAGE
    for path in input_files(language, "*.po") if language.exists() else []:
        if path.stem not in reports:
            raise DigestError(
                Problem(
                    str(path), f"catalog for unknown report '{path.stem}'", hint="rename it to a report id or remove it"
                )
            )
    calls = []
    for report_id, report in reports.items():
        path = catalog_path(folder, report_id)
        calls.append((report, hashed(path, str(path), file_bytes(path))))
    return dict(zip(reports, memo.map(report_translations, calls), strict=True))
