"""Hostile text through every input that reaches a page: the built site must show it as text, never as markup.

One build of a project copy whose sidecars, glossary, report and interface catalogs, content articles,
themes, measures and a hand-written page all carry the same payload; the built HTML is parsed and no
element or attribute may come from it, while the payload must be visible as text (so the test can fail).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import lxml.etree
import lxml.html
import pytest
import yaml

from digest.build import build
from digest.project import Project

MARK = "zqxprobe"
PAYLOAD = (
    f"</title></textarea></style><script>{MARK}()</script><{MARK}-el {MARK}-attr=1 onclick={MARK}()>"
    f"<img src=x onerror={MARK}()><svg onload={MARK}()>\"' &amp; {{{{ 7*7 }}}} "
    f"[link](javascript:{MARK}()) ]]> --> {MARK}"
)
# Markdown and template syntax that would become markup if the text reached Python-Markdown or Jinja2 raw.
MARKDOWN = " ".join(
    (
        "<script>alert('x')</script>",
        "<img src=x onerror=alert(1)>",
        "[link](javascript:alert(1))",
        "{{ 7*7 }}{% raw %}",
        '!!! danger "admonition"',
        '{: onclick="alert(1)" }',
        '<div markdown="1">**html block**</div>',
    )
)
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
EVENT_ATTRIBUTE = re.compile(r"^on[a-z]+$")


def _yaml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _poison_yaml_field(path: Path, pattern: str, replacement: str) -> None:
    text = path.read_text(encoding="utf-8")
    new, count = re.subn(pattern, replacement, text, count=1, flags=re.MULTILINE)
    assert count == 1, f"setup: {pattern!r} not in {path}"
    path.write_text(new, encoding="utf-8")


def _poison(project: Path) -> None:
    quoted = _yaml_str(PAYLOAD)
    sidecar = project / "source_texts" / "003_cacb8ca68be18fb9.yml"
    data = yaml.safe_load(sidecar.read_text(encoding="utf-8"))
    for lang in ("en", "zh-Hans", "zh-Hant"):
        data["title"][lang] = f"{PAYLOAD} {lang} {data['title'][lang]}"
        data["publisher"][lang] = PAYLOAD
        data["region"]["city"][lang] = f"{PAYLOAD} city"
    data["notes"] = f"{PAYLOAD} {MARKDOWN} {data['notes']}"
    sidecar.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    raw = project / "source_texts" / "003_cacb8ca68be18fb9.txt"
    raw.write_bytes(raw.read_bytes() + "西安市公安局\u202e。局安公市安西\u202c再次强调\u2067甲\u2069。\n".encode())
    raw.write_bytes(raw.read_bytes() + f"\n西安市公安局称：{MARKDOWN}。\n".encode())
    entry = project / "glossary" / "two-cards.yml"
    entry.write_text(
        entry.read_text(encoding="utf-8").replace("  en: >-\n", f"  en: >-\n    {MARKDOWN.replace(':', '：')}\n", 1),
        encoding="utf-8",
    )
    catalog = project / "translations" / "en" / "gansu-fengqiao-2021.po"
    escaped = MARKDOWN.replace("\\", "\\\\").replace('"', '\\"')
    _poison_yaml_field(catalog, r'^msgstr "On 7 May 2019', f'msgstr "{escaped} On 7 May 2019')

    entry = project / "glossary" / "actual-population.yml"
    gloss = yaml.safe_load(entry.read_text(encoding="utf-8"))
    gloss["en"]["preferred"] = f"actual population {PAYLOAD}"
    gloss["en"]["admitted"] = [*gloss["en"]["admitted"], PAYLOAD]
    gloss["definition"]["en"] = PAYLOAD
    gloss["equivalenceNote"] = PAYLOAD
    entry.write_text(yaml.safe_dump(gloss, allow_unicode=True, sort_keys=False), encoding="utf-8")

    catalog = project / "translations" / "en" / "xian-prevention-control-2021.po"
    po_payload = PAYLOAD.replace("\\", "\\\\").replace('"', '\\"')
    _poison_yaml_field(catalog, r'^msgstr "Filtering out hidden dangers ring by ring"$', f'msgstr "{po_payload}"')
    for folder in ("zh_Hans", "zh_Hant"):
        ui = project / "locales" / folder / "LC_MESSAGES" / "messages.po"
        text = ui.read_text(encoding="utf-8")
        text, count = re.subn(r'^msgstr "([^"%]+)"$', f'msgstr "{po_payload}"', text, count=3, flags=re.MULTILINE)
        assert count == 3
        ui.write_text(text, encoding="utf-8")

    for article in ("abstracts/xian-prevention-control-2021.en.md", "themes/crackdowns.zh-Hans.md"):
        path = project / "content" / article
        path.write_text(path.read_text(encoding="utf-8") + f"\n\n{PAYLOAD}\n", encoding="utf-8")

    _poison_yaml_field(project / "data" / "themes.yml", r"name: \{en: Crackdowns on crime,", f"name: {{en: {quoted},")
    _poison_yaml_field(project / "data" / "themes.yml", r"Campaigns and operations", f"Campaigns {PAYLOAD} and")
    _poison_yaml_field(
        project / "data" / "measures.yml",
        r'name: \{en: "Community police officers as a share of police-station strength"',
        f"name: {{en: {quoted}",
    )
    docs = project / "docs" / "translators.md"
    docs.write_text(
        f"---\ntitle: {quoted}\ndescription: {quoted}\n---\n\n" + docs.read_text(encoding="utf-8"), encoding="utf-8"
    )


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import copy_project

    project = copy_project(tmp_path_factory.mktemp("hostile"))
    _poison(project)
    build(Project(project))
    return project / "build" / "site"


def _from_input(element: lxml.etree._Element) -> list[str]:
    found = []
    tag = element.tag if isinstance(element.tag, str) else ""
    if MARK in tag:
        found.append(f"element <{tag}>")
    if tag == "script" and MARK in (element.text or ""):
        found.append("a script running input")
    if tag == "img" and element.get("src") == "x":
        found.append("<img src=x>")
    for name, value in element.attrib.items():
        if MARK in name or (EVENT_ATTRIBUTE.match(name) and MARK in value):
            found.append(f"attribute {name}")
        if name in ("href", "src") and value.strip().lower().startswith("javascript:"):
            found.append(f"{name}={value}")
    return found


def test_no_element_or_attribute_comes_from_input(hostile_site: Path) -> None:
    injected: list[str] = []
    shown = 0
    for page in sorted(hostile_site.rglob("*.html")):
        doc = lxml.html.fromstring(page.read_bytes())
        for element in doc.iter():
            injected += [f"{page.relative_to(hostile_site)}: {what}" for what in _from_input(element)]
        title = doc.find(".//title")
        if title is not None and PAYLOAD.split(" {{")[0][:40] in title.text_content():
            shown += 1
        if BIDI.search(page.read_text(encoding="utf-8")):
            injected.append(f"{page.relative_to(hostile_site)}: a bidi control")
    assert not injected, "\n".join(injected[:20])
    assert shown >= 3, "the payload should be visible, as text, in page titles"


@pytest.mark.parametrize(
    ("page", "where"),
    [
        ("reports/xian-prevention-control-2021/index.html", "//title"),
        ("reports/xian-prevention-control-2021/index.html", "//h1"),
        ("zh/reports/xian-prevention-control-2021/index.html", "//title"),
        ("zh-Hant/reports/xian-prevention-control-2021/index.html", "//title"),
        ("reports/xian-prevention-control-2021/index.html", "//nav"),
        ("glossary/index.html", "//article"),
        ("themes/crackdowns/index.html", "//title"),
        ("zh/themes/crackdowns/index.html", "//article"),
        ("themes/station-reform/index.html", "//article"),
        ("translators/index.html", "//header"),
        ("translators/index.html", "//meta[@name='description']/@content"),
        ("zh/index.html", "//body"),
    ],
)
def test_payload_shows_as_text_at_each_sink(hostile_site: Path, page: str, where: str) -> None:
    path = hostile_site / page
    doc = lxml.html.fromstring(path.read_bytes())
    found = doc.xpath(where)
    text = " ".join(f if isinstance(f, str) else f.text_content() for f in found)
    assert f"<script>{MARK}()</script>" in text, f"{page} {where}: the payload is not shown as text"
    assert "{{ 7*7 }}" in text, f"{page} {where}: template syntax in the input was run or altered"


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    return [s for item in value for s in _strings(item)] if isinstance(value, list) else []


def test_downloads_carry_the_payload_as_data(hostile_site: Path) -> None:
    corpus = json.loads((hostile_site / "downloads" / "corpus.json").read_text(encoding="utf-8"))
    assert any(PAYLOAD in text for text in _strings(corpus))
    tbx = lxml.etree.fromstring((hostile_site / "downloads" / "glossary.tbx").read_bytes())
    assert not [e for e in tbx.iter() if isinstance(e.tag, str) and MARK in e.tag]
    assert any(PAYLOAD in (e.text or "") for e in tbx.iter())
    rows = list(csv.DictReader(io.StringIO((hostile_site / "downloads" / "glossary.csv").read_text(encoding="utf-8"))))
    assert any(PAYLOAD in value for row in rows for value in row.values())


@pytest.mark.parametrize(
    "page",
    [
        "reports/xian-prevention-control-2021/index.html",  # the raw report
        "glossary/two-cards/index.html",  # a glossary definition
        "reports/gansu-fengqiao-2021/index.html",  # an English translation
    ],
)
def test_markdown_and_template_syntax_appear_as_literal_text(hostile_site: Path, page: str) -> None:
    tree = lxml.html.fromstring((hostile_site / page).read_bytes())
    main = tree.xpath("//article")[0]
    assert "<script>alert('x')</script>" in main.text_content()
    assert not [s for s in tree.xpath("//script") if "alert" in (s.text or "")]
    assert not tree.xpath("//*[@onerror] | //*[@onclick]")
    assert not [a for a in tree.xpath("//a[@href]") if a.get("href").strip().lower().startswith("javascript:")]
    assert "49" not in re.findall(r"\b49\b", main.text_content()) or "{{ 7*7 }}" in main.text_content()
    assert not tree.xpath("//div[contains(@class, 'admonition')]")
    assert not tree.xpath("//article//strong[text()='html block']")
