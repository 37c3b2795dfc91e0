"""Search in a real browser, in all three languages: phrases, both scripts, counts, and what loads when."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import opencc
import pytest

from .conftest import Watched

pytestmark = pytest.mark.browser
LANGUAGES = {"": "en", "/zh": "zh", "/zh-Hant": "zh-Hant"}
PHRASES = ["交所合一", "两队一室", "枫桥经验", "派出所主防"]
QUERY_BYTES = 220_000  # 派出所 on the test site: ~140 KB by digest.publish.search.lookup, 300 KB the N = 1,000 target
_T2S = opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    return _T2S.convert(text).lower()


def open_search(watched: Watched, base_url: str, prefix: str, query: str) -> int:
    """Open search with its keyboard shortcut, type the query, wait for the count; return the count."""
    page = watched.page
    page.goto(base_url + prefix + "/")
    page.wait_for_load_state("load")
    page.keyboard.press("/")
    box = page.locator("input.md-search__input")
    assert box.evaluate("e => e === document.activeElement"), "the / shortcut focuses the search box"
    box.fill(query)
    page.wait_for_function(
        "() => /\\d/.test(document.querySelector('.md-search-result__meta').textContent)"
        " || document.querySelector('.md-search-result__item')",
        timeout=15000,
    )
    page.wait_for_timeout(300)
    meta = page.locator(".md-search-result__meta").inner_text()
    numbers = re.findall(r"\d+", meta)
    if numbers and int(numbers[0]):
        # the count is shown once the postings are in; the results, once their chunks are (later, on a busy
        # machine): wait for them, or a caller reading the list finds it empty
        page.wait_for_selector(".md-search-result__item", timeout=15000)
    return int(numbers[0]) if numbers else (1 if page.locator(".md-search-result__item").count() else 0)


def expand_places(watched: Watched) -> int:
    """Open every result's list of further places; return how many places they add in all."""
    return int(
        watched.page.evaluate(
            """() => [...document.querySelectorAll('details.md-search-result__more')].reduce((n, d) => {
                d.open = true;
                return n + Number(d.querySelector('summary').textContent.match(/\\d+/)[0]);
            }, 0)"""
        )
    )


def all_results(watched: Watched) -> list[tuple[list[str], str]]:
    """Scroll the result list to its end; each result's links (every place its text stands) and text."""
    page = watched.page
    last, still = -1, 0
    for _ in range(600):
        count = page.locator(".md-search-result__item").count()
        still = still + 1 if count == last else 0
        if still == 3:
            break
        last = count
        page.evaluate(
            "() => { const s = document.querySelector('.md-search__scrollwrap'); s.scrollTop = s.scrollHeight; }"
        )
        page.wait_for_timeout(150)
    opened = expand_places(watched)
    page.wait_for_function(
        "n => document.querySelectorAll('details.md-search-result__more[open] a').length >= n", arg=opened
    )
    return page.locator(".md-search-result__item").evaluate_all(
        "els => els.map(e => [[...e.querySelectorAll('a')].map(a => a.href), e.querySelector('p').textContent])"
    )


@pytest.mark.parametrize("prefix", list(LANGUAGES))
@pytest.mark.parametrize("phrase", PHRASES)
def test_a_phrase_finds_a_paragraph_holding_it_first(watched: Watched, base_url: str, prefix: str, phrase: str) -> None:
    count = open_search(watched, base_url, prefix, phrase)
    assert count > 0
    first = watched.page.locator(".md-search-result__item a").first
    href = first.get_attribute("href") or ""
    text = first.locator("p").inner_text()
    assert phrase in simplified(text), text
    assert "#" in href and href.startswith(base_url + prefix + "/"), href
    assert first.locator("mark").count() >= 1
    watched.page.goto(href)
    anchor = href.split("#", 1)[1]
    assert watched.page.locator(f'[id="{anchor}"]').count() == 1
    marks = watched.page.locator("article mark[data-md-highlight]")
    marks.first.wait_for(timeout=10000)
    assert simplified(marks.first.inner_text()) == phrase
    target = watched.page.locator(f'[id="{anchor}"]')
    if target.evaluate("e => !/^H[1-6]$/.test(e.tagName)"):
        assert phrase in simplified(target.inner_text())


def _pages_containing(site: Path, prefix: str, word: str) -> set[str]:
    lang = LANGUAGES[prefix]
    found = set()
    for path in site.rglob("*.html"):
        rel = path.relative_to(site).as_posix()
        if rel.endswith("404.html"):
            continue
        tree = lxml.html.fromstring(path.read_bytes())
        if tree.get("lang") != lang:
            continue
        for article in tree.xpath('//article[contains(@class, "md-content__inner")]'):
            for junk in article.xpath('.//*[contains(@class, "headerlink") or contains(@class, "para-meta")]'):
                junk.drop_tree()
            if word in simplified(article.text_content()):
                found.add("/" + rel.removesuffix("index.html"))
    return found


@pytest.mark.parametrize("prefix", list(LANGUAGES))
def test_a_common_word_finds_every_page_holding_it_and_the_count_is_true(
    watched: Watched, base_url: str, site: Path, prefix: str
) -> None:
    count = open_search(watched, base_url, prefix, "派出所")
    results = all_results(watched)
    assert len(results) == count
    for hrefs, text in results:
        for href in hrefs:
            assert href.startswith(base_url + prefix + "/"), href  # only the page's language
        assert "派出所" in simplified(text)
    pages = {href.removeprefix(base_url).split("?")[0].split("#")[0] for hrefs, _ in results for href in hrefs}
    assert pages == _pages_containing(site, prefix, "派出所")
    assert any("/reports/" in page for page in pages)


@pytest.mark.parametrize(
    ("prefix", "query", "found"), [("/zh", "楓橋經驗", "枫桥经验"), ("/zh-Hant", "枫桥经验", "楓橋經驗")]
)
def test_either_script_finds_the_other(watched: Watched, base_url: str, prefix: str, query: str, found: str) -> None:
    assert open_search(watched, base_url, prefix, query) > 0
    texts = watched.page.locator(".md-search-result__item p").all_inner_texts()
    assert any(found in text for text in texts), texts[:5]


@pytest.mark.parametrize("prefix", list(LANGUAGES))
def test_an_english_phrase_finds_english_text(watched: Watched, base_url: str, prefix: str) -> None:
    assert open_search(watched, base_url, prefix, "Fengqiao Experience") > 0
    first = watched.page.locator(".md-search-result__item p").first.inner_text()
    assert "fengqiao experience" in first.lower(), first


def test_a_report_paragraph_ranks_with_the_glossary(watched: Watched, base_url: str) -> None:
    open_search(watched, base_url, "/zh", "派出所")
    hrefs = watched.page.locator(".md-search-result__item").evaluate_all(
        "els => els.slice(0, 10).map(e => e.querySelector('a').href)"
    )
    assert any("/reports/" in href for href in hrefs), hrefs


def test_no_search_bytes_before_search_opens(watched: Watched, base_url: str) -> None:
    page = watched.page
    requests: list[str] = []
    sizes: list[int] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("response", lambda r: sizes.append(len(r.body())) if "/search/" in r.url else None)
    page.goto(base_url + "/zh/reports/xian-public-order-2023/")
    page.wait_for_load_state("networkidle")
    assert not [url for url in requests if "/search/" in url or "digest-search" in url]
    box = page.locator("input.md-search__input")
    box.click()
    box.fill("派出所")
    page.wait_for_selector(".md-search-result__item")
    page.wait_for_load_state("networkidle")
    assert [url for url in requests if "/search/zh/" in url]
    assert not [url for url in requests if "/search/en/" in url or "/search/zh-Hant/" in url]
    # what one query costs at the test site's scale (docs/benchmark.md has the figures at N = 1,000)
    assert 0 < sum(sizes) < QUERY_BYTES, sum(sizes)
    assert not [url for url in requests if "/search/zh/p/" in url]


@pytest.mark.parametrize("prefix", list(LANGUAGES))
def test_further_places_load_when_opened_from_the_keyboard(watched: Watched, base_url: str, prefix: str) -> None:
    """A text that stands in many places lists its first few; the rest are fetched only when the reader
    opens "n more places", which the arrow keys reach and Enter opens; then the arrows go on into them."""
    page = watched.page
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    open_search(watched, base_url, prefix, "派出所")
    more = page.locator("details.md-search-result__more").first
    for _ in range(60):  # scroll until a result with further places is drawn
        if more.count():
            break
        page.evaluate(
            "() => { const s = document.querySelector('.md-search__scrollwrap'); s.scrollTop = s.scrollHeight; }"
        )
        page.wait_for_timeout(150)
    assert more.count(), "some text of the test site stands in more places than a result lists"
    assert not [url for url in requests if "/p/" in url], "no place list is fetched before it is opened"
    label = more.locator("summary").inner_text()
    assert {"": "more places", "/zh": "处", "/zh-Hant": "處"}[prefix] in label, label  # in the page's language
    extra = int(re.findall(r"\d+", label)[0])
    item = more.locator("xpath=ancestor::li[1]")
    shown = item.locator(":scope > a").count()
    page.locator("input.md-search__input").focus()
    summary = more.locator("summary")
    for _ in range(200):  # the arrow keys walk the results' links down to the summary
        page.keyboard.press("ArrowDown")
        if summary.evaluate("e => e === document.activeElement"):
            break
    assert summary.evaluate("e => e === document.activeElement"), "the summary is reachable by keyboard"
    page.keyboard.press("Enter")
    page.wait_for_function("d => d.querySelectorAll('a').length > 0", arg=more.element_handle())
    assert [url for url in requests if "/p/" in url]
    assert more.locator("a").count() == extra
    assert item.locator("a").count() == shown + extra
    page.keyboard.press("ArrowDown")
    assert more.locator("a").first.evaluate("e => e === document.activeElement")
    href = more.locator("a").first.get_attribute("href") or ""
    assert href.startswith(base_url + prefix + "/") and "#" in href
    assert not watched.problems, watched.problems
