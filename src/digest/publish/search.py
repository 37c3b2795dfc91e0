"""The site's search index: one per language, cut into fragments a browser loads only for the words it asks.

Why not Material's lunr index: it holds every language in one file loaded whole on every page, and jieba's
words never match a phrase that jieba cut differently. Why not Pagefind as it comes: its Chinese body text
and its queries are cut differently (measured in docs/benchmark.md, "Search"). Here every Han character pair (bigram) is indexed
with its positions, so any Chinese phrase of two or more characters is found exactly where it occurs, with no
dictionary: a query is cut into bigrams the same way in the browser (assets/digest-search.js), and a match is
a run of bigrams at consecutive positions. Latin words are indexed the same way, a word per position.

Both sides fold the text first: lower case, and each Traditional character to its Simplified form through
OpenCC, so a query in either script finds text in either. The fold table holds only the characters of this
site that change, and ships with the index.

A *place* is one block of a page (a paragraph's Chinese or English, a list item, a table cell, a
heading): its link is the nearest element id (its own, an ancestor's, or the heading before it), so a
result lands on the paragraph. A *text* is what places hold: the same paragraph on its report page, a
theme page and a glossary entry is one text with three places, one result listing all three.

Layout, per language (the `<html lang>` of each page), under `search/<lang>/`:

- `meta.json`: shard count, text count, chunk size, the fold table;
- `t/<k>.json`: the postings of every token whose hash falls in shard k;
- `d/<k>.json`: texts k*CHUNK … k*CHUNK+CHUNK-1, each with its places: link, page title, heading;
- `p/<text>.json`: all the places of a text that stands in more than PLACES (a heading on every page).

A posting list is a string: entries `text,pos,pos…` separated by `;`, numbers in base 36, the
text ids and positions as differences from the previous one. Single characters are indexed too, as
the text alone (no positions), for one-character queries.
"""

from __future__ import annotations

import itertools
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
SHARD_BYTES = 40_000  # aim per postings shard: a query loads one shard per distinct token
PLACES = 8  # places listed with a text in its chunk; more go to p/<text>.json
CHUNK = 16  # texts per stored chunk: a page of ten results loads at most ten chunks
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


B36 = [b36(n) for n in range(36 * 36)]


def _b36(number: int) -> str:
    return B36[number] if number < len(B36) else b36(number)


def fold_table(chars: Iterable[str]) -> dict[str, str]:
    """Traditional → Simplified for each Han character given, where OpenCC changes it one for one."""
    import opencc

    han = sorted({c for c in chars if HAN_CHAR.fullmatch(c)})
    if not han:
        return {}
    folded = opencc.OpenCC("t2s").convert("\n".join(han)).split("\n")
    return {a: b for a, b in zip(han, folded, strict=False) if len(b) == 1 and a != b}


def tokens(folded: str) -> tuple[list[tuple[str, int]], dict[str, int], int]:
    """Positional tokens (Han bigrams and Latin words), single-character counts, and the length in positions.

    Each Han character and each word takes a position; punctuation takes one more, so 两队。一室 is not
    the phrase 两队一室, while spaces take none (a query's words may be typed apart).
    """
    positional: list[tuple[str, int]] = []
    singles: dict[str, int] = defaultdict(int)
    position = 0
    end = 0
    for match in TOKEN.finditer(folded):
        run = match.group()
        if folded[end : match.start()].strip():  # punctuation between: a phrase does not run across it
            position += 1
        end = match.end()
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
    parser = lxml.html.HTMLParser(encoding="utf-8")  # MkDocs writes UTF-8, whatever a page declares
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        if rel.split("/")[-1] == "404.html":
            continue
        tree = lxml.html.fromstring(path.read_bytes(), parser=parser)
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


def _positions(positions: list[int]) -> str:
    """`,p1,d2,d3…`: the first position, then differences, in base 36."""
    out = []
    last = 0
    for p in positions:
        out.append(_b36(p - last))
        last = p
    return "," + ",".join(out)


def write_language(folder: Path, language: Language, fold: dict[str, str]) -> dict[str, int]:
    """Write one language's shards and chunks; return what it wrote (texts, places, shards, bytes).

    The unit of the index is a distinct text: a paragraph quoted on a theme page and in the glossary is
    one result that lists every place it stands, so it is cut, stored and shown once.
    """
    table = str.maketrans(fold)
    places: dict[str, list[Doc]] = {}
    for doc in language.docs:
        places.setdefault(doc.text, []).append(doc)
    postings: dict[str, list[str]] = defaultdict(list)
    last_seen: dict[str, int] = {}
    total_length = 0
    for text_id, text in enumerate(places):
        positional, singles, length = tokens(text.lower().translate(table))
        total_length += length
        grouped: dict[str, list[int]] = defaultdict(list)
        for token, position in positional:
            grouped[token].append(position)
        for token, found in grouped.items():
            postings[token].append(_b36(text_id - last_seen.get(token, 0)) + _positions(found))
            last_seen[token] = text_id
        for char in singles:
            postings[char].append(_b36(text_id - last_seen.get(char, 0)))
            last_seen[char] = text_id
    encoded = {token: ";".join(entries) for token, entries in postings.items()}
    del postings
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
    texts = list(places.items())
    (folder / "p").mkdir(parents=True, exist_ok=True)
    for k in range(0, len(texts), CHUNK):
        chunk = []
        for offset, (text, where) in enumerate(texts[k : k + CHUNK]):
            listed = [[d.url, d.title, d.heading] for d in where]
            if len(listed) > PLACES:  # boilerplate on many pages: its full list only when it is shown
                written += _dump(folder / "p" / f"{k + offset}.json", listed)
                chunk.append([text, listed[:PLACES], len(listed)])
            else:
                chunk.append([text, listed])
        written += _dump(folder / "d" / f"{k // CHUNK}.json", chunk)
    meta = {
        "version": 1,
        "shards": shards,
        "texts": len(texts),
        "chunk": CHUNK,
        "fold": "".join(a + b for a, b in sorted(fold.items())),
    }
    written += _dump(folder / "meta.json", meta)
    return {"texts": len(texts), "places": len(language.docs), "shards": shards, "bytes": written}


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


@dataclass
class Lookup:
    """What a query costs a reader: the files the browser fetches for the first page of results."""

    count: int
    exact: int
    files: list[str]
    bytes: int
    first: list[int]


def lookup(folder: Path, query: str, page: int = 10) -> Lookup:
    """Run a query as assets/digest-search.js does, against one language's index on disk (for the benchmark
    and tests): the same folding, tokens and exact-phrase test; the files it would fetch, and their bytes."""
    files = ["meta.json"]
    meta = json.loads((folder / "meta.json").read_bytes())
    fold = dict(zip(meta["fold"][0::2], meta["fold"][1::2], strict=True))
    folded = "".join(fold.get(c.lower(), c.lower()) if len(c.lower()) == 1 else c for c in query)
    terms: list[tuple[str, int, bool]] = []
    position = 0
    for raw in folded.split():
        end = 0
        for match in TOKEN.finditer(raw):
            run = match.group()
            if raw[end : match.start()]:
                position += 1
            end = match.end()
            if HAN_CHAR.match(run):
                if len(run) == 1:
                    terms.append((run, position, True))
                starts = list(range(0, len(run) - 1, 2))
                if len(run) > 1 and len(run) % 2:
                    starts.append(len(run) - 2)
                terms += [(run[i : i + 2], position + i, False) for i in starts]
                position += len(run)
            else:
                terms.append((run, position, False))
                position += 1
    lists: dict[str, dict[int, list[int]]] = {}
    for token, _offset, _single in terms:
        if token in lists:
            continue
        shard = f"t/{fnv1a(token) % meta['shards']}.json"
        if shard not in files:
            files.append(shard)
        value = json.loads((folder / shard).read_bytes()).get(token, "")
        found: dict[int, list[int]] = {}
        doc = 0
        for entry in value.split(";") if value else []:
            numbers = [int(n, 36) for n in entry.split(",")]
            doc += numbers[0]
            found[doc] = list(itertools.accumulate(numbers[1:]))
        lists[token] = found
    if not terms:
        return Lookup(0, 0, files, sum((folder / f).stat().st_size for f in files), [])
    candidates = set.intersection(*(set(found) for found in lists.values()))
    positional = [(t, o) for t, o, single in terms if not single]
    scored = []
    for doc in candidates:
        if positional:
            first, offset = positional[0]
            exact = sum(all(p - offset + o in lists[t][doc] for t, o in positional[1:]) for p in lists[first][doc])
        else:
            exact = 1
        tf = exact or 0.5
        scored.append((-(exact > 0), -(tf * 2.2) / (tf + 1.2), doc))
    scored.sort()
    shown = [doc for _, _, doc in scored[:page]]
    for doc in shown:
        chunk = f"d/{doc // meta['chunk']}.json"
        if chunk not in files:
            files.append(chunk)
        entry = json.loads((folder / chunk).read_bytes())[doc % meta["chunk"]]
        if len(entry) > 2:
            files.append(f"p/{doc}.json")
    exact_count = sum(1 for s in scored if s[0])
    return Lookup(len(scored), exact_count, files, sum((folder / f).stat().st_size for f in files), shown)
