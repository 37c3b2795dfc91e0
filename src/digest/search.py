"""The site's search index: one per language, cut into fragments a browser loads only for the words it asks.

Why not Material's lunr index: it holds every language in one file loaded whole on every page, and jieba's
words never match a phrase that jieba cut differently. Why not Pagefind as it comes: its Chinese body text
and its queries are cut differently (see docs/search.md). Here every Han character pair (bigram) is indexed
with its positions, so any Chinese phrase of two or more characters is found exactly where it occurs, with no
dictionary: a query is cut into bigrams the same way in the browser (assets/digest-search.js), and a match is
a run of bigrams at consecutive positions. Latin words are indexed the same way, a word per position.

Both sides fold the text first: lower case, and each Traditional character to its Simplified form through
OpenCC, so a query in either script finds text in either. The fold table holds only the characters of this
site that change, and ships with the index.

A *document* is one block of a page (a paragraph's Chinese or English, a list item, a table cell, a
heading): its link is the nearest element id (its own, an ancestor's, or the heading before it), so a
result lands on the paragraph.

Layout, per language (the `<html lang>` of each page), under `search/<lang>/`:

- `meta.json`: shard count, document count, mean length, chunk size, the fold table;
- `t/<k>.json`: the postings of every token whose hash falls in shard k;
- `d/<k>.json`: documents k*CHUNK … k*CHUNK+CHUNK-1: link, page title, heading, text.

A posting list is a string: entries `doc,pos,pos…` separated by `;`, numbers in base 36, the
document ids and positions as differences from the previous one. Single characters are indexed too, as
`doc,count` (no positions), for one-character queries.
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN = re.compile(f"[{HAN}]+|[a-z0-9]+")
HAN_CHAR = re.compile(f"[{HAN}]")
SHARD_BYTES = 24_000  # aim per postings shard: a query loads one shard per distinct token
CHUNK = 16  # documents per stored chunk: a page of ten results loads at most ten chunks
BLOCKS = frozenset(
    [
        "p",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "td",
        "th",
        "dt",
        "dd",
        "figcaption",
        "pre",
        "blockquote",
        "div",
        "section",
        "details",
        "summary",
    ]
)
HEADINGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
SKIP_CLASSES = frozenset({"headerlink", "para-meta", "md-source-file", "glossary-filter"})
SKIP_TAGS = frozenset({"script", "style", "nav", "svg", "button", "select", "noscript"})
ROOT_XPATH = '//article[contains(concat(" ", normalize-space(@class), " "), " md-content__inner ")]'


def fnv1a(token: str) -> int:
    """32-bit FNV-1a over UTF-16 code units, as the browser computes it with charCodeAt."""
    value = 0x811C9DC5
    data = token.encode("utf-16-le")
    for i in range(0, len(data), 2):
        value ^= data[i] | (data[i + 1] << 8)
        value = (value * 0x01000193) & 0xFFFFFFFF
    return value


def b36(number: int) -> str:
    if number < 36:
        return "0123456789abcdefghijklmnopqrstuvwxyz"[number]
    digits = []
    while number:
        number, rest = divmod(number, 36)
        digits.append("0123456789abcdefghijklmnopqrstuvwxyz"[rest])
    return "".join(reversed(digits))


def fold_table(chars: Iterable[str]) -> dict[str, str]:
    """Traditional → Simplified for each Han character given, where OpenCC changes it one for one."""
    import opencc

    han = sorted({c for c in chars if HAN_CHAR.fullmatch(c)})
    if not han:
        return {}
    folded = opencc.OpenCC("t2s").convert("\n".join(han)).split("\n")
    return {a: b for a, b in zip(han, folded, strict=False) if len(b) == 1 and a != b}


def tokens(folded: str) -> tuple[list[tuple[str, int]], dict[str, int], int]:
    """Positional tokens (Han bigrams and Latin words), single-character counts, and the length in positions."""
    positional: list[tuple[str, int]] = []
    singles: dict[str, int] = defaultdict(int)
    position = 0
    for match in TOKEN.finditer(folded):
        run = match.group()
        if HAN_CHAR.match(run):
            for i, char in enumerate(run):
                singles[char] += 1
                if i + 1 < len(run):
                    positional.append((run[i : i + 2], position + i))
            position += len(run)
        else:
            positional.append((run, position))
            position += 1
    return positional, singles, position


@dataclass
class Doc:
    url: str
    title: str
    heading: str
    text: str


@dataclass
class Language:
    docs: list[Doc] = field(default_factory=list)


def _classes(element: object) -> set[str]:
    return set((element.get("class") or "").split())  # type: ignore[attr-defined]


def _text(element: object) -> str:
    """The element's visible text, leaving out permalinks and page furniture."""
    parts: list[str] = []

    def walk(node: object) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""  # type: ignore[attr-defined]
        if tag in SKIP_TAGS or _classes(node) & SKIP_CLASSES:
            pass
        else:
            if node.text:  # type: ignore[attr-defined]
                parts.append(node.text)  # type: ignore[attr-defined]
            for child in node:  # type: ignore[attr-defined]
                walk(child)
        if node is not element and node.tail:  # type: ignore[attr-defined]
            parts.append(node.tail)  # type: ignore[attr-defined]

    walk(element)
    return " ".join("".join(parts).split())


def blocks(root: object) -> Iterator[tuple[str, str, str]]:
    """(anchor, heading, text) for each block of the article, in reading order."""
    state = {"anchor": "", "heading": ""}

    def has_block_child(node: object) -> bool:
        return any(isinstance(c.tag, str) and c.tag in BLOCKS for c in node)  # type: ignore[attr-defined]

    def walk(node: object, anchor: str) -> Iterator[tuple[str, str, str]]:
        for child in node:  # type: ignore[attr-defined]
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in SKIP_TAGS or _classes(child) & SKIP_CLASSES:
                continue
            own = child.get("id") or ""
            if tag in HEADINGS:
                text = _text(child)
                if own:
                    state["anchor"], state["heading"] = own, text
                if text:
                    yield own or anchor or state["anchor"], text, text
                continue
            here = own or anchor
            if tag in BLOCKS and not has_block_child(child):
                text = _text(child)
                if text:
                    yield here or state["anchor"], state["heading"], text
            else:
                yield from walk(child, here)

    yield from walk(root, "")


def page_url(rel: str) -> str:
    if rel == "index.html":
        return ""
    if rel.endswith("/index.html"):
        return rel[: -len("index.html")]
    return rel


def collect(site: Path) -> dict[str, Language]:
    """Every indexable block of every HTML page of the built site, by the page's language."""
    import lxml.html  # type: ignore[import-untyped]

    languages: dict[str, Language] = defaultdict(Language)
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        if rel.split("/")[-1] == "404.html":
            continue
        tree = lxml.html.fromstring(path.read_bytes())
        found = tree.xpath(ROOT_XPATH)
        if not found:
            continue
        lang = tree.get("lang") or "en"
        heading = found[0].find(".//h1")
        title = _text(heading) if heading is not None else rel
        url = page_url(rel)
        docs = languages[lang].docs
        seen: set[tuple[str, str]] = set()
        for anchor, section, text in blocks(found[0]):
            if (anchor, text) in seen:  # the same words under the same anchor are one result
                continue
            seen.add((anchor, text))
            docs.append(Doc(url + ("#" + anchor if anchor else ""), title, section if section != title else "", text))
    return dict(languages)


def _encode(entries: list[tuple[int, list[int]]]) -> str:
    out = []
    last_doc = 0
    for doc, positions in entries:
        numbers = [doc - last_doc]
        last = 0
        for p in positions:
            numbers.append(p - last)
            last = p
        out.append(",".join(b36(n) for n in numbers))
        last_doc = doc
    return ";".join(out)


def write_language(folder: Path, language: Language, fold: dict[str, str]) -> dict[str, int]:
    """Write one language's shards and chunks; return what it wrote (documents, shards, bytes)."""
    table = str.maketrans(fold)
    postings: dict[str, list[tuple[int, list[int]]]] = defaultdict(list)
    memo: dict[str, tuple[dict[str, list[int]], dict[str, int], int]] = {}
    total_length = 0
    for doc_id, doc in enumerate(language.docs):
        cut = memo.get(doc.text)
        if cut is None:
            positional, singles, length = tokens(doc.text.lower().translate(table))
            grouped: dict[str, list[int]] = defaultdict(list)
            for token, position in positional:
                grouped[token].append(position)
            cut = memo[doc.text] = (dict(grouped), singles, length)
        grouped_positions, singles, length = cut
        total_length += length
        for token, positions in grouped_positions.items():
            postings[token].append((doc_id, positions))
        for char, count in singles.items():
            postings[char].append((doc_id, [count]))
    encoded = {token: _encode(entries) for token, entries in postings.items()}
    size = sum(len(t) + len(v) + 6 for t, v in encoded.items())
    shards = max(1, -(-size // SHARD_BYTES))
    split: list[dict[str, str]] = [{} for _ in range(shards)]
    for token, value in encoded.items():
        split[fnv1a(token) % shards][token] = value
    written = 0
    for sub in ("t", "d"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    for k, shard in enumerate(split):
        written += _dump(folder / "t" / f"{k}.json", shard)
    docs = language.docs
    for k in range(0, len(docs), CHUNK):
        chunk = [[d.url, d.title, d.heading, d.text] for d in docs[k : k + CHUNK]]
        written += _dump(folder / "d" / f"{k // CHUNK}.json", chunk)
    meta = {
        "version": 1,
        "shards": shards,
        "docs": len(docs),
        "chunk": CHUNK,
        "avg": round(total_length / len(docs), 2) if docs else 1,
        "fold": "".join(a + b for a, b in sorted(fold.items())),
    }
    written += _dump(folder / "meta.json", meta)
    return {"documents": len(docs), "shards": shards, "bytes": written}


def _dump(path: Path, value: object) -> int:
    data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    path.write_bytes(data)
    return len(data)


def build_index(site: Path) -> dict[str, dict[str, int]]:
    """Index the built site in place: `site/search/<lang>/`. Returns per language what was written."""
    languages = collect(site)
    chars = {c for language in languages.values() for doc in language.docs for c in doc.text}
    fold = fold_table(chars)
    out = site / "search"
    summary = {}
    for lang, language in sorted(languages.items()):
        folder = out / lang
        folder.mkdir(parents=True, exist_ok=True)
        summary[lang] = write_language(folder, language, fold)
    os.utime(out)
    return summary
