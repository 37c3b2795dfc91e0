"""The report collection: raw files in source_texts/ and the YAML sidecar that describes each one."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .datafiles import Field, LineDict, YamlReader, check_fields, load_yaml
from .errors import DigestError, Problem

LANGS = ("zh-Hans", "zh-Hant", "en")
GENRES = ("news-feature", "work-review", "government-report")
DATE_KINDS = ("published", "period-covered", "written")
SCRIPTS = ("zh-Hans", "zh-Hant")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?(?:/\d{4}(?:-\d{2}(?:-\d{2})?)?)?$")

SIDECAR_FIELDS = (
    Field("id", (str,), doc="a stable readable slug, e.g. xian-public-order-2023"),
    Field("source_file", (str,), doc="the raw file's name, beside this sidecar"),
    Field("title", (dict,), doc="the title in zh-Hans, zh-Hant and en"),
    Field("region", (dict,), doc="province and optional city, each with zh-Hans, zh-Hant, en"),
    Field("publisher", (dict,), doc="who published it, in zh-Hans, zh-Hant, en"),
    Field("date", (dict,), doc="value (ISO date, year, or start/end) and kind (published, period-covered, written)"),
    Field("genre", (str,), doc="one of " + ", ".join(GENRES)),
    Field("detected", (dict,), doc="encoding and script, written by `digest new-report`; do not type by hand"),
    Field("notes", (str,), required=False),
    Field("notes-zh-Hans", (str,), required=False, doc="the notes in Simplified Chinese, for the Chinese pages"),
    Field("slicing", (dict,), required=False, doc="corrections to the slicer: headings, not_headings, themes"),
)


@dataclass(frozen=True)
class Region:
    province: dict[str, str]
    city: dict[str, str] | None

    def name(self, lang: str) -> str:
        return self.city[lang] if self.city else self.province[lang]


@dataclass(frozen=True)
class ReportSource:
    """One report as its maintainer describes it, with where its files are."""

    id: str
    raw_path: Path
    sidecar_path: Path
    repairs_path: Path
    title: dict[str, str]
    region: Region
    publisher: dict[str, str]
    date: str
    date_kind: str
    genre: str
    encoding: str
    script: str
    notes: str = ""
    notes_zh: str = ""
    slicing: dict[str, Any] = field(default_factory=dict)


def _localized(value: Any, path: Path, name: str, line: int | None) -> tuple[dict[str, str], list[Problem]]:
    if not isinstance(value, dict):
        return {}, [Problem(str(path), f"'{name}' needs zh-Hans, zh-Hant and en", line=line)]
    missing = [lang for lang in LANGS if not isinstance(value.get(lang), str) or not value[lang].strip()]
    problems = [
        Problem(str(path), f"'{name}' lacks its {lang} form", line=line, hint=f"add `{lang}:` under `{name}`")
        for lang in missing
    ]
    return {lang: str(value.get(lang, "")).strip() for lang in LANGS}, problems


def load_sidecar(path: Path, read: YamlReader = load_yaml) -> ReportSource:
    """Read and validate one sidecar; every problem is reported with its line."""
    data = read(path)
    problems = check_fields(data, SIDECAR_FIELDS, path, "a report sidecar")
    if any("unknown field" not in p.message for p in problems):
        raise DigestError(problems)
    assert isinstance(data, LineDict)
    line = data.line_of
    if not SLUG.match(data["id"]):
        problems.append(Problem(str(path), f"id '{data['id']}' is not a slug", line("id"), "use a-z, 0-9 and hyphens"))
    raw_path = path.parent / data["source_file"]
    if not raw_path.is_file():
        problems.append(Problem(str(path), f"source_file '{data['source_file']}' does not exist", line("source_file")))
    title, found = _localized(data["title"], path, "title", line("title"))
    problems += found
    publisher, found = _localized(data["publisher"], path, "publisher", line("publisher"))
    problems += found
    region_data = data["region"]
    province, found = _localized(region_data.get("province"), path, "region.province", line("region"))
    problems += found
    city = None
    if region_data.get("city") is not None:
        city, found = _localized(region_data.get("city"), path, "region.city", line("region"))
        problems += found
    unknown_region = set(region_data) - {"province", "city"}
    if unknown_region:
        problems.append(Problem(str(path), f"unknown region field {sorted(unknown_region)}", line("region")))
    date = data["date"]
    value, kind = str(date.get("value", "")), date.get("kind")
    if not DATE.match(value):
        problems.append(
            Problem(str(path), f"date '{value}' is not ISO 8601", line("date"), "e.g. 2021-05-12, 2023, 2021/2025")
        )
    if kind not in DATE_KINDS:
        problems.append(
            Problem(str(path), f"date kind '{kind}' unknown", line("date"), "one of " + ", ".join(DATE_KINDS))
        )
    if data["genre"] not in GENRES:
        problems.append(
            Problem(str(path), f"genre '{data['genre']}' unknown", line("genre"), "one of " + ", ".join(GENRES))
        )
    detected = data["detected"]
    if detected.get("script") not in SCRIPTS or not isinstance(detected.get("encoding"), str):
        problems.append(
            Problem(
                str(path), "detected needs encoding and script", line("detected"), "run `digest new-report --update`"
            )
        )
    if problems:
        raise DigestError(problems)
    return ReportSource(
        id=data["id"],
        raw_path=raw_path,
        sidecar_path=path,
        repairs_path=path.with_name(path.name.removesuffix(".yml") + ".repairs.yml"),
        title=title,
        region=Region(province, city),
        publisher=publisher,
        date=value,
        date_kind=str(kind),
        genre=data["genre"],
        encoding=detected["encoding"],
        script=detected["script"],
        notes=str(data.get("notes") or "").strip(),
        notes_zh="".join(str(data.get("notes-zh-Hans") or "").split()),
        slicing=dict(data.get("slicing") or {}),
    )


def is_sidecar(path: Path) -> bool:
    return path.suffix == ".yml" and not path.name.endswith(".repairs.yml")


def discover(folder: Path, read: YamlReader = load_yaml) -> list[ReportSource]:
    """Every report in the folder, in id order; all sidecar problems at once, and raw files with no sidecar."""
    problems: list[Problem] = []
    reports: list[ReportSource] = []
    claimed: set[str] = set()
    for sidecar in sorted((p for p in folder.glob("*.yml") if is_sidecar(p)), key=lambda p: p.name):
        try:
            report = load_sidecar(sidecar, read)
        except DigestError as exc:
            problems.extend(exc.problems)
            continue
        reports.append(report)
        claimed.add(os.path.abspath(report.raw_path))
    seen: dict[str, ReportSource] = {}
    for report in reports:
        if report.id in seen:
            problems.append(
                Problem(
                    str(report.sidecar_path),
                    f"duplicate report id '{report.id}' (also in {seen[report.id].sidecar_path.name})",
                    hint="give each report its own id",
                )
            )
        seen[report.id] = report
    unclaimed = [
        raw
        for raw in sorted(folder.iterdir(), key=lambda p: p.name)
        if not raw.name.endswith(".yml")
        and not raw.name.startswith(".")
        and os.path.abspath(raw) not in claimed
        and raw.is_file()
    ]
    if unclaimed:  # claimed through a link, perhaps: compare where the paths lead
        resolved = {Path(path).resolve() for path in claimed}
        unclaimed = [raw for raw in unclaimed if raw.resolve() not in resolved]
    problems += [
        Problem(str(raw), "raw file without a sidecar", hint=f"run `digest new-report {raw}` and check the YAML")
        for raw in unclaimed
    ]
    if problems:
        raise DigestError(problems)
    return sorted(reports, key=lambda r: r.id)
