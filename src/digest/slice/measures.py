"""Comparable measures: the same quantity across regions, each value cited to the paragraph stating it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from digest.datafiles import Field, LineDict, check_fields, load_yaml
from digest.errors import DigestError, Problem
from digest.ingest.sources import LANGS
from digest.slice.citations import Citation, CitationError, locate
from digest.slice.corpus import SlicedReport, full_text

MEASURE_FIELDS = (
    Field("id", (str,)),
    Field("name", (dict,), doc="en, zh-Hans, zh-Hant"),
    Field("unit", (str,), doc="percent, count, ..."),
    Field("theme", (str,), doc="a theme id"),
    Field("note", (str,), required=False, doc="how the values compare, and where they do not"),
    Field("note-zh-Hans", (str,), required=False, doc="the note in Simplified Chinese (Traditional is converted)"),
    Field("values", (list,)),
)
VALUE_FIELDS = (
    Field("report", (str,)),
    Field("value", (int, float)),
    Field("text", (str,), doc="the figure as the paragraph writes it, e.g. 57%"),
    Field("quote", (str,), doc="words of the paragraph around the figure (zh-Hans), locating it"),
    Field("note", (str,), required=False),
    Field("note-zh-Hans", (str,), required=False, doc="the note in Simplified Chinese"),
)


@dataclass(frozen=True)
class MeasureValue:
    value: float
    text: str
    citation: Citation
    note: str
    note_zh: str = ""


@dataclass(frozen=True)
class Measure:
    id: str
    name: dict[str, str]
    unit: str
    theme: str
    note: str
    values: tuple[MeasureValue, ...]
    note_zh: str = ""


def _number(text: str) -> float | None:
    found = re.search(r"\d+(?:\.\d+)?", text)
    if not found:
        return None
    value = float(found.group(0))
    for multiplier, factor in (("万", 1e4), ("亿", 1e8)):
        if multiplier in text[found.end() :]:
            value *= factor
    return value


def load_measures(path: Path, reports: dict[str, SlicedReport], theme_ids: set[str]) -> tuple[Measure, ...]:
    """Read and verify every measure: each cited figure must be in the paragraph its quotation locates."""
    data = load_yaml(path)
    if not isinstance(data, list):
        raise DigestError(Problem(str(path), "the measures file is a list of measures", line=1))
    problems: list[Problem] = []
    measures: list[Measure] = []
    for item in data:
        found = check_fields(item, MEASURE_FIELDS, path, "a measure")
        if found:
            problems += found
            continue
        assert isinstance(item, LineDict)
        if item["theme"] not in theme_ids:
            problems.append(Problem(str(path), f"unknown theme '{item['theme']}'", item.line_of("theme")))
        if any(not item["name"].get(lang) for lang in LANGS):
            problems.append(Problem(str(path), "a measure needs en, zh-Hans and zh-Hant names", item.line_of("name")))
        problems += _untranslated(item, path, item["id"])
        values: list[MeasureValue] = []
        for entry in item["values"]:
            found = check_fields(entry, VALUE_FIELDS, path, "a measure value")
            if found:
                problems += found
                continue
            line = entry.line if isinstance(entry, LineDict) else None
            try:
                citation = locate(reports, entry["report"], entry["quote"])
            except CitationError as exc:
                problems.append(Problem(str(path), f"{item['id']}: {exc}", line, "copy the quote from the paragraph"))
                continue
            located = reports[citation.report].paragraph(citation.paragraph)
            assert located is not None
            if entry["text"] not in full_text(located[1]) or entry["text"] not in entry["quote"]:
                problems.append(
                    Problem(str(path), f"{item['id']}: '{entry['text']}' is not in the quoted paragraph", line)
                )
                continue
            stated = _number(entry["text"])
            if stated is None or abs(stated - float(entry["value"])) > 1e-9 * max(1.0, abs(stated)):
                problems.append(
                    Problem(str(path), f"{item['id']}: value {entry['value']} does not match '{entry['text']}'", line)
                )
                continue
            problems += _untranslated(entry, path, f"{item['id']}: a value")
            note_zh = "".join(str(entry.get("note-zh-Hans") or "").split())
            values.append(
                MeasureValue(float(entry["value"]), entry["text"], citation, str(entry.get("note") or ""), note_zh)
            )
        measures.append(
            Measure(
                item["id"],
                dict(item["name"]),
                item["unit"],
                item["theme"],
                " ".join(str(item.get("note") or "").split()),
                tuple(values),
                "".join(str(item.get("note-zh-Hans") or "").split()),
            )
        )
    if problems:
        raise DigestError(problems)
    return tuple(measures)


def _untranslated(item: Any, path: Path, what: str) -> list[Problem]:
    """A note readers of the Chinese pages would get in English only."""
    if item.get("note") and not item.get("note-zh-Hans"):
        line = item.line_of("note") if isinstance(item, LineDict) else None
        return [Problem(str(path), f"{what}: note has no note-zh-Hans", line, "add the note in Simplified Chinese")]
    return []


def measures_data(measures: tuple[Measure, ...], reports: dict[str, SlicedReport]) -> list[dict[str, object]]:
    return [
        {
            "id": m.id,
            "name": m.name,
            "unit": m.unit,
            "theme": m.theme,
            "note": m.note,
            "values": [
                {
                    "report": v.citation.report,
                    "region": reports[v.citation.report].normalized.source.region.name("en"),
                    "value": v.value,
                    "text": v.text,
                    "paragraph": v.citation.paragraph,
                    "quote": v.citation.quote,
                    "note": v.note,
                }
                for v in m.values
            ],
        }
        for m in measures
    ]
