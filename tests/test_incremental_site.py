"""An incremental `digest build` publishes the site a clean build publishes, byte for byte, while MkDocs
renders only the pages that changed (publish/incremental.py).

One copy of the built project goes through a sequence of edits (a report edited, one added, then removed,
a template, a glossary entry, a theme's name); after each, it is rebuilt incrementally and build/site is
compared file by file with a clean build: of the whole project (the report edit), or of MkDocs and the
search index over the same generated pages (the pipeline's own incremental rebuilds are compared with clean
ones in test_build.py). Each step starts from the site the step before published, so every step is also an
incremental build on top of an incremental build. The theme's name comes last: it renders every page again.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from mkdocs.utils import get_build_date

from digest.bench import REGIONS, SIDECAR
from digest.build import build, nav
from digest.project import Project
from digest.publish import mkdocs as mkdocs_module
from digest.publish.incremental import private_output
from digest.publish.mkdocs import run_mkdocs
from digest.publish.search import _page_digest, _pages
from digest.slice.gather import gather

SENTENCE = "新增一段，用于检验增量重建。"


def contents(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def mtimes(folder: Path) -> dict[str, int]:
    """Each page's modification time: a page MkDocs writes again has a new one."""
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*.html")}


def assert_same_site(incremental: Path, clean: Path) -> None:
    built, expected = contents(incremental), contents(clean)
    assert sorted(built) == sorted(expected), "the same files"
    differing = [rel for rel in expected if built[rel] != expected[rel]]
    assert not differing, f"{len(differing)} files differ from a clean build, e.g. {differing[:5]}"


def clean_mkdocs(project: Project, target: Path) -> Path:
    """MkDocs and the search index from nothing, over the pages the incremental build published from."""
    run_mkdocs(project.mkdocs_config, project.pages, target / "site", nav=nav(gather(project)), incremental=False)
    return target / "site"


def rebuild(project_dir: Path) -> tuple[Project, dict[str, int], dict[str, int]]:
    """Build again; the modification times of the private output's pages before and after."""
    project = Project(project_dir)
    before = mtimes(private_output(project.site))
    build(project)
    return project, before, mtimes(private_output(project.site))


def _edit_report(root: Path) -> str:
    """Append a sentence to a real report; its id."""
    raw = sorted((root / "source_texts").glob("*.txt"))[1]
    report_id = re.search(r"^id: (\S+)", raw.with_suffix(".yml").read_text(encoding="utf-8"), re.M)
    assert report_id
    raw.write_bytes(raw.read_bytes() + (SENTENCE + "\n").encode())
    return report_id.group(1)


def _add_report(root: Path) -> None:
    seed = sorted((root / "source_texts").glob("*.txt"))[0]
    lines = [line for line in seed.read_text(encoding="utf-8").splitlines() if line.strip()]
    (root / "source_texts" / "zz-added.txt").write_text("\n".join(lines[:2] + lines[-8:]) + "\n", encoding="utf-8")
    (root / "source_texts" / "zz-added.yml").write_text(
        SIDECAR.format(id="zz-added", file="zz-added.txt", n=1, region=REGIONS[0], script="zh-Hans"), encoding="utf-8"
    )


def _remove_report(root: Path) -> None:
    for path in (root / "source_texts").glob("zz-added.*"):
        path.unlink()


def _edit_template(root: Path) -> None:
    template = root / "templates" / "report.md.j2"
    text = template.read_text(encoding="utf-8")
    assert '<table class="report-meta">' in text
    template.write_text(text.replace('<table class="report-meta">', '<table class="report-meta edited">', 1))


def _edit_glossary(root: Path) -> None:
    entry = root / "glossary" / "auxiliary-police.yml"
    text = entry.read_text(encoding="utf-8")
    assert "staff hired on contract" in text
    entry.write_text(text.replace("staff hired on contract", "people hired on contract", 1), encoding="utf-8")


def _rename_theme(root: Path) -> None:
    """A theme's name is a title in every page's navigation."""
    themes = root / "data" / "themes.yml"
    text = themes.read_text(encoding="utf-8")
    assert "Grassroots governance and the" in text
    themes.write_text(text.replace("Grassroots governance and the", "Grassroots rule and the", 1), encoding="utf-8")


def _english_page(markdown: str) -> str:
    """build/pages/a/b.en.md is published as a/b/index.html, a/index.en.md as a/index.html."""
    stem = markdown.removesuffix(".en.md")
    return (
        "index.html"
        if stem == "index"
        else stem.removesuffix("index") + ("" if stem.endswith("index") else "/") + "index.html"
    )


def _step(
    project_dir: Path, change: Callable[[Path], object], scratch: Path, clean_site: Path | None = None
) -> Project:
    """One edit, an incremental build, and its site compared with a clean one: `clean_site` when the edit
    brings back the inputs an earlier clean build was made from, else MkDocs run from nothing into `scratch`."""
    change(project_dir)
    project, before, after = rebuild(project_dir)
    assert {rel for rel in after if before.get(rel) != after[rel]}, f"{change.__name__}: something was rendered"
    assert_same_site(project.site, clean_site or clean_mkdocs(project, scratch))
    return project


def test_each_edit_renders_what_it_changed_and_publishes_the_clean_site(built_project: Path, tmp_path: Path) -> None:
    built_copy = tmp_path / "project"
    shutil.copytree(built_project, built_copy, symlinks=True)

    # A report edited: MkDocs renders its pages and few others; the site is the one a clean build of the
    # whole project (pipeline and all) publishes.
    report_id = _edit_report(built_copy)
    project, before, after = rebuild(built_copy)
    page = project.site / "zh" / "reports" / report_id / "index.html"
    assert SENTENCE in page.read_text(encoding="utf-8"), "the edited page shows the new sentence"
    rendered = {rel for rel in after if before.get(rel) != after[rel]}
    assert f"zh/reports/{report_id}/index.html" in rendered
    assert len(rendered) < len(after) / 4, f"MkDocs rendered {len(rendered)} of {len(after)} pages"
    fresh = tmp_path / "fresh"
    shutil.copytree(built_copy, fresh, ignore=shutil.ignore_patterns("build"), symlinks=True)
    build(Project(fresh))
    assert_same_site(project.site, fresh / "build" / "site")

    # A report added, then removed: the inputs are those of the clean build above again, and so is the site.
    _step(built_copy, _add_report, tmp_path / "clean-add")
    _step(built_copy, _remove_report, tmp_path / "clean-remove", fresh / "build" / "site")

    # A template edited. The private output and build/site share unchanged files as hard links; a page
    # MkDocs renders again is a new file, so the site published before the build stays as it was until the
    # swap: nothing is written through a file held open since before the build.
    site = project.site
    kept = site.with_name("kept")
    shutil.copytree(site, kept)
    report = sorted(site.glob("zh/reports/*/index.html"))[0].relative_to(site).as_posix()
    held = {rel: (site / rel).open("rb") for rel in (report, "404.html", "zh/404.html", "sitemap.xml")}
    try:
        _step(built_copy, _edit_template, tmp_path / "clean-template")
        for rel, handle in held.items():
            assert handle.read() == (kept / rel).read_bytes(), f"{rel} as published before, through its open file"
        assert (site / report).read_bytes() != (kept / report).read_bytes(), "the page was rendered again"
    finally:
        for handle in held.values():
            handle.close()

    _step(built_copy, _edit_glossary, tmp_path / "clean-glossary")

    # A navigation title renamed: pages show the new name in their navigation though their own Markdown
    # does not name it.
    project = _step(built_copy, _rename_theme, tmp_path / "clean-theme")
    name = "Grassroots rule and the"
    named = {
        _english_page(rel)
        for rel, data in contents(project.pages).items()
        if rel.endswith(".en.md") and name.encode() in data
    }
    shown = {rel for rel, data in contents(project.site).items() if rel.endswith(".html") and name.encode() in data}
    assert shown - named - {"404.html"}, (
        "a page shows the new name only through its navigation (404.html is always rendered)"
    )

    # A sitemap of another day (its pages carry the build's date) is written again by an incremental run
    # that leaves today's as it is (`Incremental.keeps`, tests/test_publish_in_place.py).
    sitemap = private_output(project.site) / "sitemap.xml"
    today = f"<lastmod>{get_build_date()}</lastmod>"
    stale = sitemap.read_text(encoding="utf-8").replace(today, "<lastmod>2001-01-01</lastmod>")
    assert "2001-01-01" in stale
    sitemap.unlink()
    sitemap.write_text(stale, encoding="utf-8")
    _step(built_copy, _edit_report, tmp_path / "clean-date")
    assert today in sitemap.read_text(encoding="utf-8") and "2001-01-01" not in sitemap.read_text(encoding="utf-8")


def test_a_full_mkdocs_run_hands_the_index_every_page_as_it_renders_it(
    built_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index reads each page while MkDocs renders the rest (`EarlyReader`); what it read must be the
    bytes MkDocs then writes, or each page would be parsed twice."""
    project = Project(shutil.copytree(built_project, tmp_path / "project", symlinks=True))
    seen: dict[str, Any] = {}
    index = mkdocs_module.build_index

    def spied(*args: Any, **kwargs: Any) -> Any:
        seen.update(early=kwargs["early"], counts={})
        return index(*args, **{**kwargs, "counts": seen["counts"]})

    monkeypatch.setattr(mkdocs_module, "build_index", spied)
    site = clean_mkdocs(project, tmp_path)
    pages = dict(_pages(site))
    assert sorted(seen["early"]) == sorted(pages)
    assert all(seen["early"][rel][0] == _page_digest(Path(path).read_bytes()) for rel, path in pages.items())
    assert seen["counts"]["pages read early"] == len(pages) and "pages parsed" not in seen["counts"]
