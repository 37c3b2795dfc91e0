"""Time the search index alone on a built site, for docs/benchmark.md ("Where the time goes"):

    python scripts/search_index_bench.py clean SITE STORE   # remove the index and the store, index afresh
    python scripts/search_index_bench.py edit SITE STORE N  # what appending a paragraph to report gen-<N> does
                                                            # to the built site, then the update from the store

The edit rewrites the pages MkDocs rewrites after such an edit, each as a new file (MkDocs unlinks first):
the report's page, a theme page quoting the new paragraph and the home page's row of the report, in each of
the three languages (nine pages), and passes their paths as `written`, as the publisher does.
Run each under `farm-bench` (it times the whole process); each also prints the CPU and wall seconds of
the index step itself and what it redid (pages read and parsed, groups cut, shards joined or patched).
"""

from __future__ import annotations

import inspect
import os
import re
import shutil
import sys
import time
from pathlib import Path

from digest.memo import Memo
from digest.publish.search import build_index

LANGUAGES = ("", "zh/", "zh-Hant/")


def _rewrite(site: Path, rel: str, change: str, written: set[str]) -> None:
    """Replace a page by a new file (a new inode, as MkDocs writes it) holding `change`'s result."""
    page = site / rel
    html = page.read_text(encoding="utf-8")
    os.unlink(page)
    page.write_text(change(html), encoding="utf-8")  # type: ignore[operator]
    written.add(rel)


def edit(site: Path, number: int) -> set[str]:
    """What appending a paragraph to report gen-<N> does to the built site: the paragraph on the report's
    page and on a theme page, and a changed cell in the report's row of the home page, in each language."""
    report = f"gen-{number:05d}"
    text = f"第{number}次新增一段，用于测量增量重建。"
    themes = sorted(p.name for p in (site / "themes").iterdir() if (p / "index.html").is_file())
    theme = themes[number % len(themes)]
    written: set[str] = set()

    def add(html: str) -> str:
        at = html.index("</article>")
        return html[:at] + f'<p id="p-new-{number}">{text} A new paragraph.</p>' + html[at:]

    def row(html: str) -> str:
        at = html.index(f'href="reports/{report}/"')
        end = html.index("</tr>", at)
        cell = html.rindex("</td>", at, end)
        return html[:cell] + f" ({number})" + html[cell:]

    for prefix in LANGUAGES:
        _rewrite(site, f"{prefix}reports/{report}/index.html", add, written)
        _rewrite(site, f"{prefix}themes/{theme}/index.html", add, written)
        _rewrite(site, f"{prefix}index.html", row, written)
    return written


def main(mode: str, site: Path, store: Path, number: int = 0) -> None:
    written: set[str] | None = None
    if mode == "clean":
        shutil.rmtree(site / "search", ignore_errors=True)
        store.unlink(missing_ok=True)
        shutil.rmtree(f"{store}.search", ignore_errors=True)  # what the index keeps beside the store
        Path(f"{store}.search.json").unlink(missing_ok=True)  # the same, as earlier code kept it
    else:
        written = edit(site, number)
    memo = Memo(store)
    cpu, wall = time.process_time(), time.perf_counter()
    takes = inspect.signature(build_index).parameters  # older code takes neither `written` nor `counts`
    redone: dict[str, int] = {}
    extra = {"written": written, "counts": redone}
    build_index(site, memo, **{name: value for name, value in extra.items() if name in takes})
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"index: {cpu:.2f} s CPU, {wall:.2f} s wall; redone: {redone or memo.ran}")
    memo.prune()
    memo.commit()
    memo.close()


if __name__ == "__main__":
    if not re.fullmatch(r"clean|edit", sys.argv[1]):
        sys.exit("usage: search_index_bench.py clean|edit SITE STORE [N]")
    main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 0)
