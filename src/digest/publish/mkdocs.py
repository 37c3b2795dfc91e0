"""Publish: write the generated Markdown tree and run MkDocs into build/site, atomically."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import filecmp
import io
import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from digest.errors import DigestError, Problem, machine_fault
from digest.inputs import files_under
from digest.memo import Memo, gc_paused
from digest.publish.search import EarlyReader, build_index


@dataclass(frozen=True)
class SyncResult:
    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    removed: tuple[str, ...]


def sync_tree(folder: Path, files: dict[str, bytes], keep: Iterable[str] = ()) -> SyncResult:
    """Make `folder` hold exactly `files` and `keep`, touching only files whose bytes differ (so mtimes mean change).

    `keep` names files known to be current already (the caller knows what they were made from), which are
    neither read nor written.
    """
    written, removed = [], []
    unchanged = sorted(keep)
    folder.mkdir(parents=True, exist_ok=True)
    for rel, content in sorted(files.items()):
        path = folder / rel
        try:
            if path.stat().st_size == len(content) and path.read_bytes() == content:
                unchanged.append(rel)
                continue
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            pass
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(content)
        os.replace(tmp, path)
        written.append(rel)
    wanted = set(unchanged) | set(files)
    for rel, path in files_under(folder):
        if rel not in wanted:
            path.unlink()
            removed.append(rel)
    for top, _dirs, _names in os.walk(folder, topdown=False):
        if top != str(folder) and not os.listdir(top):
            os.rmdir(top)
    return SyncResult(tuple(written), tuple(sorted(unchanged)), tuple(removed))


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


DEFAULT_EPOCH = "1767225600"  # 2026-01-01: the date a build claims unless SOURCE_DATE_EPOCH says otherwise


def keep_unchanged(staging: Path, site_dir: Path, output: Path | None = None) -> SyncResult:
    """Where a freshly built file equals the one already published, use the published file itself.

    Unchanged pages keep their inode and modification time through the swap, so a rebuild visibly
    rewrites only what changed, and a mirror or server cache sees only real changes. A file that is the
    published one already (a hard link MkDocs did not rewrite) is not read. With `output` (the folder
    `staging` was linked from), a kept file is linked there too, so the next build need not read it.
    """
    written, unchanged = [], []
    fresh = set()
    for top, _dirs, names in os.walk(staging):
        for name in names:
            path = Path(top, name)
            rel = path.relative_to(staging).as_posix()
            fresh.add(rel)
            old = site_dir / rel
            try:
                was, new = old.stat(), path.stat()
            except (FileNotFoundError, NotADirectoryError):
                written.append(rel)
                continue
            if (was.st_ino, was.st_dev) == (new.st_ino, new.st_dev):
                unchanged.append(rel)
            elif was.st_size == new.st_size and filecmp.cmp(old, path, shallow=False):
                for place in (path, *([output / rel] if output else [])):
                    _link_over(old, place)
                unchanged.append(rel)
            else:
                written.append(rel)
    removed = []
    if site_dir.is_dir():
        removed = sorted(rel for rel, _ in files_under(site_dir) if rel not in fresh)
    return SyncResult(tuple(sorted(written)), tuple(sorted(unchanged)), tuple(removed))


def run_mkdocs(
    config_file: Path,
    docs_dir: Path,
    site_dir: Path,
    strict: bool = True,
    nav: list[Any] | None = None,
    search: bool = True,
    timings: dict[str, float] | None = None,
    incremental: bool = True,
    memo: Memo | None = None,
) -> SyncResult:
    """Build the site, index it for search (unless `search` is false), and swap it in: a failed build
    leaves the previous site untouched. `timings` receives the seconds MkDocs and the index took. With
    `incremental`, MkDocs renders only the pages whose Markdown changed when nothing else did
    (publish/incremental.py); the site is the same, byte for byte. With a `memo`, the index is updated from
    what the previous build kept (the caller commits it).

    Builds are reproducible: MkDocs dates the sitemap from SOURCE_DATE_EPOCH, set to a fixed day unless
    the caller sets it.
    """
    os.environ.setdefault("SOURCE_DATE_EPOCH", DEFAULT_EPOCH)
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from digest.publish.incremental import (
        Incremental,
        OutputState,
        PagesWritten,
        compiled_templates,
        dirty_build,
        i18n_files,
        keep_i18n_files,
        private_output,
        recall_i18n_files,
        shape,
    )

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    output = private_output(site_dir)
    collector = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    started = time.perf_counter()
    reader = EarlyReader()
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            overrides: dict[str, Any] = {"docs_dir": str(docs_dir), "site_dir": str(output), "strict": strict}
            if nav is not None:
                overrides["nav"] = nav
            config = load_config(config_file=str(config_file), **overrides)
            now = shape(config, docs_dir, nav, strict)
            last = OutputState.read(output) if incremental and output.is_dir() else None
            dirty = last is not None and last.shape == now
            OutputState.forget(output)
            if not dirty:
                shutil.rmtree(output, ignore_errors=True)
            recall_i18n_files(i18n_files(output), dirty)
            since = started_ns(output)
            plugin = Incremental(
                last.started_ns if last and dirty else None,
                last.titles if last else {},
                compiled_templates(site_dir),
            )
            config.plugins["digest-incremental"] = plugin
            if search and not dirty:  # every page is rendered: the index reads them meanwhile, on the other core
                config.plugins["digest-read-early"] = PagesWritten(output, reader.written)
            written: set[str] = set()  # every file MkDocs writes, by its path
            config.plugins.on_startup(command="build", dirty=dirty)
            try:
                # A dirty run makes little garbage, and the collector would walk the whole heap of the
                # pipeline's results (0.4-0.5 s of a 2-3 s run at N = 1,000); a full run makes millions of
                # cycles, collected as it goes.
                with dirty_build(dirty, written), gc_paused(paused=dirty):
                    mkdocs_build(config, dirty=dirty)
            finally:
                config.plugins.on_shutdown()
        built = time.perf_counter()
        if search:
            # After an incremental run MkDocs' folder still holds the index the last build made (the
            # published files, linked), which the update rewrites only where it changes, through new files;
            # after a full run the folder is new, and starts from links to the published index.
            pages = {os.path.relpath(path, output).replace(os.sep, "/") for path in written} if dirty else None
            build_index(output, memo, previous=site_dir, written=pages, early=reader.take())
        keep_i18n_files(i18n_files(output))
        OutputState(now, since, plugin.titles).write(output)
        if timings is not None:
            timings["mkdocs"] = built - started
            timings["search index"] = time.perf_counter() - built
    except (MkDocsException, SystemExit, OSError) as exc:
        problems = [Problem(str(config_file), f"MkDocs: {m}") for m in collector.messages] or [
            machine_fault(exc, site_dir)
            if isinstance(exc, OSError)
            else Problem(str(config_file), f"MkDocs failed: {exc}")
        ]
        raise DigestError(problems) from exc
    finally:
        reader.close()
        logger.removeHandler(collector)
    indexed = time.perf_counter()
    try:
        return _put_in_place(output, site_dir, in_place=dirty)
    finally:
        if timings is not None:
            timings["site update"] = time.perf_counter() - indexed


def _put_in_place(output: Path, site_dir: Path, in_place: bool) -> SyncResult:
    """Publish MkDocs' folder: file by file after an incremental run, else a whole copy swapped in."""
    if in_place and site_dir.is_dir() and not site_dir.is_symlink() and not _updating(site_dir).exists():
        return update_in_place(output, site_dir)
    from digest.publish.incremental import link_tree

    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=site_dir.parent))
    try:
        link_tree(output, staging)
        changes = keep_unchanged(staging, site_dir, output)
        publishable(staging)
        swap_in(staging, site_dir)
        _updating(site_dir).unlink(missing_ok=True)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return changes


def _updating(site_dir: Path) -> Path:
    """Present while the site is being updated file by file: a build that finds it was interrupted there,
    and swaps in a whole copy instead."""
    return site_dir.with_name(f".{site_dir.name}.updating")


def _inodes(folder: str) -> dict[str, tuple[int, bool]]:
    """Each entry under `folder` by relative path: its inode and whether it is a folder, from the directory
    listings alone (no `stat` per file)."""
    found: dict[str, tuple[int, bool]] = {}
    pending = [("", folder)]
    while pending:
        prefix, top = pending.pop()
        try:
            entries = list(os.scandir(top))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            rel = prefix + entry.name
            is_dir = entry.is_dir(follow_symlinks=False)
            found[rel] = (entry.inode(), is_dir)
            if is_dir:
                pending.append((rel + "/", entry.path))
    return found


def update_in_place(output: Path, site_dir: Path) -> SyncResult:
    """Publish an incremental build file by file, in the time its changes take rather than the site's size.

    The published site is hard links to the files of `output` (MkDocs' own folder, where a rewritten file
    is a new file). A file whose inode differs is put in place atomically (a link to the new file renamed
    over the old); one whose bytes did not change keeps the published inode, which `output` then links
    to, so it stays unchanged for servers and mirrors. New files go in before the pages that link to them
    are replaced, removed ones go last. Every page is whole at every moment; if the update is
    interrupted, the next build swaps in a whole copy (`_updating`)."""
    new, published = _inodes(str(output)), _inodes(str(site_dir))
    marker = _updating(site_dir)
    marker.write_bytes(b"")
    written: list[str] = []
    unchanged: list[str] = []
    fresh: list[str] = []
    for rel, (inode, is_dir) in sorted(new.items()):
        old = published.get(rel)
        if is_dir:
            if old is None or not old[1]:
                if old is not None:
                    os.unlink(site_dir / rel)
                (site_dir / rel).mkdir(mode=0o755)
            continue
        if old is not None and old[0] == inode:
            unchanged.append(rel)
            continue
        source, target = output / rel, site_dir / rel
        if (
            old is not None
            and not old[1]
            and source.stat().st_size == target.stat().st_size
            and filecmp.cmp(source, target, shallow=False)
        ):
            _link_over(target, source)
            unchanged.append(rel)
            continue
        os.chmod(source, 0o644)
        (fresh if old is None else written).append(rel)
    for rel in (*fresh, *written):
        if (site_dir / rel).is_dir():
            shutil.rmtree(site_dir / rel)
        _link_over(output / rel, site_dir / rel)
    removed = sorted(rel for rel, (_, is_dir) in published.items() if rel not in new and not is_dir)
    for rel in removed:
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            os.unlink(site_dir / rel)
    for rel, (_, is_dir) in sorted(published.items(), reverse=True):
        if is_dir and rel not in new:
            shutil.rmtree(site_dir / rel, ignore_errors=True)
    marker.unlink()
    return SyncResult(tuple(sorted(fresh + written)), tuple(unchanged), tuple(removed))


def _link_over(source: Path, target: Path) -> None:
    """`target` becomes a hard link to `source`, in one rename (a copy where links cannot be made)."""
    temporary = target.with_name(target.name + ".link")
    temporary.unlink(missing_ok=True)
    try:
        os.link(source, temporary)
    except OSError:
        shutil.copy2(source, temporary)
    os.replace(temporary, target)


def started_ns(output: Path) -> int:
    """The file system's clock as MkDocs starts: a source written from here on has at least this
    modification time, so the next build sees it as changed."""
    output.mkdir(parents=True, exist_ok=True)
    probe = output.with_name(output.name + ".clock")
    probe.write_bytes(b"")
    try:
        return probe.stat().st_mtime_ns
    finally:
        probe.unlink()


def publishable(folder: Path) -> None:
    """Ordinary web-server permissions: folders 0755, files 0644, whatever mkdtemp and the umask made.

    A site built into a 0700 folder answers 403 on every page once copied to a server with `cp -r`."""
    os.chmod(folder, 0o755)
    for top, dirs, files in os.walk(folder):
        for name in dirs:
            os.chmod(os.path.join(top, name), 0o755)
        for name in files:
            os.chmod(os.path.join(top, name), 0o644)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 RENAME_EXCHANGE); False where the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), os.fspath(first), None, os.fspath(second))


def swap_in(staging: Path, site_dir: Path) -> None:
    """Put the new site in place of the old with no moment when `site_dir` is missing (a live server keeps
    answering): one atomic exchange of the two folders, then the old one, now at `staging`, is removed.
    Where the system cannot exchange folders, the old site is renamed aside first (a brief gap)."""
    if site_dir.is_dir() and not site_dir.is_symlink() and _exchange(staging, site_dir):
        shutil.rmtree(staging, ignore_errors=True)
        return
    old = site_dir.with_name(site_dir.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if site_dir.exists() or site_dir.is_symlink():
        os.replace(site_dir, old)
    os.replace(staging, site_dir)
    shutil.rmtree(old, ignore_errors=True)


def clean_leftovers(site_dir: Path) -> list[Path]:
    """Remove staging folders and old sites left by builds that were killed; call only under the build lock."""
    found = [*site_dir.parent.glob(".site-*"), site_dir.with_name(site_dir.name + ".old")]
    removed = [path for path in found if path.is_dir() and not path.is_symlink()]
    for path in removed:
        shutil.rmtree(path, ignore_errors=True)
    return removed
