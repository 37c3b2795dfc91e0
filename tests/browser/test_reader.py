"""The reader's site on any screen and for every reader: no sideways scroll, term notes by touch and keyboard,
accessibility (axe-core), 404 pages served from anywhere, the language switcher, the glossary filter."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.base import AXE_SCRIPT

from .conftest import SHOTS, Watched

pytestmark = pytest.mark.browser

LANGUAGES = ("", "/zh", "/zh-Hant")
# One page of each type (the generated ones, a hand-written one and the 404), sampled rather than crawled.
PAGE_TYPES = {
    "home": "/",
    "reports": "/reports/",
    "report": "/reports/xian-public-order-2023/",
    "themes": "/themes/",
    "theme": "/themes/station-reform/",
    "glossary": "/glossary/",
    "entry": "/glossary/fengqiao-index/",
    "about": "/about/",
    "methodology": "/about/methodology/",
    "downloads": "/about/downloads/",
    "handwritten": "/translators/",
    "404": "/404.html",
}
# axe-core takes seconds a page on this machine, growing with the page: the same types, at their smallest.
AXE_PAGES = {
    **PAGE_TYPES,
    "report": "/reports/xian-prevention-control-2021/",
    "theme": "/themes/major-events/",  # it has a chart
}
WIDTHS = (1280, 768, 390, 320)
REPORT = PAGE_TYPES["report"]
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _settled(page: Any) -> None:
    """Wait until layout has settled after a resize (Material animates its drawer and tabs)."""
    page.wait_for_timeout(150)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def _no_sideways_scroll(watched: Watched, kind: str, prefix: str) -> None:
    page = watched.page
    overflow = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        _settled(page)
        overflow[width] = page.evaluate(OVERFLOW)
        if width == 390:
            watched.shot(f"phone-{kind}-{prefix.strip('/') or 'en'}")
    assert overflow == dict.fromkeys(WIDTHS, 0), "no sideways scroll at any width"


def _axe(page: Any) -> list[str]:
    page.evaluate(AXE_SCRIPT)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {node['target']} {node['failureSummary'].splitlines()[-1].strip()}"
        for v in result["violations"]
        for node in v["nodes"]
    ]


def _axe_finds_no_violation(watched: Watched, kind: str) -> None:
    page = watched.page
    if kind == "glossary":  # its filter in use, which also leaves axe fewer rows to check (hidden ones are skipped)
        theme = page.locator('select[data-filter="theme"] option').nth(1).get_attribute("value")
        page.select_option('select[data-filter="theme"]', theme)
    _settled(page)
    assert _axe(page) == []


@pytest.mark.parametrize("prefix", LANGUAGES)
@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_no_sideways_scroll_at_any_width_and_axe_finds_no_violation(
    watched: Watched, base_url: str, kind: str, prefix: str
) -> None:
    """Each page type at each width, then axe-core at the desktop width, on one load of the page where axe
    checks the same page; on its own load where axe checks the type's smallest page."""
    page = watched.page
    page.goto(base_url + prefix + PAGE_TYPES[kind])
    _no_sideways_scroll(watched, kind, prefix)
    page.set_viewport_size({"width": 1280, "height": 900})  # the `watched` page's own size
    if AXE_PAGES[kind] != PAGE_TYPES[kind]:
        page.goto(base_url + prefix + AXE_PAGES[kind])
    _axe_finds_no_violation(watched, kind)


def test_axe_finds_no_violation_on_a_phone(browser: Any, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    problems = []
    for path in ("/zh-Hant/", "/zh" + AXE_PAGES["theme"]):
        page.goto(base_url + path)
        _settled(page)
        problems += [f"{path}: {p}" for p in _axe(page)]
    context.close()
    assert problems == []


def _note(term: Any) -> list[str]:
    return term.evaluate("e => { const s = getComputedStyle(e, '::after'); return [s.display, s.content]; }")


@pytest.fixture
def phone(browser: Any, base_url: str) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 320, "height": 700}, has_touch=True, is_mobile=True)
    view = Watched(context.new_page(), base_url)
    yield view
    context.close()
    assert view.problems == []


def test_a_tap_shows_a_term_note_and_a_tap_elsewhere_hides_it(phone: Watched, base_url: str) -> None:
    page = phone.page
    page.goto(base_url + "/zh" + REPORT)
    term = page.locator('a.term[href*="two-teams-one-office"]').first
    term.scroll_into_view_if_needed()
    assert _note(term)[0] == "none"
    term.tap()
    page.wait_for_timeout(100)
    shown = _note(term)
    phone.shot("term-note-tap")
    assert page.url.endswith("/zh" + REPORT), "the first tap shows the note, it does not follow the link"
    assert shown[0] == "block"
    assert "two teams, one office" in shown[1] and "liǎng duì yī shì" in shown[1]
    assert page.evaluate(OVERFLOW) == 0, "an open note never widens the page"
    page.locator("h1").first.tap()
    page.wait_for_timeout(100)
    assert _note(term)[0] == "none"
    term.tap()
    term.tap()
    page.wait_for_url("**/glossary/two-teams-one-office/")


def test_notes_near_the_right_edge_stay_on_screen(phone: Watched, base_url: str) -> None:
    page = phone.page
    page.goto(base_url + "/zh" + REPORT)
    width = page.evaluate("document.documentElement.clientWidth")
    terms = page.locator(".parallel .zh a.term")
    checked = 0
    for index in range(min(terms.count(), 40)):
        term = terms.nth(index)
        box = term.bounding_box()
        if box is None or box["x"] < width / 2:
            continue
        term.scroll_into_view_if_needed()
        term.tap()
        page.wait_for_timeout(50)
        assert page.evaluate(OVERFLOW) == 0
        right = term.evaluate(
            "e => { const s = getComputedStyle(e, '::after'); const r = e.getClientRects()[0];"
            " return s.right === 'auto' ? r.left + parseFloat(s.width) : r.right; }"
        )
        assert right <= width + 1
        page.locator("h1").first.tap()
        checked += 1
    assert checked >= 3


def test_keyboard_focus_shows_a_term_note_and_screen_readers_get_it(watched: Watched, base_url: str) -> None:
    page = watched.page
    page.goto(base_url + "/zh-Hant" + REPORT)
    term = page.locator('a.term[href*="two-teams-one-office"]').first
    term.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert term.evaluate("e => e === document.activeElement")
    shown = _note(term)
    watched.shot("term-note-focus")
    assert shown[0] == "block" and "two teams, one office" in shown[1]
    described = term.evaluate("e => document.getElementById(e.getAttribute('aria-describedby')).textContent")
    assert "two teams, one office" in described and "liǎng duì yī shì" in described
    page.keyboard.press("Tab")
    assert _note(term)[0] == "none"


def test_the_switcher_marks_the_current_language(watched: Watched, base_url: str) -> None:
    page = watched.page
    for prefix, name in (("", "English"), ("/zh", "简体中文"), ("/zh-Hant", "繁體中文")):
        page.goto(base_url + prefix + REPORT)
        current = page.locator('.md-select__link[aria-current="true"]')
        assert current.count() == 1
        assert current.inner_text().strip() == name
        assert "✓" in current.evaluate("e => getComputedStyle(e, '::before').content")


def test_glossary_filter_counts_and_says_when_nothing_matches(watched: Watched, base_url: str) -> None:
    page = watched.page
    page.goto(base_url + "/zh-Hant/glossary/")
    count = page.locator(".glossary-count")
    total = page.locator(".glossary-table tbody tr").count()
    assert count.inner_text() == f"顯示 {total} 筆，共 {total} 筆。"
    themes = page.locator('select[data-filter="theme"] option').evaluate_all("os => os.map(o => o.value)")
    statuses = page.locator('select[data-filter="status"] option').evaluate_all("os => os.map(o => o.value)")
    page.select_option('select[data-filter="theme"]', themes[1])
    shown = page.locator(".glossary-table tbody tr:not([hidden])").count()
    assert 0 < shown < total
    assert count.inner_text() == f"顯示 {shown} 筆，共 {total} 筆。"
    empty = None
    for theme in themes[1:]:
        for status in statuses[1:]:
            page.select_option('select[data-filter="theme"]', theme)
            page.select_option('select[data-filter="status"]', status)
            if page.locator(".glossary-table tbody tr:not([hidden])").count() == 0:
                empty = (theme, status)
                break
        if empty:
            break
    assert empty, "some theme and status have no entry in common"
    assert page.locator(".glossary-empty").is_visible()
    assert not page.locator(".glossary-table").is_visible()
    assert count.inner_text() == f"顯示 0 筆，共 {total} 筆。"
    watched.shot("glossary-filter-empty")
    page.select_option('select[data-filter="status"]', "")
    assert not page.locator(".glossary-empty").is_visible()


class _SubFolder(http.server.SimpleHTTPRequestHandler):
    """The site served under /digest/, with each language's 404 page for a missing address, as a web server
    configured by the maintainers' guide does."""

    site: Path
    mount = "/digest/"

    def log_message(self, *_: object) -> None:
        pass

    def translate_path(self, path: str) -> str:
        path = path.split("?")[0].split("#")[0]
        inside = path[len(self.mount) :] if path.startswith(self.mount) else "no-such-folder/"
        return str(self.site / inside)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code != 404:
            super().send_error(code, message, explain)
            return
        inside = self.path[len(self.mount) :] if self.path.startswith(self.mount) else ""
        language = next((code for code in ("zh-Hant", "zh") if inside.startswith(code + "/")), "")
        body = (self.site / language / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@pytest.fixture(scope="module")
def sub_folder_url(site: Path) -> Iterator[str]:
    handler = type("Handler", (_SubFolder,), {"site": site})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/digest/"
    server.shutdown()


@pytest.mark.parametrize(
    ("missing", "heading", "current"),
    [
        ("no/such/page/", "Page not found", "English"),
        ("zh/reports/no-such-report/", "页面不存在", "简体中文"),
        ("zh-Hant/glossary/a/b/c", "頁面不存在", "繁體中文"),
    ],
)
def test_404_pages_work_in_a_sub_folder_at_any_depth(
    browser: Any, sub_folder_url: str, missing: str, heading: str, current: str
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(sub_folder_url + missing)
    page.wait_for_load_state("networkidle")
    styled = page.evaluate("getComputedStyle(document.querySelector('.md-header')).position")
    title = page.locator("h1").first.inner_text()
    links = page.locator(".md-select__link").evaluate_all(
        "els => els.map(e => [e.textContent.trim(), e.href, e.getAttribute('aria-current')])"
    )
    home = page.locator(".md-content a").first.get_attribute("href")
    page.screenshot(path=str(SHOTS / f"404-{current}.png"))
    page.locator(".md-content a").first.click()
    page.wait_for_load_state()
    landed = page.url
    context.close()
    assert styled == "sticky", "Material's stylesheet loaded"
    assert heading in title
    assert links == [
        ["English", sub_folder_url, "true" if current == "English" else None],
        ["简体中文", sub_folder_url + "zh/", "true" if current == "简体中文" else None],
        ["繁體中文", sub_folder_url + "zh-Hant/", "true" if current == "繁體中文" else None],
    ]
    assert home
    homes = {"English": sub_folder_url, "简体中文": sub_folder_url + "zh/", "繁體中文": sub_folder_url + "zh-Hant/"}
    assert landed == homes[current]


def test_charts_are_groups_whose_bars_are_reachable_links(watched: Watched, base_url: str) -> None:
    page = watched.page
    page.goto(base_url + "/zh/themes/station-reform/")
    assert page.locator('svg.chart[role="img"]').count() == 0
    bar = page.locator("svg.chart a").first
    name = bar.get_attribute("aria-label")
    assert name and "¶" in name
    bar.focus()
    assert bar.evaluate("e => e === document.activeElement")
