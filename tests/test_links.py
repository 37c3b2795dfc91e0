"""Every internal link and anchor of the built site resolves, in all three languages; page roots are computed
from a page's own path."""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from digest.site.common import page_root

LANGUAGE_FOLDERS = ("", "zh/", "zh-Hant/")


@pytest.mark.parametrize(
    ("path", "root"),
    [
        ("index", ""),
        ("reports/index", "../"),
        ("reports/xian-public-order-2023", "../../"),
        ("glossary/fengqiao-index", "../../"),  # a slug ending in "index" is a page, not a folder's index
        ("glossary/index", "../"),
        ("about/index", "../"),
        ("about/methodology", "../../"),
        ("a/b/index", "../../"),
        ("index-of-things", "../"),
    ],
)
def test_page_root_counts_folders_from_the_page_path(path: str, root: str) -> None:
    assert page_root(path) == root


class _Page(HTMLParser):
    """The ids a page defines, the links it makes and the ids its ARIA attributes name."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.described: list[str] = []
        self.base: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "a" and found.get("name"):
            self.ids.add(str(found["name"]))
        if tag == "base" and found.get("href"):
            self.base = found["href"]
        for name in ("href", "src"):
            value = found.get(name)
            if value and not (tag == "link" and found.get("rel") in ("canonical", "alternate")):
                self.links.append(value)
        for name in ("aria-describedby", "aria-labelledby", "aria-controls"):
            if found.get(name):
                self.described += str(found[name]).split()


def _target(site: Path, url_path: str) -> Path:
    path = site / url_path.lstrip("/")
    return path / "index.html" if url_path.endswith("/") or path.is_dir() else path


def _parsed(path: Path, cache: dict[Path, _Page]) -> _Page:
    if path not in cache:
        parser = _Page()
        parser.feed(path.read_text(encoding="utf-8"))
        cache[path] = parser
    return cache[path]


def dead_links(site: Path) -> list[str]:
    """Every internal link (with its anchor) of every HTML page that points nowhere, as 'page: link (why)'."""
    problems: list[str] = []
    pages: dict[Path, _Page] = {}
    for html in sorted(site.rglob("*.html")):
        page = _parsed(html, pages)
        here = "/" + html.relative_to(site).as_posix()
        base = page.base or here
        for ref in page.described:
            if ref not in page.ids:
                problems.append(f"{here}: ARIA reference #{ref} names no element")
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("data:", "mailto:", "javascript:")):
                continue
            if not parts.path:
                target = html
            else:
                resolved = posixpath.normpath(posixpath.join(posixpath.dirname(base), unquote(parts.path)))
                resolved += "/" if parts.path.endswith("/") and resolved != "/" else ""
                target = _target(site, resolved)
            if not target.is_file():
                problems.append(f"{here}: {link} (no such file)")
                continue
            fragment = unquote(parts.fragment)
            if fragment and target.suffix == ".html" and fragment not in _parsed(target, pages).ids:
                problems.append(f"{here}: {link} (no anchor #{fragment})")
    return problems


def test_every_internal_link_and_anchor_resolves_in_every_language(built_project: Path) -> None:
    site = built_project / "build" / "site"
    for folder in LANGUAGE_FOLDERS:
        assert (site / folder / "index.html").is_file()
        assert (site / folder / "glossary" / "fengqiao-index" / "index.html").is_file()
    problems = dead_links(site)
    assert problems == [], f"{len(problems)} dead links, first: " + "\n".join(problems[:20])


def test_the_link_check_finds_dead_links_and_anchors(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "index.html").write_text('<p id="top"><a href="a/">ok</a> <a href="#top">ok</a> <a href="b/">dead</a></p>')
    (site / "a" / "index.html").write_text(
        '<a href="../#top">ok</a> <a href="../#gone">dead anchor</a> <a href="../../x/">outside</a>'
        ' <a href="https://example.org/">off-site</a> <span aria-describedby="note-x">term</span>'
    )
    assert dead_links(site) == [
        "/a/index.html: ARIA reference #note-x names no element",
        "/a/index.html: ../#gone (no anchor #gone)",
        "/a/index.html: ../../x/ (no such file)",
        "/index.html: b/ (no such file)",
    ]


def test_generated_pages_link_home_from_where_they_are_served(built_project: Path) -> None:
    """Every generated page's links to the language home, checked against where MkDocs serves the page."""
    pages = built_project / "build" / "pages"
    generated = [p.relative_to(pages).as_posix() for p in pages.rglob("*.md")]
    generated = [p for p in generated if p.endswith((".en.md", ".zh.md", ".zh-Hant.md"))]  # not hand-written docs
    assert len(generated) > 100
    for md in generated:
        stem, _lang, _ext = md.rsplit(".", 2)
        served = stem.removesuffix("index") if stem.split("/")[-1] == "index" else stem + "/"
        root = page_root(stem)
        assert posixpath.normpath(posixpath.join("/" + served, root)) == "/", (stem, root)
