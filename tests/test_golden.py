"""A golden build of a tiny site: the pages the real templates make from a small, fixed input.

When a change to templates, locales or rendering is deliberate, regenerate the expected pages with

    DIGEST_REGENERATE_GOLDEN=1 .venv/bin/pytest tests/test_golden.py

and review the diff of tests/golden/tiny/expected/ before committing it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import digest.build
import digest.site.kinds.glossary
from digest.build import build
from digest.project import Project

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "golden" / "tiny"
EXPECTED = TINY / "expected"
SHARED = ("templates", "locales", "docs", "overrides")


def generated(folder: Path) -> dict[str, bytes]:
    """The pages the build generates (hand-written docs/ are copied verbatim and not compared)."""
    docs = {p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*") if p.is_file()}
    # and the Chinese pages that present an English-only document (tested in tests/browser/test_languages.py)
    docs |= {f"{page.removesuffix('.md')}.{lang}.md" for page in docs for lang in ("zh", "zh-Hant")}
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.relative_to(folder).as_posix() not in docs
    }


def tiny_project(tmp_path: Path) -> Path:
    work = tmp_path / "tiny"
    shutil.copytree(TINY, work, ignore=shutil.ignore_patterns("expected"))
    for name in SHARED:
        shutil.copytree(ROOT / name, work / name)
    shutil.copy(ROOT / "mkdocs.yml", work / "mkdocs.yml")
    return work


@pytest.mark.parametrize("forked", [False, True], ids=["one process", "forked workers"])
def test_tiny_site_pages_match_the_golden_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: bool) -> None:
    """Also with every page rendered in worker processes (`Memo.outputs` forks from 64 pages to render)."""
    if forked:
        monkeypatch.setattr(digest.build, "RENDER_PARALLEL_FROM", 1)
    work = tiny_project(tmp_path)
    build(Project(work), site=False)
    pages = generated(work / "build" / "pages")
    if os.environ.get("DIGEST_REGENERATE_GOLDEN") and not forked:
        shutil.rmtree(EXPECTED, ignore_errors=True)
        for rel, data in pages.items():
            (EXPECTED / rel).parent.mkdir(parents=True, exist_ok=True)
            (EXPECTED / rel).write_bytes(data)
    expected = {p.relative_to(EXPECTED).as_posix(): p.read_bytes() for p in sorted(EXPECTED.rglob("*")) if p.is_file()}
    assert sorted(pages) == sorted(expected)
    for rel, data in expected.items():
        assert pages[rel].decode() == data.decode(), rel


@pytest.mark.parametrize(("listed", "more"), [(1, 1), (2, 0)])
def test_an_entry_page_lists_so_many_occurrences_a_region_and_counts_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, listed: int, more: int
) -> None:
    """派出所 stands twice in one paragraph of the tiny site: with room for one, the second is counted."""
    monkeypatch.setattr(digest.site.kinds.glossary, "MAX_PER_REGION", listed)
    work = tiny_project(tmp_path)
    build(Project(work), site=False)
    for lang in ("en", "zh", "zh-Hant"):
        page = (work / "build" / "pages" / "glossary" / f"police-station.{lang}.md").read_text()
        occurrences = page.split("{ #concordance }")[1]
        assert occurrences.count("<li ") == listed, lang
        notes = occurrences.split('<p class="note">')[1:]
        assert [note.split("</p>")[0].count(str(more)) for note in notes] == ([1] if more else []), lang
