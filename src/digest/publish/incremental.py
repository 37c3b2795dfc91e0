"""MkDocs, rebuilding only the pages that changed.

MkDocs builds into a private folder kept from build to build (`private_output`); build/site is a hard-linked
copy of it swapped in whole, so it is never half-written. A build is full (the folder emptied, every page
rendered) unless everything a page takes from outside its own Markdown is as it was at the last complete
build: the configuration, the navigation, the set of source files, the theme overrides, the hooks, the
versions of MkDocs, its theme and plugins (`shape`). Then MkDocs runs in its `dirty` mode with our own
decision of what is dirty (`Incremental`): a page whose source was written since the last build began, or
whose output is missing. Our build writes a Markdown file only when its bytes change, so a modification
time means a change.

Two things MkDocs' own `--dirty` gets wrong are handled here. A page not read has no title, and titles of
the pages in the navigation are drawn on every page: those pages are always read (not written unless they
changed), and if a title differs from the last build's, every page of that language is written again.
And mkdocs-static-i18n builds the other languages with `dirty` taken from the command line: it is given
ours.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import pickle
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import jinja2
from mkdocs import utils
from mkdocs.commands import build as mkdocs_build
from mkdocs.commands.build import _populate_page
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from digest.inputs import file_bytes, files_under
from digest.memo import fingerprint
from digest.publish.hooks import last_language_pass

PACKAGES = ("mkdocs", "mkdocs-material", "mkdocs-static-i18n", "markdown", "pymdown-extensions", "jinja2")
Titles = dict[str, list[list[str]]]


def private_output(site_dir: Path) -> Path:
    """Where MkDocs builds, beside the site; never served."""
    return site_dir.with_name(f".{site_dir.name}.mkdocs")


def i18n_files(output: Path) -> Path:
    """Where mkdocs-static-i18n's per-language files are remembered between builds (`recall_i18n_files`)."""
    return output.with_name(output.name + ".i18n")


def compiled_templates(site_dir: Path) -> Path:
    """Where the theme's compiled templates are kept between builds."""
    return site_dir.with_name(f".{site_dir.name}.jinja")


@dataclass(frozen=True)
class OutputState:
    """What the private output was last completely built from: its `shape`, when that build began reading
    its sources (`started_ns`, the file system's clock), and the navigation's titles per language."""

    shape: str
    started_ns: int
    titles: Titles

    @staticmethod
    def path(output: Path) -> Path:
        return output.with_name(output.name + ".json")

    @classmethod
    def read(cls, output: Path) -> OutputState | None:
        try:
            data = json.loads(cls.path(output).read_text(encoding="utf-8"))
            return cls(str(data["shape"]), int(data["started_ns"]), dict(data["titles"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    @classmethod
    def forget(cls, output: Path) -> None:
        """Before a build: if it fails half-way, the next one is full."""
        cls.path(output).unlink(missing_ok=True)

    def write(self, output: Path) -> None:
        path = self.path(output)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(vars(self), sort_keys=True, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)


def shape(config: Any, docs_dir: Path, nav: list[Any] | None, strict: bool) -> str:
    """The fingerprint of everything every page's HTML is made from, except each page's own Markdown and
    the navigation's titles (see the module's docstring), with this publishing code itself (the memo's
    code version leaves it out: it computes none of the pipeline's results)."""
    config_file = Path(config.config_file_path)
    publisher = [file_bytes(Path(__file__).with_name(name)) for name in ("incremental.py", "mkdocs.py")]
    parts: list[object] = [
        *publisher,
        file_bytes(config_file),
        repr(nav),
        strict,
        os.environ.get("SOURCE_DATE_EPOCH", ""),
    ]
    parts.append(sorted(rel for rel, _ in files_under(docs_dir)))
    if config.theme.custom_dir:
        parts += [(rel, path.read_bytes()) for rel, path in sorted(files_under(Path(config.theme.custom_dir)))]
    for hook in config.hooks or ():
        parts += [str(hook), file_bytes(config_file.parent / hook)]
    for package in PACKAGES:
        try:
            parts.append((package, metadata.version(package)))
        except metadata.PackageNotFoundError:
            parts.append((package, None))
    return fingerprint(*parts)


def _language(config: Any) -> str:
    i18n = config.plugins.get("i18n")
    return str(getattr(i18n, "current_language", "")) if i18n is not None else ""


class PagesWritten(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
    """Tells `take` (a page's path in the site, and on disk) of each page MkDocs writes, soon after it is
    written: MkDocs writes a page right after its `on_post_page`, so each page is told at the next page's
    and the last ones at the end of the language's build. The search index reads the pages while MkDocs
    renders the rest (a full run)."""

    def __init__(self, site: Path, take: Callable[[str, str], None]) -> None:
        super().__init__()
        self.site = str(site)
        self.take = take
        self._rendered: list[str] = []

    def _tell(self) -> None:
        for path in self._rendered:
            self.take(os.path.relpath(path, self.site).replace(os.sep, "/"), path)
        self._rendered = []

    @event_priority(-100)
    def on_post_page(self, output: str, /, *, page: Any, config: Any) -> str:
        self._tell()
        self._rendered.append(page.file.abs_dest_path)
        return output

    @event_priority(100)
    def on_post_build(self, *, config: Any) -> None:
        self._tell()


class Incremental(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
    """Decides what MkDocs' `dirty` mode renders (`since` is None in a full build, which renders everything);
    records the navigation's titles for the next build and counts the pages written."""

    def __init__(self, since: int | None, titles: Titles, templates: Path) -> None:
        super().__init__()
        templates.mkdir(parents=True, exist_ok=True)
        self.templates = str(templates)
        self.since = since
        self.old_titles = titles
        self.titles: Titles = {}
        self.written = 0
        self._nav: Any = None
        self._in_nav: set[str] = set()
        self._reading = True
        self._everything = since is None
        self.redrawn = since is None  # every page of some language rendered in this run

    def _changed(self, file: Any) -> bool:
        if self._everything or file._content is not None or not os.path.exists(file.abs_dest_path):
            return True
        return self.since is None or os.stat(file.abs_src_path).st_mtime_ns >= self.since

    def _is_modified(self, file: Any) -> Callable[[], bool]:
        def is_modified() -> bool:
            if not self._changed(file):
                return self._reading and file.src_uri in self._in_nav
            if file.is_documentation_page():
                self.written += 0 if self._reading else 1
            else:  # MkDocs copies over the old file in place: make it a new file, not the published one's link
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(file.abs_dest_path)
            return True

        return is_modified

    @event_priority(-1000)  # after mkdocs-static-i18n has made this language's files and navigation
    def on_nav(self, nav: Any, config: Any, files: Any) -> Any:
        self._nav = nav
        self._reading = True
        self._everything = self.since is None
        known = {url: title for url, title in self.old_titles.get(_language(config), [])}
        self._in_nav = set()
        for page in nav.pages:  # an unchanged page keeps its title: no need to read it
            title = known.get(page.url)
            if self._everything or title in (None, "None") or self._changed(page.file):
                self._in_nav.add(page.file.src_uri)
            else:
                page.title = title
        for file in files:
            vars(file)["is_modified"] = self._is_modified(file)
        return nav

    @event_priority(-1000)  # every page is read now, none written yet
    def on_env(self, env: Any, config: Any, files: Any) -> Any:
        # The theme's templates compiled once, not once per language and build (Jinja checks each
        # template's source against its compiled form).
        env.bytecode_cache = jinja2.FileSystemBytecodeCache(self.templates)
        language = _language(config)
        self.titles[language] = [[page.url, str(page.title)] for page in self._nav.pages]
        if self.since is not None and self.titles[language] != self.old_titles.get(language):
            self._everything = self.redrawn = True  # a title in the navigation changed: every page shows it
            for file in files.documentation_pages():
                if file.page is not None and file.page.markdown is None:
                    _populate_page(file.page, config, files)
        self._reading = False
        if self.since is None:
            self.written += len(files.documentation_pages())
        return env

    def keeps(self, sitemap: str) -> bool:
        """Whether this run may leave the sitemap as the last one wrote it: an incremental run that changed
        no navigation title, and a sitemap of today's date. It lists every page of every language with the
        build's date (0.4 s a run at N = 1,000, three passes); the pages and languages are in `shape`, the
        titles are not, and only the date changes otherwise."""
        if self.redrawn or self.since is None:
            return False
        try:
            with open(sitemap, encoding="utf-8") as handle:
                listed = handle.read()
        except OSError:
            return False
        return "<lastmod>" not in listed or f"<lastmod>{utils.get_build_date()}</lastmod>" in listed


def _sitemap_kept(build_template: Callable[..., None]) -> Callable[..., None]:
    """MkDocs' theme templates, but the sitemap built only in the last language pass (each pass of
    mkdocs-static-i18n lists the languages built so far, and the last pass's is the site's), and there
    left as it is when `Incremental.keeps` says so. MkDocs writes its gzipped copy into the old file: it
    is made a new file first, so the published one (a hard link) is replaced, never written through."""

    def build_theme_template(template_name: str, env: Any, files: Any, config: Any, nav: Any) -> None:
        if template_name == "sitemap.xml":
            i18n = config.plugins.get("i18n")
            if i18n is not None and not last_language_pass(i18n):
                return
            path = os.path.join(config.site_dir, template_name)
            plugin = config.plugins.get("digest-incremental")
            if isinstance(plugin, Incremental) and plugin.keeps(path):
                return
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path + ".gz")
        build_template(template_name, env, files, config, nav)

    return build_theme_template


class _DropDirtyWarning(logging.Filter):
    """MkDocs warns that a dirty build makes inaccurate navigation; ours does not (see above), and in strict
    mode the warning would stop the build."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")


def _anew(write: Callable[[Any, str], None], written: set[str]) -> Callable[[Any, str], None]:
    def write_anew(first: Any, output_path: str) -> None:
        with contextlib.suppress(FileNotFoundError, IsADirectoryError, PermissionError):
            os.unlink(output_path)
        write(first, output_path)
        written.add(output_path)

    return write_anew


_I18N_FILES: dict[tuple[object, ...], dict[str, Any]] = {}


def recall_i18n_files(path: Path, dirty: bool) -> None:
    """Before an incremental run, what `_remembered` kept at the last complete build (the key holds every
    string the result depends on; the plugin's version is in `shape`, which a dirty run shares); before a
    full run, nothing, so files gone since are forgotten."""
    _I18N_FILES.clear()
    if dirty:
        with contextlib.suppress(OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
            _I18N_FILES.update(pickle.loads(path.read_bytes()))


def keep_i18n_files(path: Path) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(pickle.dumps(_I18N_FILES, protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(temporary, path)


def _remembered(create: Callable[..., Any]) -> Callable[..., Any]:
    """mkdocs-static-i18n's `create_i18n_file`, its result remembered by everything it reads.

    The plugin makes each file's per-language copy through pathlib some 34,000 times per build at
    N = 1,000 (every file for each language, then again for the alternates): two thirds of an incremental
    MkDocs run. The copy depends only on the strings in the key below, so a copy already made (in an
    earlier language's pass or an earlier build of `digest serve`) is a dict copy. The plugin's own
    function makes every first copy, so its rules are not restated here."""

    def create_i18n_file(file: Any, current: str, default: str, languages: list[str], config: Any) -> Any:
        settings = config.data  # the options as stored: MkDocs' option descriptors cost more than the rest
        key = (
            file.src_uri,
            file.dest_uri,
            file.name,
            file.inclusion,
            current,
            default,
            tuple(languages),
            settings["docs_dir"],
            settings["site_dir"],
            settings["use_directory_urls"],
        )
        made = _I18N_FILES.get(key)
        if made is None:
            fresh = create(file, current, default, languages, config)
            if len(_I18N_FILES) > 250_000:
                _I18N_FILES.clear()
            _I18N_FILES[key] = {name: value for name, value in vars(fresh).items() if name != "alternates"}
            return fresh
        copy = object.__new__(type(file))
        vars(copy).update(made)
        copy.alternates = {current: copy}
        return copy

    return create_i18n_file


def _listed_once(list_templates: Callable[[Any], list[str]]) -> Callable[[Any], list[str]]:
    """Jinja's listing of the theme's folders (Material's holds some 14,500 files, mostly icons), walked
    once per MkDocs run instead of once per language pass (MkDocs lists them to copy the theme's files):
    nothing in the theme changes while MkDocs runs."""
    listed: dict[tuple[object, ...], list[str]] = {}

    def list_once(loader: Any) -> list[str]:
        key = (tuple(dict.fromkeys(loader.searchpath)), loader.followlinks)  # a folder named twice is listed once
        if key not in listed:
            listed[key] = list_templates(loader)
        return list(listed[key])

    return list_once


def _theme_files_once(add: Callable[[Any, Any, Any], None]) -> Callable[[Any, Any, Any], None]:
    """MkDocs' `Files.add_files_from_theme`, its theme files found once per MkDocs run instead of once per
    language pass: it matches each of the theme's 14,500 names against some twenty patterns and looks for
    each match in the theme's folders, all of which hold still while MkDocs runs. The first pass asks
    MkDocs' own method with no page files, which yields every theme file it would add; each pass then
    adds those that no page file overrides, as the method does."""
    found: dict[tuple[object, ...], list[tuple[str, str | None]]] = {}

    def add_files_from_theme(files: Any, env: Any, config: Any) -> None:
        key = (  # each folder once: mkdocs-static-i18n adds its sitemap's folder again in every pass
            tuple(dict.fromkeys(getattr(env.loader, "searchpath", ()))),
            tuple(dict.fromkeys(config.theme.dirs)),
            tuple(config.theme.static_templates),
        )
        if key not in found:
            every = Files([])
            add(every, env, config)
            found[key] = [(file.src_uri, file.src_dir) for file in every]
        for path, folder in found[key]:
            if files.get_file_from_path(path) is None:
                files.append(File(path, folder, config.site_dir, config.use_directory_urls))

    return add_files_from_theme


def _read_once(getter: property, values: dict[tuple[int, str], Any]) -> property:
    """A property of mkdocs-static-i18n's plugin computed once per MkDocs run: the default language, every
    language and the languages built come from the plugin's settings, which hold still while MkDocs runs,
    and the plugin reads them some 50,000 times a language pass at N = 1,000, each through MkDocs' option
    descriptors (a fifth of an incremental MkDocs run, profiled). A list is handed out as a copy."""
    assert getter.fget is not None
    compute = getter.fget
    name = compute.__name__

    def read(plugin: Any) -> Any:
        key = (id(plugin), name)
        if key not in values:
            values[key] = compute(plugin)
        value = values[key]
        return list(value) if isinstance(value, list) else value

    return property(read)


@contextlib.contextmanager
def dirty_build(dirty: bool, written: set[str]) -> Iterator[None]:
    """While MkDocs runs: every file it writes is a new file (its writers open the old one 'wb', which would
    write through a hard link into the published site), mkdocs-static-i18n builds the other languages with
    our `dirty` and remembers its per-language files (`_remembered`), the theme's folders are listed and its
    files found once (`_listed_once`, `_theme_files_once`), the plugin's language settings are read once
    (`_read_once`), the sitemap is left as it is when nothing it shows changed (`_sitemap_kept`), and the
    dirty-build warning is dropped. `written` receives the path of every file written."""
    from mkdocs_static_i18n import plugin as i18n_plugin  # type: ignore[import-untyped]
    from mkdocs_static_i18n import reconfigure, suffix

    saved = utils.write_file, utils.copy_file, i18n_plugin.build, suffix.create_i18n_file, reconfigure.is_relative_to
    theme_template = mkdocs_build._build_theme_template
    listing = jinja2.FileSystemLoader.list_templates
    add_theme_files = Files.add_files_from_theme
    plugin_class = reconfigure.ExtendedPlugin
    settings = {name: vars(plugin_class)[name] for name in ("default_language", "all_languages", "build_languages")}
    read: dict[tuple[int, str], Any] = {}
    build = i18n_plugin.build
    logger = logging.getLogger("mkdocs.commands.build")
    quiet = _DropDirtyWarning()
    utils.write_file = _anew(utils.write_file, written)  # type: ignore[assignment]
    utils.copy_file = _anew(utils.copy_file, written)  # type: ignore[assignment]
    i18n_plugin.build = lambda config, **kwargs: build(config, **{**kwargs, "dirty": dirty})
    suffix.create_i18n_file = _remembered(suffix.create_i18n_file)
    reconfigure.is_relative_to = functools.lru_cache(maxsize=1 << 16)(reconfigure.is_relative_to)
    jinja2.FileSystemLoader.list_templates = _listed_once(listing)  # type: ignore[method-assign,assignment]
    Files.add_files_from_theme = _theme_files_once(add_theme_files)  # type: ignore[method-assign,assignment]
    mkdocs_build._build_theme_template = _sitemap_kept(theme_template)
    for name, getter in settings.items():
        setattr(plugin_class, name, _read_once(getter, read))
    logger.addFilter(quiet)
    try:
        yield
    finally:
        (
            utils.write_file,
            utils.copy_file,
            i18n_plugin.build,
            suffix.create_i18n_file,
            reconfigure.is_relative_to,
        ) = saved
        jinja2.FileSystemLoader.list_templates = listing  # type: ignore[method-assign]
        Files.add_files_from_theme = add_theme_files  # type: ignore[method-assign]
        mkdocs_build._build_theme_template = theme_template
        for name, getter in settings.items():
            setattr(plugin_class, name, getter)
        logger.removeFilter(quiet)


def link_tree(source: Path, target: Path) -> None:
    """`cp -al`: `target` gets every file of `source` as a hard link (a copy where links cannot be made)."""
    for top, dirs, names in os.walk(source):
        rel = os.path.relpath(top, source)
        into = target / rel if rel != "." else target
        into.mkdir(exist_ok=True)
        for name in dirs:
            (into / name).mkdir(exist_ok=True)
        for name in names:
            try:
                os.link(os.path.join(top, name), into / name)
            except OSError:
                shutil.copy2(os.path.join(top, name), into / name)
