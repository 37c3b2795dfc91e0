"""`digest build`: every stage, top to bottom. Gather everything first, then write."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DigestError, Problem, display_path
from .normalize.report import NormalizedReport, normalize_report, write_normalized
from .project import Project
from .publish import SyncResult, run_mkdocs, sync_tree
from .render import environment, render
from .sources import discover


@dataclass
class BuildOutcome:
    reports: int
    pages: SyncResult
    site: Path | None
    warnings: list[Problem] = field(default_factory=list)

    def describe(self) -> str:
        lines = [
            f"{self.reports} reports; pages: {len(self.pages.written)} written, "
            f"{len(self.pages.unchanged)} unchanged, {len(self.pages.removed)} removed",
        ]
        if self.warnings:
            lines.append(f"{len(self.warnings)} warnings")
        if self.site:
            lines.append(f"site: {display_path(self.site)}/index.html")
        return "\n".join(lines)


def _hand_written(docs: Path) -> dict[str, bytes]:
    return {p.relative_to(docs).as_posix(): p.read_bytes() for p in sorted(docs.rglob("*")) if p.is_file()}


def build(project: Project, strict: bool = False, site: bool = True) -> BuildOutcome:
    """Run every stage; with `site`, finish with MkDocs into build/site."""
    # Gather.
    sources = discover(project.sources)
    reports: list[NormalizedReport] = [normalize_report(source) for source in sources]
    warnings = [w for report in reports for w in report.warnings()]
    for warning in warnings:
        print(warning, file=sys.stderr)
    if strict and warnings:
        raise DigestError(warnings)
    env = environment(project.templates)
    pages: dict[str, bytes] = _hand_written(project.docs)
    pages["index.md"] = render(env, "index.md.j2", {"reports": reports}).encode()
    for report in reports:
        pages[f"reports/{report.source.id}.md"] = render(env, "report.md.j2", {"report": report}).encode()
    # Write.
    for report in reports:
        write_normalized(report, project.normalized)
    synced = sync_tree(project.pages, pages)
    if site:
        run_mkdocs(project.mkdocs_config, project.pages, project.site)
    return BuildOutcome(len(reports), synced, project.site if site else None, warnings)
