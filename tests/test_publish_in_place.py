"""After an incremental MkDocs run the published site is updated file by file (publish/mkdocs.py,
`update_in_place`): it ends equal to MkDocs' folder, an unchanged file keeps its inode, and an update cut
short leaves a mark that makes the next build swap in a whole copy."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from digest.build import build
from digest.project import Project
from digest.publish import mkdocs as publish
from digest.publish.incremental import link_tree, private_output
from digest.publish.mkdocs import update_in_place


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def rewrite(path: Path, data: bytes) -> None:
    """As MkDocs writes in an incremental run: a new file, never through the old one's link."""
    path.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


@pytest.fixture
def published(tmp_path: Path) -> tuple[Path, Path]:
    output, site = tmp_path / "out", tmp_path / "site"
    for rel, data in {
        "index.html": b"<p>home</p>",
        "reports/a/index.html": b"<p>a</p>",
        "reports/b/index.html": b"<p>b</p>",
        "reports/gone/index.html": b"<p>gone</p>",
        "assets/site.css": b"body{}",
        "search/t/0.json": b"{}",
    }.items():
        rewrite(output / rel, data)
    site.mkdir()
    link_tree(output, site)
    return output, site


def test_the_site_ends_equal_to_the_build_and_only_changes_are_new_files(published: tuple[Path, Path]) -> None:
    output, site = published
    inode = {rel: (site / rel).stat().st_ino for rel in tree(site)}
    rewrite(output / "reports/a/index.html", b"<p>a, edited</p>")
    rewrite(output / "reports/b/index.html", b"<p>b</p>")  # written again, the same bytes
    rewrite(output / "reports/new/index.html", b"<p>new</p>")
    shutil.rmtree(output / "reports/gone")
    (output / "reports/new/index.html").chmod(0o600)

    changes = update_in_place(output, site)

    assert tree(site) == tree(output)
    assert not (site / "reports/gone").exists(), "a removed page's folder goes too"
    assert changes.written == ("reports/a/index.html", "reports/new/index.html")
    assert changes.removed == ("reports/gone/index.html",)
    assert "reports/b/index.html" in changes.unchanged
    assert (site / "reports/b/index.html").stat().st_ino == inode["reports/b/index.html"], "same bytes, same file"
    assert (output / "reports/b/index.html").stat().st_ino == inode["reports/b/index.html"], "and MkDocs' links it"
    assert (site / "index.html").stat().st_ino == inode["index.html"]
    assert (site / "reports/a/index.html").stat().st_ino != inode["reports/a/index.html"]
    assert stat.S_IMODE((site / "reports/new/index.html").stat().st_mode) == 0o644, "readable by a web server"
    assert not [p for p in site.parent.iterdir() if p.name.startswith(".")], "no mark left"


def test_a_folder_replaced_by_a_file_and_back(published: tuple[Path, Path]) -> None:
    output, site = published
    shutil.rmtree(output / "reports/a")
    rewrite(output / "reports/a", b"now a file")
    shutil.rmtree(output / "assets")
    rewrite(output / "assets/site.css/index.html", b"now a folder")
    (output / "assets/site.css").rename(output / "assets/x")
    update_in_place(output, site)
    assert tree(site) == tree(output)


def test_an_update_cut_short_leaves_its_mark(published: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    output, site = published
    rewrite(output / "reports/a/index.html", b"<p>a, edited</p>")
    rewrite(output / "reports/c/index.html", b"<p>c</p>")

    def full_disk(*_: object) -> None:
        raise OSError(28, os.strerror(28))

    monkeypatch.setattr(publish, "_link_over", full_disk)
    with pytest.raises(OSError):
        update_in_place(output, site)
    assert publish._updating(site).exists()


def test_after_an_interrupted_update_the_next_build_swaps_in_a_whole_copy(
    built_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project_dir = tmp_path / "project"
    shutil.copytree(built_project, project_dir, symlinks=True)
    project = Project(project_dir)
    (project.site / "stray.html").write_bytes(b"left by the interrupted update")
    publish._updating(project.site).write_bytes(b"")
    raw = sorted((project_dir / "source_texts").glob("*.txt"))[0]
    raw.write_bytes(raw.read_bytes() + "新增一段，用于检验中断后的发布。\n".encode())

    def not_in_place(output: Path, site_dir: Path) -> None:
        raise AssertionError("updated in place over an interrupted update")

    monkeypatch.setattr(publish, "update_in_place", not_in_place)
    build(project)
    assert not publish._updating(project.site).exists()
    assert not (project.site / "stray.html").exists()
    assert tree(project.site) == tree(private_output(project.site))


def test_a_remembered_i18n_file_equals_the_plugins_own(root: Path) -> None:
    """mkdocs-static-i18n's per-language file, made again from what the first call remembered, has every
    attribute the plugin's own function gives it (publish/incremental.py, `_remembered`)."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import File
    from mkdocs_static_i18n import suffix

    from digest.publish.incremental import _I18N_FILES, _remembered

    config = load_config(config_file=str(root / "mkdocs.yml"), docs_dir=str(root / "docs"), site_dir="/tmp/site")
    names = [
        "index.md",
        "index.zh.md",
        "README.zh-Hant.md",
        "reports/index.zh-Hant.md",
        "reports/x-1.zh.md",
        "reports/x-1.en.md",
        "reports/x.1.md",
        "a.b.c.md",
        "assets/logo.zh.png",
        "assets/site.css",
        ".hidden.zh.md",
        "notes.fr_FR.md",
    ]
    remembered = _remembered(suffix.create_i18n_file)
    _I18N_FILES.clear()
    for name in names:
        for language in ("en", "zh", "zh-Hant"):
            file = File(name, config.docs_dir, config.site_dir, config.use_directory_urls)
            own = suffix.create_i18n_file(file, language, "en", ["en", "zh", "zh-Hant"], config)
            first = remembered(file, language, "en", ["en", "zh", "zh-Hant"], config)
            again = remembered(file, language, "en", ["en", "zh", "zh-Hant"], config)
            for made in (first, again):
                assert made.alternates == {language: made}
                assert {k: v for k, v in vars(made).items() if k != "alternates"} == {
                    k: v for k, v in vars(own).items() if k != "alternates"
                }, (name, language)
                assert (made.url, made.dest_uri, made.abs_dest_path, made.name) == (
                    own.url,
                    own.dest_uri,
                    own.abs_dest_path,
                    own.name,
                )
            again.page = "set on one copy"
            assert getattr(first, "page", None) != "set on one copy", "copies are independent"
    assert len(_I18N_FILES) == len(names) * 3


def test_the_theme_is_listed_once_per_mkdocs_run_and_afresh_in_the_next(tmp_path: Path) -> None:
    """Inside one MkDocs run (`dirty_build`) Jinja's listing of a theme folder is walked once; the next run,
    or anything after the run, sees a file added since (a theme override edited under `digest serve`)."""
    import jinja2

    from digest.publish.incremental import dirty_build

    (tmp_path / "main.html").write_text("x")
    loader = jinja2.FileSystemLoader(str(tmp_path))
    with dirty_build(True, set()):
        assert loader.list_templates() == ["main.html"]
        (tmp_path / "partials").mkdir()
        (tmp_path / "partials" / "footer.html").write_text("y")
        assert loader.list_templates() == ["main.html"]  # walked once in this run
    assert loader.list_templates() == ["main.html", "partials/footer.html"]
    with dirty_build(True, set()):
        assert loader.list_templates() == ["main.html", "partials/footer.html"]
        (tmp_path / "later.html").write_text("z")
        # mkdocs-static-i18n names its sitemap's folder again in every language pass: still one listing
        twice = jinja2.FileSystemLoader([str(tmp_path), str(tmp_path)])
        assert twice.list_templates() == ["main.html", "partials/footer.html"]


def test_theme_files_are_found_once_per_run_as_mkdocs_finds_them(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`Files.add_files_from_theme` inside one MkDocs run (`_theme_files_once`): the theme files MkDocs' own
    method adds, a page file still overriding its theme file, in every language pass (the theme's folders
    named again, another site folder), from one search of the theme."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import File, Files

    from digest.publish.incremental import dirty_build

    def own(config: object, env: object, pages: list[File]) -> list[tuple[str, str, str]]:
        files = Files(list(pages))
        searches.append(1)
        original(files, env, config)
        return [(f.src_uri, f.abs_src_path, f.abs_dest_path) for f in files]

    original = Files.add_files_from_theme
    searches: list[int] = []
    config = load_config(config_file=str(root / "mkdocs.yml"), docs_dir=str(root / "docs"), site_dir="/tmp/site")
    env = config.theme.get_env()
    every = own(config, env, [])
    assert len(every) > 20
    override = File(every[0][0], config.docs_dir, config.site_dir, config.use_directory_urls)
    expected = own(config, env, [override])
    assert expected[0] == (override.src_uri, override.abs_src_path, override.abs_dest_path)
    searches.clear()

    def counted(files: Files, env: object, config: object) -> None:
        searches.append(1)
        original(files, env, config)

    monkeypatch.setattr(Files, "add_files_from_theme", counted)

    def found(config: object, env: object) -> list[tuple[str, str, str]]:
        files = Files([File(override.src_uri, config.docs_dir, config.site_dir, config.use_directory_urls)])  # type: ignore[attr-defined]
        files.add_files_from_theme(env, config)
        return [(f.src_uri, f.abs_src_path, f.abs_dest_path) for f in files]

    with dirty_build(True, set()):
        assert found(config, env) == expected
        config.theme.dirs.insert(0, config.theme.dirs[0])
        config.site_dir = "/tmp/site/zh"
        again = found(config, config.theme.get_env())
    assert again == [(src, path, dest.replace("/tmp/site/", "/tmp/site/zh/")) for src, path, dest in expected]
    assert len(searches) == 1


def test_the_i18n_plugins_language_settings_are_read_once_and_restored(root: Path) -> None:
    """Inside a MkDocs run the plugin's default language, languages and languages built are its own
    (`_read_once`), a list handed out is a copy, and after the run the plugin computes them again."""
    from mkdocs.config import load_config
    from mkdocs_static_i18n import reconfigure

    from digest.publish.incremental import dirty_build

    config = load_config(config_file=str(root / "mkdocs.yml"), docs_dir=str(root / "docs"), site_dir="/tmp/site")
    plugin = config.plugins["i18n"]
    names = ("default_language", "all_languages", "build_languages")
    before = {name: vars(reconfigure.ExtendedPlugin)[name] for name in names}
    own = {name: getattr(plugin, name) for name in names}
    assert own["default_language"] == "en" and set(own["all_languages"]) == {"en", "zh", "zh-Hant"}
    with dirty_build(True, set()):
        assert {name: getattr(plugin, name) for name in names} == own
        plugin.all_languages.append("fr")
        assert plugin.all_languages == own["all_languages"]
        plugin.config.languages.pop()
        assert plugin.all_languages == own["all_languages"], "read once in a run"
    assert {name: vars(reconfigure.ExtendedPlugin)[name] for name in names} == before
    assert plugin.all_languages == own["all_languages"][:-1]


def test_an_incremental_run_leaves_todays_sitemap_as_it_is_and_writes_another_days_anew(tmp_path: Path) -> None:
    """The sitemap lists every page with the build's date (0.4 s a run at N = 1,000). Each language pass of
    mkdocs-static-i18n lists the languages built so far, so only the last pass builds it; an incremental
    run that changed no navigation title leaves a sitemap of today's date as it is; a full run, a changed
    navigation, another day's sitemap or none builds it, its gzipped copy made a new file first (MkDocs
    opens the old one for writing, a hard link into the published site)."""
    from types import SimpleNamespace

    from mkdocs.utils import get_build_date

    from digest.publish.incremental import Incremental, _sitemap_kept

    site = tmp_path / "out"
    site.mkdir()
    built: list[str] = []
    build_theme_template = _sitemap_kept(lambda name, *_: built.append(name))
    plugin = Incremental(since=1, titles={}, templates=tmp_path / "templates")
    i18n = SimpleNamespace(current_language="en", build_languages=["en", "zh", "zh-Hant"])
    config = SimpleNamespace(site_dir=str(site), plugins={"digest-incremental": plugin, "i18n": i18n})
    sitemap, packed = site / "sitemap.xml", site / "sitemap.xml.gz"

    def run(name: str = "sitemap.xml") -> bool:
        built.clear()
        build_theme_template(name, None, None, config, None)
        return built == [name]

    assert not run() and run("404.html"), "not in the first pass; other theme templates in every pass"
    i18n.current_language = "zh-Hant"
    assert run(), "the last pass, no sitemap yet"
    sitemap.write_text(f"<url><lastmod>{get_build_date()}</lastmod></url>", encoding="utf-8")
    packed.write_bytes(b"old")
    assert not run() and packed.exists(), "today's sitemap, nothing changed: left as it is"
    plugin.redrawn = True
    assert run() and not packed.exists(), "a navigation title changed: built, its old gzipped copy unlinked"
    plugin.redrawn = False
    sitemap.write_text("<url><lastmod>2001-01-01</lastmod></url>", encoding="utf-8")
    assert run(), "another day's sitemap"
    sitemap.write_text(f"<url><lastmod>{get_build_date()}</lastmod></url>", encoding="utf-8")
    assert not run()
    assert not Incremental(since=None, titles={}, templates=tmp_path / "t").keeps(str(sitemap)), "a full run"
