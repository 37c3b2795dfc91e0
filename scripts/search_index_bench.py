"""Time the search index alone on a built site, for docs/benchmark.md ("Where the time goes"):

    python scripts/search_index_bench.py clean SITE STORE   # remove the index and the store, index afresh
    python scripts/search_index_bench.py edit SITE STORE N  # a new paragraph on report gen-<N>'s three pages,
                                                            # then update the index from the kept store

Run each under `farm-bench` (it times the whole process); each also prints the CPU and wall seconds of
the index step itself and which tasks it redid.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

from digest.memo import Memo
from digest.publish.search import build_index


def add_paragraph(site: Path, report: str, text: str) -> None:
    """What a one-report edit does to the built site: one more paragraph on the report's page, in each language."""
    for prefix in ("", "zh/", "zh-Hant/"):
        page = site / prefix / "reports" / report / "index.html"
        html = page.read_text(encoding="utf-8")
        at = html.index("</article>")
        page.write_text(html[:at] + f'<p id="p-new">{text} A new paragraph.</p>' + html[at:], encoding="utf-8")


def main(mode: str, site: Path, store: Path, number: int = 0) -> None:
    if mode == "clean":
        shutil.rmtree(site / "search", ignore_errors=True)
        store.unlink(missing_ok=True)
    else:
        add_paragraph(site, f"gen-{number:05d}", f"第{number}次新增一段，用于测量增量重建。")
    memo = Memo(store)
    cpu, wall = time.process_time(), time.perf_counter()
    build_index(site, memo)
    print(f"index: {time.process_time() - cpu:.2f} s CPU, {time.perf_counter() - wall:.2f} s wall; redone: {memo.ran}")
    memo.prune()
    memo.commit()
    memo.close()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 0)
