"""`digest build`: every stage, top to bottom, as MkDocs' `commands/build.py` reads: gather, check, render,
write, publish. Nothing is written until everything has been read and checked; what can be skipped is the
memo layer's business (`digest.memo`), so no stage here computes a key."""

from __future__ import annotations

import functools
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from digest.datafiles import caching_reader
from digest.errors import DigestError, Problem, display_path, machine_fault, outside_link
from digest.glossary.entries import check as check_glossary
from digest.glossary.entries import load_glossary
from digest.glossary.exchange import downloads
from digest.glossary.termmatch import match_terms
from digest.glossary.usage import corpus_problems
from digest.inputs import file_bytes, files_under, input_bytes, input_files, inputs_read
from digest.lock import build_lock
from digest.memo import Memo, Output, fingerprint, gc_paused, hashed
from digest.normalize.report import NormalizedReport, ledger_json, normalize_report
from digest.normalize.steps import chrome_rules
from digest.progress import terminal_progress
from digest.project import Project
from digest.publish.mkdocs import SyncResult, clean_leftovers, run_mkdocs, sync_tree
from digest.site.content import load_articles
from digest.site.docs import documentation
from digest.site.index import SiteIndex
from digest.site.model import SiteModel
from digest.site.pages import plan
from digest.site.render import environments
from digest.slice.corpus import SlicedReport, corpus_file
from digest.slice.gather import Corpus, gather
from digest.slice.measures import measures_data
from digest.translate.catalogs import load_translations

T = TypeVar("T")


@dataclass
class BuildOutcome:
    reports: int
    pages: SyncResult
    site: Path | None
    warnings: list[Problem] = field(default_factory=list)
    processed: int = 0
    site_files: SyncResult | None = None
    timings: dict[str, float] = field(default_factory=dict)
    skipped: bool = False

    def describe(self) -> str:
        if self.skipped:
            return f"nothing changed since the last build: no stage run, no page written ({display_path(self.site or '.')})"
        lines = [
            f"{self.reports} reports ({self.processed} processed, {self.reports - self.processed} from cache); "
            f"pages: {len(self.pages.written)} written, {len(self.pages.unchanged)} unchanged, {len(self.pages.removed)} removed",
        ]
        if self.site_files:
            lines.append(
                f"site files: {len(self.site_files.written)} written, {len(self.site_files.unchanged)} unchanged, "
                f"{len(self.site_files.removed)} removed"
            )
        if self.warnings:
            lines.append(f"{len(self.warnings)} warnings")
        if self.site:
            lines.append(f"site: {display_path(self.site)}/index.html")
        return "\n".join(lines)


INPUT_FOLDERS = (
    "source_texts",
    "data",
    "glossary",
    "translations",
    "content",
    "templates",
    "locales",
    "docs",
    "overrides",
)


@dataclass(frozen=True)
class Snapshot:
    """Every input file's bytes by path, the folders they were listed from, and one fingerprint of them all
    with the configuration and the code: equal fingerprints mean a rebuild would change nothing."""

    files: dict[str, bytes]
    folders: set[str]
    fingerprint: str


class Laps:
    """Seconds per stage (the benchmark reports them), taken around each stage's call rather than inside it."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    def __call__(self, name: str, stage: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        start = time.perf_counter()
        try:
            return stage(*args, **kwargs)
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start


def build(
    project: Project, strict: bool = False, site: bool = True, force: bool = False, search: bool = True
) -> BuildOutcome:
    """Run every stage; with `site`, finish with MkDocs into build/site (and the search index, with `search`).
    One build at a time holds build/.lock."""
    laps = Laps()
    with build_lock(project.build):
        clean_leftovers(project.site)
        snapshot = laps("fingerprint", read_inputs, project)
        if site and not force and published(project, snapshot):
            return BuildOutcome(0, SyncResult((), (), ()), project.site, skipped=True, timings=laps.timings)
        memo = Memo(project.build / "cache.sqlite")
        try:
            with gc_paused():  # but in a full MkDocs run (`run_mkdocs`)
                with inputs_read(snapshot.files, snapshot.folders):
                    model = laps("gather", gather_model, project, memo)
                    index = SiteIndex(model)
                    warnings = laps("check", check, model, index, strict)
                    pages = laps("render", render, project, model, index)
                    files = laps("data files", data_files, project, model)
                    synced = laps("write", write, project, memo, pages, files)
                site_files = (
                    laps("publish", publish, project, model.corpus, snapshot, laps.timings, memo, search)
                    if site
                    else None
                )
        finally:
            memo.close()
    return BuildOutcome(
        len(model.corpus.reports),
        synced,
        project.site if site else None,
        warnings,
        model.corpus.processed,
        site_files,
        laps.timings,
    )


def read_inputs(project: Project) -> Snapshot:
    files: dict[str, bytes] = {}
    folders: set[str] = set()
    parts: list[object] = []
    root = project.root.resolve()
    problems = []
    for name in INPUT_FOLDERS:
        for relative, path in files_under(project.root / name, folders):
            try:
                if path.is_symlink() and not Path(os.path.realpath(path)).is_relative_to(root):
                    problems.append(outside_link(path))
                    continue
                data = files[os.fspath(path)] = path.read_bytes()
            except OSError as exc:
                problems.append(machine_fault(exc, path))
                continue
            parts += [f"{name}/{relative}", data]
    if problems:
        raise DigestError(problems)
    for path in (project.mkdocs_config, project.root / "requirements.txt"):
        parts.append(file_bytes(path))
    return Snapshot(files, folders, fingerprint(*parts))


def published(project: Project, snapshot: Snapshot) -> bool:
    """Whether build/site was published from exactly these inputs."""
    stamp = project.build / ".fingerprint"
    return project.site.is_dir() and stamp.exists() and stamp.read_text() == snapshot.fingerprint


def gather_model(project: Project, memo: Memo) -> SiteModel:
    """Everything the site is made from: the corpus, glossary, translations, editorial content, templates."""
    corpus = gather(project, memo, terminal_progress("reports"))
    glossary_files = input_files(project.glossary, "*.yml")
    glossary = hashed(
        load_glossary(project.glossary, caching_reader(memo)), *((p.name, input_bytes(p)) for p in glossary_files)
    )
    forms = hashed(tuple(sorted(glossary.value.forms().items())), glossary)
    matches = match_terms(memo, corpus.hashed, forms, terminal_progress("term matching"))
    templates = environments(memo, project.templates, project.locales, project.build / ".templates.jinja")
    return SiteModel(
        corpus=corpus,
        glossary=glossary,
        translations=load_translations(memo, project.translations, corpus.hashed),
        matches=matches,
        abstracts=load_articles(project.root / "content" / "abstracts", corpus.reports),
        summaries=load_articles(project.root / "content" / "themes", corpus.reports),
        templates=templates,
        everywhere=hashed(None, glossary, file_bytes(project.data / "themes.yml"), templates),
        memo=memo,
    )


def check(model: SiteModel, index: SiteIndex, strict: bool) -> list[Problem]:
    """Errors stop the build before anything is written; warnings are printed (with `strict`, they stop it too)."""
    glossary = model.glossary.value
    problems = check_glossary(glossary, {t.id for t in model.corpus.themes})
    if not any(p.severity == "error" for p in problems):
        problems += corpus_problems(glossary, model.corpus.reports, index.used)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise DigestError(errors)
    translation_warnings = [w for translated in model.translations.values() for w in translated.value[2]]
    warnings = model.corpus.warnings() + problems + translation_warnings
    for warning in warnings:
        print(warning, file=sys.stderr)
    if strict and warnings:
        raise DigestError(warnings)
    return warnings


@dataclass(frozen=True)
class Rendered:
    """The generated pages: those to write (rendered now) and those already on disk as they would be."""

    written: dict[str, bytes]
    current: list[str]
    normalized: dict[str, bytes]
    normalized_current: list[str]


RENDER_PARALLEL_FROM = 64  # pages to render from which they are rendered on every core


def render(project: Project, model: SiteModel, index: SiteIndex) -> Rendered:
    memo = model.memo
    pages, current = memo.outputs(project.pages, plan(model, index), RENDER_PARALLEL_FROM)
    normalized, normalized_current = memo.outputs(
        project.normalized, normalized_files(project, model.corpus), RENDER_PARALLEL_FROM
    )
    return Rendered(pages, current, normalized, normalized_current)


def normalized_files(project: Project, corpus: Corpus) -> dict[str, Output]:
    """build/normalized/: each report's clean texts and edit ledger. A report kept from an earlier build
    comes without its ledger, and is normalized again only if its files are missing."""
    chrome_path = project.data / "chrome.yml"
    outputs: dict[str, Output] = {}
    for report_id, report in corpus.hashed.items():
        full = functools.cache(functools.partial(_with_ledger, report.value, chrome_path))
        for script in ("zh-Hans", "zh-Hant"):
            outputs[f"{report_id}.{script}.txt"] = Output((report,), functools.partial(_text, full, script))
        outputs[f"{report_id}.ledger.json"] = Output((report,), functools.partial(_ledger, full))
    return outputs


def _with_ledger(report: SlicedReport, chrome_path: Path) -> NormalizedReport:
    kept = report.normalized
    return kept if kept.result.texts else normalize_report(kept.source, chrome_rules(chrome_path))


def _text(full: Callable[[], NormalizedReport], script: str) -> str:
    return full().result.texts[script]


def _ledger(full: Callable[[], NormalizedReport]) -> str:
    return ledger_json(full())


def data_files(project: Project, model: SiteModel) -> dict[str, bytes]:
    """The site's downloads (corpus JSON, glossary as TBX and CSV, each raw text as collected) and the
    hand-written documentation pages in every language."""
    corpus = model.corpus
    files = documentation(project.docs, model.templates.value)
    measures = measures_data(corpus.measures, corpus.reports)
    files["downloads/corpus.json"] = corpus_file(
        model.memo, list(corpus.hashed.values()), corpus.themes, measures
    ).encode()
    files["downloads/glossary.tbx"], files["downloads/glossary.csv"] = model.memo.call(downloads, model.glossary).value
    for report_id, report in corpus.reports.items():  # the evidence, byte for byte, linked from each report page
        files[f"downloads/raw/{report_id}.txt"] = input_bytes(report.normalized.source.raw_path)
    return files


def write(project: Project, memo: Memo, rendered: Rendered, files: dict[str, bytes]) -> SyncResult:
    sync_tree(project.normalized, rendered.normalized, keep=rendered.normalized_current)
    corpus_path = project.build / "corpus.json"
    corpus_json = files["downloads/corpus.json"]
    if not corpus_path.exists() or corpus_path.read_bytes() != corpus_json:
        corpus_path.write_bytes(corpus_json)
    synced = sync_tree(project.pages, {**rendered.written, **files}, keep=rendered.current)
    memo.prune()
    memo.commit()
    return synced


def publish(
    project: Project, corpus: Corpus, snapshot: Snapshot, timings: dict[str, float], memo: Memo, search: bool = True
) -> SyncResult:
    """MkDocs into build/site, swapped in whole (MkDocs renders only the pages that changed); the stamp says
    which inputs the site was published from, and is left out when the search index was not written. The
    search index is kept in the memo too, so it is committed again once the site is in place."""
    stamp = project.build / ".fingerprint"
    stamp.unlink(missing_ok=True)
    site_files = run_mkdocs(
        project.mkdocs_config, project.pages, project.site, nav=nav(corpus), search=search, timings=timings, memo=memo
    )
    memo.prune()
    memo.commit()
    if search:
        stamp.write_text(snapshot.fingerprint)
    return site_files


def nav(corpus: Corpus) -> list[Any]:
    """The site's navigation. Reports are reached from the reports index (and home, themes, glossary), not
    listed in the navigation: a list of every report on every page grows the site with N² and buried the
    reader in a thousand links."""
    return [
        {"Home": "index.md"},
        {"Reports": "reports/index.md"},
        {"Themes": ["themes/index.md", *[f"themes/{t.id}.md" for t in corpus.themes]]},
        {"Glossary": "glossary/index.md"},
        {
            "About": [
                "about/index.md",
                "about/methodology.md",
                "about/downloads.md",
                {"For translators": "translators.md"},
                {"For maintainers": "maintainers.md"},
                {"How it is built": "architecture.md"},
                {"Errors and what they mean": "errors.md"},
                {"The corpus JSON": "corpus-schema.md"},
                {"Benchmark": "benchmark.md"},
            ]
        },
    ]
