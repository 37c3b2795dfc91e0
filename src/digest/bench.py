"""The benchmark: synthetic corpora of N reports recombined from the seeds' damaged lines, built and timed.

For each N it measures, in a fresh process: every stage of a clean full build with the high-water mark of
memory after it, a rebuild with nothing changed, rebuilds after editing one report (our stages) in the same
process, as `digest serve` rebuilds, and in a process of their own, as `digest build` does, and a bare
`mkdocs build` of the same generated pages, so our overhead is a ratio within one run.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from digest.ingest.decode import detect_script, read_raw

ROOT = Path(__file__).resolve().parents[2]
SHARED = ("data", "glossary", "templates", "locales", "docs", "overrides", "source_texts", "translations", "content")
SIDECAR = """id: {id}
source_file: {file}
title: {{zh-Hans: "合成报告 {n}", zh-Hant: "合成報告 {n}", en: "Synthetic report {n}"}}
region: {region}
publisher: {{zh-Hans: 基准测试, zh-Hant: 基準測試, en: Benchmark}}
date: {{value: "2023", kind: published}}
genre: work-review
detected: {{encoding: utf-8, script: {script}}}
"""
REGIONS = (
    '{province: {zh-Hans: 陕西省, zh-Hant: 陝西省, en: Shaanxi}, city: {zh-Hans: 西安市, zh-Hant: 西安市, en: "Xi\'an"}}',
    "{province: {zh-Hans: 陕西省, zh-Hant: 陝西省, en: Shaanxi}, city: {zh-Hans: 商洛市, zh-Hant: 商洛市, en: Shangluo}}",
    "{province: {zh-Hans: 甘肃省, zh-Hant: 甘肅省, en: Gansu}}",
    "{province: {zh-Hans: 浙江省, zh-Hant: 浙江省, en: Zhejiang}, city: {zh-Hans: 绍兴市, zh-Hant: 紹興市, en: Shaoxing}}",
)


def generate(n: int, target: Path, seed: int = 20261124) -> Path:
    """The real project plus n synthetic reports. Each keeps one seed's script, chrome and title lines, then recombines body
    lines (pinyin, mojibake and all) from every seed of that script, so every stage does real work."""
    rng = random.Random(seed)
    if target.exists():
        shutil.rmtree(target)
    for name in SHARED:
        shutil.copytree(ROOT / name, target / name)
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    (target / "src" / "digest" / "publish").mkdir(parents=True)
    shutil.copy(ROOT / "src" / "digest" / "publish" / "hooks.py", target / "src" / "digest" / "publish" / "hooks.py")
    sources = target / "source_texts"  # the five real reports stay: the glossary and measures cite them
    seeds = sorted((ROOT / "source_texts").glob("*.txt"))
    lines = {path: [line for line in read_raw(path).text.splitlines() if line.strip()] for path in seeds}
    scripts = {path: detect_script(read_raw(path).text) for path in seeds}
    for index in range(n):
        base = seeds[index % len(seeds)]
        pool = [line for path in seeds if scripts[path] == scripts[base] for line in lines[path][2:]]
        body = rng.sample(pool, k=min(len(pool), rng.randint(10, 24)))
        text = "\n".join([*lines[base][:2], *body]) + "\n"
        name = f"gen-{index:05d}.txt"
        (sources / name).write_text(text, encoding="utf-8")
        (sources / name).with_suffix(".yml").write_text(
            SIDECAR.format(
                id=f"gen-{index:05d}", file=name, n=index, region=REGIONS[index % len(REGIONS)], script=scripts[base]
            ),
            encoding="utf-8",
        )
    return target


EDIT = "新增一段，用于测量增量重建。\n"  # "A new paragraph, to measure an incremental rebuild."
# `digest build` in a process of its own, printing what it did and its stages' timings, and ending as the
# command does (`cli.run`: no teardown of the heap, seconds at a thousand reports).
BUILD_AND_TIME = (
    "import json, os, sys; from pathlib import Path; from digest.build import build; from digest.project import Project; "
    "o = build(Project(Path(sys.argv[1]).resolve())); print(o.describe()); print(json.dumps(o.timings)); "
    "sys.stdout.flush(); os._exit(0)"
)
PREVIEW_EDIT = "新增一段，用于测量实时预览。\n"  # "A new paragraph, to measure the live preview."


def _shows(project_dir: Path, raw: Path, sentence: str) -> bool:
    """Whether the Simplified Chinese page of the report of `raw` (its id read from the sidecar) shows the
    sentence in build/site."""
    found = re.search(r"^id: *['\"]?([^'\"\s]+)", raw.with_suffix(".yml").read_text(encoding="utf-8"), re.M)
    if not found:
        return False
    page = project_dir / "build" / "site" / "zh" / "reports" / found.group(1) / "index.html"
    return page.is_file() and sentence in page.read_text(encoding="utf-8")


def bare_mkdocs(config_file: Path, docs_dir: Path, site_dir: Path, nav: list[Any]) -> None:
    """`mkdocs build` of the same pages with the same configuration (hooks and all), as MkDocs itself runs
    it: every page of every language, no search index, nothing kept from an earlier build."""
    import contextlib
    import io

    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    os.environ.setdefault("SOURCE_DATE_EPOCH", "1767225600")
    with contextlib.redirect_stdout(io.StringIO()):
        config = load_config(config_file=str(config_file), docs_dir=str(docs_dir), site_dir=str(site_dir), nav=nav)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            mkdocs_build(config)
        finally:
            config.plugins.on_shutdown()


QUERIES = ("派出所", "交所合一", "两队一室", "枫桥经验", "派出所主防", "Fengqiao Experience")


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children: on a shared machine, wall time is not ours alone."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def measure(project_dir: Path) -> dict[str, Any]:
    """Run in a fresh process: the clean build, the rebuilds and bare MkDocs for one generated project."""
    import contextlib
    import io

    from digest.build import build, nav
    from digest.project import Project
    from digest.publish.search import lookup
    from digest.serve import collect_all, settle_heap
    from digest.slice.gather import gather

    project = Project(project_dir)
    quiet = contextlib.redirect_stderr(io.StringIO())
    cpu = _cpu_seconds()
    started = time.perf_counter()
    with quiet:
        outcome = build(project)
    full = time.perf_counter() - started
    full_cpu = _cpu_seconds() - cpu
    stages = {name: round(seconds, 3) for name, seconds in outcome.timings.items()}
    ours = full - outcome.timings.get("mkdocs", 0.0)
    memory = _peak_mb()
    started = time.perf_counter()
    with contextlib.redirect_stderr(io.StringIO()):
        noop = build(project)
    noop_seconds = time.perf_counter() - started
    assert noop.skipped
    raws = sorted((project_dir / "source_texts").glob("*.txt"))
    # One edit, then the whole `digest build` in a process of its own (site and index included): what a
    # maintainer waits for after an edit. MkDocs renders only the changed pages. It comes first, on the
    # site the clean build published, so that it builds one edit only (the `--no-site` builds below leave
    # their edits for the next build that writes the site).
    raw = raws[len(raws) // 4]
    raw.write_bytes(raw.read_bytes() + EDIT.encode())
    started = time.perf_counter()
    site_run = subprocess.run(
        [sys.executable, "-c", BUILD_AND_TIME, str(project_dir)],
        check=True,
        capture_output=True,
        text=True,
    )
    edit_visible_seconds = time.perf_counter() - started
    site_written = re.search(r"site files: (\d+) written", site_run.stdout)
    edited_timings = json.loads(site_run.stdout.strip().splitlines()[-1])
    visible = _shows(project_dir, raw, "用于测量增量重建")
    # And as the live preview rebuilds (`digest serve`: in its process, no search index, the heap settled
    # after its first build and after each rebuild before the browser is told, a full collection when due
    # after it), two edits one after the other: the first also takes in the edit the build above made in
    # its own process (its report read again), the second is a preview's usual case, one report saved
    # since its last rebuild.
    if settle_heap():
        collect_all()
    previews = []
    for raw in (raws[len(raws) // 5], raws[len(raws) // 6]):
        raw.write_bytes(raw.read_bytes() + PREVIEW_EDIT.encode())
        started = time.perf_counter()
        with contextlib.redirect_stderr(io.StringIO()):
            preview = build(project, search=False)
        due = settle_heap()
        previews.append((time.perf_counter() - started, _shows(project_dir, raw, "用于测量实时预览"), preview))
        if due:  # after the browser is told, as `digest serve` does: not what the reader waits for
            collect_all()
    gc.unfreeze()  # the rest measures as before, `digest build` does not settle
    (first_preview_seconds, first_visible, _), (preview_seconds, preview_visible, preview) = previews
    preview_visible = preview_visible and first_visible
    # Three edits, each appending a sentence to a different report (a real one first, then two generated
    # ones), each followed by a rebuild of our stages; the median is the figure, all three are kept.
    edits = []
    for raw in (raws[0], raws[len(raws) // 2], raws[-1]):
        raw.write_bytes(raw.read_bytes() + EDIT.encode())
        started = time.perf_counter()
        with contextlib.redirect_stderr(io.StringIO()):
            edit = build(project, site=False)
        edits.append((round(time.perf_counter() - started, 2), len(edit.pages.written), edit.processed))
    edit_seconds = statistics.median(seconds for seconds, _, _ in edits)
    raw = raws[len(raws) // 3]
    raw.write_bytes(raw.read_bytes() + EDIT.encode())
    started = time.perf_counter()
    own = subprocess.run(
        [sys.executable, "-c", "from digest.cli import run; run()", "--root", str(project_dir), "build", "--no-site"],
        check=True,
        capture_output=True,
        text=True,
    )
    fresh_edit_seconds = time.perf_counter() - started
    processed = re.search(r"\((\d+) processed", own.stdout)
    queries = {}
    for lang in ("zh", "zh-Hant", "en"):
        for phrase in QUERIES:
            found = lookup(project_dir / "build" / "site" / "search" / lang, phrase)
            queries[f"{lang} {phrase}"] = {"results": found.count, "files": len(found.files), "bytes": found.bytes}
    bare_site = project_dir / "build" / "bare-site"
    cpu = _cpu_seconds()
    started = time.perf_counter()
    with contextlib.redirect_stderr(io.StringIO()):
        bare_mkdocs(project.mkdocs_config, project.pages, bare_site, nav(gather(project)))
    bare = time.perf_counter() - started
    bare_cpu = _cpu_seconds() - cpu
    pages = sum(1 for _ in (project_dir / "build" / "site").rglob("*.html"))
    index_bytes = sum(p.stat().st_size for p in (project_dir / "build" / "site" / "search").rglob("*") if p.is_file())
    return {
        "reports": outcome.reports,
        "html_pages": pages,
        "full_build_s": round(full, 2),
        "our_stages_s": round(ours, 2),
        "stages_s": stages,
        "peak_rss_mb": round(memory, 1),
        "our_share_of_full_build": round(ours / full, 3),
        "noop_rebuild_s": round(noop_seconds, 3),
        "one_report_edit_our_stages_s": round(edit_seconds, 2),
        "one_report_edits": [{"seconds": s, "pages_written": w, "reports_processed": p} for s, w, p in edits],
        "one_report_edit_own_process_s": round(fresh_edit_seconds, 2),
        "own_process_reports_processed": int(processed.group(1)) if processed else None,
        "bare_mkdocs_s": round(bare, 2),
        "ours_vs_bare_mkdocs": round(ours / bare, 3),
        "full_build_cpu_s": round(full_cpu, 2),
        "bare_mkdocs_cpu_s": round(bare_cpu, 2),
        "pages_per_s": round(pages / full, 1),
        "mkdocs_ms_per_page": round(1000 * stages.get("mkdocs", 0.0) / pages, 1),
        "bare_mkdocs_ms_per_page": round(1000 * bare / pages, 1),
        "bare_mkdocs_cpu_ms_per_page": round(1000 * bare_cpu / pages, 1),
        "search_index_s": stages.get("search index", 0.0),
        "search_index_mb": round(index_bytes / 1e6, 1),
        "query_bytes_max": max(q["bytes"] for q in queries.values()),
        "queries": queries,
        "one_report_edit_site_s": round(edit_visible_seconds, 2),
        "one_report_edit_site_visible": visible,
        "one_report_edit_site_files_written": int(site_written.group(1)) if site_written else None,
        "one_report_edit_search_index_s": round(edited_timings.get("search index", 0.0), 2),
        "one_report_edit_site_stages_s": {name: round(seconds, 2) for name, seconds in edited_timings.items()},
        "preview_edit_s": round(preview_seconds, 2),
        "preview_edit_after_another_build_s": round(first_preview_seconds, 2),
        "preview_edit_visible": preview_visible,
        "preview_edit_stages_s": {name: round(seconds, 2) for name, seconds in preview.timings.items()},
        "load_average": round(os.getloadavg()[0], 1),
    }


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9, 1),
    }


def slope(results: list[dict[str, Any]], field: str) -> float:
    """Least-squares seconds (or MB) per report: a straight line means linear growth."""
    xs = [r["reports"] for r in results]
    ys = [r[field] for r in results]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((x - mean_x) ** 2 for x in xs)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / var if var else 0.0


def table(results: list[dict[str, Any]]) -> str:
    rows = [
        "| N | HTML pages | full build (s) | CPU (s) | pages/s | our stages (s) | MkDocs (ms/page) "
        "| bare MkDocs (ms/page; CPU) | search index (s) | index (MB) | largest query (KB) | no-op rebuild (s) "
        "| one-report edit, our stages (s) | the same edit, own process (s) | edit to site (s) | preview edit (s) "
        "| peak RSS (MB) | load |",
        "|" + "---:|" * 18,
    ]
    for r in results:
        rows.append(
            f"| {r['reports']} | {r['html_pages']} | {r['full_build_s']} | {r['full_build_cpu_s']} | {r['pages_per_s']} "
            f"| {r['our_stages_s']} | {r['mkdocs_ms_per_page']} "
            f"| {r['bare_mkdocs_ms_per_page']}; {r['bare_mkdocs_cpu_ms_per_page']} | {r['search_index_s']:.1f} "
            f"| {r['search_index_mb']} | {r['query_bytes_max'] / 1000:.0f} | {r['noop_rebuild_s']} "
            f"| {r['one_report_edit_our_stages_s']} | {r['one_report_edit_own_process_s']} "
            f"| {r['one_report_edit_site_s']} | {r.get('preview_edit_s', '')} | {r['peak_rss_mb']} | {r['load_average']} |"
        )
    return "\n".join(rows)


TARGETS: tuple[tuple[str, str, float], ...] = (
    ("a nothing-changed rebuild under 1 s", "noop_rebuild_s", 1.0),
    ("a one-report edit under 2 s for our stages", "one_report_edit_our_stages_s", 2.0),
    ("MkDocs at most 10 ms per HTML page", "mkdocs_ms_per_page", 10.0001),
    ("at least 50 HTML pages per second, full clean build", "pages_per_s", -50.0),
    ("one query downloads less than 300 KB", "query_bytes_max", 300_000),
    ("`digest build` after a one-report edit within 10 s", "one_report_edit_site_s", 10.0),
    ("the search index updated after a one-report edit within 2 s", "one_report_edit_search_index_s", 2.0001),
    ("the live preview's rebuild after a one-report edit within 5 s", "preview_edit_s", 5.0),
)


def docs_page(report: dict[str, Any]) -> str:
    """The benchmark page for docs/: the machine, the table, the slopes, and each target met or not."""
    largest = report["results"][-1]
    m = report["machine"]
    lines = [
        "# Benchmark",
        "",
        "Made by `make bench` (`scripts/bench.py`): for each N, N synthetic reports recombined from the seeds'",
        "damaged lines (pinyin, mojibake, site chrome, both scripts), plus the five real reports, built in a fresh",
        "process. Raw figures: `build/bench/results.json`.",
        "",
        f"Machine: {m['cores']} cores, {m['memory_gb']} GB, {m['platform']}, Python {m['python']}.",
        "",
        table(report["results"]),
        "",
        "*Our stages* are everything before MkDocs (ingest, normalize, slice, glossary, translations, render,",
        "write); *bare mkdocs* builds the same generated pages again without our stages, in the same run.",
        "After the clean build and the no-op rebuild, one report at a time is edited (a sentence appended)",
        "and rebuilt, in this order. *Edit to site*: the whole `digest build` in a process of its own, on the",
        "site the clean build published (MkDocs renders only the changed pages; the search index is",
        "updated), checked by reading the new sentence in that report's page in build/site. *Preview edit*:",
        "the live preview's rebuild after an edit (`digest serve`: our stages, MkDocs, the changed files put",
        "in place, the heap settled; no search index; a full collection, when due, runs after the browser is",
        "told and is not in the figure), checked the same way: the second of two edits saved one after the",
        "other, as a preview meets them (the first also takes in the edit-to-site build's report, changed by",
        "another process: `preview_edit_after_another_build_s` in `results.json`).",
        "*One-report edit, our stages*: our stages only, in the process that built the site, as `digest serve`",
        "rebuilds before MkDocs; the median of three edits, each to another report (all three are in",
        "`results.json`). *The same edit, own process*: `digest build --no-site` started afresh after a",
        "seventh edit, interpreter start-up included: what a maintainer waits for without the live preview.",
        "",
        "Growth per report (least squares over the runs): "
        + ", ".join(f"{name.replace('_', ' ')} {value}" for name, value in report["slopes_per_report"].items())
        + ".",
        "",
        f"Targets at N = {largest['reports']}:",
        "",
    ]
    for label, field, limit in TARGETS:
        value = largest[field]
        met = value >= -limit if limit < 0 else value < limit  # a negative limit is a floor
        lines.append(f"- {label}: {'met' if met else 'not met'} ({value})")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench", description=__doc__)
    parser.add_argument("--sizes", default="10,100,1000", help="comma-separated corpus sizes")
    parser.add_argument("--work", default=str(ROOT / "build" / "bench"), help="where the generated projects go")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--write-docs", help="also write the benchmark page (e.g. docs/benchmark.md)")
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(Path(args.measure))))
        return 0
    work = Path(args.work)
    results = []
    for n in (int(s) for s in args.sizes.split(",")):
        project = generate(n, work / f"n{n}")
        print(f"N={n}: generated {n} reports; building …", file=sys.stderr, flush=True)
        run = subprocess.run(
            [sys.executable, "-m", "digest.bench", "--measure", str(project)],
            capture_output=True,
            text=True,
            check=False,
        )
        if run.returncode:
            print(run.stderr, file=sys.stderr)
            return run.returncode
        result = json.loads(run.stdout.strip().splitlines()[-1])
        results.append(result)
        print(json.dumps(result), file=sys.stderr, flush=True)
    report = {
        "machine": machine(),
        "results": results,
        "slopes_per_report": {
            "our_stages_s": round(slope(results, "our_stages_s"), 4),
            "full_build_s": round(slope(results, "full_build_s"), 4),
            "peak_rss_mb": round(slope(results, "peak_rss_mb"), 3),
        }
        if len(results) > 1
        else {},
    }
    (work / "results.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(table(results))
    print(json.dumps(report["slopes_per_report"]))
    if args.write_docs:
        page = Path(args.write_docs)
        kept = page.read_text(encoding="utf-8").partition("\n## ") if page.exists() else ("", "", "")
        analysis = "\n## " + kept[2] if kept[1] else ""  # hand-written sections after the figures stay
        page.write_text(docs_page(report) + analysis, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
