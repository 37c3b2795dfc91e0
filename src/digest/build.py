"""`digest build`: every stage, top to bottom. Gather everything first, then write."""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from .cache import Cache, file_bytes, files_under, gc_paused, input_bytes, input_files, inputs_read, key
from .content import load_articles
from .corpus import compact_json, corpus_json, report_data
from .datafiles import caching_reader
from .errors import DigestError, Problem, display_path, machine_fault, outside_link
from .exchange import export_csv, export_tbx
from .glossary import Glossary, check, load_glossary
from .glossary_corpus import corpus_problems
from .i18n import DEFAULT, LANGUAGES, install, translations
from .lock import build_lock
from .measures import measures_data
from .normalize.report import write_normalized
from .pipeline import Corpus, gather, match_terms, terminal_progress
from .project import Project
from .publish import SyncResult, clean_leftovers, run_mkdocs, sync_tree
from .render import environment, render
from .site import Site, SiteInputs
from .translate import catalog_path, read_catalog, status, translation_map, units
from .ui_terms import LABELS


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


def read_inputs(project: Project) -> tuple[str, dict[str, bytes], set[str]]:
    """The fingerprint (one hash of every input, the configuration and the code: equal means a rebuild would
    change nothing), with every input file's bytes by path and the folders they were listed from."""
    parts: list[bytes | str] = []
    files: dict[str, bytes] = {}
    folders: set[str] = set()
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
    return key(*parts), files, folders


def load_translations(
    project: Project, corpus: Corpus, cache: Cache | None = None
) -> tuple[dict[str, dict[str, tuple[str, bool]]], dict[str, Any], list[Problem]]:
    """Each report's English catalog, its status, and warnings for catalogs out of step with the corpus.

    A report's status is kept in the cache with the report and its catalog, so that a thousand unchanged
    reports are not counted again."""
    found: dict[str, dict[str, tuple[str, bool]]] = {}
    statuses: dict[str, Any] = {}
    warnings: list[Problem] = []
    folder = project.translations / "en"
    for path in input_files(folder, "*.po") if folder.exists() else []:
        if path.stem not in corpus.reports:
            raise DigestError(
                Problem(
                    str(path), f"catalog for unknown report '{path.stem}'", hint="rename it to a report id or remove it"
                )
            )
    names = {
        rid: key(corpus.keys.get(rid, rid), file_bytes(catalog_path(project.translations, rid)))
        for rid in corpus.reports
    }
    known = cache.get_many("translation-status", names.values()) if cache else {}
    for report_id, report in corpus.reports.items():
        path = catalog_path(project.translations, report_id)
        catalog = read_catalog(path) if path.exists() else None
        statuses[report_id] = known.get(names[report_id])
        if statuses[report_id] is None:
            statuses[report_id] = status(report, catalog)
            if cache:
                cache.put("translation-status", names[report_id], statuses[report_id])
        if catalog is None:
            found[report_id] = {}
            continue
        current_units = {u.id: u for u in units(report)}
        mapping = translation_map(catalog)
        for message in catalog:
            unit = current_units.get(str(message.context)) if message.context else None
            if message.id and message.context and unit is None:
                warnings.append(
                    Problem(
                        str(path),
                        f"translation for '{message.context}', which no longer exists",
                        message.lineno,
                        "run `digest translate update`",
                        "warning",
                    )
                )
            elif unit is not None and message.id != unit.source and message.context in mapping:
                text, _current = mapping[str(message.context)]
                mapping[str(message.context)] = (text, False)
        found[report_id] = mapping
    return found, statuses, warnings


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
                {"Errors and what they mean": "errors.md"},
                {"The corpus JSON": "corpus-schema.md"},
                {"Benchmark": "benchmark.md"},
            ]
        },
    ]


def write_normalized_outputs(project: Project, corpus: Corpus) -> None:
    """build/normalized/: texts and ledgers of the reports processed this run; cached ones are already there."""
    folder = project.normalized
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {f"{rid}.{suffix}" for rid in corpus.reports for suffix in ("zh-Hans.txt", "zh-Hant.txt", "ledger.json")}
    for path in folder.iterdir():
        if path.name not in wanted:
            path.unlink()
    for report in corpus.normalized:
        if report.source.id in corpus.fresh:
            write_normalized(report, folder)


def folder_bytes(folder: Path) -> list[bytes]:
    """Every file of a folder as (name, bytes) pieces of a cache key, in a stable order."""
    parts: list[bytes] = []
    for relative, path in files_under(folder):
        parts += [relative.encode(), input_bytes(path)]
    return parts


_ENVIRONMENTS: dict[str, dict[str, jinja2.Environment]] = {}


def environments(templates: Path, locales: Path, version: str) -> dict[str, jinja2.Environment]:
    """A Jinja environment per language, with its interface catalog. Kept for the next build in this process
    while `version` (the templates' and catalogs' bytes) is unchanged, so templates are compiled once."""
    if version in _ENVIRONMENTS:
        return _ENVIRONMENTS[version]
    envs = {}
    for lang in LANGUAGES:
        env = environment(templates, ("jinja2.ext.i18n",))
        catalog = translations(locales, lang)
        install(env, catalog)
        env.filters["label"] = lambda value, catalog=catalog: catalog.gettext(LABELS.get(value, value))
        envs[lang.code] = env
    _ENVIRONMENTS.clear()
    _ENVIRONMENTS[version] = envs
    return envs


def _hand_written(docs: Path, envs: dict[str, jinja2.Environment]) -> dict[str, bytes]:
    """The documentation pages; one without a Chinese version gets one that says, in Chinese, that the
    page is English only, with the English marked as such (instead of MkDocs' silent fallback)."""
    pages = {relative: input_bytes(path) for relative, path in files_under(docs)}
    for relative in [r for r in pages if r.endswith(".md") and r.count(".") == 1]:
        stem = relative.removesuffix(".md")
        for lang in LANGUAGES:
            if lang is DEFAULT or f"{stem}.{lang.code}.md" in pages:
                continue
            note = render(envs[lang.code], "english_only.md.j2", {"script": lang.script})
            pages[f"{stem}.{lang.code}.md"] = english_only(pages[relative].decode("utf-8"), note).encode("utf-8")
    return pages


FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)


def english_only(text: str, note: str) -> str:
    """The English page under a note in the page's language: its title and body marked `lang="en"`. Front
    matter stays at the top, where MkDocs reads it (and the hooks escape it), not inside the English block."""
    front = FRONT_MATTER.match(text)
    meta, text = (front.group(), text[front.end() :].lstrip("\n")) if front else ("", text)
    title, _, body = text.partition("\n") if text.startswith("# ") else ("", "", text)
    heading = f'{title} {{ lang="en" }}\n\n' if title else ""
    return f'{meta}{heading}{note.strip()}\n\n<div lang="en" markdown="1">\n\n{body.strip()}\n\n</div>\n'


def build(project: Project, strict: bool = False, site: bool = True, force: bool = False) -> BuildOutcome:
    """Run every stage; with `site`, finish with MkDocs into build/site.

    Nothing is written until everything has been read and checked; a build whose inputs are unchanged
    since the last successful one does no work at all. One build at a time holds build/.lock.
    """
    with build_lock(project.build):
        clean_leftovers(project.site)
        return _locked_build(project, strict, site, force)


def _locked_build(project: Project, strict: bool, site: bool, force: bool) -> BuildOutcome:
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str, within: dict[str, float] | None = None) -> None:
        """Time the stage since the last lap; parts the stage timed `within` itself are reported on their own."""
        nonlocal clock
        now = time.perf_counter()
        parts = within or {}
        timings.update(parts)
        timings[name] = now - clock - sum(parts.values())
        clock = now

    stamp = project.build / ".fingerprint"
    current, files, folders = read_inputs(project)
    if site and not force and project.site.is_dir() and stamp.exists() and stamp.read_text() == current:
        return BuildOutcome(
            0, SyncResult((), (), ()), project.site, skipped=True, timings={"fingerprint": time.perf_counter() - clock}
        )
    lap("fingerprint")
    cache = Cache(project.build / "cache.sqlite")
    try:
        with gc_paused(), inputs_read(files, folders):
            outcome = _build(project, cache, strict, site, current, lap)
    finally:
        cache.close()
    outcome.timings = timings
    return outcome


def _build(
    project: Project, cache: Cache, strict: bool, site: bool, fingerprint_now: str, lap: Callable[..., None]
) -> BuildOutcome:
    # Gather: read and check everything before a single file is written.
    corpus = gather(
        project,
        cache,
        terminal_progress("reports"),
        needs_ledger=lambda report_id: not (project.normalized / f"{report_id}.ledger.json").exists(),
    )
    lap("normalize+slice")
    glossary: Glossary = load_glossary(project.glossary, caching_reader(cache))
    glossary_problems = check(glossary, {t.id for t in corpus.themes})
    if any(p.severity == "error" for p in glossary_problems):
        raise DigestError([p for p in glossary_problems if p.severity == "error"])
    english, statuses, translation_warnings = load_translations(project, corpus, cache)
    abstracts = load_articles(project.root / "content" / "abstracts", corpus.reports)
    summaries = load_articles(project.root / "content" / "themes", corpus.reports)
    lap("glossary+translations+content")
    glossary_key = key(*(file_bytes(p) for p in input_files(project.glossary, "*.yml")))
    matches = match_terms(corpus, glossary.forms(), glossary_key, cache, terminal_progress("term matching"))
    lap("term matching")
    templates_key = key(
        str(project.templates.resolve()), *folder_bytes(project.templates), *folder_bytes(project.locales)
    )
    shared = key(glossary_key, file_bytes(project.data / "themes.yml"), templates_key)
    page_keys = {
        report_id: key(
            report_key,
            shared,
            file_bytes(catalog_path(project.translations, report_id)),
            *(
                file_bytes(project.root / "content" / "abstracts" / f"{report_id}.{lang}.md")
                for lang in ("en", "zh-Hans")
            ),
        )
        for report_id, report_key in corpus.keys.items()
    }
    envs = environments(project.templates, project.locales, templates_key)
    digests = cache.get_many("digest", page_keys.values())
    inputs = SiteInputs(
        corpus,
        glossary,
        english,
        abstracts,
        summaries,
        statuses,
        matches,
        page_keys,
        digests={rid: digests[name] for rid, name in page_keys.items() if name in digests},
        shared_key=shared,
    )
    renderer = Site(inputs, envs)
    glossary_problems += corpus_problems(glossary, corpus.reports, renderer.used)
    errors = [p for p in glossary_problems if p.severity == "error"]
    if errors:
        raise DigestError(errors)
    warnings = corpus.warnings() + glossary_problems + translation_warnings
    for warning in warnings:
        print(warning, file=sys.stderr)
    if strict and warnings:
        raise DigestError(warnings)
    lap("site model")
    planned = renderer.plan()
    lap("page keys")
    written_from = cache.written()
    pages: dict[str, bytes] = _hand_written(project.docs, envs)
    current: list[str] = []  # generated pages already on disk as this build would write them
    on_disk = {relative for relative, _ in files_under(project.pages)}
    for path, page in planned.items():
        if page.key and written_from.get(path) == page.key and path in on_disk:
            current.append(path)
        else:
            pages[path] = page.render().encode("utf-8")
    lap("render")
    corpus_json = corpus_file(corpus, cache).encode()
    pages["downloads/corpus.json"] = corpus_json
    exports = cache.get("export", glossary_key)
    if not isinstance(exports, tuple):
        exports = (export_tbx(glossary), export_csv(glossary))
        cache.put("export", glossary_key, exports)
    pages["downloads/glossary.tbx"], pages["downloads/glossary.csv"] = exports
    for report_id, report in corpus.reports.items():  # the evidence, byte for byte, linked from each report page
        pages[f"downloads/raw/{report_id}.txt"] = input_bytes(report.normalized.source.raw_path)
    for report_id, computed in renderer.computed_digests().items():
        cache.put("digest", page_keys[report_id], computed)
    renderer.release()
    keys_written = {path: page.key for path, page in planned.items() if page.key}
    del planned  # its closures hold Jinja contexts, which hold the corpus
    lap("data files")
    # Write.
    write_normalized_outputs(project, corpus)
    corpus_path = project.build / "corpus.json"
    if not corpus_path.exists() or corpus_path.read_bytes() != corpus_json:
        corpus_path.write_bytes(corpus_json)
    synced = sync_tree(project.pages, pages, keep=current)
    cache.record_written(keys_written)
    cache.prune()
    cache.commit()
    lap("write")
    site_files = None
    if site:
        stamp = project.build / ".fingerprint"
        stamp.unlink(missing_ok=True)
        parts: dict[str, float] = {}
        site_files = run_mkdocs(project.mkdocs_config, project.pages, project.site, nav=nav(corpus), timings=parts)
        stamp.write_text(fingerprint_now)
        lap("mkdocs", {"search index": parts.get("search index", 0.0)})
    return BuildOutcome(
        len(corpus.reports), synced, project.site if site else None, warnings, corpus.processed, site_files
    )


def corpus_file(corpus: Corpus, cache: Cache) -> str:
    """build/corpus.json, each report's part encoded once and kept until the report changes."""
    names = {rid: key(report_key, "corpus-json") for rid, report_key in corpus.keys.items()}
    stored = cache.get_many("report-json", names.values())
    parts = []
    for rid, report in corpus.reports.items():
        text = stored.get(names.get(rid, ""))
        if not isinstance(text, str):
            text = compact_json(report_data(report))
            if rid in names:
                cache.put("report-json", names[rid], text)
        parts.append(text)
    return corpus_json(parts, corpus.themes, measures_data(corpus.measures, corpus.reports))
