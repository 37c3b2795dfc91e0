"""The build as a maintainer relies on it: incremental, reproducible, atomic, and safe with any input."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import copy_project
from digest.build import build
from digest.errors import DigestError
from digest.project import Project


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file's hash and inode: equal hashes say nothing changed, equal inodes say nothing was rewritten."""
    return {
        p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_ino)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def built_copy(built_project: Path, tmp_path: Path) -> Path:
    target = tmp_path / "project"
    shutil.copytree(built_project, target, symlinks=True)
    return target


@pytest.fixture
def pipeline_copy(built_project: Path, tmp_path: Path) -> Path:
    """A copy of the built project without its site, for tests of builds that stop before MkDocs."""
    target = tmp_path / "project"
    shutil.copytree(built_project, target, symlinks=True, ignore=_without_site)
    return target


def _without_site(folder: str, names: list[str]) -> set[str]:
    return {"site", ".site.mkdocs"} & set(names) if Path(folder).name == "build" else set()


def test_noop_rebuild_does_no_work_and_writes_nothing(built_copy: Path) -> None:
    site = built_copy / "build" / "site"
    before = snapshot(site)
    pages_before = snapshot(built_copy / "build" / "pages")
    outcome = build(Project(built_copy))
    assert outcome.skipped
    assert snapshot(site) == before and snapshot(built_copy / "build" / "pages") == pages_before
    forced = build(Project(built_copy), force=True)
    assert forced.processed == 0 and forced.pages.written == ()
    assert forced.site_files is not None and forced.site_files.written == ()
    assert snapshot(site) == before  # same bytes, same inodes: nothing rewritten


def _glossary_edit_rerenders_only_pages_that_use_it(project: Path) -> None:
    path = project / "glossary" / "two-cards.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("phone and bank cards", "SIM and bank cards", 1), encoding="utf-8"
    )
    outcome = build(Project(project), site=False)
    assert outcome.processed == 0
    changed = {p.rsplit(".", 2)[0] for p in outcome.pages.written if p.endswith(".md")}
    assert "glossary/two-cards" in changed
    assert "reports/gansu-fengqiao-2021" not in changed  # 两卡 is not in the Gansu report
    pages = project / "build" / "pages"
    showing = {
        p.relative_to(pages).as_posix()
        for p in pages.rglob("*")
        if p.is_file() and b"SIM and bank cards" in p.read_bytes()
    }
    assert set(outcome.pages.written) == showing  # every page that shows the entry, and no other


def _report_edit_touches_only_its_pages_and_what_aggregates_it(project: Path) -> None:
    normalized = project / "build" / "normalized"
    before = snapshot(normalized)
    raw = project / "source_texts" / "003_cacb8ca68be18fb9.txt"
    raw.write_bytes(raw.read_bytes().replace("一天晚上8时许".encode(), "一天晚上9时许".encode()))
    outcome = build(Project(project), site=False)
    assert outcome.processed == 1 and outcome.reports == 5
    after = snapshot(normalized)
    assert after.keys() == before.keys()
    rewritten = {name for name in after if after[name] != before[name]}
    assert "xian-prevention-control-2021.zh-Hans.txt" in rewritten
    assert all(name.startswith("xian-prevention-control-2021.") for name in rewritten), sorted(rewritten)
    changed = set(outcome.pages.written)
    assert {f"reports/xian-prevention-control-2021.{lang}.md" for lang in ("en", "zh", "zh-Hant")} <= changed
    allowed = re.compile(r"^(reports/xian-prevention-control-2021|themes/|glossary/|index|downloads/)")
    assert all(allowed.match(path) for path in changed), sorted(changed)
    assert not any(path.startswith("reports/") and "xian-prevention" not in path for path in changed)


def test_incremental_rebuilds_write_only_what_changed_and_what_a_clean_build_writes(
    pipeline_copy: Path, tmp_path: Path
) -> None:
    """Every page kept from an earlier build must be the page a clean build would write: the proof that
    each page's key, and each remembered piece of a page, covers everything it shows. On the way, a glossary
    edit rewrites exactly the pages that show the entry, and a report edit only that report's outputs and
    the pages that aggregate it."""
    # the glossary first: it changes every page's key, and the edits after it must not be hidden
    _glossary_edit_rerenders_only_pages_that_use_it(pipeline_copy)
    _report_edit_touches_only_its_pages_and_what_aggregates_it(pipeline_copy)
    edits = {
        "source_texts/003_cacb8ca68be18fb9.yml": ("a Demonstration City", "a Model City"),
        "translations/en/gansu-fengqiao-2021.po": ("New requirements drive", "New demands drive"),
        "content/themes/crackdowns.en.md": ("cannot be set side by side", "cannot be compared directly"),
    }
    for name, (old, new) in edits.items():
        path = pipeline_copy / name
        text = path.read_text(encoding="utf-8")
        assert old in text, name
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        build(Project(pipeline_copy), site=False)
    fresh = tmp_path / "fresh"
    shutil.copytree(pipeline_copy, fresh, ignore=shutil.ignore_patterns("build"), symlinks=True)
    build(Project(fresh), site=False)
    incremental = {k: v[0] for k, v in snapshot(pipeline_copy / "build" / "pages").items()}
    clean = {k: v[0] for k, v in snapshot(fresh / "build" / "pages").items()}
    assert incremental == clean


def test_missing_ledgers_are_made_again_from_the_raw_files(pipeline_copy: Path) -> None:
    """The memo keeps reports without their ledgers; a deleted build/normalized is made again all the same
    (from the raw files: the reports themselves come from the memo)."""
    normalized = pipeline_copy / "build" / "normalized"
    before = {p.name: p.read_bytes() for p in normalized.iterdir()}
    shutil.rmtree(normalized)
    outcome = build(Project(pipeline_copy), site=False)
    assert outcome.processed == 0
    assert {p.name: p.read_bytes() for p in normalized.iterdir()} == before


def _zero_pages(data: bytes) -> bytes:
    """The store with every page but the first and last zeroed: SQLite opens it and finds it malformed
    only when a query reaches those pages."""
    return data[:4096] + bytes(len(data) - 8192) + data[-4096:]


@pytest.mark.parametrize(
    "damage", [lambda data: b"not a database" * 100, _zero_pages], ids=["not a database", "pages zeroed"]
)
def test_a_damaged_cache_costs_time_not_correctness(pipeline_copy: Path, damage: Callable[[bytes], bytes]) -> None:
    pages = pipeline_copy / "build" / "pages"
    before = {k: v[0] for k, v in snapshot(pages).items()}
    store = pipeline_copy / "build" / "cache.sqlite"
    store.write_bytes(damage(store.read_bytes()))
    outcome = build(Project(pipeline_copy), site=False)
    assert outcome.processed == 5
    assert {k: v[0] for k, v in snapshot(pages).items()} == before
    assert build(Project(pipeline_copy), site=False).processed == 0, "the store works again"


def test_two_clean_builds_are_byte_identical(built_project: Path, tmp_path: Path) -> None:
    other = copy_project(tmp_path / "other")
    build(Project(other))
    first = {k: v[0] for k, v in snapshot(built_project / "build" / "site").items()}
    second = {k: v[0] for k, v in snapshot(other / "build" / "site").items()}
    assert first == second


def test_a_build_that_fails_leaves_the_previous_site(built_copy: Path) -> None:
    site = built_copy / "build" / "site"
    before = snapshot(site)
    template = built_copy / "templates" / "theme.md.j2"
    template.write_text(template.read_text(encoding="utf-8") + "{{ no_such_value }}\n", encoding="utf-8")
    with pytest.raises(DigestError, match="undefined value"):
        build(Project(built_copy))
    assert snapshot(site) == before
    template.write_text(template.read_text(encoding="utf-8").replace("{{ no_such_value }}\n", ""), encoding="utf-8")
    config = built_copy / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("docs_structure: suffix", "docs_structure: nonsense"),
        encoding="utf-8",
    )
    with pytest.raises(DigestError, match="MkDocs"):
        build(Project(built_copy))
    assert snapshot(site) == before
    assert not list((built_copy / "build").glob(".site-*")), "the staging folder is cleaned up"


def test_the_site_holds_no_path_of_the_building_machine(built_project: Path) -> None:
    site = built_project / "build" / "site"
    needles = [str(built_project).encode(), str(Path.home()).encode() + b"/", os.getcwd().encode() + b"/"]
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".xml", ".csv", ".tbx", ".js"):
            data = path.read_bytes()
            for needle in needles:
                assert needle not in data, (path, needle)


def test_a_build_reads_each_input_once_and_sees_one_version_of_it(tmp_path: Path) -> None:
    from digest.inputs import file_bytes, input_bytes, inputs_read

    listed, elsewhere = tmp_path / "listed", tmp_path / "elsewhere"
    listed.mkdir()
    elsewhere.mkdir()
    (listed / "a.txt").write_bytes(b"as read for the fingerprint")
    (elsewhere / "b.txt").write_bytes(b"b")
    with inputs_read({str(listed / "a.txt"): b"as read for the fingerprint"}, [str(listed)]):
        (listed / "a.txt").write_bytes(b"edited during the build")
        (listed / "new.txt").write_bytes(b"created during the build")
        assert input_bytes(listed / "a.txt") == b"as read for the fingerprint"
        assert file_bytes(listed / "new.txt") == b""  # not an input of this build
        assert input_bytes(elsewhere / "b.txt") == b"b"
        with pytest.raises(FileNotFoundError):
            input_bytes(listed / "missing.txt")
    assert input_bytes(listed / "a.txt") == b"edited during the build"


def test_glossary_pages_count_headings_and_front_lines(built_project: Path) -> None:
    """No entry claims it never occurs: an entry found only in a section heading or a highlight line
    under a title lists that place, linked, like a paragraph."""
    from digest.glossary.entries import load_glossary
    from digest.glossary.usage import entries_used
    from digest.project import Project
    from digest.slice.gather import gather

    project = Project(built_project)
    glossary = load_glossary(project.glossary)
    used = entries_used(glossary, gather(project).reports)
    site = built_project / "build" / "site" / "glossary"
    for entry in glossary.entries:
        page = (site / entry.id / "index.html").read_text(encoding="utf-8")
        assert ("This term does not occur in the reports." in page) == (entry.id not in used), entry.id
    heading = (site / "strike-prevent-manage-control" / "index.html").read_text(encoding="utf-8")
    assert 'reports/gansu-fengqiao-2021/#jdfxyh-dfgkhddts">§' in heading  # 打防管控 in a heading
    front = (site / "formula-1551" / "index.html").read_text(encoding="utf-8")
    assert 'reports/xian-public-order-2023/">¶&#8239;highlight</a>' in front  # in the line under the title


def kept_results(project_dir: Path, kind: str) -> int:
    """How many results of a task the project's store keeps."""
    import sqlite3

    with sqlite3.connect(project_dir / "build" / "cache.sqlite") as db:
        return int(db.execute("SELECT COUNT(*) FROM results WHERE kind = ?", (kind,)).fetchone()[0])


def test_pieces_of_pages_not_rendered_again_are_kept(pipeline_copy: Path) -> None:
    """A theme page an edit does not touch is not rendered, but its paragraphs' rendered pieces stay in the
    store for the build that renders it again (`Pages.keep_fragments`): pruning them made every edit
    whose paragraph landed on another theme than the last one's render that theme's pieces anew."""
    project = Project(pipeline_copy)
    build(project, site=False)
    before = kept_results(pipeline_copy, "fragment")
    raw = sorted((pipeline_copy / "source_texts").glob("*.txt"))[0]
    raw.write_bytes(raw.read_bytes() + "新增一段。\n".encode())
    outcome = build(project, site=False)
    rendered = {p for p in outcome.pages.written if p.startswith("themes/")}
    assert len(rendered) < len(list((pipeline_copy / "build" / "pages" / "themes").glob("*.md"))) - 3
    assert kept_results(pipeline_copy, "fragment") >= before > 0


def test_term_matches_of_texts_not_edited_are_kept(pipeline_copy: Path) -> None:
    """An edited report is matched text by text, its unchanged texts' matches taken from the store; every
    report's are kept by name on each build (named once per report in a long-lived process), so an edit
    prunes none of them and the next edit of another report finds its texts' matches."""
    project = Project(pipeline_copy)
    build(project, site=False)
    before = kept_results(pipeline_copy, "text-matches")
    for raw in sorted((pipeline_copy / "source_texts").glob("*.txt"))[:2]:  # one edit, then another report's
        raw.write_bytes(raw.read_bytes() + "新增一段：派出所主防。\n".encode())
        outcome = build(project, site=False)
        assert outcome.processed == 1
    assert kept_results(pipeline_copy, "text-matches") >= before > 100
