"""The normalize stage over one report: read its raw file, run the steps, write its artifacts."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from digest.errors import Problem, display_path
from digest.ingest.decode import detect_script, read_raw
from digest.ingest.sources import ReportSource
from digest.normalize import Normalized, normalize_text, step_summaries
from digest.normalize.ledger import to_json
from digest.normalize.steps import ChromeRule, load_repairs


@dataclass(frozen=True)
class NormalizedReport:
    source: ReportSource
    encoding: str
    script: str
    result: Normalized
    raw: str

    def warnings(self) -> list[Problem]:
        raw = str(self.source.raw_path)
        found = list(self.source.incomplete)
        found += [
            Problem(
                raw,
                f"unrepaired suspect span '{s.text}' ({s.reason}) in …{s.context}…",
                line=s.line,
                hint=f"add a repair to {display_path(self.source.repairs_path)}",
                severity="warning",
            )
            for s in self.result.suspects
        ]
        found += [
            Problem(
                str(self.source.repairs_path),
                f"repair never applied: '{r.find}' is not in the text",
                line=r.line,
                hint="check the find text against `digest normalize` output",
                severity="warning",
            )
            for r in self.result.repairs_unused
        ]
        if self.encoding != self.source.encoding or self.script != self.source.script:
            found.append(
                Problem(
                    str(self.source.sidecar_path),
                    f"sidecar says {self.source.encoding}/{self.source.script}, detected {self.encoding}/{self.script}",
                    hint=f"run `digest new-report --update {display_path(self.source.raw_path)}`",
                    severity="warning",
                )
            )
        return found


def normalize_report(source: ReportSource, chrome: tuple[ChromeRule, ...] = ()) -> NormalizedReport:
    decoded = read_raw(source.raw_path)
    result = normalize_text(decoded.text, load_repairs(source.repairs_path), chrome)
    return NormalizedReport(source, decoded.encoding, detect_script(decoded.text), result, decoded.text)


def ledger_json(report: NormalizedReport) -> str:
    result = report.result
    data = {
        "report": report.source.id,
        "source_file": report.source.raw_path.name,
        "encoding": report.encoding,
        "script": report.script,
        "facts": result.facts,
        "furniture": [{"line": r.line, "class": r.klass, "rule": r.rule, "text": r.text} for r in result.furniture],
        "steps": to_json(result.steps),
        "branches": {script: to_json((record,))[0] for script, record in result.branches.items()},
        "repairs": [{"find": r.find, "replace": r.replace, "reason": r.reason} for r in result.repairs_applied],
        "step_summaries": step_summaries(),
    }
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
    # Lone surrogates removed from a raw file are kept in the ledger as JSON escapes (valid, and UTF-8 safe).
    return re.sub(r"[\ud800-\udfff]", lambda m: f"\\u{ord(m.group(0)):04x}", text)


def write_normalized(report: NormalizedReport, folder: Path) -> list[Path]:
    if not report.result.texts:
        raise ValueError(f"{report.source.id}: this copy of the report was made without its texts and ledger")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for script, text in report.result.texts.items():
        path = folder / f"{report.source.id}.{script}.txt"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    ledger = folder / f"{report.source.id}.ledger.json"
    ledger.write_text(ledger_json(report), encoding="utf-8")
    written.append(ledger)
    return written


def summary(report: NormalizedReport) -> str:
    """A readable account of one report's normalization, for `digest normalize --report`."""
    result = report.result
    lines = [
        f"{report.source.id}  ({display_path(report.source.raw_path)})",
        f"  encoding {report.encoding}, script {report.script}",
    ]
    summaries = step_summaries()
    for record in (*result.steps, *result.branches.values()):
        removed = sum(len(e.before) for e in record.edits)
        added = sum(len(e.after) for e in record.edits)
        lines.append(
            f"  {record.name:22} {len(record.edits):5} edits  -{removed:<6} +{added:<6} {summaries[record.name]}"
        )
    for repair in result.repairs_applied:
        lines.append(f"  repair: {repair.find!r} → {repair.replace!r}")
    for line in result.furniture:
        lines.append(f"  furniture line {line.line} [{line.klass}] {line.text}")
    if result.facts:
        lines.append("  facts from site chrome: " + "; ".join(f"{k}={v}" for k, v in sorted(result.facts.items())))
    lines += [f"  {p}" for p in report.warnings()]
    for script, text in result.texts.items():
        lines.append(f"  {script}: {text.count(chr(10))} lines, {len(text)} characters")
    return "\n".join(lines)
