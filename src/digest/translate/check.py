"""`digest translate check`: translations that break the glossary, drift from each other, or are no
translation at all.

Per unit: empty, placeholder or copied-through English, and glossary terms whose approved rendering is
missing. Across the catalogs, four kinds of drift: (1) one Chinese term rendered two ways, by the glossary
where it has the term and otherwise by a concordance of the quoted phrases the reports repeat; (2) a proper
name (place, landmark, bureau, newspaper, listed in `data/names.yml`) given another English form in a
catalog, a content file or a report's metadata; (3) a figure in a kept, outdated English that the updated
Chinese no longer states; (4) a glossary rendering applied inside a longer Chinese compound, where it may
not fit: listed for a person to review, never counted as a failure or fixed automatically.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog

from digest.datafiles import Field, check_fields, load_yaml
from digest.errors import DigestError, Problem
from digest.glossary.entries import Glossary
from digest.glossary.termmatch import TermMatcher
from digest.slice.corpus import SlicedReport
from digest.translate.catalogs import units

HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
PLACEHOLDER = re.compile(r"\b(TODO|TBD|FIXME|XXX|lorem ipsum|translate me)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    report: str
    unit: str
    message: str
    path: str = ""  # the file, where it is not the report's catalog (content files, metadata)
    review: bool = False  # a human call, listed but not a failure


@dataclass(frozen=True)
class Text:
    """One translatable text with its English: a catalog unit, a content file, a metadata field."""

    report: str
    unit: str
    zh: str
    en: str
    current: bool = True
    previous: str = ""  # the Chinese the kept English was made from, for an outdated unit
    path: str = ""


def comparable(text: str) -> str:
    """Lower case, quotes and hyphens as spaces, single spaces: renderings match however punctuated."""
    text = text.lower().replace("’", "'")
    text = re.sub(r"(?<![a-z])'|'(?![a-z])", " ", text)
    text = re.sub(r"[\"“”‘()\[\],;:.!?+]", " ", text)
    text = re.sub(r"[-–—/]", " ", text)
    return " " + " ".join(text.split()) + " "


def has_rendering(english: str, rendering: str) -> bool:
    """Whether the English contains the rendering, allowing a plural or a possessive on its last word."""
    wanted = comparable(rendering).strip().removeprefix("the ")
    if not wanted:
        return True
    words = wanted.split(" ")
    last = re.escape(words[-1])
    if words[-1].endswith("y"):
        last = re.escape(words[-1][:-1]) + "(?:y|ies)"
    elif words[-1].endswith("s"):
        last = re.escape(words[-1]) + "?"  # a plural rendering also covers the singular
    pattern = r"(?<![a-z])" + " ".join(re.escape(w) for w in words[:-1]) + (" " if len(words) > 1 else "") + last
    return re.search(pattern + r"(?:s|es|'s|s')?(?![a-z])", comparable(english)) is not None


def check_report(
    report: SlicedReport, english: dict[str, tuple[str, bool]], glossary: Glossary, matcher: TermMatcher
) -> list[Finding]:
    findings: list[Finding] = []
    entries = glossary.by_id()
    for unit in units(report):
        found = english.get(unit.id)
        if found is None:
            continue
        text, current = found
        if not current:
            continue
        if not text.strip():
            findings.append(Finding(report.id, unit.id, "empty translation"))
            continue
        if PLACEHOLDER.search(text):
            findings.append(Finding(report.id, unit.id, "placeholder text in the translation"))
        if text.strip() == unit.source.strip() or len("".join(HAN_RUN.findall(text))) > len(text) / 4:
            findings.append(Finding(report.id, unit.id, "the Chinese is copied through, not translated"))
        for match in matcher.find(unit.source):
            entry = entries[match.entry]
            if entry.status != "approved":
                continue
            pasted = [(a, b) for a in entry.renderings() for b in entry.renderings() if a != b and _pasted(text, a, b)]
            if pasted:
                findings.append(
                    Finding(
                        report.id,
                        unit.id,
                        f"two renderings of '{match.form}' pasted together: '{pasted[0][0]} ({pasted[0][1]})':"
                        f" keep one (entry {entry.id})",
                    )
                )
            if not any(has_rendering(text, r) for r in entry.renderings()):
                findings.append(
                    Finding(
                        report.id,
                        unit.id,
                        f"'{match.form}' is not rendered as '{entry.en_preferred}' (entry {entry.id})",
                    )
                )
    return findings


def _pasted(english: str, one: str, other: str) -> bool:
    """Whether the English gives one rendering with another in brackets after it, as a draft left it."""
    first, second = comparable(one).strip().removeprefix("the "), comparable(other).strip().removeprefix("the ")
    flat = re.sub(r"\s+", " ", english.lower().replace("(", " ( ").replace(")", " ) "))
    return f"{first} ( {second} )" in re.sub(r"[-\"“”]", " ", flat).replace("  ", " ")


# --- (1) one term, two renderings ---------------------------------------------------------------------


def _where(text: Text) -> str:
    return f"{text.report}:{text.unit}"


def term_drift(
    texts: list[Text],
    glossary: Glossary,
    matcher: TermMatcher,
    contextual: dict[str, list[frozenset[str]]],
    names: tuple[Name, ...] = (),
) -> list[Finding]:
    """A glossary form whose occurrences in the catalogs use two of the entry's renderings, neither a
    shortening of the other ("officer" for "police officer" is not drift) and not a pair a translator has
    recorded as chosen by context (`contextual`: entry id → sets of renderings, from data/renderings.yml):
    each unit that departs from the most used one. A term inside a listed proper name (市局 in 诸暨市局)
    follows the name, not the glossary."""
    entries = glossary.by_id()
    present: dict[tuple[str, str], list[tuple[Text, set[str]]]] = defaultdict(list)
    repeated: set[tuple[Text, tuple[str, str]]] = set()  # units where the form occurs more than once
    for text in texts:
        if not text.current or not text.en or text.path:
            continue
        matches = [(m.entry, m.form) for m in matcher.find(_without_names(text.zh, names))]
        for key in dict.fromkeys(matches):
            found = {r for r in entries[key[0]].renderings() if has_rendering(text.en, r)}
            if found:
                present[key].append((text, found))
                if matches.count(key) > 1 and {f for e, f in matches if e == key[0]} == {key[1]}:
                    repeated.add((text, key))  # one form, several times, and no other form of the entry
    findings = []
    for (entry_id, form), occurrences in present.items():
        counts: dict[str, int] = defaultdict(int)
        for _, found in occurrences:
            for rendering in found:
                counts[rendering] += 1
        order = entries[entry_id].renderings()  # on a tie, the glossary's order: preferred first
        main = min(counts, key=lambda r: (-counts[r], order.index(r)))
        first = next(text for text, found in occurrences if main in found)

        def fits(rendering: str, main: str = main, entry_id: str = entry_id) -> bool:
            return _shortening(rendering, main) or any({rendering, main} <= g for g in contextual.get(entry_id, ()))

        for text, found in occurrences:
            clash = [
                (a, b)
                for a in sorted(found)
                for b in sorted(found)
                if a < b
                and " " in _stem(a)
                and " " in _stem(b)  # a one-word rendering ("officers") is too common to tell apart
                and not _shortening(a, b)
                and not any({a, b} <= g for g in contextual.get(entry_id, ()))
            ]
            if clash and (text, (entry_id, form)) in repeated:
                findings.append(
                    Finding(
                        text.report,
                        text.unit,
                        f"'{form}' is rendered both '{clash[0][0]}' and '{clash[0][1]}' in this unit"
                        f" (entry {entry_id}): use one",
                    )
                )
                continue
            if any(fits(rendering) for rendering in found):
                continue
            rendering = sorted(found)[0]
            findings.append(
                Finding(
                    text.report,
                    text.unit,
                    f"'{form}' is rendered '{rendering}' here but '{main}' in {_where(first)}"
                    f" and {counts[main] - 1} more (entry {entry_id}): use one",
                )
            )
    return findings


def _without_names(chinese: str, names: tuple[Name, ...]) -> str:
    for name in sorted(names, key=lambda n: len(n.zh), reverse=True):
        chinese = chinese.replace(name.zh, "〇" * len(name.zh))
    return chinese


def _stem(rendering: str) -> str:
    """A rendering without articles and plural endings, for comparing renderings with each other."""
    text = comparable(rendering).replace(" the ", " ")
    return re.sub(r"(\w)s(?= )", r"\1", re.sub(r"ies(?= )", "y", text)).strip()


def _shortening(one: str, other: str) -> bool:
    """Whether one rendering is the other shortened (or the same in another number)."""

    a, b = f" {_stem(one)} ", f" {_stem(other)} "
    return a in b or b in a


CN_QUOTED = re.compile(r"“([^“”]{2,24})”")
EN_QUOTED = re.compile(r"\"([^\"]{1,100})\"|“([^“”]{1,100})”")


def quote_drift(texts: list[Text], glossary: Glossary) -> list[Finding]:
    """The concordance for phrases the glossary lacks: a quoted Chinese phrase repeated in several units,
    paired in order with the quoted phrases of each unit's English (where both have as many), is drift when
    two units quote it differently."""
    forms = glossary.forms()
    seen: dict[str, dict[str, list[Text]]] = defaultdict(lambda: defaultdict(list))
    for text in texts:
        if not text.current or not text.en or text.path:
            continue
        chinese = CN_QUOTED.findall(text.zh)
        english = [a or b for a, b in EN_QUOTED.findall(text.en)]
        if not chinese or len(chinese) != len(english):
            continue
        for zh, en in zip(chinese, english, strict=True):
            if zh not in forms:
                seen[zh][comparable(en).strip()].append(text)
    findings = []
    for zh, by_rendering in seen.items():
        if len(by_rendering) < 2:
            continue
        ranked = sorted(by_rendering.items(), key=lambda item: (-len(item[1]), item[0]))
        main, main_texts = ranked[0]
        for rendering, found in ranked[1:]:
            for text in found:
                findings.append(
                    Finding(
                        text.report,
                        text.unit,
                        f'“{zh}” is quoted as "{rendering}" here but "{main}" in {_where(main_texts[0])}: use one',
                        text.path,
                    )
                )
    return findings


# --- (2) proper names -------------------------------------------------------------------------------

NAME_KINDS = ("place", "landmark", "bureau", "newspaper", "organisation", "document")
NAME_FIELDS = (
    Field("zh-Hans", (str,), doc="the name as the reports write it"),
    Field("en", (str,), doc="the one English form"),
    Field("kind", (str,), doc=", ".join(NAME_KINDS)),
    Field("variants", (list,), required=False, doc="other English forms, each reported where it occurs"),
)


CONTEXTUAL_FIELDS = (
    Field("entry", (str,), doc="a glossary entry id"),
    Field("renderings", (list,), doc="two or more of its renderings, each right in its own context"),
    Field("when", (str,), doc="how a translator chooses between them"),
)


@dataclass(frozen=True)
class Name:
    zh: str
    en: str
    kind: str
    variants: tuple[str, ...]


def load_names(path: Path) -> tuple[Name, ...]:
    """The proper names list; every problem at once, naming the file and line."""
    if not path.exists():
        return ()
    data = load_yaml(path)
    if not isinstance(data, list):
        raise DigestError(Problem(str(path), "must be a list of names", 1, "see docs/translators.md"))
    problems: list[Problem] = []
    names = []
    for index, item in enumerate(data):
        found = check_fields(item, NAME_FIELDS, path, "a name")
        if not found and item["kind"] not in NAME_KINDS:
            line = data.line_of(index) if hasattr(data, "line_of") else None
            found = [Problem(str(path), f"kind '{item['kind']}' unknown", line, "one of " + ", ".join(NAME_KINDS))]
        problems += found
        if not found:
            names.append(Name(item["zh-Hans"], item["en"], item["kind"], tuple(item.get("variants") or ())))
    if problems:
        raise DigestError(problems)
    return tuple(names)


def load_contextual(path: Path, glossary: Glossary) -> dict[str, list[frozenset[str]]]:
    """Renderings of one entry a translator has recorded as chosen by context (data/renderings.yml), so
    using both is not drift. Each must be one of the entry's renderings."""
    if not path.exists():
        return {}
    data = load_yaml(path)
    if not isinstance(data, list):
        raise DigestError(Problem(str(path), "must be a list", 1, "see docs/translators.md"))
    entries = glossary.by_id()
    problems: list[Problem] = []
    found: dict[str, list[frozenset[str]]] = defaultdict(list)
    for index, item in enumerate(data):
        line = data.line_of(index) if hasattr(data, "line_of") else None
        problems_here = check_fields(item, CONTEXTUAL_FIELDS, path, "a context-dependent rendering")
        if not problems_here:
            entry = entries.get(item["entry"])
            if entry is None:
                problems_here.append(Problem(str(path), f"entry '{item['entry']}' is not in the glossary", line))
            else:
                unknown = [r for r in item["renderings"] if r not in entry.renderings()]
                if unknown:
                    problems_here.append(
                        Problem(
                            str(path),
                            f"{unknown} are not renderings of entry '{entry.id}'",
                            line,
                            "add them to the entry's admitted renderings first",
                        )
                    )
                else:
                    found[entry.id].append(frozenset(item["renderings"]))
        problems += problems_here
    if problems:
        raise DigestError(problems)
    return dict(found)


def _contains_name(english: str, name: str) -> bool:
    """Case-sensitive: a name's capitals are part of it. A possessive or a plural may follow."""
    return re.search(rf"(?<![\w']){re.escape(name)}(?:'s|s)?(?![\w])", english.replace("’", "'")) is not None


def name_drift(texts: list[Text], names: tuple[Name, ...]) -> list[Finding]:
    """A text whose Chinese has a listed name and whose English lacks its form, and any listed variant
    in any English (content files and metadata included)."""
    findings = []
    ordered = sorted(names, key=lambda n: len(n.zh), reverse=True)
    for text in texts:
        if not text.current or not text.en:
            continue
        rest, english = text.zh, text.en
        for name in ordered:
            if name.zh in rest:
                rest = rest.replace(name.zh, "\0")  # a name inside a longer listed name is that name's,
                found = _contains_name(english, name.en)
                english = english.replace(name.en, "\0")  # and so is its English
                if not found:
                    findings.append(
                        Finding(
                            text.report, text.unit, f"{name.kind} '{name.zh}' is not given as '{name.en}'", text.path
                        )
                    )
        for name in names:
            for variant in name.variants:
                if _contains_name(text.en, variant):
                    findings.append(
                        Finding(
                            text.report,
                            text.unit,
                            f"{name.kind} '{name.en}' ({name.zh}) is written '{variant}'",
                            text.path,
                        )
                    )
    return findings


# --- (3) figures in an outdated English --------------------------------------------------------------

CN_NUMBER = re.compile(r"(\d+(?:\.\d+)?)(亿|万)?")
EN_NUMBER = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(billion|million|thousand)?", re.IGNORECASE)
SCALE = {"亿": 1e8, "万": 1e4, "billion": 1e9, "million": 1e6, "thousand": 1e3}


def chinese_figures(text: str) -> set[float]:
    return {round(float(n) * SCALE.get(s, 1), 6) for n, s in CN_NUMBER.findall(text)}


def english_figures(text: str) -> set[float]:
    return {round(float(n.replace(",", "")) * SCALE.get(s.lower(), 1), 6) for n, s in EN_NUMBER.findall(text)}


def figure_drift(texts: list[Text]) -> list[Finding]:
    """An outdated English (the Chinese changed since it was made) that still states a figure the
    Chinese no longer has: a number of the previous Chinese that is gone from the new one, or, where the
    previous Chinese is not kept, any number of the English the Chinese does not state."""
    findings = []
    for text in texts:
        if text.current or not text.en:
            continue
        now = chinese_figures(text.zh)
        stated = english_figures(text.en)
        stale = (chinese_figures(text.previous) - now) & stated if text.previous else stated - now
        if stale:
            shown = ", ".join(f"{v:g}" for v in sorted(stale))
            findings.append(
                Finding(
                    text.report,
                    text.unit,
                    f"the kept (outdated) English still states {shown}, which the updated Chinese no longer says",
                    text.path,
                )
            )
    return findings


# --- (4) renderings inside longer compounds: for review -----------------------------------------------

NOT_A_MODIFIER = re.compile(
    r"^(?:推进|深化|加强|建设|发展|坚持|实施|开展|推动|组织|打造|依托|构建|落实|完善|健全|强化|提升|优化|创新|实现|"
    r"拓展|办理|聘任|激发|确保|全面|积极|持续|不断|进一步|全市|全省|全国|全县|各级|各类|.*[名个项起件支批次])$"
)
ENGLISH_FILLER = re.compile(
    r"\b(the|a|an|of|and|or|in|on|at|to|for|by|with|from|as|its|their|our|his|her|all|every|each|such|"
    r"was|were|is|are|be|been|has|have|had|we|it|they|this|that|these|those)\b|\w+(ed|ing|ly)\b"
)


def forced_renderings(texts: list[Text], glossary: Glossary, matcher: TermMatcher) -> list[Finding]:
    """Occurrences where a term is the head of a longer Chinese compound, a word of two or more characters
    (not a verb or a scope word from NOT_A_MODIFIER) right before it (交通数字警务室) and the English puts lower-case modifiers in front of a rendering that already has its
    own (digital traffic community policing office): the glossary's rendering may have been applied where
    the compound means something narrower. A person decides; nothing is changed or failed."""
    entries = glossary.by_id()
    findings = []
    for text in texts:
        if not text.current or not text.en or text.path:
            continue
        for match in matcher.find(text.zh):
            entry = entries[match.entry]
            rendering = next((r for r in entry.renderings() if has_rendering(text.en, r)), None)
            bare = comparable(rendering or "").strip().removeprefix("the ")
            if rendering is None or " " not in bare:
                continue
            clause = re.split(r"[，。；：、“”（）《》！？\s\d]", text.zh[: match.start])[-1]
            words = list(matcher.tokenizer.cut(clause[-6:], HMM=False)) if clause else []
            if not words or len(words[-1]) < 2 or not HAN_RUN.fullmatch(words[-1]) or NOT_A_MODIFIER.match(words[-1]):
                continue
            head = re.escape(bare.split()[0])
            pattern = rf"(?<![A-Za-z'])([a-z][a-z-]+ [a-z][a-z-]+) (?i:{head})"
            found = re.search(pattern, re.sub(r"[\"“”]", "", text.en))
            if found is None or ENGLISH_FILLER.search(found[1]):
                continue
            findings.append(
                Finding(
                    text.report,
                    text.unit,
                    f"review: '{words[-1]}{match.form}' rendered '{found[1]} {bare}' with the glossary's"
                    f" '{rendering}' (entry {entry.id}): does it fit here?",
                    review=True,
                )
            )
    return findings


def drift(
    texts: list[Text],
    glossary: Glossary,
    matcher: TermMatcher,
    names: tuple[Name, ...],
    contextual: dict[str, list[frozenset[str]]],
) -> list[Finding]:
    return (
        term_drift(texts, glossary, matcher, contextual, names)
        + quote_drift(texts, glossary)
        + name_drift(texts, names)
        + figure_drift(texts)
        + forced_renderings(texts, glossary, matcher)
    )


CITATION_MARK = re.compile(r"\[\[[^\]]*\]\]")


def collect_texts(root: Path, reports: dict[str, SlicedReport], catalogs: dict[str, Catalog]) -> list[Text]:
    """Every English text with its Chinese: catalog units (outdated ones with the Chinese they were made
    from), the content files paired by name, and each report's title and publisher line."""
    texts: list[Text] = []
    for report_id, report in sorted(reports.items()):
        catalog = catalogs.get(report_id)
        messages = {m.context: m for m in catalog if m.id and m.context} if catalog is not None else {}
        for unit in units(report):
            message = messages.get(unit.id)
            if message is None or not isinstance(message.string, str) or not message.string.strip():
                continue
            current = not message.fuzzy and message.id == unit.source
            previous = "".join(message.previous_id) if message.previous_id else ""
            texts.append(Text(report_id, unit.id, unit.source, message.string, current, previous))
        source = report.normalized.source
        sidecar = str(source.sidecar_path)
        for field_name, value in (("title", source.title), ("publisher", source.publisher)):
            texts.append(Text(report_id, field_name, value.get("zh-Hans", ""), value.get("en", ""), path=sidecar))
    for english in sorted((root / "content").glob("*/*.en.md")):
        chinese = english.with_name(english.name.removesuffix(".en.md") + ".zh-Hans.md")
        if chinese.exists():
            zh = CITATION_MARK.sub("", chinese.read_text(encoding="utf-8"))
            en = CITATION_MARK.sub("", english.read_text(encoding="utf-8"))
            texts.append(Text(english.parent.name, english.stem.removesuffix(".en"), zh, en, path=str(english)))
    return texts
