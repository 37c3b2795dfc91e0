"""`digest new-report`: write the sidecar for a new raw file, filled with what can be detected."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from .errors import fail
from .ingest import HAN, detect_script, read_raw
from .normalize import normalize_text
from .normalize.steps import ChromeRule, to_simplified, to_traditional


def guess_title(clean_text: str) -> str:
    """The first short line that is not a series or byline line; failing that, the first sentence."""
    lines = [line.strip() for line in clean_text.split("\n") if line.strip()]
    for line in lines[:4]:
        is_byline = line.startswith("——") or "记者" in to_simplified(line)
        if 6 <= len(line) <= 60 and not is_byline and not line.endswith("。"):
            return line
    first = lines[0] if lines else ""
    return re.split(r"(?<=[。！？])", first)[0][:60]


def _slug(title: str, year: str) -> str:
    from pypinyin import lazy_pinyin

    han = "".join(HAN.findall(to_simplified(title)))[:6]
    words = [w for w in lazy_pinyin(han) if w.isascii() and w.isalpha()]
    return "-".join([*words[:4], year] if year else words[:4]) or "new-report"


def scaffold(raw_path: Path, update: bool = False, chrome: tuple[ChromeRule, ...] = ()) -> Path:
    """Write `<raw stem>.yml` beside the raw file; with update, refresh only the detected fields."""
    sidecar = raw_path.with_suffix(".yml")
    decoded = read_raw(raw_path)
    script = detect_script(decoded.text)
    detected = {"encoding": decoded.encoding, "script": script}
    if update:
        if not sidecar.exists():
            raise fail(sidecar, "no sidecar to update", hint=f"run `digest new-report {raw_path}` first")
        text = sidecar.read_text(encoding="utf-8")
        block = yaml.safe_dump({"detected": detected}, allow_unicode=True, sort_keys=False)
        text, count = re.subn(r"(?ms)^detected:\n(?:  .*\n?)*", block, text)
        sidecar.write_text(text if count else text + block, encoding="utf-8")
        return sidecar
    if sidecar.exists():
        raise fail(sidecar, "a sidecar already exists", hint="edit it, or use --update to refresh detected fields")
    result = normalize_text(decoded.text, (), chrome)
    title = guess_title(result.texts[script])
    facts = result.facts
    date = facts.get("published") or facts.get("date_written") or ""
    year = date[:4] if date else ""
    kind = "published" if facts.get("published") else ("written" if facts.get("date_written") else "published")
    publisher = facts.get("issuing_body") or facts.get("site") or ""
    data = {
        "id": _slug(title, year),
        "source_file": raw_path.name,
        "title": {"zh-Hans": to_simplified(title), "zh-Hant": to_traditional(title), "en": ""},
        "region": {
            "province": {"zh-Hans": "", "zh-Hant": "", "en": ""},
            "city": {"zh-Hans": "", "zh-Hant": "", "en": ""},
        },
        "publisher": {"zh-Hans": to_simplified(publisher), "zh-Hant": to_traditional(publisher), "en": ""},
        "date": {"value": date, "kind": kind},
        "genre": "work-review",
        "detected": detected,
        "notes": "Facts found on the page: " + "; ".join(f"{k}={v}" for k, v in sorted(facts.items())) if facts else "",
    }
    header = (
        "# Sidecar scaffolded by `digest new-report`: check every field, fill the empty ones\n"
        "# (English title, region, publisher), then run `digest normalize --report ID`.\n"
    )
    sidecar.write_text(header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")
    return sidecar
