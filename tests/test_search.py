"""The search index (src/digest/publish/search.py) and the hook that keeps HTML from Python-Markdown, without a browser."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.memo import Memo
from digest.publish import hooks as mkdocs_hooks
from digest.publish import search
from digest.publish.search import (
    PLACES,
    SPREAD_FROM,
    EarlyReader,
    blocks,
    build_index,
    chunk_entry,
    fnv1a,
    fold_table,
    group_postings,
    lookup,
    patch_shard,
    shard_file,
    tokens,
)

PAGE = """<!doctype html><html lang="{lang}"><head><title>x</title></head><body>
<nav class="md-nav"><a href="#">派出所 in the navigation</a></nav>
<article class="md-content__inner md-typeset">
<h1 id="top">{title}</h1>
<h2 id="text">Text<a class="headerlink" href="#text">¶</a></h2>
{body}
</article></body></html>"""


def para(pid: str, zh: str, en: str) -> str:
    return (
        f'<div class="parallel" id="{pid}"><div class="zh">{zh}</div><div class="en">{en}</div>'
        f'<div class="para-meta"><a href="#{pid}">¶ 派出所</a></div></div>'
    )


def write(site: Path, rel: str, lang: str, title: str, body: str) -> None:
    path = site / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(PAGE.format(lang=lang, title=title, body=body), encoding="utf-8")


def entry(folder: Path, doc: int) -> list[object]:
    """A text's entry in its chunk, found as the browser finds it."""
    slots = json.loads((folder / "meta.json").read_text())["chunk"]
    return chunk_entry(json.loads((folder / "d" / f"{doc // slots}.json").read_text()), doc % slots)  # type: ignore[return-value]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    one = para("p1", "推行两队一室改革，派出所主防。", "Promote the two teams, one office reform.")
    two = para("p2", "一室两队不同于两队。一室", "One office, two teams is another order.")
    three = para("p3", "坚持和发展新时代枫桥经验。", "Uphold the Fengqiao Experience of the new era.")
    write(site, "reports/a/index.html", "zh", "甲报告", one + two)
    write(site, "themes/t/index.html", "zh", "主题", one + three)  # p1 quoted again
    write(site, "zh-Hant/reports/a/index.html", "zh-Hant", "甲報告", para("p1", "推行兩隊一室改革，派出所主防。", "x"))
    write(site, "en/reports/a/index.html", "en", "Report A", para("p1", "推行两队一室改革。", "Police stations lead."))
    write(site, "404.html", "zh", "404", para("p9", "两队一室", "missing"))
    build_index(site)
    return site / "search"


def test_hash_is_fnv1a_over_utf16_code_units() -> None:
    assert fnv1a("a") == 0xE40C292C  # the published FNV-1a 32 value of "a"
    code_unit = 0x811C9DC5 ^ 0x6D3E  # 派 is U+6D3E: one UTF-16 unit, not three UTF-8 bytes
    assert fnv1a("派") == (code_unit * 0x01000193) & 0xFFFFFFFF


def test_tokens_are_bigrams_and_words_at_positions() -> None:
    positional, singles = tokens("派出所 gps定位，派出所。gps")
    assert positional == {"派出": [0, 7], "出所": [1, 8], "gps": [3, 11], "定位": [4]}
    assert singles == {"派", "出", "所", "定", "位"}


def test_fold_table_maps_traditional_characters_only() -> None:
    table = fold_table("楓橋經驗枫桥a")
    assert table == {"楓": "枫", "橋": "桥", "經": "经", "驗": "验"}


def test_blocks_take_the_nearest_anchor_and_skip_furniture() -> None:
    import lxml.html  # type: ignore[import-untyped]

    root = lxml.html.fromstring(
        '<article><h2 id="s">Sec<a class="headerlink">¶</a></h2><p>free text</p>'
        + para("p1", "中文", "English")
        + "</article>"
    )
    assert list(blocks(root)) == [
        ("s", "Sec", "Sec"),
        ("s", "Sec", "free text"),
        ("p1", "Sec", "中文"),
        ("p1", "Sec", "English"),
    ]


def test_a_phrase_matches_where_its_characters_stand_together(site: Path) -> None:
    found = lookup(site / "zh", "两队一室")
    # p1 holds the phrase (on two pages: one text); p2 holds every bigram but never the phrase in order
    assert (found.count, found.exact) == (2, 1)
    first = entry(site / "zh", found.first[0])
    assert "两队一室" in first[0]
    assert sorted(place[0] for place in first[1]) == ["reports/a/#p1", "themes/t/#p1"]


def test_either_script_finds_the_other(site: Path) -> None:
    assert lookup(site / "zh", "兩隊一室").exact == 1
    assert lookup(site / "zh-Hant", "两队一室").exact == 1
    assert lookup(site / "zh-Hant", "楓橋經驗").count == 0  # that text is only on the zh site


def test_each_language_has_its_own_index_and_furniture_is_left_out(site: Path) -> None:
    assert sorted(p.name for p in site.iterdir()) == ["en", "zh", "zh-Hant"]
    assert lookup(site / "en", "police stations").exact == 1
    assert lookup(site / "en", "stations police").exact == 0
    # 派出所 stands in the navigation and in every paragraph's permalink line, which are not indexed
    assert lookup(site / "en", "派出所").count == 0
    assert lookup(site / "zh", "missing").count == 0  # 404 pages are not indexed


def test_a_single_character_and_an_absent_word(site: Path) -> None:
    assert lookup(site / "zh", "枫").count == 1
    assert lookup(site / "zh", "警察").count == 0
    assert lookup(site / "zh", "，。").count == 0


def test_the_hook_lifts_html_blocks_and_puts_them_back() -> None:
    page = SimpleNamespace(present_anchor_ids={"abstract"}, meta={})
    markdown = (
        "# Title\n\n"
        '<div class="parallel" id="p-1"><div>中文</div></div>\n<p id="p-2">x</p>\n\n'
        "Some *Markdown* text.\n\n"
        '<div markdown="1">\n*kept*\n</div>\n\n'
        "<div>unbalanced\n\n</div>\n"
    )
    lifted = mkdocs_hooks.on_page_markdown(markdown, page)
    placeholder = f"DIGESTBLOCK{mkdocs_hooks._TOKEN}N0X"
    assert placeholder in lifted and "parallel" not in lifted
    assert '<div markdown="1">' in lifted and "<div>unbalanced" in lifted  # left to Python-Markdown
    html = f"<h1>Title</h1>\n<p>{placeholder}</p>\n<p>DIGESTBLOCK0X</p>\n<p>Some <em>Markdown</em> text.</p>"
    out = mkdocs_hooks.on_page_content(html, page)
    assert "<p>DIGESTBLOCK0X</p>" in out  # text that looks like a placeholder is text
    assert '<div class="parallel" id="p-1"><div>中文</div></div>\n<p id="p-2">x</p>' in out
    assert placeholder not in out
    assert page.present_anchor_ids == {"abstract", "p-1", "p-2"}


def index_files(search: Path) -> dict[str, bytes]:
    return {p.relative_to(search).as_posix(): p.read_bytes() for p in sorted(search.rglob("*")) if p.is_file()}


def many_pages(site: Path, count: int) -> None:
    """Report pages in three languages; a heading stands on every page (more places than a chunk lists)."""
    for n in range(count):
        body = para(f"p{n}", f"第{n}段：派出所主防，两队一室。", f"Paragraph {n}: police stations lead.")
        write(site, f"reports/r{n}/index.html", "zh", f"报告{n}", body)
        write(
            site,
            f"zh-Hant/reports/r{n}/index.html",
            "zh-Hant",
            f"報告{n}",
            para(f"p{n}", f"第{n}段：派出所主防。", "x"),
        )
        write(site, f"en/reports/r{n}/index.html", "en", f"Report {n}", body)


def indexed(tmp_path: Path, name: str, pages: int) -> Path:
    """A site of `pages` generated pages, indexed with the memo kept in tmp_path/cache.sqlite."""
    site = tmp_path / name
    many_pages(site, pages)
    memo = Memo(tmp_path / "cache.sqlite")
    build_index(site, memo)
    memo.commit()
    memo.close()
    return site


def test_an_update_after_edits_equals_a_clean_build_and_writes_only_what_changed(tmp_path: Path) -> None:
    site = indexed(tmp_path, "site", 40)
    before = {p: p.stat().st_ino for p in (site / "search").rglob("*") if p.is_file()}
    # an edit, an added page and a removed page
    write(site, "reports/r3/index.html", "zh", "报告3", para("p3", "改写的一段：交所合一。", "Rewritten."))
    write(site, "reports/new/index.html", "zh", "新报告", para("n1", "新的一段：枫桥经验。", "New."))
    for rel in ("reports/r7/index.html", "en/reports/r7/index.html", "zh-Hant/reports/r7/index.html"):
        (site / rel).unlink()
    memo = Memo(tmp_path / "cache.sqlite")
    redone: dict[str, int] = {}
    build_index(site, memo, counts=redone)
    assert redone["pages parsed"] == 2  # the edited page and the new one; the others are not parsed again
    assert redone["groups cut"] < 3 * 2  # in each language at most the groups the edits touched
    assert redone["shards patched"] > 0 and "shards joined" not in redone  # from the difference
    memo.close()
    updated = index_files(site / "search")

    clean = tmp_path / "clean"
    shutil.copytree(site, clean)
    shutil.rmtree(clean / "search")
    build_index(clean)
    assert updated == index_files(clean / "search")  # byte for byte, and no stale file left
    rewritten = [p for p, inode in before.items() if p.exists() and p.stat().st_ino != inode]
    assert 0 < len(rewritten) < len(before) / 2, (len(rewritten), len(before))
    zh = site / "search" / "zh"
    assert lookup(zh, "交所合一").exact == 1 and lookup(zh, "枫桥经验").exact == 1
    assert lookup(zh, "第7段").count == 0  # r7's zh page is gone
    assert lookup(site / "search" / "en", "paragraph 7").count == 0


def test_a_clean_build_spread_over_every_core_writes_the_same_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one = tmp_path / "one"
    many_pages(one, 30)
    shutil.copytree(one, tmp_path / "spread")
    build_index(one)
    monkeypatch.setattr(search, "SPREAD_FROM", 1)
    monkeypatch.setattr(search.os, "cpu_count", lambda: 2)
    redone: dict[str, int] = {}
    build_index(tmp_path / "spread", counts=redone)
    assert redone["pages parsed"] == 90 and redone["groups cut"] >= 3
    assert index_files(tmp_path / "spread" / "search") == index_files(one / "search")


def test_pages_read_early_are_not_parsed_again_unless_their_file_differs(tmp_path: Path) -> None:
    """What `EarlyReader` read while MkDocs rendered stands for a page whose file holds those bytes; a page
    whose file differs from what was read is parsed from the file."""
    site = tmp_path / "site"
    many_pages(site, 10)
    shutil.copytree(site, tmp_path / "clean")
    reader = EarlyReader()
    for rel, path in search._pages(site):
        reader.written(rel, path)
    early = reader.take()
    page = site / "reports" / "r3" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("两队一室", "一室两队"), encoding="utf-8")
    shutil.copy(page, tmp_path / "clean" / "reports" / "r3" / "index.html")
    build_index(tmp_path / "clean")
    redone: dict[str, int] = {}
    build_index(site, counts=redone, early=early)
    assert (redone["pages read"], redone["pages read early"], redone["pages parsed"]) == (30, 29, 1)
    assert index_files(site / "search") == index_files(tmp_path / "clean" / "search")


def test_what_the_index_keeps_beside_the_store_damaged_costs_time_not_correctness(tmp_path: Path) -> None:
    site = indexed(tmp_path, "site", 20)
    kept = [p for p in (tmp_path / "cache.sqlite.search").rglob("*") if p.is_file()]
    names = {p.name for p in kept}
    assert {"made.json", "state", "g0", "pages-0"} <= names  # pages, each language's groups and state, chunks
    for n, path in enumerate(kept):
        path.write_bytes([b"", b"\x80\x05garbage", os.urandom(64)][n % 3])
    write(site, "reports/r3/index.html", "zh", "报告3", para("p3", "改写的一段：交所合一。", "Rewritten."))
    redone: dict[str, int] = {}
    build_index(site, Memo(tmp_path / "cache.sqlite"), counts=redone)
    assert redone["pages parsed"] == 60 and "shards patched" not in redone  # nothing kept was trusted
    rebuilt = tmp_path / "clean"
    shutil.copytree(site, rebuilt)
    shutil.rmtree(rebuilt / "search")
    build_index(rebuilt)
    assert index_files(site / "search") == index_files(rebuilt / "search")


def test_a_fresh_site_starts_from_links_to_the_previous_index_and_leaves_it_as_it_was(tmp_path: Path) -> None:
    old = indexed(tmp_path, "old", 12)
    published = index_files(old / "search")
    new = tmp_path / "new"
    shutil.copytree(old, new, ignore=shutil.ignore_patterns("search"))
    write(new, "reports/r1/index.html", "zh", "报告1", para("p1", "改写的一段。", "Rewritten."))
    build_index(new, Memo(tmp_path / "cache.sqlite"), previous=old)
    assert index_files(old / "search") == published
    clean = tmp_path / "clean"
    shutil.copytree(new, clean, ignore=shutil.ignore_patterns("search"))
    build_index(clean)
    assert index_files(new / "search") == index_files(clean / "search")
    same = [p for p in (new / "search").rglob("*.json") if p.stat().st_nlink == 2]
    assert same, "unchanged files are the previous site's, linked"


def test_a_text_in_many_places_lists_a_few_and_the_rest_loads_on_demand(tmp_path: Path) -> None:
    site = tmp_path / "site"
    many_pages(site, 20)
    build_index(site)
    zh = site / "search" / "zh"
    found = lookup(zh, "text")  # the h2 "Text" stands on every page
    assert found.count == 1
    doc = found.first[0]
    text, places, total = entry(zh, doc)
    assert (text, total) == ("Text", 20) and len(places) == PLACES
    assert len(json.loads((zh / "p" / f"{doc}.json").read_text())) == 20
    assert f"p/{doc}.json" not in found.files  # not part of what a query costs
    assert len(entry(zh, lookup(zh, "第3段").first[0])) == 2  # a text in one place has no more to load


def text_ids(folder: Path) -> dict[str, int]:
    """Each text of a language's index with its id, read from the chunks as the browser reads them."""
    slots = json.loads((folder / "meta.json").read_text())["chunk"]
    ids = {}
    for chunk in (folder / "d").glob("*.json"):
        listed = json.loads(chunk.read_text())
        for slot in range(slots):
            if found := chunk_entry(listed, slot):
                ids[found[0]] = int(chunk.stem) * slots + slot  # type: ignore[index]
    return ids


def test_a_new_text_moves_no_other_text_and_rewrites_only_the_shards_of_its_tokens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "SHARD_CHARS", 100)  # many small shards, as a large site has
    site = indexed(tmp_path, "site", 200)
    zh = site / "search" / "zh"
    before = text_ids(zh)
    shards = {p.name: p.read_bytes() for p in (zh / "t").iterdir()}
    assert json.loads((zh / "meta.json").read_text())["shards"] >= 32
    text = "新增一段：交所合一。"
    write(site, "reports/new/index.html", "zh", "报告200", para("n1", text, "New."))
    build_index(site, Memo(tmp_path / "cache.sqlite"))
    after = text_ids(zh)
    assert after.keys() - before.keys() == {text, "New.", "报告200"}
    moved = [t for t in before if after[t] != before[t]]
    assert not moved, moved
    changed = {name for name, data in shards.items() if (zh / "t" / name).read_bytes() != data}
    meta = json.loads((zh / "meta.json").read_text())
    positional, singles = tokens("新增一段交所合一 new 报告200")
    touched = {f"{fnv1a(token) % meta['shards']}.json" for token in [*positional, *singles]}
    assert changed and changed <= touched
    assert lookup(zh, "交所合一").first == [after[text]]


def test_pages_are_read_again_only_when_their_file_changed_or_they_are_said_written(tmp_path: Path) -> None:
    site = indexed(tmp_path, "site", 10)
    # the same file rewritten in place with the same size and time: taken as unchanged, unless said written
    page = site / "reports" / "r3" / "index.html"
    seen = page.stat()
    page.write_bytes(page.read_bytes().replace("两队一室".encode(), "一室两队".encode()))
    os.utime(page, ns=(seen.st_atime_ns, seen.st_mtime_ns))
    memo = Memo(tmp_path / "cache.sqlite")
    redone: dict[str, int] = {}
    build_index(site, memo, counts=redone)
    assert "pages read" not in redone
    zh = site / "search" / "zh"
    assert lookup(zh, "一室两队").exact == 0
    build_index(site, memo, written={"reports/r3/index.html"}, counts=redone)
    assert redone["pages read"] == redone["pages parsed"] == 1
    assert lookup(zh, "一室两队").exact == 1
    memo.commit()
    # a page written as a new file, as MkDocs writes it, is read without being named
    page.unlink()
    write(site, "reports/r3/index.html", "zh", "报告3", para("p3", "第3段：新的一段。", "x"))
    memo = Memo(tmp_path / "cache.sqlite")
    redone = {}
    build_index(site, memo, counts=redone)
    assert redone["pages read"] == redone["pages parsed"] == 1
    assert lookup(zh, "新的一段").count == 1 and lookup(zh, "一室两队").exact == 0


def test_an_index_file_changed_or_removed_since_it_was_written_is_made_again(tmp_path: Path) -> None:
    site = indexed(tmp_path, "site", 30)
    clean = index_files(site / "search")
    zh = site / "search" / "zh"
    shard = next((zh / "t").iterdir())
    shard.write_bytes(b"{}")
    chunk = next((zh / "d").iterdir())
    chunk.unlink()
    memo = Memo(tmp_path / "cache.sqlite")
    redone: dict[str, int] = {}
    build_index(site, memo, counts=redone)
    assert redone == {"groups named": 1, "shards joined": 1}  # the chunk's group, from the kept parts, none cut
    assert index_files(site / "search") == clean
    # files left as written are not read back: a result missing from the store is not needed for them
    memo.close()
    (tmp_path / "cache.sqlite").unlink()
    build_index(site, Memo(tmp_path / "cache.sqlite"))
    assert index_files(site / "search") == clean


GROUP_IDS = 16  # ids a group spans in the property below
TEXTS = st.text(alphabet="派出所交合一两队室枫桥經驗 ab。", min_size=1, max_size=10)


@settings(max_examples=150, deadline=None)
@given(
    before=st.dictionaries(st.integers(0, 4 * GROUP_IDS - 1), TEXTS, max_size=40),
    changes=st.dictionaries(
        st.integers(0, 3), st.dictionaries(st.integers(0, GROUP_IDS - 1), TEXTS, max_size=GROUP_IDS), max_size=4
    ),
)
def test_a_shard_patched_from_the_difference_equals_one_joined_from_every_group(
    before: dict[int, str], changes: dict[int, dict[int, str]]
) -> None:
    """Whatever groups change (texts added, removed, rewritten, a group emptied or filled), each shard
    patched from the old shard and the changed groups' old and new parts is the shard joined afresh."""
    shards = 4
    after = {i: t for i, t in before.items() if i // GROUP_IDS not in changes}
    for group, texts in changes.items():
        after.update((group * GROUP_IDS + offset, text) for offset, text in texts.items())

    def parts(texts: dict[int, str]) -> list[tuple[str, ...]]:
        return [
            group_postings(shards, tuple(sorted((i, t) for i, t in texts.items() if i // GROUP_IDS == g)))[0]
            for g in range(4)
        ]

    old, new = parts(before), parts(after)
    for k in range(shards):
        joined = shard_file(tuple(part[k] for part in new))
        pieces = [(range(g * GROUP_IDS, (g + 1) * GROUP_IDS), old[g][k], new[g][k]) for g in changes]
        assert patch_shard(shard_file(tuple(part[k] for part in old)), pieces) == joined


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="work is spread only over two cores or more")
def test_spread_work_does_not_run_the_callers_unguarded_script_again(tmp_path: Path) -> None:
    """A script calling the build with no `if __name__ == "__main__":` guard: the index's spawned workers
    must not run it again (each would build again, and wait on the build's lock for ever)."""
    script = tmp_path / "unguarded.py"
    ran = tmp_path / "ran"
    script.write_text(
        "from pathlib import Path\n"
        "from digest.publish.search import SPREAD_FROM, _spread, page_url\n"
        f"with open({str(ran)!r}, 'a') as log:\n"
        "    log.write('ran\\n')\n"
        "print(len(_spread(page_url, [('a/index.html',)] * (SPREAD_FROM * 2))))\n",
        encoding="utf-8",
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == str(SPREAD_FROM * 2)
    assert ran.read_text(encoding="utf-8") == "ran\n", "the script ran again in a worker"


def test_an_update_names_only_the_groups_its_edit_touched_when_the_last_build_saved_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "GROUP_BUCKETS", 1)  # a group a bucket: many groups, as a large site has
    site = indexed(tmp_path, "site", 40)
    groups = len(list((site / "search" / "zh" / "d").iterdir()))
    write(site, "reports/r3/index.html", "zh", "报告3", para("p3", "改写的一段：交所合一。", "Rewritten."))
    redone: dict[str, int] = {}
    memo = Memo(tmp_path / "cache.sqlite")
    build_index(site, memo, written={"reports/r3/index.html"}, counts=redone)
    memo.commit()
    memo.close()
    assert groups >= 16 and redone["groups named"] <= 4  # the old and new texts' groups, of three languages'
    clean = tmp_path / "clean"
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns("search"))
    build_index(clean)
    assert index_files(site / "search") == index_files(clean / "search")
    # a save cut short (made.json, written last, missing): nothing kept is taken as the last build's
    (tmp_path / "cache.sqlite.search" / "made.json").unlink()
    write(site, "reports/r4/index.html", "zh", "报告4", para("p4", "又一段：枫桥经验。", "Another."))
    redone = {}
    memo = Memo(tmp_path / "cache.sqlite")
    build_index(site, memo, written={"reports/r4/index.html"}, counts=redone)
    memo.close()
    assert redone["groups named"] > 3 * groups // 2  # every group of every language
    shutil.rmtree(clean)
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns("search"))
    build_index(clean)
    assert index_files(site / "search") == index_files(clean / "search")


POOL = [
    "派出所主防。",
    "两队一室，一室两队。",
    "枫桥经验",
    "交所合一。",
    "Police stations lead.",
    "One office.",
    "派出所",
]
PAGES = st.dictionaries(
    st.sampled_from([f"reports/r{n}/index.html" for n in range(5)] + ["themes/t/index.html"]),
    st.tuples(
        st.sampled_from(["zh", "en"]),
        st.sampled_from(["甲", "乙"]),
        st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.sampled_from(POOL)), max_size=5),
    ),
    max_size=6,
)


@settings(max_examples=40, deadline=None)
@given(sites=st.lists(PAGES, min_size=2, max_size=4))
def test_updates_after_any_edits_equal_a_clean_build(
    sites: list[dict[str, tuple[str, str, list[tuple[str, str]]]]],
) -> None:
    """Pages added, removed and rewritten (texts moved between pages and anchors, a title or a language
    changed, a text shared by pages): each update from what the last build kept equals a clean build."""
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "CHUNK_TEXTS", 1)  # a bucket a text and a group two buckets: several groups
        patch.setattr(search, "GROUP_BUCKETS", 2)
        patch.setattr(search, "SHARD_CHARS", 20)
        root = Path(folder)
        site, now = root / "site", {}
        for pages in sites:
            written = {rel for rel, page in pages.items() if now.get(rel) != page}
            for rel in now.keys() - pages.keys():
                (site / rel).unlink()
            for rel in written:
                lang, title, body = pages[rel]
                write(site, rel, lang, title, "".join(f'<p id="{pid}">{text}</p>' for pid, text in body))
            now = dict(pages)
            memo = Memo(root / "cache.sqlite")
            build_index(site, memo, written=written)
            memo.commit()
            memo.close()
            clean = root / "clean"
            shutil.rmtree(clean, ignore_errors=True)
            shutil.copytree(site, clean, ignore=shutil.ignore_patterns("search"))
            build_index(clean)
            assert index_files(site / "search") == index_files(clean / "search")
