"""`digest serve`: a live preview that regenerates what changed and reloads the browser.

MkDocs' own server serves and reloads. It is told to watch every input of the pipeline (raw reports,
sidecars, data, glossary, translations, content, templates); on each change it rebuilds, and the
`on_pre_build` hook in publish/hooks.py first runs the pipeline, which rewrites only the pages whose
content changed.
"""

from __future__ import annotations

import os

from digest.project import Project

INPUTS = ("source_texts", "data", "glossary", "translations", "content", "templates", "locales", "docs", "overrides")
SERVE_ROOT = "DIGEST_SERVE_ROOT"


def serve(project: Project, host: str = "127.0.0.1", port: int = 8000) -> None:
    from mkdocs.commands.serve import serve as mkdocs_serve

    from digest.build import build, nav
    from digest.slice.gather import gather

    build(project, site=False)
    os.environ[SERVE_ROOT] = str(project.root)
    mkdocs_serve(
        config_file=str(project.mkdocs_config),
        livereload=True,
        watch=[str(project.root / name) for name in INPUTS if (project.root / name).exists()],
        open_in_browser=False,
        dev_addr=f"{host}:{port}",
        nav=nav(gather(project)),
    )
