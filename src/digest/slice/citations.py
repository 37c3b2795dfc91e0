"""Citations: a quotation locates the paragraph it comes from, so data files cite text, not positions."""

from __future__ import annotations

from dataclasses import dataclass

from digest.slice.corpus import SlicedReport, full_text, skeleton


@dataclass(frozen=True)
class Citation:
    report: str
    paragraph: str
    quote: str


class CitationError(ValueError):
    """A quotation that names no report, is found nowhere, or is found in more than one paragraph."""


def locate(reports: dict[str, SlicedReport], report_id: str, quote: str, paragraph_id: str | None = None) -> Citation:
    report = reports.get(report_id)
    if report is None:
        raise CitationError(f"no report '{report_id}'")
    wanted = skeleton(quote)
    if not wanted:
        raise CitationError("the quotation is empty")
    hits = [
        p.id
        for _, p in report.outline.paragraphs()
        if wanted in skeleton(full_text(p)) or wanted in skeleton(full_text(p, "zh-Hant"))
    ]
    if not hits and paragraph_id is None:
        # A heading or a front line (title, highlight) is a passage too; it is cited by its section or by the top.
        hits = [s.id for s in report.outline.sections if s.heading and wanted in skeleton(s.heading["zh-Hans"])]
        hits += ["top" for f in report.outline.front if wanted in skeleton(f.text["zh-Hans"])]
    if paragraph_id is not None:
        if paragraph_id not in {p.id for _, p in report.outline.paragraphs()}:
            raise CitationError(f"no paragraph '{paragraph_id}' in {report_id}")
        if paragraph_id not in hits:
            raise CitationError(f"'{quote}' is not in {report_id}#{paragraph_id}")
        return Citation(report_id, paragraph_id, quote)
    if not hits:
        raise CitationError(f"'{quote}' is not in {report_id}")
    if len(hits) > 1:
        raise CitationError(f"'{quote}' is in {len(hits)} paragraphs of {report_id} ({', '.join(hits)}): quote more")
    return Citation(report_id, hits[0], quote)
