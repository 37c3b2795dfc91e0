"""A golden build of a tiny site: the pages the real templates make from a small, fixed input.

When a change to templates, locales or rendering is deliberate, regenerate the expected pages with

    DIGEST_REGENERATE_GOLDEN=1 .venv/bin/pytest tests/test_golden.py

and review the diff of tests/golden/tiny/expected/ before committing it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

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


def test_tiny_site_pages_match_the_golden_copy(tmp_path: Path) -> None:
    work = tmp_path / "tiny"
    shutil.copytree(TINY, work, ignore=shutil.ignore_patterns("expected"))
    for name in SHARED:
        shutil.copytree(ROOT / name, work / name)
    shutil.copy(ROOT / "mkdocs.yml", work / "mkdocs.yml")
    build(Project(work), site=False)
    pages = generated(work / "build" / "pages")
    if os.environ.get("DIGEST_REGENERATE_GOLDEN"):
        shutil.rmtree(EXPECTED, ignore_errors=True)
        for rel, data in pages.items():
            (EXPECTED / rel).parent.mkdir(parents=True, exist_ok=True)
            (EXPECTED / rel).write_bytes(data)
    expected = {p.relative_to(EXPECTED).as_posix(): p.read_bytes() for p in sorted(EXPECTED.rglob("*")) if p.is_file()}
    assert sorted(pages) == sorted(expected)
    for rel, data in expected.items():
        assert pages[rel].decode() == data.decode(), rel
