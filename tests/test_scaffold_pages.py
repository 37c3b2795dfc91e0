"""`digest new-report` on every whole page the project has hand-checked (the unseen pages, the new site and
the walk-through's example): its title, date and province are what the checked sidecar says."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import digest
from digest.normalize.steps import chrome_rules
from digest.scaffold import scaffold

ROOT = Path(__file__).resolve().parents[1]
TABLE = yaml.safe_load((ROOT / "tests" / "cases" / "scaffold-pages.yml").read_text(encoding="utf-8"))
CHROME = chrome_rules(ROOT / "data" / "chrome.yml")


def checked(page: Path) -> dict[str, Any]:
    """Title (the headline, without a subtitle), date and province: the sidecar's, then the table's."""
    sidecar = page.with_suffix(".yml")
    data = yaml.safe_load(sidecar.read_text(encoding="utf-8")) if sidecar.exists() else {}
    region = (data.get("region") or {}).get("province") or {}
    facts = {
        "title": (data.get("title") or {}).get("zh-Hans"),
        "date": str((data.get("date") or {}).get("value") or ""),
        "province": region.get("zh-Hans") or "",
    }
    facts.update(TABLE["expected"].get(str(page.relative_to(ROOT)), {}))
    return facts


def test_the_table_lists_every_page() -> None:
    found = sorted(
        str(p.relative_to(ROOT))
        for folder in ("tests/cases/unseen", "tests/cases/new-site", "docs/examples")
        for p in (ROOT / folder).glob("*.txt")
    )
    assert sorted(TABLE["pages"]) == found


@pytest.mark.parametrize("name", TABLE["pages"])
def test_scaffold_reads_what_the_checked_sidecar_says(name: str, tmp_path: Path) -> None:
    page = ROOT / name
    raw = tmp_path / page.name
    shutil.copy(page, raw)
    data = yaml.safe_load(scaffold(raw, chrome=CHROME).read_text(encoding="utf-8"))
    got = {
        "title": data["title"]["zh-Hans"].split("——")[0],
        "date": str(data["date"]["value"]),
        "province": data["region"]["province"]["zh-Hans"],
    }
    assert got == checked(page)


def test_a_date_as_the_page_prints_it_is_one_error_once(project_copy: Path) -> None:
    """A sidecar edited by hand to a Chinese date: one line naming the file and line, and no other."""
    page = ROOT / "tests" / "cases" / "unseen" / "press-conference.txt"
    raw = project_copy / "source_texts" / page.name
    shutil.copy(page, raw)
    assert digest("new-report", str(raw), cwd=project_copy).returncode == 0
    sidecar = raw.with_suffix(".yml")
    text = sidecar.read_text(encoding="utf-8")
    assert "value: '2023-09-12'" in text, "the scaffold writes ISO"
    sidecar.write_text(text.replace("value: '2023-09-12'", "value: 2023年09月12日"), encoding="utf-8")
    built = digest("build", "--no-site", cwd=project_copy)
    assert built.returncode != 0
    errors = [line for line in built.stderr.splitlines() if "error" in line]
    assert len(errors) == 1 and re.match(
        r"source_texts/press-conference\.yml:\d+: error: date '2023年09月12日' is not ISO 8601", errors[0]
    ), built.stderr
