"""What a reader does on the built site, in a real browser."""

from __future__ import annotations

import pytest

from .conftest import Watched

pytestmark = pytest.mark.browser
REPORT = "/reports/xian-public-order-2023/"


def test_language_switch_keeps_the_page(watched: Watched, base_url: str) -> None:
    page = watched.page
    page.goto(base_url + REPORT)
    page.locator(".md-header__option .md-select").first.hover()
    page.get_by_role("link", name="简体中文").click()
    page.wait_for_load_state()
    assert page.url.endswith("/zh" + REPORT)
    assert page.locator("h1").first.inner_text().startswith("全力护航经济社会高质量发展")
    watched.shot("language-switch-zh")
    page.locator(".md-header__option .md-select").first.hover()
    page.get_by_role("link", name="繁體中文").click()
    page.wait_for_load_state()
    assert page.url.endswith("/zh-Hant" + REPORT)
    assert "全力護航經濟社會高質量發展" in page.locator("h1").first.inner_text()


def test_glossary_tooltip_on_hover(watched: Watched, base_url: str) -> None:
    page = watched.page
    page.goto(base_url + REPORT)
    term = page.locator('a.term[href*="two-teams-one-office"]').first
    term.scroll_into_view_if_needed()
    hidden = term.evaluate("e => getComputedStyle(e, '::after').display")
    term.hover()
    page.wait_for_timeout(250)
    style = term.evaluate("e => { const s = getComputedStyle(e, '::after'); return [s.display, s.content]; }")
    watched.shot("tooltip")
    assert hidden == "none"  # not laid out at all: a hidden box would still widen the page
    assert style[0] == "block"
    assert "two teams, one office" in style[1] and "liǎng duì yī shì" in style[1]


def test_theme_page_shows_every_region_with_the_theme(watched: Watched, base_url: str) -> None:
    page = watched.page
    page.goto(base_url + "/themes/station-reform/")
    regions = page.locator(".region-column").evaluate_all("els => els.map(e => e.dataset.region)")
    watched.shot("theme-station-reform")
    assert sorted(regions) == ["Gansu", "Shangluo", "Shaoxing", "Xi'an"]
    assert page.locator(".region-column .parallel").count() >= 8
    assert page.locator("svg.chart").count() >= 1


def test_paragraph_permalink_scrolls_to_it(watched: Watched, base_url: str) -> None:
    page = watched.page
    target = "djzz-jhsh-p2"
    page.goto(f"{base_url}{REPORT}#{target}")
    page.wait_for_timeout(300)
    box = page.locator(f"#{target}").bounding_box()
    watched.shot("permalink")
    assert box is not None and 0 <= box["y"] < 450
    href = page.locator(f"#{target} a.permalink").get_attribute("href")
    assert href == f"#{target}"


def test_phone_viewport_stacks_the_parallel_view(browser: object, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)  # type: ignore[attr-defined]
    page = context.new_page()
    view = Watched(page, base_url)
    page.goto(base_url + "/zh" + REPORT + "#qfqz-gjgx-p1")
    zh = page.locator("#qfqz-gjgx-p1 .zh").bounding_box()
    en = page.locator("#qfqz-gjgx-p1 .en").bounding_box()
    view.shot("phone-stacked")
    context.close()
    assert zh is not None and en is not None
    assert en["y"] >= zh["y"] + zh["height"] - 1
    assert abs(en["x"] - zh["x"]) < 2
    assert view.problems == []


def test_desktop_parallel_view_is_side_by_side(watched: Watched, base_url: str) -> None:
    page = watched.page
    page.goto(base_url + REPORT)
    zh = page.locator("#qfqz-gjgx-p1 .zh").bounding_box()
    en = page.locator("#qfqz-gjgx-p1 .en").bounding_box()
    assert zh is not None and en is not None
    assert en["x"] > zh["x"] + zh["width"] - 1
    assert abs(en["y"] - zh["y"]) < 5


def test_each_language_has_its_own_404(watched: Watched, base_url: str) -> None:
    page = watched.page
    for prefix, heading in (("", "Page not found"), ("/zh", "页面不存在"), ("/zh-Hant", "頁面不存在")):
        page.goto(f"{base_url}{prefix}/404.html")
        assert heading in page.locator("h1").first.inner_text()
