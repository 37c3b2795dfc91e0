"""`digest glossary suggest`: candidate terms the glossary lacks, most useful first, with their contexts."""

from __future__ import annotations

import re
from collections import defaultdict

from .corpus import SlicedReport, full_text
from .glossary import Glossary
from .ingest import HAN

QUOTED = re.compile(r"“([^“”]{2,14})”")
FORMULA = re.compile(r"(?<![\d.])(\d+(?:\+[\dA-Z]+)+|\d{3,7})(?![\d.%])")


def suggest(glossary: Glossary, reports: dict[str, SlicedReport], limit: int) -> list[str]:
    """Quoted phrases, numeric formulas and recurring words not yet covered, ranked by reach then frequency."""
    known = set(glossary.forms())
    hits: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for report in reports.values():
        for _, paragraph in report.outline.paragraphs():
            text = full_text(paragraph)
            for pattern, kind in ((QUOTED, "quoted"), (FORMULA, "formula")):
                for match in pattern.finditer(text):
                    term = match.group(1)
                    if kind == "formula" and (
                        re.fullmatch(r"(19|20)\d\d", term)
                        or ("+" not in term and text[max(0, match.start() - 1)] != "“")
                    ):
                        continue
                    if term in known or not (HAN.search(term) or kind == "formula"):
                        continue
                    context = text[max(0, match.start() - 12) : match.end() + 12]
                    hits[term].append((report.id, paragraph.id, context))
    ranked = sorted(hits.items(), key=lambda item: (-len({h[0] for h in item[1]}), -len(item[1]), item[0]))
    lines = []
    for term, found in ranked[:limit]:
        reports_with = sorted({h[0] for h in found})
        lines.append(f"{term}  ×{len(found)} in {len(reports_with)} report(s): {', '.join(reports_with)}")
        for report_id, paragraph_id, context in found[:3]:
            lines.append(f"    {report_id}#{paragraph_id}: …{context}…")
    return lines
