"""`digest serve`: a live preview that rebuilds what changed and reloads the browser.

It is `digest build` on every change of an input (raw reports, sidecars, data, glossary, translations,
content, templates, locales, docs, overrides, mkdocs.yml), served from build/site by MkDocs' live-reload
server: the pipeline rewrites only the pages whose content changed, MkDocs renders only those
(publish/incremental.py), and the new site is swapped in whole before the browser is told to reload. The
search index is not rebuilt on each change (it is the slowest part and a preview is for reading): search
in the preview finds what it found at the last `digest build`, which writes the index again.
"""

from __future__ import annotations

import gc
import sys
import threading

from digest.errors import DigestError
from digest.project import Project

INPUTS = ("source_texts", "data", "glossary", "translations", "content", "templates", "locales", "docs", "overrides")


_settled = {"objects": 0}  # objects alive after the last full collection (`collect_all`)
FULL_COLLECTION_DELAY = 2.0  # seconds after a rebuild, when the browser has the reloaded page
_pending: list[threading.Timer] = []


def settle_heap() -> bool:
    """After each build in the preview's long-lived process: collect the build's cyclic garbage, then exempt
    every object still alive (the pipeline's results, read once and kept) from later collections, which
    would otherwise walk them all again in every rebuild (0.4-0.5 s of a 4-5 s rebuild at N = 1,000); a
    collection here walks only what the last build made (0.05-0.08 s). A cycle among exempt objects that
    a later build drops is not freed that way: once the exempt objects have grown by a quarter since the
    last full collection (about every third rebuild), everything is to be collected again (`collect_all`),
    so what leaks so is bounded by the same rule CPython's collector keeps. Returns whether that is due."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count() > _settled["objects"] * 5 // 4


def collect_all() -> None:
    """Collect every object, the exempt ones too, and exempt the survivors again (0.6 s at N = 1,000)."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    _settled["objects"] = gc.get_freeze_count()


def settle_after_build(delay: float = FULL_COLLECTION_DELAY) -> threading.Timer | None:
    """`settle_heap`, and when a full collection is due, `collect_all` `delay` seconds later in another
    thread (returned), unless one is pending: the browser is told to reload when the rebuild returns, and
    should not wait for the collection."""
    if not settle_heap() or any(timer.is_alive() for timer in _pending):
        return None
    timer = threading.Timer(delay, collect_all)
    timer.daemon = True
    _pending[:] = [timer]
    timer.start()
    return timer


def serve(project: Project, host: str = "127.0.0.1", port: int = 8000) -> None:
    from mkdocs.livereload import LiveReloadServer

    from digest.build import build

    def rebuild() -> None:
        try:
            print(build(project, search=False).describe(), file=sys.stderr, flush=True)
        except DigestError as exc:  # the error is shown; the last good site stays served
            for problem in exc.problems:
                print(problem, file=sys.stderr, flush=True)
        settle_after_build()

    rebuild()
    server = LiveReloadServer(builder=rebuild, host=host, port=port, root=str(project.site))
    for name in INPUTS:
        if (project.root / name).exists():
            server.watch(str(project.root / name))
    server.watch(str(project.mkdocs_config), recursive=False)
    print(f"Serving {project.site} at {server.url}", file=sys.stderr, flush=True)
    try:
        server.serve()  # type: ignore[no-untyped-call]
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
