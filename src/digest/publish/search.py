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

- `meta.json`: shard count, text count, slots per chunk, the fold table;
- `t/<k>.json`: the postings of every token whose hash falls in shard k;
- `d/<k>.json`: the texts of bucket k (ids k*SLOTS …), each with its first places: link, page title, heading;
- `p/<text>.json`: all the places of a text that stands in more than PLACES (a heading on every page),
  fetched only when the reader opens that result's list of further places.

A posting list is a string: entries `text,pos,pos…` separated by `;`, numbers in base 36, the
text ids and positions as differences from the previous one. Single characters are indexed too, as
the text alone (no positions), for one-character queries.

Updating after an edit. A rebuild redoes only what its inputs changed. Each page's blocks are kept with
its file's inode, size and time and its bytes' hash (`search_store.PageCache`): an unchanged page is not
read, a page rewritten with the same bytes is not parsed. A text's id is its bucket (a CRC of the text,
over a power of two of buckets) and a slot there from the same CRC (the next free one if taken), so an
edit moves no other text's id (but in a rare run of taken slots). The chunks of each group of buckets are
a task of the memo layer (`digest.memo`), keyed by their texts and places; a kept result whose files are
still as it wrote them is not read back (`_Made`). Only the groups holding a text whose places changed
(a page read again against its kept reading: `moved_texts`) are named again; the others are the last
build's, when that build saved everything it kept. Each group's postings are kept with the key of its
texts (`search_store.Postings`): only the groups whose texts changed are cut again, and each shard their
new parts change is patched from the difference (`patch_shard`: the changed groups' entries of each
token they hold taken out, their new ones put in) when its file is as the last build wrote it, else
joined from every group's parts. Counts that size the index (buckets, slots, shards) are powers of two,
so they change only when the corpus doubles or halves. Of the files made, only those whose bytes differ
are written. The result is byte for byte what a clean build writes.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import hashlib
import itertools
import json
import multiprocessing
import os
import re
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from digest.memo import Hashed, Memo, Task, code_version, fingerprint, gc_paused, hashed, task
from digest.publish.search_store import PageCache, Postings, as_stamped, stamp, store_folder

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN = re.compile(f"[{HAN}]+|[a-z0-9]+")
HAN_CHAR = re.compile(f"[{HAN}]")
SHARD_CHARS = 30_000  # characters of indexed text per postings shard (~40 KB): a query loads one per token
PLACES = 3  # places listed with a text in its chunk; the full list of a text in more is p/<text>.json
CHUNK_TEXTS = 8  # texts per bucket (chunk) at most on average: a page of ten results loads ten small chunks
DIGEST = 32  # hex characters of a postings part's hash
GROUP_BUCKETS = 16  # buckets whose postings are cut together (the unit redone after an edit)
SPREAD_FROM = 64  # pages to parse or groups to cut from which the work is spread over every core
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
R = TypeVar("R")
ROOT_XPATH = '//article[contains(concat(" ", normalize-space(@class), " "), " md-content__inner ")]'


def fnv1a(token: str) -> int:
    """32-bit FNV-1a over UTF-16 code units, as the browser computes it with charCodeAt."""
    value = 0x811C9DC5
    data = token.encode("utf-16-le")
    for i in range(0, len(data), 2):
        value ^= data[i] | (data[i + 1] << 8)
        value = (value * 0x01000193) & 0xFFFFFFFF
    return value


@functools.lru_cache(maxsize=1 << 20)
def _shard_hash(token: str) -> int:
    """`fnv1a`, remembered: each group of texts asks again for the tokens it shares with the others."""
    return fnv1a(token)


_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def b36(number: int) -> str:
    if number < 36:
        return _DIGITS[number]
    digits = []
    while number:
        number, rest = divmod(number, 36)
        digits.append(_DIGITS[rest])
    return "".join(reversed(digits))


B36 = [  # every number below 36³ (ids' differences, positions) looked up, not divided out
    *_DIGITS,
    *(a + b for a in _DIGITS[1:] for b in _DIGITS),
    *(a + b + c for a in _DIGITS[1:] for b in _DIGITS for c in _DIGITS),
]


def _b36(number: int) -> str:
    return B36[number] if number < len(B36) else b36(number)


@functools.cache
def _t2s() -> object:
    import opencc

    return opencc.OpenCC("t2s")


def fold_table(chars: Iterable[str]) -> dict[str, str]:
    """Traditional → Simplified for each Han character given, where OpenCC changes it one for one."""
    han = sorted({c for c in chars if HAN_CHAR.fullmatch(c)})
    if not han:
        return {}
    folded = _t2s().convert("\n".join(han)).split("\n")  # type: ignore[attr-defined]
    return {a: b for a, b in zip(han, folded, strict=False) if len(b) == 1 and a != b}


def tokens(folded: str) -> tuple[dict[str, list[int]], set[str]]:
    """Each positional token (Han bigrams and Latin words) with its positions, and the Han characters.

    Each Han character and each word takes a position; punctuation takes one more, so 两队。一室 is not
    the phrase 两队一室, while spaces take none (a query's words may be typed apart). It runs over every
    character of the site's text in a clean build, hence the bigrams made by `map` and no `defaultdict`.
    """
    positional: dict[str, list[int]] = {}
    singles: set[str] = set()
    position = 0
    end = 0
    for match in TOKEN.finditer(folded):
        start = match.start()
        if start > end and not folded[end:start].isspace():  # punctuation between: a phrase stops there
            position += 1
        run = match.group()
        end = match.end()
        if run[0] > "z":  # a Han run (TOKEN's other runs are [a-z0-9])
            singles.update(run)
            for at, pair in enumerate(map(str.__add__, run, run[1:]), position):
                found = positional.get(pair)
                if found is None:
                    positional[pair] = [at]
                else:
                    found.append(at)
            position += len(run)
        else:
            found = positional.get(run)
            if found is None:
                positional[run] = [position]
            else:
                found.append(position)
            position += 1
    return positional, singles


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


Place = tuple[str, str, str]  # link, page title, heading
PageText = tuple[str, str, tuple[tuple[str, str, str], ...]]  # language, title, (link, heading, text) per block


def page_text(rel: str, data: bytes) -> PageText | None:
    """A page's language, title and indexable blocks (None: not an article page). Plain tuples: the blocks
    of every page are kept between builds and read back on each, so they must unpickle fast."""
    import lxml.html  # type: ignore[import-untyped]

    parser = lxml.html.HTMLParser(encoding="utf-8")  # MkDocs writes UTF-8, whatever a page declares
    tree = lxml.html.fromstring(data, parser=parser)
    found = tree.xpath(ROOT_XPATH)
    if not found:
        return None
    heading = found[0].find(".//h1")
    title = _text(heading) if heading is not None else rel
    url = page_url(rel)
    seen: set[tuple[str, str]] = set()
    out = []
    for anchor, section, text in blocks(found[0]):
        if (anchor, text) in seen:  # the same words under the same anchor are one result
            continue
        seen.add((anchor, text))
        out.append((url + ("#" + anchor if anchor else ""), section if section != title else "", text))
    return tree.get("lang") or "en", title, tuple(out)


def collect(pages: Iterable[PageText | None]) -> dict[str, dict[str, list[str]]]:
    """Per language, each distinct text with every place it stands, in the pages' order, as one flat list
    (link, page title, heading, link, …: joined and hashed in one step when a chunk is named).

    The unit of the index is a distinct text: a paragraph quoted on a theme page and in the glossary is
    one result that lists every place it stands, so it is cut, stored and shown once."""
    languages: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for page in pages:
        if page is None:
            continue
        lang, title, found = page
        texts = languages[lang]
        for link, heading, text in found:
            if text in texts:
                texts[text] += (link, title, heading)
            else:
                texts[text] = [link, title, heading]
    return dict(languages)


def moved_texts(before: PageText | None, after: PageText | None) -> Iterator[tuple[str, str]]:
    """(language, text) of each text whose places on a page differ between two readings of it: the texts
    an update must place and list again (a text keeps its places on every other page)."""

    def places(page: PageText | None) -> dict[tuple[str, str], list[tuple[str, str, str]]]:
        found: dict[tuple[str, str], list[tuple[str, str, str]]] = defaultdict(list)
        if page is not None:
            lang, title, blocks = page
            for link, heading, text in blocks:
                found[lang, text].append((link, title, heading))
        return found

    old, new = places(before), places(after)
    yield from (key for key in old.keys() | new.keys() if old.get(key) != new.get(key))


def _power_of_two(at_least: int) -> int:
    return 1 << max(0, at_least - 1).bit_length()


def _dumps(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


Entries = list[tuple[int, str, list[str]]]  # a bucket's texts by slot, each with its places flat (3 fields a place)


def chunk_entry(chunk: list[object], slot: int) -> object:
    """The entry in a chunk of the text in `slot` (0 if none), as assets/digest-search.js finds it: the
    chunk starts with the mask of its taken slots in hex, bit s % 4 of digit s // 4 for slot s, and lists
    the texts of the taken slots in order, so a free slot costs a bit, not an entry."""
    mask = str(chunk[0])
    if slot // 4 >= len(mask) or not (int(mask[slot // 4], 16) >> (slot % 4)) & 1:
        return 0
    return chunk[1 + sum((int(mask[s // 4], 16) >> (s % 4)) & 1 for s in range(slot))]


@task("search-chunks")
def chunk_group(
    buckets: tuple[tuple[int, Entries], ...],
) -> tuple[tuple[int, bytes, tuple[tuple[int, bytes], ...]], ...]:
    """`chunk_files` of each bucket of a group (by bucket number): one kept result for GROUP_BUCKETS
    chunks, as thousands of small ones cost more to look up and read back than to make."""
    return tuple((k, *chunk_files(entries)) for k, entries in buckets)


def chunk_files(entries: Entries) -> tuple[bytes, tuple[tuple[int, bytes], ...]]:
    """One bucket's chunk (the mask of its taken slots, then their texts in slot order, each with its first
    PLACES places and, if it has more, how many: `chunk_entry`) and, for each text with more, its full
    list of places (by slot)."""
    digits = [0] * (entries[-1][0] // 4 + 1 if entries else 0)
    for slot, _text, _flat in entries:
        digits[slot // 4] |= 1 << (slot % 4)
    chunk: list[object] = ["".join("0123456789abcdef"[d] for d in digits)]
    full = []
    for slot, text, flat in entries:
        listed = [flat[i : i + 3] for i in range(0, len(flat), 3)]
        if len(listed) > PLACES:  # boilerplate on many pages: the full list only when the reader opens it
            full.append((slot, _dumps(listed)))
            chunk.append([text, listed[:PLACES], len(listed)])
        else:
            chunk.append([text, listed])
    return _dumps(chunk), tuple(full)


def _positions(positions: list[int]) -> str:
    """`,p1,d2,d3…`: the first position, then differences, in base 36."""
    if len(positions) == 1:
        return "," + _b36(positions[0])
    return "," + ",".join(map(_b36, map(int.__sub__, positions, [0, *positions[:-1]])))


def group_postings(shards: int, texts: tuple[tuple[int, str], ...]) -> tuple[tuple[str, ...], str, str]:
    """The postings of a group of texts (by id), cut into one part per shard, and the fold pairs of their
    characters. A part holds a line per token: `token<TAB>first id<TAB>last id<TAB>the entries`, the first
    entry's id left out (it is a difference from the previous group's last, known only when a shard is
    put together, `shard_file`). The parts' hashes come too, made here once, as one string of DIGEST
    characters a part (plain strings: a kept result of hundreds of objects unpickles slowly): a shard is
    redone only when one of its parts changed, and unchanged parts are not hashed again on every build."""
    chars = {c for _, text in texts for c in text}
    fold = fold_table(chars)
    table = str.maketrans(fold)
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    rest: dict[str, list[str]] = {}
    for text_id, text in texts:
        positional, singles = tokens(text.lower().translate(table))
        entries = [(token, _positions(at)) for token, at in positional.items()]
        for token, positions in itertools.chain(entries, zip(singles, itertools.repeat(""))):
            previous = last.get(token)
            if previous is None:
                first[token] = text_id
                rest[token] = [positions]
            else:
                rest[token].append(";" + _b36(text_id - previous) + positions)
            last[token] = text_id
    parts: list[list[str]] = [[] for _ in range(shards)]
    for token in sorted(first):
        parts[_shard_hash(token) % shards].append(f"{token}\t{first[token]}\t{last[token]}\t{''.join(rest[token])}")
    joined = tuple("\n".join(part) for part in parts)
    digests = "".join(hashlib.blake2b(part.encode("utf-8"), digest_size=DIGEST // 2).hexdigest() for part in joined)
    return joined, digests, "".join(a + b for a, b in sorted(fold.items()))


def shard_file(parts: tuple[str, ...]) -> bytes:
    """One postings shard from its part of every group, in id order: each token's entries joined, the
    first entry of each group's run given as its difference from the last id before it."""
    pieces: dict[str, list[str]] = defaultdict(list)
    last: dict[str, int] = {}
    for part in parts:
        if not part:
            continue
        for line in part.split("\n"):
            token, first, final, rest = line.split("\t")
            pieces[token].append(_b36(int(first) - last.get(token, 0)) + rest)
            last[token] = int(final)
    return _dumps({token: ";".join(pieces[token]) for token in sorted(pieces)})


ENTRY_HEAD = re.compile(r"(?:^|;)([0-9a-z]+)")  # each entry's id difference, at its start


def _entries(posting: str, first: int = 0) -> Iterator[tuple[int, str]]:
    """(text id, positions) of each entry of a posting list, the first entry's id given as `first` plus
    its own number (a part's first entry has none: pass `first` with "0" prepended)."""
    text_id = first
    for entry in posting.split(";"):
        head, comma, positions = entry.partition(",")
        text_id += int(head, 36)
        yield text_id, comma + positions


def _splice(posting: str, changes: list[tuple[range, list[tuple[int, str]]]]) -> str:
    """A posting list with the entries in each range replaced by the given ones (text id, positions): the
    entries between are kept as they are but the first after a replaced range, whose id difference is
    written again. Ids are summed in C (`re`, `accumulate`), since a common token has thousands of entries
    and the ranges cover a few."""
    entries = posting.split(";") if posting else []
    ids = list(itertools.accumulate(map(int, ENTRY_HEAD.findall(posting), itertools.repeat(36))))
    out: list[str] = []
    last = 0
    cursor = 0

    def keep(start: int, stop: int) -> None:
        nonlocal last
        if start < stop:
            _head, comma, positions = entries[start].partition(",")
            out.append(_b36(ids[start] - last) + comma + positions)
            out.extend(entries[start + 1 : stop])
            last = ids[stop - 1]

    for span, fresh in changes:
        start = bisect.bisect_left(ids, span.start, cursor)
        keep(cursor, start)
        for text_id, positions in fresh:
            out.append(_b36(text_id - last) + positions)
            last = text_id
        cursor = bisect.bisect_left(ids, span.stop, start)
    keep(cursor, len(entries))
    return ";".join(out)


def patch_shard(old: bytes, changes: Sequence[tuple[range, str, str]]) -> bytes:
    """A shard after some groups changed, from the shard as it was: for each (the group's ids, its old part,
    its new part), every token either part holds loses its entries in the group's ids and takes the new
    part's (but a token whose line in both parts is the same: its entries are). What `shard_file` would
    make from every group's part, byte for byte, in the time the changed tokens take (a common token has
    thousands of entries; an edit changes a few tokens of a group)."""
    table: dict[str, str] = json.loads(old)
    fresh: dict[str, dict[range, list[tuple[int, str]]]] = defaultdict(dict)
    for ids, old_part, new_part in changes:
        before = dict(line.split("\t", 1) for line in old_part.split("\n")) if old_part else {}
        after = dict(line.split("\t", 1) for line in new_part.split("\n")) if new_part else {}
        for token in before.keys() | after.keys():
            if token not in after:
                fresh[token][ids] = []
            elif before.get(token) != after[token]:  # the same line: the same entries, nothing to splice
                first, _last, rest = after[token].split("\t")
                fresh[token][ids] = list(_entries("0" + rest, int(first)))
    for token, spans in fresh.items():
        posting = _splice(table.get(token, ""), sorted(spans.items(), key=lambda span: span[0].start))
        if posting:
            table[token] = posting
        else:
            table.pop(token, None)
    return _dumps({token: table[token] for token in sorted(table)})


def _chunk_input(
    layout: _Layout, members: range, texts: dict[str, list[str]], where: str
) -> Hashed[tuple[tuple[int, Entries], ...]]:
    """A group's buckets' texts and places, named by one string of them all (quicker to hash than their
    repr) and by `where` its files go (language and slots a bucket), which `_Made` relies on."""
    placed = [(k, layout.placed(k)) for k in members]
    value = tuple((k, [(slot, text, texts[text]) for slot, text in bucket]) for k, bucket in placed if bucket)
    name = "\x02".join(
        f"{k}\x01" + "\x01".join(f"{slot}\x00{t}\x00" + "\x00".join(flat) for slot, t, flat in entries)
        for k, entries in value
    )
    return hashed(value, where, name)


class _Layout:
    """Each text's bucket and slot there, a bucket placed when first asked for (an update places only the
    buckets of the texts it touched), and the slots a bucket has.

    A text's id must not move when another text comes or goes, or every shard holding one of its tokens
    changes: an edit would rewrite nearly the whole index. So a text's bucket and its home slot come from
    hashes of the text alone, and it takes the first free slot from its home on (texts taken in the order
    of their home slot, then of the text): a new text moves only texts after it in its own run of taken
    slots, rare with buckets of CHUNK_TEXTS texts at most on average in a power of two of slots at least
    as large as the largest bucket."""

    def __init__(self, texts: Iterable[str], buckets: int) -> None:
        self.buckets = buckets
        self.bits = buckets.bit_length() - 1
        self.homes: list[list[tuple[int, str]]] = [[] for _ in range(buckets)]
        for text in texts:
            code = zlib.crc32(text.encode("utf-8"))
            self.homes[code & (buckets - 1)].append((code >> self.bits, text))
        self.slots = _power_of_two(max(map(len, self.homes)))  # as many ids as ranks would take: postings no larger
        self._placed: dict[int, list[tuple[int, str]]] = {}

    def bucket(self, text: str) -> int:
        return zlib.crc32(text.encode("utf-8")) & (self.buckets - 1)

    def placed(self, k: int) -> list[tuple[int, str]]:
        """Bucket k's texts by slot, as (slot, text)."""
        if k not in self._placed:
            mask = self.slots - 1
            taken: dict[int, str] = {}
            for code, text in sorted((code & mask, text) for code, text in self.homes[k]):
                while code in taken:
                    code = (code + 1) & mask
                taken[code] = text
            self._placed[k] = sorted(taken.items())
        return self._placed[k]

    def members(self, span: range) -> tuple[tuple[int, str], ...]:
        """The (id, text) of every text of the buckets in `span`, by id."""
        return tuple((k * self.slots + slot, text) for k in span for slot, text in self.placed(k))


class _Made:
    """What the index keeps for the next build, beside the memo store (`search_store`): which index files
    each kept chunk result made, with each file's inode, size and time as written, and each group's result
    by language (`made.json`), each language's postings (`postings`) and every page's blocks. A result whose
    files are all still as written is neither read back from the store nor compared with the disk (most of
    an update's cost otherwise: every chunk read back). It records what is on disk, not what the store
    holds, so it stays true whether or not the build's memo is committed; a file changed since, or a record
    that cannot be read, means reading.

    `made.json` is removed before anything else is saved and written last, so while it can be read every
    other file kept is of the same build (`finished`): an update may then take that build's groups as they
    are, but those holding a text whose places changed, without naming them all again."""

    def __init__(self, memo: Memo, folder: Path, counts: dict[str, int] | None = None) -> None:
        self.folder = folder
        self.store = store_folder(memo)
        self.counts = counts if counts is not None else {}
        self.postings: list[tuple[Postings, list[Path]]] = []
        self.path = self.store / "made.json" if self.store is not None else None
        record: object = None
        if self.path is not None and self.path.is_file():
            try:
                record = json.loads(self.path.read_bytes())
            except ValueError:
                record = None
        if not (isinstance(record, dict) and record.get("version") == code_version()):
            record = {}
        self.old: dict[str, list[list[object]]] = record.get("made", {})
        self.groups_before: dict[str, list[str]] = record.get("groups", {})
        self.finished = bool(record)
        self.made: dict[str, list[str]] = {}  # result name → the files it made (or equal calls made), in this build
        self.kept: dict[str, int] = {}  # files left as they are → size
        self.groups: dict[str, list[str]] = {}  # language → each group's result name, in this build

    def current(self, name: str) -> bool:
        recorded = self.old.get(name)
        return bool(recorded) and all(
            as_stamped(os.path.join(self.folder, str(rel)), at)
            for rel, *at in recorded  # type: ignore[union-attr]
        )

    def map(self, memo: Memo, job: Task[R], calls: Sequence[tuple[object, ...]]) -> list[tuple[str, R | None]]:
        """Each call's result name and its result, None for one whose files are still as it wrote them."""
        names = [fingerprint(job.name, *args) for args in calls]
        stale = [i for i, name in enumerate(names) if not self.current(name)]
        redo = set(stale)
        self.carry(memo, job, [name for i, name in enumerate(names) if i not in redo])
        values: list[R | None] = [None] * len(calls)
        for i, made in zip(stale, memo.map(job, [calls[i] for i in stale]), strict=True):
            values[i] = made.value
        return list(zip(names, values, strict=True))

    def carry(self, memo: Memo, job: Task[Any], names: Iterable[str]) -> None:
        """Keep results whose files are still as they wrote them (`current`): in the store and on disk."""
        names = list(names)
        memo.keep_named(job, names)
        for name in names:
            self.made[name] = [str(rel) for rel, *_ in self.old[name]]
            self.kept.update(
                (str(rel), int(size))  # type: ignore[call-overload]
                for rel, _, size, _ in self.old[name]
            )

    def save(self, pages: PageCache) -> None:
        """Keep this build's postings, pages and chunk results for the next (`finished`: made.json last)."""
        if self.path is None:
            return
        self.path.unlink(missing_ok=True)
        for postings, shard_paths in self.postings:
            postings.save(shard_paths)
        pages.save()
        made = {}
        for name, rels in self.made.items():
            made[name] = [[rel, *stamp(os.path.join(self.folder, rel))] for rel in dict.fromkeys(rels)]
        record = {"version": code_version(), "made": made, "groups": self.groups}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.with_name(self.path.name + ".tmp").write_bytes(_dumps(record))
        os.replace(self.path.with_name(self.path.name + ".tmp"), self.path)


def _postings(
    kept: Postings,
    members: Callable[[int], tuple[tuple[int, str], ...]],
    ids: list[range],
    redo: Iterable[int],
    shard_folder: Path,
) -> tuple[dict[int, bytes | None], dict[str, str]]:
    """Each shard's file (None: the one on disk is still right) and the fold pairs, from the groups' texts
    (`members` of a group, by id; `ids`, the ids each group spans) and what the last build kept: a group
    is cut again only if its texts changed, and a shard its new parts change is patched from the
    difference when its file is as the last build wrote it and the group's old parts are kept; otherwise
    joined from every group's parts. Only the groups in `redo` may have changed texts: the others keep
    the last build's key (an update names only the groups it touched)."""
    shards = kept.shape[0]
    keys = [kept.key(g) or "" for g in range(len(ids))]
    for g in redo:
        keys[g] = fingerprint("search-postings", shards, "\x00".join(f"{i}\x01{t}" for i, t in members(g)))
    stale = [g for g, key in enumerate(keys) if kept.key(g) != key]
    cut = dict(zip(stale, _spread(group_postings, [(shards, members(g)) for g in stale]), strict=True))
    kept.count("groups cut", len(cut))
    kept.now = [(key, cut[g][2], cut[g][1]) if g in cut else kept.groups[g] for g, key in enumerate(keys)]
    fold: dict[str, str] = {}
    for _key, pairs, _digests in kept.now:
        fold.update(zip(pairs[0::2], pairs[1::2], strict=True))
    old = {g: kept.parts(g, kept.groups[g][0]) if g < len(kept.groups) else None for g in cut}
    every: dict[int, tuple[str, ...]] = {g: made[0] for g, made in cut.items()}

    def parts(g: int) -> tuple[str, ...]:
        if g not in every:
            every[g] = kept.parts(g, keys[g]) or group_postings(shards, members(g))[0]
        return every[g]

    files: dict[int, bytes | None] = {}
    join: list[int] = []  # shards joined from every group's part (a clean build: all of them)
    for k in range(shards):
        window = slice(k * DIGEST, (k + 1) * DIGEST)
        changed = [g for g in cut if g >= len(kept.groups) or kept.groups[g][2][window] != cut[g][1][window]]
        path = shard_folder / f"{k}.json"
        if kept.as_written(k, path):
            if not changed:
                files[k] = None
                continue
            before = [old[g] for g in changed]
            if all(part is not None for part in before):
                pieces = [(ids[g], part[k], cut[g][0][k]) for g, part in zip(changed, before, strict=True) if part]
                files[k] = patch_shard(path.read_bytes(), pieces)
                kept.count("shards patched", 1)
                continue
        join.append(k)
    joined = _spread(shard_file, [(tuple(parts(g)[k] for g in range(len(ids))),) for k in join])
    files.update(zip(join, joined, strict=True))
    kept.count("shards joined", len(join))
    for g, made in cut.items():
        kept.keep_parts(g, keys[g], made[0])
    return files, fold


def language_files(
    memo: Memo,
    texts: dict[str, list[str]],
    lang: str = "",
    made_by: _Made | None = None,
    touched: Iterable[str] | None = None,
) -> tuple[dict[str, bytes], dict[str, int], dict[str, str]]:
    """One language's index files by path (under `search/<lang>/`), what they hold, and the fold pairs of
    its characters (`meta.json` is completed by the caller with every language's: a reader may type a
    character in the other script that this language's text never holds). The postings are made from what
    the last build kept (`_postings`); shards left as they are go in `made_by.kept`.

    `touched`: the texts whose places changed since the last build (`moved_texts`), None if not known.
    When known, and that build left everything it made (`_Made.finished`) in the same shape, only the
    groups holding a touched text (or whose files changed since) are named and made again: the others
    are the last build's, which saves naming every group of the site on each edit."""
    buckets_count = _power_of_two(-(-len(texts) // CHUNK_TEXTS))
    layout = _Layout(texts, buckets_count)
    slots = layout.slots
    shards = _power_of_two(-(-sum(len(text) for text in texts) // SHARD_CHARS))
    files: dict[str, bytes] = {}
    spans = [range(g, min(g + GROUP_BUCKETS, buckets_count)) for g in range(0, buckets_count, GROUP_BUCKETS)]
    made_by = made_by or _Made(Memo(None), Path())
    kept = Postings(made_by.store, lang, (shards, slots, len(spans)), made_by.counts)
    before = made_by.groups_before.get(lang, []) if made_by.finished and touched is not None else []
    names = list(before)
    if touched is not None and len(before) == len(kept.groups) == len(spans):
        redo = {layout.bucket(text) // GROUP_BUCKETS for text in touched}
        redo.update(g for g, name in enumerate(before) if g not in redo and not made_by.current(name))
        made_by.carry(memo, chunk_group, [name for g, name in enumerate(before) if g not in redo])
    else:
        redo, names = set(range(len(spans))), [""] * len(spans)
    made_by.counts["groups named"] = made_by.counts.get("groups named", 0) + len(redo)
    where = f"{lang}/{slots}"
    order = sorted(redo)
    made = made_by.map(memo, chunk_group, [(_chunk_input(layout, spans[g], texts, where),) for g in order])
    for g, (name, value) in zip(order, made, strict=True):
        names[g] = name
        if value is None:
            continue
        for k, chunk, full in value:
            made_by.made.setdefault(name, []).append(f"{lang}/d/{k}.json")
            files[f"d/{k}.json"] = chunk
            for slot, data in full:
                files[f"p/{k * slots + slot}.json"] = data
                made_by.made[name].append(f"{lang}/p/{k * slots + slot}.json")
    made_by.groups[lang] = names

    shard_folder = made_by.folder / lang / "t"
    ids = [range(span[0] * slots, (span[-1] + 1) * slots) for span in spans]
    members = functools.cache(lambda g: layout.members(spans[g]))
    shard_files, fold = _postings(kept, members, ids, redo, shard_folder)
    for k, shard in shard_files.items():
        if shard is None:  # as the last build wrote it: its recorded stamp holds its size
            made_by.kept[f"{lang}/t/{k}.json"] = kept.files[k][1]
        else:
            files[f"t/{k}.json"] = shard
    made_by.postings.append((kept, [shard_folder / f"{k}.json" for k in range(shards)]))
    files["meta.json"] = _dumps({"version": 2, "shards": shards, "texts": len(texts), "chunk": slots})
    places = sum(len(where) for where in texts.values()) // 3
    summary = {"texts": len(texts), "places": places, "shards": shards}
    return files, summary, fold


def _pages(site: Path) -> list[tuple[str, str]]:
    """(relative path, path) of each HTML page of the site but 404 pages and the index's own folder."""
    found = []
    for top, dirs, names in os.walk(site):
        relative = os.path.relpath(top, site).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        dirs[:] = [d for d in dirs if not d.startswith(".") and (prefix or d != "search")]
        found += [(prefix + n, os.path.join(top, n)) for n in names if n.endswith(".html") and n != "404.html"]
    return sorted(found)


def _sync(folder: Path, files: dict[str, bytes], kept: Iterable[str] = ()) -> None:
    """Make `folder` hold exactly `files` and `kept` (files known to be as they should), writing only those
    of `files` whose bytes differ (each through a new file put in place, never through a link) and
    removing the rest; plain `os` calls, for some 10,000 files."""
    folder.mkdir(parents=True, exist_ok=True)  # a site with no page to index still has its (empty) index
    present: set[str] = set()
    for top, _dirs, names in os.walk(folder):
        relative = os.path.relpath(top, folder).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        present.update(prefix + name for name in names)
    made: set[str] = set()
    for rel, data in files.items():
        path = os.path.join(folder, rel)
        if rel in present:
            with open(path, "rb") as handle:
                if handle.read(len(data) + 1) == data:
                    continue
        directory = os.path.dirname(path)
        if directory not in made:
            os.makedirs(directory, exist_ok=True)
            made.add(directory)
        with open(path + ".tmp", "wb") as handle:
            handle.write(data)
        os.replace(path + ".tmp", path)
    for rel in present - files.keys() - set(kept):
        os.unlink(os.path.join(folder, rel))
    for top, _dirs, names in os.walk(folder, topdown=False):
        if top != str(folder) and not names and not os.listdir(top):
            os.rmdir(top)


def _link_tree(source: Path, target: Path) -> None:
    """Hard links in `target` to every file under `source` (nothing if it is missing or links fail)."""
    for top, _dirs, names in os.walk(source):
        here = target / os.path.relpath(top, source)
        here.mkdir(parents=True, exist_ok=True)
        for name in names:
            try:
                os.link(os.path.join(top, name), here / name)
            except OSError:
                return


def _spread(function: Callable[..., R], calls: list[tuple[Any, ...]]) -> list[R]:
    """`function` over `calls`, on every core when there are SPREAD_FROM calls or more (a clean build
    parses every page and cuts every group; an edit, a few, which a process pool would only slow). The
    workers are started afresh, not forked: a fork would share the build's whole heap (gigabytes at a
    thousand reports), and each worker would count it and copy what it touched."""
    cores = os.cpu_count() or 1
    if len(calls) < SPREAD_FROM or cores < 2:
        return [function(*call) for call in calls]
    with _main_left_out(), _spawned_workers() as pool:
        return list(pool.map(function, *zip(*calls, strict=True), chunksize=max(1, len(calls) // (cores * 8))))


def _spawned_workers() -> ProcessPoolExecutor:
    """A worker a core, started afresh (spawned), not forked: see `_spread`. Start them, or submit to them,
    inside `_main_left_out`."""
    return ProcessPoolExecutor(max_workers=os.cpu_count() or 1, mp_context=multiprocessing.get_context("spawn"))


@contextlib.contextmanager
def _main_left_out() -> Iterator[None]:
    """Spawned workers that do not run the caller's main module. Python's spawn runs it again in each worker
    (as `__mp_main__`) to find what the worker is handed; ours are this module's functions, found by import.
    A script calling `build()` with no `if __name__ == "__main__":` guard would otherwise build again in
    every worker, and wait there on the build's lock for ever."""
    from multiprocessing import spawn

    prepare = spawn.get_preparation_data

    def without_main(name: str) -> dict[str, Any]:
        data: dict[str, Any] = prepare(name)
        data.pop("init_main_from_path", None)
        data.pop("init_main_from_name", None)
        return data

    spawn.get_preparation_data = without_main
    try:
        yield
    finally:
        spawn.get_preparation_data = prepare


def _read_page(rel: str, path: str) -> PageText | None:
    with open(path, "rb") as handle:
        return page_text(rel, handle.read())


def _page_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


Early = dict[str, tuple[str, PageText | None]]  # page → the hash of the bytes read and what they hold


def _read_pages(pages: list[tuple[str, str]]) -> list[tuple[str, str, PageText | None]]:
    found = []
    for rel, path in pages:
        with open(path, "rb") as handle:
            data = handle.read()
        found.append((rel, _page_digest(data), page_text(rel, data)))
    return found


class EarlyReader:
    """Pages read for the index while MkDocs renders the others. MkDocs renders on one core, so in a full
    build the pages are read as MkDocs writes them (`written`, given each page's path once it is on
    disk), one batch at a time in one worker process, and when MkDocs is done most pages are read: the
    rest are read on every core (`take`). Only paths go to the workers. A page read early is used only if
    its file still holds the bytes that were read (`build_index` compares their hash)."""

    BATCH = 16  # pages sent to a worker at once

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._waiting: list[list[tuple[str, str]]] = []  # batches not sent yet
        self._sent: list[Future[list[tuple[str, str, PageText | None]]]] = []

    def written(self, rel: str, path: str) -> None:
        if not self._waiting or len(self._waiting[-1]) >= self.BATCH:
            self._waiting.append([])
        self._waiting[-1].append((rel, path))
        if not self._sent or self._sent[-1].done():  # one batch at a time: MkDocs keeps the other core
            self._send(1)

    def _send(self, batches: int) -> None:
        with _main_left_out():  # workers are started as batches are sent
            if self._pool is None:
                self._pool = _spawned_workers()
            while self._waiting and batches > 0:
                self._sent.append(self._pool.submit(_read_pages, self._waiting.pop(0)))
                batches -= 1

    def take(self) -> Early:
        """Every page given, read (those left, on every core now), and the workers stopped."""
        try:
            self._send(len(self._waiting))
            return {rel: (digest, page) for future in self._sent for rel, digest, page in future.result()}
        finally:
            self.close()

    def close(self) -> None:
        self._sent, self._waiting = [], []
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


Reading = tuple[PageText | None, PageText | None]  # a page as kept and as read now (None: no page)


def _page_texts(
    cache: PageCache, site: Path, written: set[str] | None, counts: dict[str, int], early: Early | None = None
) -> tuple[list[PageText | None], list[Reading]]:
    """Every page's blocks, from `cache` for the pages whose files are the same as when last seen (device,
    inode, size, time), or whose bytes are; a page in `written` (pages the publisher wrote in this build)
    is read and hashed whatever its file says; a page in `early` whose bytes are the ones read there is
    not parsed again. `counts` receives the pages read, read early and parsed. Also, for each page whose
    reading differs from the one kept and each page kept but gone, both readings."""
    out: list[PageText | None] = []
    parse: dict[int, tuple[str, str, tuple[int, int, int, int], str, PageText | None]] = {}
    changes: list[Reading] = []
    early = early or {}
    for rel, path in _pages(site):
        st = os.stat(path)
        seen = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
        known = cache.get(rel)
        if known is not None and known[0] == seen and (written is None or rel not in written):
            out.append(known[2])
            continue
        with open(path, "rb") as handle:
            digest = _page_digest(handle.read())
        counts["pages read"] = counts.get("pages read", 0) + 1
        before = known[2] if known is not None else None
        if known is not None and known[1] == digest:
            cache.put(rel, (seen, digest, before))
            out.append(before)
        elif rel in early and early[rel][0] == digest:
            counts["pages read early"] = counts.get("pages read early", 0) + 1
            found = early[rel][1]
            cache.put(rel, (seen, digest, found))
            out.append(found)
            if found != before:
                changes.append((before, found))
        else:
            parse[len(out)] = (rel, path, seen, digest, before)
            out.append(None)
    changes += [(entry[2], None) for _rel, entry in cache.unseen() if entry[2] is not None]
    if parse:
        counts["pages parsed"] = counts.get("pages parsed", 0) + len(parse)
        parsed = _spread(_read_page, [(rel, path) for rel, path, *_ in parse.values()])
        for (index, (rel, _path, seen, digest, before)), found in zip(parse.items(), parsed, strict=True):
            cache.put(rel, (seen, digest, found))
            out[index] = found
            if found != before:
                changes.append((before, found))
    return out, changes


@gc_paused()  # the index holds every text of the site and its places: millions of objects, no cycles made
def build_index(
    site: Path,
    memo: Memo | None = None,
    previous: Path | None = None,
    written: set[str] | None = None,
    counts: dict[str, int] | None = None,
    early: Early | None = None,
) -> dict[str, dict[str, int]]:
    """Index the built site in place: `site/search/<lang>/`, writing only the files whose bytes change and
    removing those no longer made. Returns per language what it holds.

    With a `memo`, what the pages, chunks and shards were made from last time is kept, so an edit redoes
    only what it touched (the caller commits the memo); a page is read again only if its file changed
    (another inode, size or time) or it is in `written`, the site-relative paths of the HTML pages the
    publisher wrote in this build (None: not known). `previous` is the site this one replaces: a site
    built afresh starts from hard links to its index files, so only the files that change are written
    (a changed file is replaced, never written through a link, so the previous site stays as it was).
    `counts` receives what was redone: pages read and parsed, groups of texts cut, shards joined or
    patched. `early`: pages read while the publisher was still at work (`EarlyReader`)."""
    memo = memo or Memo(None)
    counts = counts if counts is not None else {}
    if previous is not None and not (site / "search").exists():
        _link_tree(previous / "search", site / "search")
    made_by = _Made(memo, site / "search", counts)
    pages = PageCache(made_by.store)
    found, changes = _page_texts(pages, site, written, counts, early)
    languages = collect(found)
    touched: dict[str, set[str]] | None = None
    if made_by.finished and pages.complete:  # the last build's pages and groups: an update redoes only what moved
        touched = defaultdict(set)
        for before, after in changes:
            for lang, text in moved_texts(before, after):
                touched[lang].add(text)
    files: dict[str, bytes] = {}
    summary = {}
    fold: dict[str, str] = {}
    for lang, texts in sorted(languages.items()):
        moved = touched.get(lang, set()) if touched is not None else None
        made, summary[lang], folds = language_files(memo, texts, lang, made_by, moved)
        fold.update(folds)
        files.update((f"{lang}/{rel}", data) for rel, data in made.items())
    pairs = "".join(a + b for a, b in sorted(fold.items()))
    for lang in languages:
        meta = json.loads(files[f"{lang}/meta.json"])
        files[f"{lang}/meta.json"] = _dumps({**meta, "fold": pairs})
        fresh = sum(len(data) for rel, data in files.items() if rel.startswith(lang + "/"))
        summary[lang]["bytes"] = fresh + sum(size for rel, size in made_by.kept.items() if rel.startswith(lang + "/"))
    _sync(site / "search", files, made_by.kept.keys())
    made_by.save(pages)
    os.utime(site / "search")
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
    and tests): the same folding, tokens and exact-phrase test; the files it would fetch, and their bytes
    (a text's full list of places is fetched only when the reader opens it, so it is not counted)."""
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
    exact_count = sum(1 for s in scored if s[0])
    return Lookup(len(scored), exact_count, files, sum((folder / f).stat().st_size for f in files), shown)
