"""The glossary: one YAML file per concept under glossary/, with fields named after TBX data categories.

Entries are validated with messages naming the file and line; `check` adds the cross-entry rules (no
term claimed twice, links that resolve, Traditional forms consistent with OpenCC, pinyin as pypinyin
reads it, and contexts that really occur in the corpus).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from digest.datafiles import Field, LineDict, YamlReader, check_fields, load_yaml
from digest.errors import DigestError, Problem
from digest.inputs import input_files
from digest.normalize.steps import to_traditional

STATUSES = ("approved", "proposed", "deprecated")
TERM_TYPES = ("fullForm", "variant", "abbreviation", "shortForm", "formula")
ADMIN_STATUSES = ("preferred", "admitted", "deprecated")
ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

ENTRY_FIELDS = (
    Field("id", (str,), doc="a slug equal to the file name"),
    Field("status", (str,), doc="approved, proposed or deprecated"),
    Field("subjectField", (list,), doc="theme ids"),
    Field("terms", (list,), doc="the Chinese forms of the concept"),
    Field("en", (dict,), doc="preferred, admitted, literal"),
    Field("definition", (dict,), doc="en, zh-Hans and source"),
    Field("context", (list,), required=False, doc="passages: report and quote"),
    Field("equivalenceNote", (str,), required=False),
    Field("usageNote", (str,), required=False),
    Field("crossReference", (list,), required=False),
    Field("history", (list,), required=False),
)
TERM_FIELDS = (
    Field("zh-Hans", (str,)),
    Field("zh-Hant", (str,)),
    Field("pinyin", (str,), required=False, doc="tone marks, syllables separated by spaces"),
    Field("termType", (str,), doc=", ".join(TERM_TYPES)),
    Field("administrativeStatus", (str,), doc=", ".join(ADMIN_STATUSES)),
    Field(
        "zhHantOverride", (bool,), required=False, doc="true when the reports' Traditional form differs from OpenCC's"
    ),
    Field(
        "pinyinConfirmed", (bool,), required=False, doc="true once a person has confirmed a reading pypinyin disputes"
    ),
)
EN_FIELDS = (
    Field("preferred", (str,)),
    Field("admitted", (list,), required=False),
    Field("literal", (str,), required=False),
)
DEFINITION_FIELDS = (Field("en", (str,)), Field("zh-Hans", (str,)), Field("source", (str,)))
CONTEXT_FIELDS = (Field("report", (str,)), Field("quote", (str,)))
HISTORY_FIELDS = (Field("date", (str,)), Field("change", (str,)), Field("author", (str,), required=False))


@dataclass(frozen=True)
class Term:
    zh_hans: str
    zh_hant: str
    pinyin: str
    term_type: str
    admin_status: str
    zh_hant_override: bool = False
    pinyin_confirmed: bool = False


@dataclass(frozen=True)
class Context:
    report: str
    quote: str


@dataclass(frozen=True)
class Entry:
    id: str
    status: str
    subjects: tuple[str, ...]
    terms: tuple[Term, ...]
    en_preferred: str
    en_admitted: tuple[str, ...]
    en_literal: str
    definition_en: str
    definition_zh: str
    definition_source: str
    contexts: tuple[Context, ...] = ()
    equivalence_note: str = ""
    usage_note: str = ""
    cross_references: tuple[str, ...] = ()
    history: tuple[dict[str, str], ...] = ()
    path: str = field(default="", compare=False)
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)

    @property
    def headword(self) -> Term:
        return next((t for t in self.terms if t.admin_status == "preferred"), self.terms[0])

    def forms(self) -> set[str]:
        return {t.zh_hans for t in self.terms} | {t.zh_hant for t in self.terms}

    def renderings(self) -> tuple[str, ...]:
        return (self.en_preferred, *self.en_admitted)


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


def parse_entry(data: Any, path: Path) -> tuple[Entry | None, list[Problem]]:
    """One entry from its parsed YAML, or the problems that stop it, each at its line."""
    problems = check_fields(data, ENTRY_FIELDS, path, "a glossary entry")
    if any("unknown field" not in p.message for p in problems):
        return None, problems
    assert isinstance(data, LineDict)
    line = data.line_of
    if data["id"] != path.stem:
        problems.append(
            Problem(
                str(path),
                f"id '{data['id']}' differs from the file name",
                line("id"),
                f"rename to {data['id']}.yml or fix the id",
            )
        )
    if not ID.match(data["id"]):
        problems.append(Problem(str(path), f"id '{data['id']}' is not a slug", line("id")))
    if data["status"] not in STATUSES:
        problems.append(
            Problem(str(path), f"status '{data['status']}' unknown", line("status"), "one of " + ", ".join(STATUSES))
        )
    terms: list[Term] = []
    for index, item in enumerate(data["terms"]):
        item_line = data["terms"].line_of(index)
        found = check_fields(item, TERM_FIELDS, path, "a term")
        if found:
            problems += found
            continue
        if item["termType"] not in TERM_TYPES:
            problems.append(
                Problem(
                    str(path), f"termType '{item['termType']}' unknown", item_line, "one of " + ", ".join(TERM_TYPES)
                )
            )
        if item["administrativeStatus"] not in ADMIN_STATUSES:
            problems.append(
                Problem(
                    str(path),
                    f"administrativeStatus '{item['administrativeStatus']}' unknown",
                    item_line,
                    "one of " + ", ".join(ADMIN_STATUSES),
                )
            )
        terms.append(
            Term(
                item["zh-Hans"].strip(),
                item["zh-Hant"].strip(),
                _text(item.get("pinyin")),
                item["termType"],
                item["administrativeStatus"],
                bool(item.get("zhHantOverride")),
                bool(item.get("pinyinConfirmed")),
            )
        )
    if not terms and not problems:
        problems.append(Problem(str(path), "an entry needs at least one term", line("terms")))
    for name, spec, value in (("en", EN_FIELDS, data["en"]), ("definition", DEFINITION_FIELDS, data["definition"])):
        problems += check_fields(value, spec, path, f"'{name}'")
    contexts: list[Context] = []
    for item in data.get("context") or []:
        found = check_fields(item, CONTEXT_FIELDS, path, "a context")
        problems += found
        if not found:
            contexts.append(Context(item["report"], item["quote"]))
    history: list[dict[str, str]] = []
    for item in data.get("history") or []:
        found = check_fields(item, HISTORY_FIELDS, path, "a history record")
        problems += found
        if not found:
            history.append({k: str(v) for k, v in item.items()})
    if any("unknown field" not in p.message for p in problems) or problems:
        return None, problems
    en, definition = data["en"], data["definition"]
    entry = Entry(
        id=data["id"],
        status=data["status"],
        subjects=tuple(data["subjectField"]),
        terms=tuple(terms),
        en_preferred=_text(en["preferred"]),
        en_admitted=tuple(_text(a) for a in en.get("admitted") or []),
        en_literal=_text(en.get("literal")),
        definition_en=_text(definition["en"]),
        definition_zh="".join(str(definition["zh-Hans"]).split()),
        definition_source=_text(definition["source"]),
        contexts=tuple(contexts),
        equivalence_note=_text(data.get("equivalenceNote")),
        usage_note=_text(data.get("usageNote")),
        cross_references=tuple(data.get("crossReference") or ()),
        history=tuple(history),
        path=str(path),
        lines={key: line(key) for key in data},
    )
    return entry, []


@dataclass(frozen=True)
class Glossary:
    entries: tuple[Entry, ...]

    def by_id(self) -> dict[str, Entry]:
        return {e.id: e for e in self.entries}

    def forms(self) -> dict[str, str]:
        """Every written form, in both scripts, mapped to its entry id."""
        mapping: dict[str, str] = {}
        for entry in self.entries:
            if entry.status == "deprecated":
                continue
            for form in entry.forms():
                mapping.setdefault(form, entry.id)
        return mapping


def load_glossary(folder: Path, read: YamlReader = load_yaml) -> Glossary:
    """Every entry in the folder; all problems in all files at once."""
    problems: list[Problem] = []
    entries: list[Entry] = []
    for path in input_files(folder, "*.yml"):
        try:
            data = read(path)
        except DigestError as exc:
            problems += exc.problems
            continue
        entry, found = parse_entry(data, path)
        problems += found
        if entry is not None:
            entries.append(entry)
    if problems:
        raise DigestError(problems)
    return Glossary(tuple(entries))


def suggested_pinyin(term: str) -> str:
    from pypinyin import Style, pinyin

    return " ".join(s[0] for s in pinyin(term, style=Style.TONE, errors="ignore") if s and s[0].strip())


def check(glossary: Glossary, theme_ids: set[str]) -> list[Problem]:
    """The rules that span entries. Errors and warnings, each naming the file and line."""
    problems: list[Problem] = []
    ids = glossary.by_id()
    owners: dict[str, str] = {}
    for entry in glossary.entries:
        for subject in entry.subjects:
            if subject not in theme_ids:
                problems.append(
                    Problem(entry.path, f"subjectField '{subject}' is not a theme", entry.lines.get("subjectField"))
                )
        for ref in entry.cross_references:
            if ref not in ids:
                problems.append(
                    Problem(
                        entry.path,
                        f"crossReference '{ref}' names no entry",
                        entry.lines.get("crossReference"),
                        "fix the id or remove the link",
                    )
                )
        for term in entry.terms:
            for form in {term.zh_hans, term.zh_hant}:
                owner = owners.setdefault(form, entry.id)
                if owner != entry.id:
                    problems.append(
                        Problem(
                            entry.path,
                            f"term '{form}' is also claimed by entry '{owner}'",
                            entry.lines.get("terms"),
                            "one concept per term: merge the entries or drop one form",
                        )
                    )
            converted = to_traditional(term.zh_hans)
            if converted != term.zh_hant and not term.zh_hant_override:
                problems.append(
                    Problem(
                        entry.path,
                        f"zh-Hant '{term.zh_hant}' differs from OpenCC's '{converted}' for '{term.zh_hans}'",
                        entry.lines.get("terms"),
                        "correct it, or set zhHantOverride: true if the reports write it so",
                    )
                )
            has_han = re.fullmatch(r"[\u4e00-\u9fff]+", term.zh_hans)
            if has_han and term.pinyin and not term.pinyin_confirmed:
                suggestion = suggested_pinyin(term.zh_hans)
                if _plain(suggestion) != _plain(term.pinyin):
                    problems.append(
                        Problem(
                            entry.path,
                            f"pinyin '{term.pinyin}' for '{term.zh_hans}' differs from pypinyin's '{suggestion}'",
                            entry.lines.get("terms"),
                            "confirm it (pypinyin can misread) or correct it",
                            severity="warning",
                        )
                    )
            elif has_han and not term.pinyin:
                problems.append(
                    Problem(
                        entry.path,
                        f"term '{term.zh_hans}' has no pinyin",
                        entry.lines.get("terms"),
                        f"pypinyin suggests '{suggested_pinyin(term.zh_hans)}'",
                        severity="warning",
                    )
                )
        if entry.status == "approved" and not entry.en_preferred.strip():
            problems.append(
                Problem(entry.path, "an approved entry needs a preferred English rendering", entry.lines.get("en"))
            )
    return problems


def _plain(pinyin: str) -> str:
    return re.sub(r"[\s'’-]", "", pinyin.lower())


def entry_to_data(entry: Entry) -> dict[str, Any]:
    """The canonical YAML form of an entry (what `import` writes)."""
    data: dict[str, Any] = {
        "id": entry.id,
        "status": entry.status,
        "subjectField": list(entry.subjects),
        "terms": [
            {
                "zh-Hans": t.zh_hans,
                "zh-Hant": t.zh_hant,
                **({"pinyin": t.pinyin} if t.pinyin else {}),
                "termType": t.term_type,
                "administrativeStatus": t.admin_status,
                **({"zhHantOverride": True} if t.zh_hant_override else {}),
                **({"pinyinConfirmed": True} if t.pinyin_confirmed else {}),
            }
            for t in entry.terms
        ],
        "en": {
            "preferred": entry.en_preferred,
            "admitted": list(entry.en_admitted),
            **({"literal": entry.en_literal} if entry.en_literal else {}),
        },
        "definition": {"en": entry.definition_en, "zh-Hans": entry.definition_zh, "source": entry.definition_source},
    }
    if entry.contexts:
        data["context"] = [{"report": c.report, "quote": c.quote} for c in entry.contexts]
    if entry.equivalence_note:
        data["equivalenceNote"] = entry.equivalence_note
    if entry.usage_note:
        data["usageNote"] = entry.usage_note
    if entry.cross_references:
        data["crossReference"] = list(entry.cross_references)
    if entry.history:
        data["history"] = [dict(h) for h in entry.history]
    return data


class _Dumper(yaml.SafeDumper):
    pass


def _str_presenter(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = ">" if len(value) > 80 else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_presenter)


def dump_entry(entry: Entry) -> str:
    return yaml.dump(entry_to_data(entry), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def write_entries(entries: tuple[Entry, ...], folder: Path) -> list[Path]:
    """Write entries in canonical form; only files whose text changes are touched."""
    written = []
    folder.mkdir(parents=True, exist_ok=True)
    for entry in entries:
        path = folder / f"{entry.id}.yml"
        text = dump_entry(entry)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
