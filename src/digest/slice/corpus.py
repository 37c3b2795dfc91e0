"""The sliced corpus: every report's outline with themes and figures, and its JSON form."""

from __future__ import annotations

import dataclasses
import functools
import json
from dataclasses import dataclass
from typing import Any

from digest.errors import DigestError, Problem
from digest.ingest.decode import HAN
from digest.memo import Hashed, Memo, task
from digest.normalize import raw_line
from digest.normalize.damage import damaged_spans
from digest.normalize.report import NormalizedReport
from digest.slice.figures import Figure, extract
from digest.slice.outline import Outline, Paragraph, Section, SlicingHints, slice_report
from digest.slice.themes import Theme, ThemeScore, score, tag

SCHEMA_VERSION = 1


SHOWN_REMOVALS = (
    "site_chrome",
    "duplicate_paragraphs",
    "duplicate_short_lines",
)  # steps whose removals a reader sees listed


@dataclass(frozen=True)
class StepNote:
    """What one normalization step did to a report, as its edition notes tell it."""

    step: str
    count: int
    removed: tuple[str, ...] = ()  # the first lines it removed, for steps in SHOWN_REMOVALS


@dataclass(frozen=True)
class SlicedReport:
    normalized: NormalizedReport
    outline: Outline
    themes: dict[str, tuple[ThemeScore, ...]]
    figures: dict[str, tuple[Figure, ...]]
    edition: tuple[StepNote, ...] = ()

    @property
    def id(self) -> str:
        return self.normalized.source.id

    def without_ledger(self) -> SlicedReport:
        """This report without its raw text, clean texts and edit ledger: what every later stage needs, at a
        quarter of the size, so a thousand cached reports load in a fraction of the time."""
        normalized = self.normalized
        result = dataclasses.replace(normalized.result, texts={}, steps=(), branches={})
        return dataclasses.replace(self, normalized=dataclasses.replace(normalized, raw="", result=result))

    def paragraph(self, paragraph_id: str) -> tuple[Section, Paragraph] | None:
        for section, paragraph in self.outline.paragraphs():
            if paragraph.id == paragraph_id:
                return section, paragraph
        return None


def full_text(paragraph: Paragraph, script: str = "zh-Hans") -> str:
    return (paragraph.lead[script] if paragraph.lead else "") + paragraph.text[script]


def _hints(report: NormalizedReport) -> tuple[SlicingHints, dict[str, list[str]]]:
    config = report.source.slicing
    hints = SlicingHints(
        headings=frozenset(config.get("headings") or ()), not_headings=frozenset(config.get("not_headings") or ())
    )
    pinned = {str(k): list(v) for k, v in (config.get("themes") or {}).items()}
    return hints, pinned


def slice_one(report: NormalizedReport, themes: tuple[Theme, ...]) -> tuple[SlicedReport, list[Problem]]:
    """Slice, tag and measure one report; sidecar pins that name no paragraph or theme are problems."""
    theme_ids = {t.id for t in themes}
    problems: list[Problem] = []
    hints, pinned = _hints(report)
    outline = slice_report(
        report.source.id, report.result.texts, report.source.title["zh-Hans"], hints, str(report.source.raw_path)
    )
    tags: dict[str, tuple[ThemeScore, ...]] = {}
    figures: dict[str, tuple[Figure, ...]] = {}
    previous: tuple[ThemeScore, ...] = ()
    for section, paragraph in outline.paragraphs():
        heading = section.heading["zh-Hans"] if section.heading else ""
        text = full_text(paragraph)
        chosen = tag(score(text, heading, themes), previous)
        if paragraph.id in pinned:
            chosen = tuple(ThemeScore(t, 1.0) for t in pinned[paragraph.id])
        tags[paragraph.id] = chosen
        previous = chosen
        figures[paragraph.id] = extract(text)
    known = {p.id for _, p in outline.paragraphs()}
    if not known:
        problems.append(
            Problem(
                str(report.source.raw_path),
                "no body text left once site furniture is removed",
                hint="check that the file holds the report itself, not only the page around it",
            )
        )
    for paragraph_id, theme_list in pinned.items():
        if paragraph_id not in known:
            problems.append(
                Problem(str(report.source.sidecar_path), f"slicing.themes pins unknown paragraph '{paragraph_id}'")
            )
        for theme in theme_list:
            if theme not in theme_ids:
                problems.append(
                    Problem(str(report.source.sidecar_path), f"slicing.themes names unknown theme '{theme}'")
                )
    warnings = tuple(
        dataclasses.replace(w, line=raw_line(report.result, report.raw, "zh-Hans", w.line)) if w.line else w
        for w in outline.warnings
    )
    outline = dataclasses.replace(outline, warnings=warnings)
    return SlicedReport(report, outline, tags, figures, edition_notes(report)), problems


def edition_notes(report: NormalizedReport) -> tuple[StepNote, ...]:
    result = report.result
    notes = []
    for record in (*result.steps, result.branches["zh-Hans"], result.branches["zh-Hant"]):
        if record.name == "damage_marks" and record.edits:
            # Listed by span, not by edit: each is a place in the text that the reader sees marked.
            spans = damaged_spans(result.texts["zh-Hans"])
            notes.append(StepNote(record.name, len(spans), tuple(spans[:12])))
        elif record.name == "mojibake_realignment" and record.edits:
            # An automatic reading of garbled bytes: the reader sees what was read as what.
            readings = [f"{e.before} → {e.after}" for e in record.edits]
            notes.append(StepNote(record.name, len(record.edits), tuple(readings[:12])))
        elif record.edits:
            removed = (
                [e.before.strip() for e in record.edits if e.before.strip()] if record.name in SHOWN_REMOVALS else []
            )
            if record.name == "site_chrome":
                removed = [f"[{r.klass}] {r.text}" for r in result.furniture]
            notes.append(StepNote(record.name, len(record.edits), tuple(removed[:12])))
    return tuple(notes)


def slice_all(reports: list[NormalizedReport], themes: tuple[Theme, ...]) -> list[SlicedReport]:
    """Every report sliced; all problems of all reports reported together."""
    problems: list[Problem] = []
    sliced: list[SlicedReport] = []
    for report in reports:
        result, found = slice_one(report, themes)
        sliced.append(result)
        problems += found
    if problems:
        raise DigestError(problems)
    return sliced


@functools.lru_cache(maxsize=1 << 16)
def skeleton(text: str) -> str:
    """Han characters only: what a quotation must match, whatever the punctuation, figures or Latin letters."""
    return "".join(HAN.findall(text))


def report_data(report: SlicedReport) -> dict[str, Any]:
    """One report as it appears in the corpus JSON's `reports` list."""
    source = report.normalized.source
    sections = []
    for section in report.outline.sections:
        paragraphs = []
        for paragraph in section.paragraphs:
            paragraphs.append(
                {
                    "id": paragraph.id,
                    "kind": paragraph.kind,
                    "lead": paragraph.lead,
                    "text": paragraph.text,
                    "themes": [{"theme": t.theme, "score": t.score} for t in report.themes[paragraph.id]],
                    "figures": [
                        {
                            "kind": f.kind,
                            "text": f.text,
                            "value": f.value,
                            "unit": f.unit,
                            "approximate": f.approximate,
                            "clause": f.clause,
                            "paragraph": paragraph.id,
                        }
                        for f in report.figures[paragraph.id]
                    ],
                }
            )
        sections.append(
            {
                "id": section.id,
                "level": section.level,
                "number": section.number,
                "heading": section.heading,
                "paragraphs": paragraphs,
            }
        )
    return {
        "id": source.id,
        "source_file": source.raw_path.name,
        "title": source.title,
        "region": {"province": source.region.province, "city": source.region.city},
        "publisher": source.publisher,
        "date": {"value": source.date, "kind": source.date_kind},
        "genre": source.genre,
        "original_script": report.normalized.script,
        "encoding": report.normalized.encoding,
        "facts": report.normalized.result.facts,
        "front": [{"kind": f.kind, "text": f.text} for f in report.outline.front],
        "sections": sections,
    }


def corpus_data(
    sliced: list[SlicedReport], themes: tuple[Theme, ...], measures: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "reports": [report_data(report) for report in sliced],
        "themes": [{"id": t.id, "name": t.name, "description": t.description} for t in themes],
        "measures": measures,
    }


def compact_json(data: Any) -> str:
    """Compact, with sorted keys, through the C encoder: pretty-printing a large corpus costs seconds."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def corpus_json(reports: list[str], themes: tuple[Theme, ...], measures: list[dict[str, Any]]) -> str:
    """The corpus JSON from each report's `compact_json(report_data(...))`, so unchanged reports need not be
    encoded again; byte for byte what `compact_json(corpus_data(...))` gives."""
    rest = corpus_data([], themes, measures)
    parts = [f"{compact_json(name)}:{compact_json(rest[name])}" for name in sorted(rest) if name != "reports"]
    parts.insert(sum(name < "reports" for name in rest), '"reports":[' + ",".join(reports) + "]")
    return "{" + ",".join(parts) + "}\n"


@task("report-json")
def report_json(report: SlicedReport) -> str:
    return compact_json(report_data(report))


def corpus_file(
    memo: Memo, reports: list[Hashed[SlicedReport]], themes: tuple[Theme, ...], measures: list[dict[str, Any]]
) -> str:
    """build/corpus.json, each report's part encoded once and kept until the report changes."""
    parts = [part.value for part in memo.map(report_json, [(report,) for report in reports])]
    return corpus_json(parts, themes, measures)
