"""`digest new-report`: write the sidecar for a new raw file, filled with what the page itself says.

The page is read line by line after the automatic repairs (no furniture rule applied, so the lines that
carry a timestamp or a source are still there): its headline, subtitle, date, places, byline and kind.
Every guessed field is written with a comment saying where it came from, so the maintainer checks
guesses, not blanks; what the page does not say stays empty, and the report still builds with it shown as
unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from digest.errors import fail
from digest.ingest.decode import HAN, detect_script, read_raw
from digest.ingest.gazetteer import english_name, locate, short_name
from digest.normalize import normalize_text, raw_line
from digest.normalize.furniture import classify, furniture
from digest.normalize.steps import ChromeRule, to_simplified, to_traditional
from digest.slice.outline import BYLINE, DATELINE, NOT_A_NAME

HEAD_LINES = 15  # how far into the page a headline, byline or dateline is looked for

ISO_DATE = re.compile(r"(?<!\d)(20\d{2}|19\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?!\d)")
URL_DATE = re.compile(r"/(?:t)?(20\d{2})[-/_]?(\d{2})[-/_]?(\d{2})(?:[/_]|\d{0,6}[/_.])")

# What kind of text it is, by the words that name each kind, checked in this order.
GENRE_RULES = (
    ("press-conference", r"新闻发布会|发布会上|答记者问|新闻发言人"),
    ("journal-article", r"摘\s*要\s*[:：]|关键词\s*[:：]|参考文献|学报|作者简介|中图分类号"),
    ("annual-summary", r"年度?工作总结|年终总结|工作总结|年度报告"),
    ("work-review", r"工作综述|综述|工作情况|工作报告|法治政府建设|工作要点|回眸|盘点"),
    ("news-feature", r"成就主题报道|特写|侧记|纪实|走近|故事|背后|记者手记|报道之"),
    ("news-report", r"本报讯|讯\s*[(（]|电\s*[(（]记者|记者.*(?:获悉|了解到|报道)|日电"),
)


@dataclass
class Guess:
    """A value read from the page, and where from (written beside it in the sidecar)."""

    value: Any
    source: str


@dataclass
class PageReading:
    """Everything the scaffold read from a page."""

    title: Guess | None = None
    subtitle: Guess | None = None
    date: Guess | None = None
    date_kind: str = "published"
    region: dict[str, Any] = field(default_factory=dict)
    region_source: str = ""
    publisher: Guess | None = None
    author: Guess | None = None
    genre: Guess | None = None


def furniture_lines(lines: list[str], chrome: tuple[ChromeRule, ...]) -> frozenset[int]:
    """The indices of a page's furniture lines, decided once per page, in context, by the maintained rules
    (data/chrome.yml) that remove furniture from the body; the scaffold only adds what those rules leave
    to later steps: a line with no Han character at all (a pager, a timestamp, a widget) is no headline."""
    labels = classify("\n".join(lines), chrome)
    found = {index for index, label in labels.items() if label.rule.removes}
    found |= {index for index, line in enumerate(lines) if line.strip() and not HAN.search(line)}
    return frozenset(found)


def is_furniture(line: str, chrome: tuple[ChromeRule, ...]) -> bool:
    """Whether one line, standing alone at the top of a page, is furniture."""
    return 0 in furniture_lines([line], chrome)


def _is_byline(line: str) -> bool:
    return bool(BYLINE.match(line)) and len(line) <= 40


def _is_sentence(line: str) -> bool:
    return line.endswith(("。", "！", "？", "”", "……")) or line.count("，") >= 2


def guess_title(lines: list[str], furniture: frozenset[int]) -> tuple[int, str] | None:
    """The headline: the first line in the top of the page that reads as one (not furniture, a byline, a
    dateline, a series line or a sentence of the body), with its index."""
    for index, line in enumerate(lines[:HEAD_LINES]):
        if _is_sentence(line) and len(line) >= 30 and index not in furniture:
            return None  # the body has begun: a short line after it is a section heading, not the headline
        if index in furniture or _is_byline(line) or DATELINE.search(line) or _is_sentence(line):
            continue
        if line.startswith(("——", "—", "-")) or re.match(
            r"^[一二三四五六七八九十]+、|^（[一二三四五六七八九十]+）", line
        ):
            continue
        if len(HAN.findall(line)) >= 5 and len(line) <= 64:
            return index, line
    return None


def second_line(lines: list[str], index: int, furniture: frozenset[int]) -> str | None:
    """The second half of a headline set on two lines (榆林公安深化派出所工作改革 / 推动基层治理提质增效):
    a short phrase right under it with no punctuation, that is no repeat of it, no furniture, byline,
    dateline, subtitle or outline line."""
    after = index + 1
    if after >= len(lines) or after in furniture:
        return None
    line = lines[after].strip()
    if (
        not 4 <= len(HAN.findall(line)) <= 20
        or len(line) > 24
        or line == lines[index].strip()
        or re.search(r"[，。；：！？、,.;:!?（）()【】\d—-]", line)
        or _is_byline(line)
        or DATELINE.search(line)
        or re.match(r"^[一二三四五六七八九十]+、", line)
    ):
        return None
    return line


def read_page(lines: list[str], chrome: tuple[ChromeRule, ...], url_text: str = "") -> PageReading:
    """Read a page's clean lines (Simplified) for the sidecar's fields."""
    furniture = furniture_lines(lines, chrome)
    reading = PageReading()
    head = lines[:HEAD_LINES]
    found = guess_title(lines, furniture)
    if found:
        index, title = found
        reading.title = Guess(title, f"line {index + 1}, the first line that reads as a headline")
        rest = second_line(lines, index, furniture)
        if rest:
            reading.title = Guess(f"{title} {rest}", f"line {index + 1}, a headline set on two lines")
            index += 1
        after = lines[index + 1] if index + 1 < len(lines) else ""
        if after.startswith(("——", "—")) and not _is_sentence(after):
            reading.subtitle = Guess(after.lstrip("—- "), f"line {index + 2}, the line under the headline")
    else:
        series = next((line for line in head if line.startswith("——") and not _is_sentence(line)), None)
        if series:
            reading.title = Guess(series.lstrip("—- "), "the series line (no headline found)")
    _read_date(lines, furniture, url_text, reading)
    _read_byline(head, reading)
    whole = "\n".join(lines)
    reading.genre = _read_genre(whole, head, reading)
    _read_region(region_text(lines), reading)
    return reading


def _iso(year: str, month: str, day: str) -> str | None:
    y, m, d = int(year), int(month), int(day)
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


def _read_date(lines: list[str], furniture: frozenset[int], url_text: str, reading: PageReading) -> None:
    head = lines[:HEAD_LINES]
    # 1. A labelled publication time (发布时间 2021-05-12, 发布日期：2023年5月6日) in furniture at the top.
    for index, line in enumerate(head):
        label = re.search(r"(?:发布|发表|更新)(?:时间|日期)\s*[:：]?\s*", line)
        match = ISO_DATE.search(line, label.end()) if label else None
        if match and (iso := _iso(*match.groups())):
            reading.date = Guess(iso, f"line {index + 1}, the page's publication time")
            return
    # 2. An e-paper or news dateline: a full date on a line of furniture (not the fetch date of a greeting).
    for index, line in enumerate(head):
        if "今天是" in line or index not in furniture:
            continue
        match = ISO_DATE.search(line)
        if match and (iso := _iso(*match.groups())):
            reading.date = Guess(iso, f"line {index + 1}, a date printed with the page")
            return
    # 3. A dateline (新华社西安5月6日电, 本报讯): month and day, the year from elsewhere on the page.
    for index, line in enumerate(lines[: HEAD_LINES + 5]):
        match = DATELINE.search(line)
        if match and match.group("month"):
            year = _year_from(lines, url_text)
            if year and (iso := _iso(year, match.group("month"), match.group("day"))):
                reading.date = Guess(iso, f"line {index + 1}, the dateline (year from the text)")
            elif not year:
                reading.date = None
            return
    # 4. A date in the page's address, said to be one.
    match = URL_DATE.search(url_text)
    if match and (iso := _iso(*match.groups())):
        reading.date = Guess(iso, "the page's address (a URL date: when it was posted, check it)")
        return
    # 5. A journal's issue (2022年第6期, 文章编号 …（2022）06-…): the year it was published.
    for index, line in enumerate(lines[:HEAD_LINES]):
        match = re.search(
            r"(?<!\d)(19\d{2}|20\d{2})\s*年\s*第\s*\d{1,2}\s*期|[(（](19\d{2}|20\d{2})[)）]\s*\d{2}-\d", line
        )
        if match:
            reading.date = Guess(match.group(1) or match.group(2), f"line {index + 1}, the journal issue's year")
            return
    # 6. A work review of one year: "2022年，全市公安机关…" at the start of the body covers that year.
    for index, line in enumerate(lines[: HEAD_LINES + 5]):
        match = re.match(r"^(20\d{2})年(?:[，,]|以来|来|全年)", line)
        if match and index not in furniture:
            reading.date = Guess(match.group(1), f"line {index + 1}, the year the text reviews")
            reading.date_kind = "period-covered"
            return


def iso_date(text: str) -> str:
    """The first full date in a text as YYYY-MM-DD (2024年1月8日, 2023/09/12, 2023-08-21 10:15), else ''.

    A sidecar's date is ISO 8601 only: a date as the page prints it is never written into one."""
    match = ISO_DATE.search(text)
    return (_iso(*match.groups()) or "") if match else ""


def _year_from(lines: list[str], url_text: str) -> str | None:
    for line in lines:
        match = ISO_DATE.search(line)
        if match and "今天是" not in line:
            return match.group(1)
    match = URL_DATE.search(url_text)
    return match.group(1) if match else None


ROLES = "本报记者|特约记者|见习记者|记者|通讯员|实习生|摄影|编辑"
# A name after its role: two to four characters, or a two-character name set with a space (南 玺).
AUTHOR = re.compile(
    r"(?:记者|作者|撰稿|撰文|通讯员|文/图|图/文)\s*[:：/]?\s*"
    rf"(?!{ROLES}|{NOT_A_NAME})(?P<name>[\u4e00-\u9fff] [\u4e00-\u9fff](?![\u4e00-\u9fff])|[\u4e00-\u9fff]{{2,4}}?)"
    rf"(?=$|\s|[)）,，、]|{ROLES})"
)
NEWSPAPER = re.compile(r"^(?P<name>[\u4e00-\u9fff]{2,12}(?:日报|晚报|时报|法制报|法治报|公安报|报))\s*\d{4}\s*年")


def _read_byline(head: list[str], reading: PageReading) -> None:
    for index, line in enumerate(head):
        where = f"line {index + 1}"
        dateline = DATELINE.search(line)
        candidates = (
            (_agency(dateline), "the dateline"),
            (_group(re.search(r"来源\s*[:：]\s*(?P<name>[\u4e00-\u9fff]{2,20})", line)), "the page's source line"),
            (
                _group(re.search(r"发布机构\s*[:：]\s*\|?\s*(?P<name>[\u4e00-\u9fff]{2,20})", line)),
                "the disclosure table",
            ),
            (_group(NEWSPAPER.search(line)), "the e-paper's masthead line"),
        )
        for name, what in candidates:
            if name and not reading.publisher:
                reading.publisher = Guess(name, f"{where}, {what}")
        if not reading.author and (_is_byline(line) or dateline or re.search(r"作者\s*[:：]", line)):
            names = [re.sub(r"\s", "", m.group("name")) for m in AUTHOR.finditer(line)]
            names = [name for name in names if not re.fullmatch(ROLES, name)]
            if names:
                reading.author = Guess("、".join(dict.fromkeys(names)), f"{where}, the byline")


def _agency(dateline: re.Match[str] | None) -> str | None:
    """The agency or paper a dateline names (本报, "this paper", names none)."""
    agency = dateline.group("agency") if dateline else None
    return agency if agency and agency != "本报" else None


def _group(match: re.Match[str] | None) -> str | None:
    return match.group("name") if match else None


def _read_genre(whole: str, head: list[str], reading: PageReading) -> Guess:
    """The first kind whose words the title or the top of the page use (a press conference or a journal
    article may say so anywhere in the text)."""
    title = reading.title.value if reading.title else ""
    for genre, pattern in GENRE_RULES:
        places = [("the title", title), ("the top of the page", "\n".join(head))]
        if genre in ("press-conference", "journal-article"):
            places.append(("the text", whole))
        for where, text in places:
            found = re.search(pattern, text)
            if found:
                return Guess(genre, f"{where} names it ({found.group(0)})")
    if reading.author:
        return Guess("news-report", "a byline and no other sign (check: report or feature?)")
    # Nothing says what it is: the broadest kind, said to be a guess without a clue (never a confident kind).
    return Guess("news-feature", "no clue to its kind on the page: the broadest kind, check it")


# Lines that say where the writers are, not what the text is about: a journal's affiliation line (a unit
# with its postcode), an author's note or grant line; and a reference list, to the end of the page.
AFFILIATION = re.compile(r"(?<!\d)\d{6}(?!\d)|^[（(]\s*1\s*[.．、]|^(?:作者简介|作者单位|基金项目|通讯作者)\s*[:：]")
REFERENCES = re.compile(r"^\s*(?:参考文献|注释|References)\s*[:：]?\s*$|^\s*参考文献\s*[:：]", re.IGNORECASE)
NATIONAL = re.compile(r"公安部|全国公安机关|全国各地|全国范围")


def region_text(lines: list[str]) -> str:
    """The text whose place names decide the region: the page without its bylines, its writers'
    affiliations and its reference list (where the writers work, or what they cite, is not what it is about)."""
    kept = []
    for line in lines:
        if REFERENCES.match(line):
            break
        if _is_byline(line) or AFFILIATION.search(line):
            continue
        kept.append(line)
    return "\n".join(kept)


def _national(reading: PageReading, why: str) -> None:
    reading.region = {"province": _names("全国", "National"), "city": None}
    reading.region_source = why


def _read_region(whole: str, reading: PageReading) -> None:
    found = locate(whole)
    national = NATIONAL.search(whole)
    if found.province is None:
        if national:
            _national(reading, f"no province named; the text speaks for the whole country ({national.group(0)})")
        return
    ranked = sorted(found.provinces.items(), key=lambda kv: -kv[1])
    if len(ranked) > 1 and ranked[1][1] * 2 > ranked[0][1]:
        # Several provinces named about as often: a comparison or a national text, not one province's.
        named = ", ".join(f"{name} ×{votes}" for name, votes in ranked[:4])
        _national(reading, f"no province stands out ({named}): national scope, check it")
        return
    province = found.province.name
    counts = found.mentions
    reading.region = {
        "province": _names(province, english_name(province)),
        "city": _names(found.prefecture.name, english_name(found.prefecture.name)) if found.prefecture else None,
    }
    named = ", ".join(f"{name} ×{count}" for name, count in sorted(counts.items(), key=lambda kv: -kv[1])[:6])
    scope = "prefecture" if found.prefecture else "province only (no prefecture stands out)"
    reading.region_source = f"places named in the text, looked up in the PRC divisions: {named}; scope: {scope}"
    if found.county and counts.get(found.county.name, 0) >= 2:
        reading.region_source += f"; county most named: {found.county.name}"


def _names(simplified: str, english: str) -> dict[str, str]:
    return {"zh-Hans": simplified, "zh-Hant": to_traditional(simplified), "en": english}


def _slug(title: str, year: str, place: str = "") -> str:
    """A short readable id: the place, the first words of the title (without the place), the year."""
    from pypinyin import lazy_pinyin

    if place:
        title = title.replace(place, "").replace(short_name(place), "")
    han = "".join(HAN.findall(to_simplified(title)))[:4]
    words = [w for w in lazy_pinyin(han) if w.isascii() and w.isalpha()]
    prefix = [re.sub(r"[^a-z]", "", english_name(place).lower())] if place else []
    parts = [*prefix, *words, year] if year else [*prefix, *words]
    return "-".join(p for p in parts if p) or "new-report"


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
    # Furniture stays in for reading (it carries the timestamp and the source); the maintained rules'
    # facts (a disclosure table's issuing body and date) are read from it too.
    result = normalize_text(decoded.text, (), ())
    clean = result.texts["zh-Hans"]
    lines = clean.split("\n")
    facts = furniture(result.texts["zh-Hans"], chrome).facts()
    # The punctuation step has made `:` full-width in lines with Chinese, URLs included.
    urls = "\n".join(line for line in lines if re.search(r"https?[:：]//|www\.", line))
    reading = read_page(lines, chrome, url_text=urls)

    def raw_at(source: str) -> str:
        """`line N` of the clean text, as the raw file's line number."""
        return re.sub(
            r"line (\d+)",
            lambda m: f"line {raw_line(result, decoded.text, 'zh-Hans', int(m.group(1)))}",
            source,
        )

    comments: dict[str, list[str]] = {}
    title = reading.title.value if reading.title else ""
    if reading.title:
        comments["title"] = [f"guessed: {raw_at(reading.title.source)}"]
    if reading.subtitle:
        comments.setdefault("title", []).append(
            f"subtitle ({raw_at(reading.subtitle.source)}): {reading.subtitle.value}"
        )
        title = f"{title}——{reading.subtitle.value}"

    def choose(name: str, fact: str, guess: Guess | None, unknown: str) -> Any:
        """A field's value: the furniture's fact first, then the page reading's guess; its comment says which."""
        if fact:
            comments[name] = ["guessed: the page's furniture (data/chrome.yml rule)"]
            return fact
        if guess:
            comments[name] = [f"guessed: {raw_at(guess.source)}"]
            return guess.value
        comments[name] = [f"unknown: {unknown}"]
        return ""

    published = iso_date(facts.get("published", ""))
    fact_date = published or iso_date(facts.get("date_written", ""))
    date_kind = ("published" if published else "written") if fact_date else reading.date_kind
    date_value = choose(
        "date", fact_date, reading.date, "the page states no date (leave empty, or fill in from elsewhere)"
    )
    publisher = choose(
        "publisher",
        facts.get("issuing_body") or facts.get("site") or "",
        reading.publisher,
        "no source, dateline or issuing body on the page",
    )
    if reading.region:
        comments["region"] = [f"guessed: {reading.region_source}"]
    else:
        comments["region"] = ["unknown: the text names no place in the PRC divisions"]
    region = reading.region or {"province": {"zh-Hans": "", "zh-Hant": "", "en": ""}, "city": None}
    if region.get("city") is None:
        region = {"province": region["province"]}
    genre = reading.genre.value if reading.genre else "work-review"
    if reading.genre:
        comments["genre"] = [f"guessed: {reading.genre.source}"]
    place = region.get("city", {}).get("zh-Hans") if region.get("city") else region["province"]["zh-Hans"]
    report_id = _slug(title.split("——")[0], date_value[:4], place if place and place != "全国" else "")
    if not title:
        # No headline to name it after: the raw file's name keeps two such reports apart.
        stem = re.sub(r"[^a-z0-9]+", "-", raw_path.stem.lower()).strip("-")
        report_id = "-".join(part for part in (report_id.removesuffix("new-report"), stem) if part) or report_id
    comments["id"] = ["a readable, stable slug: it is part of every permalink, change it now or never"]
    notes = []
    if reading.author:
        notes.append(f"Author: {reading.author.value} (from {raw_at(reading.author.source)}).")
    if facts:
        notes.append("Facts found on the page: " + "; ".join(f"{k}={v}" for k, v in sorted(facts.items())) + ".")
    data = {
        "id": report_id,
        "source_file": raw_path.name,
        "title": {"zh-Hans": to_simplified(title), "zh-Hant": to_traditional(title), "en": ""},
        "region": region,
        "publisher": {"zh-Hans": to_simplified(publisher), "zh-Hant": to_traditional(publisher), "en": ""},
        "date": {"value": date_value, "kind": date_kind},
        "genre": genre,
        "detected": detected,
        "notes": " ".join(notes),
    }
    header = (
        "# Sidecar scaffolded by `digest new-report` from what the page says. Each guessed field has a\n"
        "# comment saying where it came from: check those, fill the English forms, then run\n"
        "# `digest normalize --report ID`. Empty fields build as 'unknown' (a warning; --strict refuses).\n"
    )
    body = "".join(
        "".join(f"# {key}: {line}\n" for line in comments.get(key, []))
        + yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False, width=100)
        for key, value in data.items()
    )
    sidecar.write_text(header + body, encoding="utf-8")
    return sidecar
