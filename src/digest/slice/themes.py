"""Themes: the maintained taxonomy, and tagging each paragraph with one to three of them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from digest.datafiles import Field, LineDict, check_fields, load_yaml
from digest.errors import DigestError, Problem
from digest.ingest.sources import LANGS

THEME_FIELDS = (
    Field("id", (str,), doc="a slug, e.g. station-reform"),
    Field("name", (dict,), doc="en, zh-Hans and zh-Hant names"),
    Field("description", (str,), doc="one paragraph saying what belongs here"),
    Field("description-zh-Hans", (str,), doc="the same paragraph in Simplified Chinese (Traditional is converted)"),
    Field("keywords", (dict,), doc="Simplified keyword: weight (1-3)"),
)


@dataclass(frozen=True)
class Theme:
    id: str
    name: dict[str, str]
    description: str
    keywords: dict[str, float]
    description_zh: str = ""


@dataclass(frozen=True)
class ThemeScore:
    theme: str
    score: float


def load_themes(path: Path) -> tuple[Theme, ...]:
    data = load_yaml(path)
    if not isinstance(data, list) or not data:
        raise DigestError(Problem(str(path), "the themes file is a list of themes", line=1))
    problems: list[Problem] = []
    themes: list[Theme] = []
    for item in data:
        found = check_fields(item, THEME_FIELDS, path, "a theme")
        if not found:
            assert isinstance(item, LineDict)
            missing = [lang for lang in LANGS if not item["name"].get(lang)]
            if missing:
                found.append(Problem(str(path), f"theme {item['id']} lacks names in {missing}", item.line_of("name")))
            bad = [k for k, w in item["keywords"].items() if not isinstance(w, int | float) or not 0 < w <= 3]
            if bad:
                found.append(Problem(str(path), f"keyword weights must be 1-3: {bad}", item.line_of("keywords")))
        problems.extend(found)
        if not found:
            themes.append(
                Theme(
                    item["id"],
                    dict(item["name"]),
                    " ".join(item["description"].split()),
                    dict(item["keywords"]),
                    "".join(item["description-zh-Hans"].split()),
                )
            )
    ids = [t.id for t in themes]
    for duplicate in {i for i in ids if ids.count(i) > 1}:
        problems.append(Problem(str(path), f"theme id '{duplicate}' used twice"))
    if problems:
        raise DigestError(problems)
    return tuple(themes)


def score(text: str, heading: str, themes: tuple[Theme, ...]) -> dict[str, float]:
    """Keyword evidence per theme, damped for long paragraphs so they do not win by length alone."""
    scores: dict[str, float] = {}
    for theme in themes:
        total = 0.0
        for keyword, weight in theme.keywords.items():
            found = text.count(keyword)
            if found:
                total += weight * min(found, 3)
            if heading and keyword in heading:
                total += 0.5 * weight
        if total:
            scores[theme.id] = total / math.sqrt(max(len(text), 40) / 40)
    return scores


def tag(scores: dict[str, float], fallback: tuple[ThemeScore, ...] = ()) -> tuple[ThemeScore, ...]:
    """One to three themes: the strongest, and any others at least half as strong."""
    if not scores:
        return fallback[:1]
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    top = ranked[0][1]
    chosen = [ThemeScore(theme, round(value, 2)) for theme, value in ranked if value >= 0.5 * top][:3]
    return tuple(chosen)
