"""The report collection: raw files in source_texts/ and the YAML sidecar that describes each one."""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from digest.datafiles import Field, LineDict, YamlReader, check_fields, load_yaml
from digest.errors import DigestError, Problem
from digest.inputs import ignored, input_files

LANGS = ("zh-Hans", "zh-Hant", "en")
GENRES = (
    "news-report",
    "news-feature",
    "work-review",
    "annual-summary",
    "journal-article",
    "press-conference",
    "government-report",
)
DATE_KINDS = ("published", "period-covered", "written")
# What a reader sees where the sidecar does not know (a region, a publisher): the report still builds.
UNKNOWN = {"zh-Hans": "不详", "zh-Hant": "不詳", "en": "unknown"}
SCRIPTS = ("zh-Hans", "zh-Hant")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?(?:/\d{4}(?:-\d{2}(?:-\d{2})?)?)?$")

MAX_ID = 100  # file names such as <id>.zh-Hant.txt and <id>.ledger.json must stay under 255 bytes

SIDECAR_FIELDS = (
    Field("id", (str,), doc="a stable readable slug, e.g. xian-public-order-2023"),
    Field("source_file", (str,), doc="the raw file's name, beside this sidecar"),
    Field("title", (dict,), doc="the title in zh-Hans, zh-Hant and en"),
    Field("region", (dict,), required=False, doc="province and optional city, each with zh-Hans, zh-Hant, en"),
    Field("publisher", (dict,), required=False, doc="who published it, in zh-Hans, zh-Hant, en"),
    Field(
        "date",
        (dict,),
        required=False,
        doc="value (ISO date, year, or start/end; empty when unknown) and kind (published, period-covered, written)",
    ),
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
    # What the sidecar leaves unknown (shown to readers as unknown): warnings, errors with --strict.
    incomplete: tuple[Problem, ...] = ()


def _localized(value: Any, path: Path, name: str, line: int | None) -> tuple[dict[str, str], list[Problem]]:
    """A name in the three languages; the forms it lacks are one warning, and read as unknown."""
    if value is None:
        value = {}
    if not isinstance(value, dict):
        return dict(UNKNOWN), [Problem(str(path), f"'{name}' needs zh-Hans, zh-Hant and en", line=line)]
    found = {lang: str(value.get(lang) or "").strip() for lang in LANGS}
    missing = [lang for lang in LANGS if not found[lang]]
    if not missing:
        return found, []
    if len(missing) == len(LANGS):
        message, hint = f"'{name}' is not known: shown as unknown", f"fill `{name}` in zh-Hans, zh-Hant and en"
    else:
        message, hint = f"'{name}' lacks its {', '.join(missing)} form", "add " + ", ".join(f"`{m}:`" for m in missing)
    problem = Problem(str(path), message, line=line, hint=hint, severity="warning")
    return _fill(found, UNKNOWN), [problem]


def _fill(found: dict[str, str], fallback: dict[str, str]) -> dict[str, str]:
    """Missing forms from the other script (zh-Hans ↔ zh-Hant), the English from the fallback."""
    filled = dict(found)
    filled["zh-Hans"] = found["zh-Hans"] or found["zh-Hant"] or fallback["zh-Hans"]
    filled["zh-Hant"] = found["zh-Hant"] or found["zh-Hans"] or fallback["zh-Hant"]
    filled["en"] = found["en"] or fallback["en"]
    return filled


def _confinement(sidecar: Path, name: str, line: int | None) -> Problem | None:
    """Why `source_file` may not be used, if it may not: it must name a file beside the sidecar (or below it)
    that stays inside the folder once links are followed, or text from anywhere on the machine would be
    published."""
    folder = sidecar.parent
    if not name.strip() or os.path.isabs(name) or "\\" in name or ".." in Path(name).parts:
        return Problem(
            str(sidecar),
            f"source_file '{name}' is not a file name in {folder.name}/",
            line,
            "give the raw file's plain name and keep the file beside this sidecar",
        )
    target = Path(os.path.realpath(folder / name))
    if not target.is_relative_to(os.path.realpath(folder)):
        return Problem(
            str(sidecar),
            f"source_file '{name}' leads to {target}, outside {folder.name}/",
            line,
            "copy the raw file into the folder instead of linking to it",
        )
    return None


SLICING_FIELDS = (
    Field("headings", (list,), required=False, doc="lines the slicer must take as headings: a list of text"),
    Field("not_headings", (list,), required=False, doc="lines the slicer must not take as headings: a list of text"),
    Field("themes", (dict,), required=False, doc="paragraph id: [theme id, ...], pinning a paragraph's themes"),
)
DATE_FIELDS = (
    Field("value", (str, int), doc="an ISO date, a year, or start/end"),
    Field("kind", (str,), required=False, doc="one of " + ", ".join(DATE_KINDS) + " (published when left out)"),
)
DETECTED_FIELDS = (
    Field("encoding", (str,), doc="written by `digest new-report`"),
    Field("script", (str,), doc="written by `digest new-report`"),
)


def _text_list(value: Any, path: Path, name: str, line: int | None) -> list[Problem]:
    if all(isinstance(item, str) for item in value):
        return []
    return [Problem(str(path), f"'{name}' should be a list of text", line, f"e.g. {name}: [第一部分, 第二部分]")]


def schema_problems(data: LineDict, path: Path) -> list[Problem]:
    """The nested parts of a sidecar, key by key: unknown keys and wrong types, in YAML's words, each at its
    line (the top level is checked by `check_fields`)."""
    problems: list[Problem] = []
    line = data.line_of
    for name in ("title", "publisher"):
        value = data.get(name)
        if isinstance(value, dict):
            problems += [
                Problem(str(path), f"unknown language '{key}' in '{name}'", line(name), "use zh-Hans, zh-Hant and en")
                for key in value
                if key not in LANGS
            ]
    for name, fields in (("date", DATE_FIELDS), ("detected", DETECTED_FIELDS), ("slicing", SLICING_FIELDS)):
        value = data.get(name)
        if isinstance(value, dict):
            problems += check_fields(value, fields, path, f"'{name}'")
    slicing = data.get("slicing")
    if isinstance(slicing, dict):
        for name in ("headings", "not_headings"):
            if isinstance(slicing.get(name), list):
                problems += _text_list(slicing[name], path, f"slicing.{name}", line("slicing"))
        themes = slicing.get("themes")
        if isinstance(themes, dict):
            for paragraph, pinned in themes.items():
                if not isinstance(pinned, list) or not all(isinstance(t, str) for t in pinned):
                    problems.append(
                        Problem(
                            str(path),
                            f"slicing.themes.{paragraph} should be a list of theme ids",
                            line("slicing"),
                            f"e.g. {paragraph}: [station-reform]",
                        )
                    )
    return problems


def load_sidecar(path: Path, read: YamlReader = load_yaml) -> ReportSource:
    """Read and validate one sidecar; every problem is reported with its line."""
    data = read(path)
    problems = check_fields(data, SIDECAR_FIELDS, path, "a report sidecar")
    if any("unknown field" not in p.message for p in problems):
        raise DigestError(problems)
    assert isinstance(data, LineDict)
    problems += schema_problems(data, path)
    line = data.line_of
    if not SLUG.match(data["id"]):
        problems.append(Problem(str(path), f"id '{data['id']}' is not a slug", line("id"), "use a-z, 0-9 and hyphens"))
    elif len(data["id"]) > MAX_ID:
        problems.append(
            Problem(
                str(path),
                f"id is {len(data['id'])} characters, too long for the file names made from it",
                line("id"),
                f"keep it to {MAX_ID} characters",
            )
        )
    raw_path = path.parent / data["source_file"]
    confined = _confinement(path, data["source_file"], line("source_file"))
    if confined:
        problems.append(confined)
    elif not raw_path.is_file():
        problems.append(Problem(str(path), f"source_file '{data['source_file']}' does not exist", line("source_file")))
    title, found = _localized(data["title"], path, "title", line("title"))
    if title["en"] == UNKNOWN["en"] and title["zh-Hans"] != UNKNOWN["zh-Hans"]:
        # Untranslated, not unknown: English readers see the Chinese title until the maintainer adds one.
        title["en"] = title["zh-Hans"]
    problems += found
    publisher, found = _localized(data.get("publisher"), path, "publisher", line("publisher"))
    problems += found
    region_data = data.get("region") or {}
    province, found = _localized(region_data.get("province"), path, "region.province", line("region"))
    problems += found
    city = None
    city_data = region_data.get("city")
    if city_data is not None and (
        not isinstance(city_data, dict) or any(str(v or "").strip() for v in city_data.values())
    ):
        city, found = _localized(region_data.get("city"), path, "region.city", line("region"))
        problems += found
    unknown_region = set(region_data) - {"province", "city"}
    if unknown_region:
        problems.append(Problem(str(path), f"unknown region field {sorted(unknown_region)}", line("region")))
    date = data.get("date") or {}
    value, kind = str(date.get("value") or ""), date.get("kind") or "published"
    if not value:
        problems.append(Problem(str(path), "the date is not known: shown as unknown", line("date"), severity="warning"))
    elif not DATE.match(value):
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
    if any(p.severity == "error" for p in problems):
        raise DigestError([p for p in problems if p.severity == "error"])
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
        incomplete=tuple(problems),
    )


def is_sidecar(path: Path) -> bool:
    return path.suffix == ".yml" and not path.name.endswith(".repairs.yml")


def _raw_files_named_by(sidecar: Path, read: YamlReader) -> list[Path]:
    """The raw files an invalid sidecar stands for: its `source_file` if it can be read, and its namesakes."""
    named = [p for p in sidecar.parent.glob(glob.escape(sidecar.stem) + ".*") if not p.name.endswith(".yml")]
    try:
        data = read(sidecar)
    except DigestError:
        return named
    source_file = data.get("source_file") if isinstance(data, dict) else None
    if isinstance(source_file, str) and source_file:
        named.append(sidecar.parent / source_file)
    return named


def discover(folder: Path, read: YamlReader = load_yaml) -> list[ReportSource]:
    """Every report in the folder, in id order; all sidecar problems at once, and raw files with no sidecar."""
    problems: list[Problem] = []
    reports: list[ReportSource] = []
    claimed: set[str] = set()
    for sidecar in sorted((p for p in input_files(folder, "*.yml") if is_sidecar(p)), key=lambda p: p.name):
        try:
            report = load_sidecar(sidecar, read)
        except DigestError as exc:
            problems.extend(exc.problems)
            # Its raw file has a sidecar, an invalid one: that is the problem to report, not a missing sidecar.
            claimed.update(os.path.abspath(raw) for raw in _raw_files_named_by(sidecar, read))
            continue
        reports.append(report)
        claimed.add(os.path.abspath(report.raw_path))
    owners: dict[str, ReportSource] = {}
    for report in reports:
        target = os.path.realpath(report.raw_path)
        if target in owners:
            problems.append(
                Problem(
                    str(report.sidecar_path),
                    f"raw file {report.raw_path.name} is already claimed by {owners[target].sidecar_path.name}",
                    hint="each raw file has one sidecar: remove one of them",
                )
            )
        owners.setdefault(target, report)
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
        and not ignored(raw.name)
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
