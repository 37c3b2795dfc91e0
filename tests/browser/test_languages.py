"""Every page type, in Simplified and Traditional Chinese, says what it says in that language: any English
prose block is marked `lang="en"` (a translation, an English title or rendering quoted on purpose, a page
labelled English-only), pinyin is marked as romanised Chinese, and nothing English is left unmarked."""

from __future__ import annotations

import pytest

from .conftest import Watched

# Judged by each element's own text (its direct text nodes), so a Chinese label does not hide an English
# sentence beside it. Three English words outweighing the Han characters make an English block.
UNMARKED_ENGLISH = """() => {
  const englishOnlyPage = document.querySelector(".english-only") !== null;
  const found = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest("script, style, code, [hidden], .md-copyright, .md-search-result")) continue;
    if (englishOnlyPage && el.closest(".md-nav--secondary")) continue;  // the English page's own outline
    let own = "";
    for (const node of el.childNodes) if (node.nodeType === 3) own += node.textContent;
    const words = (own.match(/[A-Za-z]{2,}/g) || []).length;
    const latin = (own.match(/[A-Za-z]/g) || []).length;
    const han = (own.match(/[\\u3400-\\u9fff]/g) || []).length;
    if (words < 3 || han * 2 > latin) continue;
    const marked = el.closest("[lang]");
    const lang = marked ? marked.getAttribute("lang") : "";
    if (lang.startsWith("en") || lang.startsWith("zh-Latn")) continue;
    found.push(el.tagName.toLowerCase() + ": " + own.trim().slice(0, 80));
  }
  return found;
}"""

PAGES = [
    "",
    "reports/",
    "reports/gansu-fengqiao-2021/",
    "reports/xian-public-order-2023/",
    "themes/",
    "themes/station-reform/",
    "themes/outcomes/",
    "glossary/",
    "glossary/two-teams-one-office/",
    "glossary/two-establishes/",
    "about/methodology/",
    "about/downloads/",
    "translators/",
    "maintainers/",
    "architecture/",
    "errors/",
    "corpus-schema/",
    "benchmark/",
]


@pytest.mark.browser
@pytest.mark.parametrize("prefix", ["zh", "zh-Hant"])
def test_no_unmarked_english_on_chinese_pages(watched: Watched, base_url: str, prefix: str) -> None:
    page = watched.page
    unmarked: dict[str, list[str]] = {}
    for path in PAGES:
        page.goto(f"{base_url}/{prefix}/{path}")  # type: ignore[attr-defined]
        found = page.evaluate(UNMARKED_ENGLISH)  # type: ignore[attr-defined]
        if found:
            unmarked[path] = found
    assert unmarked == {}


@pytest.mark.browser
@pytest.mark.parametrize(("prefix", "note"), [("zh", "仅有英文版"), ("zh-Hant", "僅有英文版")])
def test_documentation_pages_say_in_chinese_that_they_are_english_only(
    watched: Watched, base_url: str, prefix: str, note: str
) -> None:
    page = watched.page
    for path in ("translators/", "maintainers/", "architecture/", "errors/"):
        page.goto(f"{base_url}/{prefix}/{path}")  # type: ignore[attr-defined]
        label = page.locator(".english-only")  # type: ignore[attr-defined]
        assert label.is_visible() and note in label.inner_text()
        assert page.locator("article h1").get_attribute("lang") == "en"  # type: ignore[attr-defined]
        menu = page.locator(".md-nav__link--active").first.inner_text()  # type: ignore[attr-defined]
        assert "（英文）" in menu


@pytest.mark.browser
def test_traditional_glossary_shows_its_chinese_definition_in_traditional(watched: Watched, base_url: str) -> None:
    page = watched.page
    page.goto(f"{base_url}/zh-Hant/glossary/two-teams-one-office/")  # type: ignore[attr-defined]
    definition = page.locator('#definition ~ p[lang="zh-Hant"]').first.inner_text()  # type: ignore[attr-defined]
    assert "派出所" in definition and "機制" in definition and "机制" not in definition
    page.goto(f"{base_url}/zh/glossary/two-teams-one-office/")  # type: ignore[attr-defined]
    definition = page.locator('#definition ~ p[lang="zh-Hans"]').first.inner_text()  # type: ignore[attr-defined]
    assert "机制" in definition


@pytest.mark.browser
def test_the_check_finds_an_unmarked_english_block(watched: Watched, base_url: str) -> None:
    page = watched.page
    page.goto(f"{base_url}/zh/themes/")  # type: ignore[attr-defined]
    page.evaluate(  # type: ignore[attr-defined]
        """() => { const p = document.createElement("p");
                   p.textContent = "How the police take part in governing villages";
                   document.querySelector("article").appendChild(p); }"""
    )
    assert page.evaluate(UNMARKED_ENGLISH) == ["p: How the police take part in governing villages"]  # type: ignore[attr-defined]
