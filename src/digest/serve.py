"""`digest serve`: a live preview that rebuilds what changed and reloads the browser.

It is `digest build` on every change of an input (raw reports, sidecars, data, glossary, translations,
content, templates, locales, docs, overrides, mkdocs.yml), served from build/site by MkDocs' live-reload
server: the pipeline rewrites only the pages whose content changed, MkDocs renders only those
(publish/incremental.py), and the new site is swapped in whole before the browser is told to reload. The
search index is not rebuilt on each change (it is the slowest part and a preview is for reading): search
in the preview finds what it found at the last `digest build`, which writes the index again.
"""

from __future__ import annotations

import sys

from digest.errors import DigestError
from digest.project import Project

INPUTS = ("source_texts", "data", "glossary", "translations", "content", "templates", "locales", "docs", "overrides")


def serve(project: Project, host: str = "127.0.0.1", port: int = 8000) -> None:
    from mkdocs.livereload import LiveReloadServer

    from digest.build import build

    def rebuild() -> None:
        try:
            print(build(project, search=False).describe(), file=sys.stderr, flush=True)
        except DigestError as exc:  # the error is shown; the last good site stays served
            for problem in exc.problems:
                print(problem, file=sys.stderr, flush=True)

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
