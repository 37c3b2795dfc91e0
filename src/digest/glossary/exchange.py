"""Glossary exchange with translators' tools: TBX-Basic and CSV in Weblate's glossary columns.

Both formats carry every field of an entry, so an export followed by an import gives the glossary back
unchanged. An import is a merge, never a replacement: a file read back from a CAT tool, from Weblate or
from a spreadsheet often holds only some of the fields, so what a file does not carry (a missing column, a
missing TBX element) is left as it is, and only what it holds can change. `merge` shows each change as a
diff of the entry's YAML before anything is written, and refuses a file that would empty a required field.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
import xml.etree.ElementTree as ET
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from digest.errors import DigestError, Problem
from digest.glossary.entries import (
    ADMIN_STATUSES,
    STATUSES,
    TERM_TYPES,
    Context,
    Entry,
    Glossary,
    Term,
    dump_entry,
)
from digest.memo import task
from digest.normalize.steps import to_traditional

ADMIN = {
    "preferred": "preferredTerm-admn-sts",
    "admitted": "admittedTerm-admn-sts",
    "deprecated": "deprecatedTerm-admn-sts",
}
ADMIN_BACK = {v: k for k, v in ADMIN.items()}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
QUOTE_MARKS = '"“”‘’「」'


def bare_term(rendering: str) -> str:
    """A rendering as a CAT tool's term base wants it: no quotation marks, no leading article.

    `the "five runways"` is the term `five runways`; an apostrophe inside a word (Xi'an) stays.
    """
    text = re.sub(f"[{QUOTE_MARKS}]", "", rendering)
    text = re.sub(r"(?<![A-Za-z])'|'(?![A-Za-z])", "", text)
    text = re.sub(r"^the\s+", "", text.strip(), flags=re.IGNORECASE)
    return " ".join(text.split())


def _sub(parent: ET.Element, tag: str, text: str = "", **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text:
        element.text = text
    return element


def export_tbx(glossary: Glossary) -> bytes:
    """TBX-Basic with the language sets in the order CAT tools pair them: zh-Hans (source), en (target),
    then zh-Hant. Every form is its own `tig`; an English term is written bare, and where the translations
    write it decorated (quotation marks, an article) that running-text form goes in a term note."""
    martif = ET.Element("martif", {"type": "TBX-Basic", XML_LANG: "zh-Hans"})
    header = _sub(martif, "martifHeader")
    file_desc = _sub(header, "fileDesc")
    _sub(_sub(file_desc, "sourceDesc"), "p", "Glossary of the public-security work reports digest")
    _sub(_sub(header, "encodingDesc"), "p", "TBXBasicXCSV02.xcs", type="XCSURI")
    body = _sub(_sub(martif, "text"), "body")
    for entry in glossary.entries:
        node = _sub(body, "termEntry", id=entry.id)
        _sub(node, "descrip", entry.status, type="x-entryStatus")
        for subject in entry.subjects:
            _sub(node, "descrip", subject, type="subjectField")
        if entry.equivalence_note:
            _sub(node, "note", entry.equivalence_note, type="x-equivalenceNote")
        for ref in entry.cross_references:
            _sub(node, "ref", ref, type="crossReference", target=ref)
        for record in entry.history:
            group = _sub(node, "transacGrp")
            _sub(group, "transac", "modification", type="transactionType")
            _sub(group, "date", record.get("date", ""))
            _sub(group, "note", record.get("change", ""))
            if record.get("author"):
                _sub(group, "transacNote", record["author"], type="responsibility")
        _chinese_langset(node, entry, "zh-Hans")
        english = _sub(node, "langSet", **{XML_LANG: "en"})
        group = _sub(english, "descripGrp")
        _sub(group, "descrip", entry.definition_en, type="definition")
        _sub(group, "admin", entry.definition_source, type="source")
        if entry.en_literal:
            _sub(english, "descrip", entry.en_literal, type="x-literalTranslation")
        if entry.usage_note:
            _sub(english, "note", entry.usage_note, type="x-usageNote")
        for index, rendering in enumerate(entry.renderings()):
            tig = _sub(english, "tig")
            _sub(tig, "term", bare_term(rendering))
            _sub(tig, "termNote", ADMIN["preferred" if index == 0 else "admitted"], type="administrativeStatus")
            if bare_term(rendering) != rendering:
                _sub(tig, "note", rendering, type="x-runningText")
        _chinese_langset(node, entry, "zh-Hant")
    ET.indent(martif)
    doctype = '<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">\n'
    serialized = ET.tostring(martif, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + doctype + serialized + "\n").encode("utf-8")


def _chinese_langset(node: ET.Element, entry: Entry, script: str) -> None:
    lang = _sub(node, "langSet", **{XML_LANG: script})
    if script == "zh-Hans":
        group = _sub(lang, "descripGrp")
        _sub(group, "descrip", entry.definition_zh, type="definition")
        for context in entry.contexts:
            group = _sub(lang, "descripGrp")
            _sub(group, "descrip", context.quote, type="context")
            _sub(group, "admin", context.report, type="x-report")
    for term in entry.terms:
        tig = _sub(lang, "tig")
        _sub(tig, "term", term.zh_hans if script == "zh-Hans" else term.zh_hant)
        _sub(tig, "termNote", term.term_type, type="termType")
        _sub(tig, "termNote", ADMIN[term.admin_status], type="administrativeStatus")
        if script == "zh-Hans" and term.pinyin:
            _sub(tig, "termNote", term.pinyin, type="x-pinyin")
        if script == "zh-Hans" and term.pinyin_confirmed:
            _sub(tig, "termNote", "true", type="x-pinyinConfirmed")
        if script == "zh-Hant" and term.zh_hant_override:
            _sub(tig, "termNote", "true", type="x-zhHantOverride")


@dataclass(frozen=True)
class TermPatch:
    """What a file says about one Chinese form (keyed by its Simplified form): `Term` attribute → value."""

    zh_hans: str
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class EntryPatch:
    """What a file says about one entry: only the fields the file carries (`Entry` attribute → value)."""

    id: str
    fields: dict[str, Any]
    terms: tuple[TermPatch, ...]
    line: int | None = None


def _texts(parent: etree._Element, tag: str, **attrs: str) -> list[str]:
    return [(c.text or "") for c in parent.findall(tag) if all(c.get(k) == v for k, v in attrs.items())]


def _first(fields: dict[str, Any], key: str, values: list[str]) -> None:
    """Set a field from the first of the values an element gave, if it gave any (absent: left alone)."""
    if values:
        fields[key] = values[0]


def import_tbx(data: bytes, path: Path) -> tuple[EntryPatch, ...]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise DigestError(Problem(str(path), f"not valid XML: {exc.msg}", line=exc.lineno)) from exc
    patches = []
    for node in root.iter("termEntry"):
        fields: dict[str, Any] = {}

        langs = {ls.get(XML_LANG): ls for ls in node.findall("langSet")}
        if "zh-Hans" not in langs:
            raise DigestError(Problem(str(path), f"termEntry {node.get('id')} has no zh-Hans langSet", node.sourceline))
        _first(fields, "status", _texts(node, "descrip", type="x-entryStatus"))
        if subjects := _texts(node, "descrip", type="subjectField"):
            fields["subjects"] = tuple(subjects)
        _first(fields, "equivalence_note", _texts(node, "note", type="x-equivalenceNote"))
        if refs := [r.get("target") or r.text or "" for r in node.findall("ref")]:
            fields["cross_references"] = tuple(refs)
        history = []
        for transac in node.findall("transacGrp"):
            record = {"date": transac.findtext("date") or "", "change": transac.findtext("note") or ""}
            if transac.findtext("transacNote"):
                record["author"] = transac.findtext("transacNote") or ""
            history.append(record)
        if history:
            fields["history"] = tuple(history)
        hans_tigs = langs["zh-Hans"].findall("tig")
        hant_tigs = langs["zh-Hant"].findall("tig") if "zh-Hant" in langs else []
        if hant_tigs and len(hans_tigs) != len(hant_tigs):
            raise DigestError(
                Problem(
                    str(path),
                    f"termEntry {node.get('id')}: zh-Hans and zh-Hant terms differ in number",
                    node.sourceline,
                )
            )
        terms = []
        for index, hans in enumerate(hans_tigs):
            notes = {n.get("type"): n.text or "" for n in hans.findall("termNote")}
            term: dict[str, Any] = {}
            if "termType" in notes:
                term["term_type"] = notes["termType"]
            if "administrativeStatus" in notes:
                term["admin_status"] = ADMIN_BACK.get(notes["administrativeStatus"], notes["administrativeStatus"])
            if "x-pinyin" in notes:
                term["pinyin"] = notes["x-pinyin"]
            if "x-pinyin" in notes:  # our own notes: an absent confirmation means unconfirmed
                term["pinyin_confirmed"] = notes.get("x-pinyinConfirmed") == "true"
            if hant_tigs:
                hant = hant_tigs[index]
                term["zh_hant"] = hant.findtext("term") or ""
                hant_notes = {n.get("type"): n.text or "" for n in hant.findall("termNote")}
                if "termType" in hant_notes:
                    term["zh_hant_override"] = hant_notes.get("x-zhHantOverride") == "true"
            terms.append(TermPatch(hans.findtext("term") or "", term))
        contexts = []
        for group in langs["zh-Hans"].findall("descripGrp"):
            kinds = {d.get("type"): d.text or "" for d in group.findall("descrip")}
            if "definition" in kinds:
                fields["definition_zh"] = kinds["definition"]
            if "context" in kinds:
                contexts.append(Context(group.findtext("admin") or "", kinds["context"]))
        if contexts:
            fields["contexts"] = tuple(contexts)
        english = langs.get("en")
        if english is not None:
            group = english.find("descripGrp")
            if group is not None:
                _first(fields, "definition_en", [group.findtext("descrip") or ""])
                if group.find("admin") is not None:
                    fields["definition_source"] = group.findtext("admin") or ""
            _first(fields, "en_literal", _texts(english, "descrip", type="x-literalTranslation"))
            _first(fields, "usage_note", _texts(english, "note", type="x-usageNote"))
            renderings = []
            for tig in english.findall("tig"):
                running = [n.text or "" for n in tig.findall("note") if n.get("type") == "x-runningText"]
                status = {n.get("type"): n.text for n in tig.findall("termNote")}.get("administrativeStatus")
                renderings.append((status != ADMIN["preferred"], running[0] if running else tig.findtext("term") or ""))
            if renderings:
                ordered = [text for _, text in sorted(renderings, key=lambda pair: pair[0])]
                fields["en_preferred"], fields["en_admitted"] = ordered[0], tuple(ordered[1:])
        patches.append(EntryPatch(node.get("id") or "", fields, tuple(terms), node.sourceline))
    return tuple(patches)


# Weblate's glossary columns first (source, target, context, developer_comments, translator_comments),
# then one column per remaining field so nothing is lost on the way through a spreadsheet.
CSV_COLUMNS = (
    "source", "target", "context", "developer_comments", "translator_comments",
    "zh_hant", "pinyin", "term_type", "administrative_status", "zh_hant_override", "pinyin_confirmed",
    "entry_status", "subject_field", "en_admitted", "en_literal", "definition_zh", "definition_source",
    "contexts", "equivalence_note", "cross_reference", "history",
)  # fmt: skip

# Column → (Entry attribute, how to read the cell). Columns a file lacks leave their field alone.
ENTRY_COLUMNS: dict[str, tuple[str, Any]] = {
    "target": ("en_preferred", str),
    "developer_comments": ("definition_en", str),
    "translator_comments": ("usage_note", str),
    "entry_status": ("status", str),
    "subject_field": ("subjects", lambda v: tuple(v.split())),
    "en_admitted": ("en_admitted", lambda v: tuple(json.loads(v or "[]"))),
    "en_literal": ("en_literal", str),
    "definition_zh": ("definition_zh", str),
    "definition_source": ("definition_source", str),
    "contexts": ("contexts", lambda v: tuple(Context(r, q) for r, q in json.loads(v or "[]"))),
    "equivalence_note": ("equivalence_note", str),
    "cross_reference": ("cross_references", lambda v: tuple(v.split())),
    "history": ("history", lambda v: tuple(json.loads(v or "[]"))),
}
TERM_COLUMNS: dict[str, tuple[str, Any]] = {
    "zh_hant": ("zh_hant", str),
    "pinyin": ("pinyin", str),
    "term_type": ("term_type", str),
    "administrative_status": ("admin_status", str),
    "zh_hant_override": ("zh_hant_override", lambda v: v.strip().lower() == "true"),
    "pinyin_confirmed": ("pinyin_confirmed", lambda v: v.strip().lower() == "true"),
}


FORMULA = re.compile(r"'*[=+\-@\t\r]")


def _cell(value: str) -> str:
    """A cell a spreadsheet will not run: text starting like a formula (= + - @) gets a leading apostrophe,
    OWASP's defence against CSV injection; text already starting with apostrophes gets one more, so
    `_uncell` gives every value back exactly."""
    return "'" + value if FORMULA.match(value) else value


def _uncell(value: str) -> str:
    return value[1:] if value.startswith("'") and FORMULA.match(value[1:]) else value


def export_csv(glossary: Glossary) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for entry in glossary.entries:
        for term in entry.terms:
            row = {
                "source": term.zh_hans,
                "target": entry.en_preferred,
                "context": entry.id,
                "developer_comments": entry.definition_en,
                "translator_comments": entry.usage_note,
                "zh_hant": term.zh_hant,
                "pinyin": term.pinyin,
                "term_type": term.term_type,
                "administrative_status": term.admin_status,
                "zh_hant_override": "true" if term.zh_hant_override else "",
                "pinyin_confirmed": "true" if term.pinyin_confirmed else "",
                "entry_status": entry.status,
                "subject_field": " ".join(entry.subjects),
                "en_admitted": json.dumps(list(entry.en_admitted), ensure_ascii=False),
                "en_literal": entry.en_literal,
                "definition_zh": entry.definition_zh,
                "definition_source": entry.definition_source,
                "contexts": json.dumps([[c.report, c.quote] for c in entry.contexts], ensure_ascii=False),
                "equivalence_note": entry.equivalence_note,
                "cross_reference": " ".join(entry.cross_references),
                "history": json.dumps(list(entry.history), ensure_ascii=False),
            }
            writer.writerow({name: _cell(value) for name, value in row.items()})
    return buffer.getvalue().encode("utf-8")


def import_csv(data: bytes, path: Path, glossary: Glossary | None = None) -> tuple[EntryPatch, ...]:
    """Rows grouped into entries by the `context` column (the entry id); where it is empty, as in a file
    Weblate exports, by the entry that owns the row's `source` form in `glossary`. Headers are matched
    case-insensitively, in any order; a spreadsheet's BOM, CRLF line ends, empty columns and empty rows
    are ignored."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DigestError(Problem(str(path), "not UTF-8 text", hint="export the CSV as UTF-8")) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip().lower().replace(" ", "_") for h in next(reader, [])]
    if "source" not in header:
        raise DigestError(Problem(str(path), "missing column 'source'", line=1))
    columns = {name: index for index, name in enumerate(header) if name}
    owners = glossary.forms() if glossary is not None else {}
    groups: OrderedDict[str, list[tuple[int, dict[str, str]]]] = OrderedDict()
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        row = {name: _uncell(cells[index] if index < len(cells) else "") for name, index in columns.items()}
        source = row["source"].strip()
        entry_id = row.get("context", "").strip() or owners.get(source, "")
        if not source or not entry_id:
            what = "no source" if not source else f"'{source}' names no entry (no context, not a glossary form)"
            raise DigestError(Problem(str(path), f"row {number}: {what}", line=number))
        groups.setdefault(entry_id, []).append((number, row))
    patches = []
    for entry_id, rows in groups.items():
        fields: dict[str, Any] = {}
        for column, (attribute, read) in ENTRY_COLUMNS.items():
            if column not in columns:
                continue
            values = {row[column].strip() for _, row in rows}
            if len(values) > 1:
                lines = ", ".join(str(n) for n, _ in rows)
                raise DigestError(
                    Problem(
                        str(path),
                        f"entry {entry_id}: rows {lines} disagree on '{column}'",
                        rows[0][0],
                        "give every row of an entry the same value",
                    )
                )
            try:
                fields[attribute] = read(values.pop())
            except (json.JSONDecodeError, ValueError, TypeError) as exc:
                raise DigestError(
                    Problem(str(path), f"entry {entry_id}: malformed '{column}' ({exc})", line=rows[0][0])
                ) from exc
        terms = tuple(
            TermPatch(
                row["source"].strip(),
                {attr: read(row[column].strip()) for column, (attr, read) in TERM_COLUMNS.items() if column in columns},
            )
            for _, row in rows
        )
        patches.append(EntryPatch(entry_id, fields, terms, rows[0][0]))
    return tuple(patches)


REQUIRED_TEXT = ("status", "en_preferred", "definition_en", "definition_zh", "definition_source")


@dataclass(frozen=True)
class Change:
    before: Entry | None
    after: Entry

    def diff(self, folder: Path) -> str:
        name = str(folder / f"{self.after.id}.yml")
        old = dump_entry(self.before).splitlines(keepends=True) if self.before else []
        new = dump_entry(self.after).splitlines(keepends=True)
        return "".join(difflib.unified_diff(old, new, name if self.before else "/dev/null", name))


def merge(glossary: Glossary, patches: tuple[EntryPatch, ...], path: Path) -> list[Change]:
    """The entries the file changes, each with its old and new form; every problem at once, as errors
    naming the file and line: a required field emptied, a value outside its list, a new entry that lacks
    a required field."""
    by_id = glossary.by_id()
    owners = glossary.forms()
    problems: list[Problem] = []
    changes: list[Change] = []
    for patch in patches:
        entry_id = patch.id or next((owners[t.zh_hans] for t in patch.terms if t.zh_hans in owners), "")
        before = by_id.get(entry_id)
        where = f"entry {entry_id or '(no id)'}"
        if before is None:
            missing = [f for f in ("subjects", *REQUIRED_TEXT) if not patch.fields.get(f)]
            if missing or not entry_id:
                problems.append(
                    Problem(
                        str(path),
                        f"{where} is new, but the file does not give its {', '.join(missing) or 'id'}",
                        patch.line,
                        "add the entry as YAML first, or import a full export",
                    )
                )
                continue
            base = Entry(entry_id, "proposed", (), (), "", (), "", "", "", "")
        else:
            base = before
        after = replace(base, **patch.fields)
        terms = list(after.terms)
        for term_patch in patch.terms:
            index = next((i for i, t in enumerate(terms) if t.zh_hans == term_patch.zh_hans), None)
            if index is None:
                new = Term(term_patch.zh_hans, to_traditional(term_patch.zh_hans), "", "variant", "admitted")
                terms.append(replace(new, **term_patch.fields))
            else:
                terms[index] = replace(terms[index], **term_patch.fields)
        after = replace(after, terms=tuple(terms))
        for name in REQUIRED_TEXT:
            if not str(getattr(after, name)).strip() and (before is None or str(getattr(before, name)).strip()):
                problems.append(
                    Problem(str(path), f"{where}: the file would empty the required field '{name}'", patch.line)
                )
        if not after.subjects:
            problems.append(
                Problem(str(path), f"{where}: the file would empty the required field 'subjects'", patch.line)
            )
        if after.status not in STATUSES:
            problems.append(Problem(str(path), f"{where}: status '{after.status}' unknown", patch.line))
        for term in after.terms:
            if not term.zh_hant.strip():
                problems.append(
                    Problem(str(path), f"{where}: term '{term.zh_hans}' would lose its zh-Hant form", patch.line)
                )
            if term.term_type not in TERM_TYPES:
                problems.append(Problem(str(path), f"{where}: termType '{term.term_type}' unknown", patch.line))
            if term.admin_status not in ADMIN_STATUSES:
                problems.append(
                    Problem(str(path), f"{where}: administrativeStatus '{term.admin_status}' unknown", patch.line)
                )
        if after != before:
            changes.append(Change(before, after))
    if problems:
        raise DigestError(problems)
    return changes


@task("glossary-downloads")
def downloads(glossary: Glossary) -> tuple[bytes, bytes]:
    """The glossary as TBX and as CSV, the site's two downloads for translators' tools."""
    return export_tbx(glossary), export_csv(glossary)
