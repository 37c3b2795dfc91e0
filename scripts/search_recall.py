"""Recall and bytes of the search index on a built site: `python scripts/search_recall.py build/site`.

For each language and phrase: the pages whose article text holds the phrase (read here with lxml and OpenCC,
independently of the index), the pages the results link to, and the bytes a reader downloads for the first
page of results (digest.publish.search.lookup runs the query as the browser does).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import lxml.html  # type: ignore[import-untyped]
import opencc

from digest.publish.search import chunk_entry, lookup

PHRASES = ("派出所", "交所合一", "两队一室", "枫桥经验", "派出所主防", "楓橋經驗", "fengqiao experience")


def main(site: Path) -> None:
    t2s = opencc.OpenCC("t2s")
    parser = lxml.html.HTMLParser(encoding="utf-8")
    pages: dict[str, dict[str, str]] = {}
    for path in site.rglob("*.html"):
        rel = path.relative_to(site).as_posix()
        if rel.endswith("404.html"):
            continue
        tree = lxml.html.fromstring(path.read_bytes(), parser=parser)
        for article in tree.xpath('//article[contains(@class, "md-content__inner")]'):
            for junk in article.xpath('.//*[contains(@class, "headerlink") or contains(@class, "para-meta")]'):
                junk.drop_tree()
            text = " ".join(t2s.convert(article.text_content()).lower().split())
            pages.setdefault(tree.get("lang"), {})[rel.removesuffix("index.html")] = text
    print(
        "| language | query | pages holding it | of them found | other pages (inexact results) | results | exact | first page (bytes) |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for lang in sorted(pages):
        folder = site / "search" / lang
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        for phrase in PHRASES:
            wanted = {url for url, text in pages[lang].items() if t2s.convert(phrase).lower() in text}
            every = lookup(folder, phrase, page=10**9)
            found: set[str] = set()
            for doc in every.first:
                chunk = json.loads((folder / "d" / f"{doc // meta['chunk']}.json").read_text(encoding="utf-8"))
                entry = chunk_entry(chunk, doc % meta["chunk"])
                places = entry[1] if len(entry) == 2 else json.loads((folder / "p" / f"{doc}.json").read_text())
                found |= {place[0].split("#")[0] for place in places}
            first = lookup(folder, phrase)
            print(
                f"| {lang} | {phrase} | {len(wanted)} | {len(found & wanted)} | {len(found - wanted)} "
                f"| {every.count} | {every.exact} | {first.bytes} |"
            )


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "build/site"))
