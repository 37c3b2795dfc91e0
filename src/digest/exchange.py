"""Glossary exchange with translators' tools: TBX-Basic and CSV in Weblate's glossary columns.

Both formats carry every field of an entry, so an export followed by an import gives the glossary back
unchanged; a translator can edit either in a CAT tool or a spreadsheet and bring the changes home.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections import OrderedDict
from pathlib import Path

from lxml import etree  # type: ignore[import-untyped]

from .errors import DigestError, Problem
from .glossary import Context, Entry, Glossary, Term

ADMIN = {
    "preferred": "preferredTerm-admn-sts",
    "admitted": "admittedTerm-admn-sts",
    "deprecated": "deprecatedTerm-admn-sts",
}
ADMIN_BACK = {v: k for k, v in ADMIN.items()}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _sub(parent: ET.Element, tag: str, text: str = "", **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text:
        element.text = text
    return element


def export_tbx(glossary: Glossary) -> bytes:
    martif = ET.Element("martif", {"type": "TBX-Basic", XML_LANG: "en"})
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
        for script in ("zh-Hans", "zh-Hant"):
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
            _sub(tig, "term", rendering)
            _sub(tig, "termNote", ADMIN["preferred" if index == 0 else "admitted"], type="administrativeStatus")
    ET.indent(martif)
    doctype = '<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">\n'
    serialized = ET.tostring(martif, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + doctype + serialized + "\n").encode("utf-8")


def import_tbx(data: bytes, path: Path) -> tuple[Entry, ...]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise DigestError(Problem(str(path), f"not valid XML: {exc.msg}", line=exc.lineno)) from exc
    entries = []
    for node in root.iter("termEntry"):

        def child_text(parent: etree._Element, tag: str, **attrs: str) -> list[str]:
            return [(c.text or "") for c in parent.findall(tag) if all(c.get(k) == v for k, v in attrs.items())]

        langs = {ls.get(XML_LANG): ls for ls in node.findall("langSet")}
        missing = [lang for lang in ("zh-Hans", "zh-Hant", "en") if lang not in langs]
        if missing:
            raise DigestError(
                Problem(str(path), f"termEntry {node.get('id')} lacks langSet {missing}", line=node.sourceline)
            )
        hans_tigs, hant_tigs = langs["zh-Hans"].findall("tig"), langs["zh-Hant"].findall("tig")
        if len(hans_tigs) != len(hant_tigs):
            raise DigestError(
                Problem(
                    str(path),
                    f"termEntry {node.get('id')}: zh-Hans and zh-Hant terms differ in number",
                    line=node.sourceline,
                )
            )
        terms = []
        for hans, hant in zip(hans_tigs, hant_tigs, strict=True):
            notes = {n.get("type"): n.text or "" for n in hans.findall("termNote")}
            hant_notes = {n.get("type"): n.text or "" for n in hant.findall("termNote")}
            terms.append(
                Term(
                    hans.findtext("term") or "",
                    hant.findtext("term") or "",
                    notes.get("x-pinyin", ""),
                    notes.get("termType", "fullForm"),
                    ADMIN_BACK.get(notes.get("administrativeStatus", ""), "admitted"),
                    hant_notes.get("x-zhHantOverride") == "true",
                    notes.get("x-pinyinConfirmed") == "true",
                )
            )
        contexts = []
        definition_zh = ""
        for group in langs["zh-Hans"].findall("descripGrp"):
            kinds = {d.get("type"): d.text or "" for d in group.findall("descrip")}
            if "definition" in kinds:
                definition_zh = kinds["definition"]
            if "context" in kinds:
                contexts.append(Context(group.findtext("admin") or "", kinds["context"]))
        english = langs["en"]
        group = english.find("descripGrp")
        renderings = [t.findtext("term") or "" for t in english.findall("tig")]
        history = []
        for transac in node.findall("transacGrp"):
            record = {"date": transac.findtext("date") or "", "change": transac.findtext("note") or ""}
            if transac.findtext("transacNote"):
                record["author"] = transac.findtext("transacNote") or ""
            history.append(record)
        entries.append(
            Entry(
                id=node.get("id") or "",
                status=(child_text(node, "descrip", type="x-entryStatus") or ["proposed"])[0],
                subjects=tuple(child_text(node, "descrip", type="subjectField")),
                terms=tuple(terms),
                en_preferred=renderings[0] if renderings else "",
                en_admitted=tuple(renderings[1:]),
                en_literal=(child_text(english, "descrip", type="x-literalTranslation") or [""])[0],
                definition_en=(group.findtext("descrip") if group is not None else "") or "",
                definition_zh=definition_zh,
                definition_source=(group.findtext("admin") if group is not None else "") or "",
                contexts=tuple(contexts),
                equivalence_note=(child_text(node, "note", type="x-equivalenceNote") or [""])[0],
                usage_note=(child_text(english, "note", type="x-usageNote") or [""])[0],
                cross_references=tuple(r.get("target") or "" for r in node.findall("ref")),
                history=tuple(history),
            )
        )
    return tuple(entries)


# Weblate's glossary columns first (source, target, context, developer_comments, translator_comments),
# then one column per remaining field so nothing is lost on the way through a spreadsheet.
CSV_COLUMNS = (
    "source", "target", "context", "developer_comments", "translator_comments",
    "zh_hant", "pinyin", "term_type", "administrative_status", "zh_hant_override", "pinyin_confirmed",
    "entry_status", "subject_field", "en_admitted", "en_literal", "definition_zh", "definition_source",
    "contexts", "equivalence_note", "cross_reference", "history",
)  # fmt: skip


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


def import_csv(data: bytes, path: Path) -> tuple[Entry, ...]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DigestError(Problem(str(path), "not UTF-8 text", hint="export the CSV as UTF-8")) from exc
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("source", "target", "context") if c not in (reader.fieldnames or [])]
    if missing:
        raise DigestError(Problem(str(path), f"missing columns {missing}", line=1))
    rows: OrderedDict[str, list[dict[str, str]]] = OrderedDict()
    for raw in reader:
        row = {name: _uncell(value or "") for name, value in raw.items() if name is not None}
        rows.setdefault(row["context"], []).append(row)
    entries = []
    for entry_id, group in rows.items():
        first = group[0]
        try:
            entries.append(
                Entry(
                    id=entry_id,
                    status=first.get("entry_status") or "proposed",
                    subjects=tuple((first.get("subject_field") or "").split()),
                    terms=tuple(
                        Term(
                            r["source"],
                            r.get("zh_hant") or r["source"],
                            r.get("pinyin") or "",
                            r.get("term_type") or "fullForm",
                            r.get("administrative_status") or "admitted",
                            r.get("zh_hant_override") == "true",
                            r.get("pinyin_confirmed") == "true",
                        )
                        for r in group
                    ),
                    en_preferred=first["target"],
                    en_admitted=tuple(json.loads(first.get("en_admitted") or "[]")),
                    en_literal=first.get("en_literal") or "",
                    definition_en=first.get("developer_comments") or "",
                    definition_zh=first.get("definition_zh") or "",
                    definition_source=first.get("definition_source") or "",
                    contexts=tuple(Context(r, q) for r, q in json.loads(first.get("contexts") or "[]")),
                    equivalence_note=first.get("equivalence_note") or "",
                    usage_note=first.get("translator_comments") or "",
                    cross_references=tuple((first.get("cross_reference") or "").split()),
                    history=tuple(json.loads(first.get("history") or "[]")),
                )
            )
        except (json.JSONDecodeError, ValueError, TypeError) as exc:
            raise DigestError(
                Problem(str(path), f"entry {entry_id}: malformed column ({exc})", line=reader.line_num)
            ) from exc
    return tuple(entries)
