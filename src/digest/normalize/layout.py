"""Steps that undo what page layout did to the text: PDF and e-paper spacing, hard line breaks inside a
phrase, a short line printed twice, and the middle dot of a name lost to `?`.

Each is a pure `str -> str` step in the registry; like every step, what it changed is recorded in the ledger
by diffing its input and output.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

from digest.ingest.decode import HAN_RANGES
from digest.normalize.damage import outside_damage
from digest.normalize.steps import step

HAN = f"[{HAN_RANGES}]"
SENTENCE = "。！？；"
BODY_MARKS = "。，；！？"
# Units written right after a number: 2023年, 5月6日, 120名, 30余起, 8.5万, 90%.
UNITS = "年月日时号万亿千百个名人起件次余家所处条项岁倍%"
OPENING = "“‘「『《（【"
CLOSING = "”’」』》）】"
# A space between characters, between a character and a figure, or beside a sentence mark.
LAYOUT_GAPS = re.compile(
    rf"(?<={HAN}) (?={HAN}|\d)|(?<=\d) (?={HAN})|(?<=[{BODY_MARKS}、：]) +|(?<={HAN}) (?=[{BODY_MARKS}、：])"
)
# A photo credit closing a caption (…走访企业。 王五 摄): its spaces are the caption's form, not layout.
PHOTO_CREDIT = re.compile(r"\s+[^\s。，；！？]{1,8}\s*(?:摄|摄影|供图|攝|攝影|供圖)$")
NUMBERED = re.compile(
    r"^(?:[一二三四五六七八九十]+[、是]|（[一二三四五六七八九十]+）|\d+[.．、]|第[一二三四五六七八九十]+[章节部分])"
)


@functools.cache
def transliteration_characters() -> frozenset[str]:
    """The characters of phonetically written names, from data/transliteration.txt in this package."""
    text = resources.files(__package__).joinpath("data/transliteration.txt").read_text(encoding="utf-8")
    chars = "".join(line for line in text.splitlines() if not line.startswith("#"))
    return frozenset(chars.replace(" ", ""))


@step(
    "name_dots",
    "A '?' between two parts of a transliterated name is its lost middle dot: 阿依古丽?吐尔逊 → 阿依古丽·吐尔逊.",
)
def name_dots(text: str) -> str:
    if "?" not in text:
        return text
    names = transliteration_characters()
    out = list(text)
    for index, char in enumerate(text):
        if char != "?":
            continue
        left = 0
        while index - left > 0 and text[index - left - 1] in names:
            left += 1
        right = 0
        while index + right + 1 < len(text) and text[index + right + 1] in names:
            right += 1
        # Two name characters at least on each side: a question ends a sentence, it does not sit inside a name.
        if left >= 2 and right >= 2:
            out[index] = "·"
    return "".join(out)


@step(
    "pdf_spacing",
    "Join spacing left by PDF and e-paper layout: inside quotes, between a number and 年/月/名…, between Chinese "
    "characters in a sentence, and in letter-spaced lines; spaces between Latin words stay.",
)
@outside_damage
def pdf_spacing(text: str) -> str:
    return "\n".join(_join_spaces(line) for line in text.split("\n"))


def _join_spaces(line: str) -> str:
    if " " not in line:
        return line
    credit = PHOTO_CREDIT.search(line)
    if credit:
        return _join_spaces(line[: credit.start()]) + credit.group()
    is_sentence = any(mark in line for mark in BODY_MARKS)
    spread = len(LAYOUT_GAPS.findall(line)) >= 2  # counted before any is joined
    line = re.sub(f"(?<=[{OPENING}]) +", "", line)
    line = re.sub(f" +(?=[{CLOSING}])", "", line)
    line = re.sub(rf"(?<=\d) +(?=[{UNITS}])", "", line)
    line = re.sub(r"(?<=[年月]) +(?=\d{1,2}[月日])", "", line)
    if is_sentence:
        # Layout spacing runs through a whole paragraph. One space in a sentence is the writer's: a paired
        # slogan (“党旗耀警徽 执法卫平安”), or where a word was cut; it stays.
        if spread:
            line = LAYOUT_GAPS.sub("", line)
    else:
        # Letter-spaced text (全 市 公 安): three or more single characters in a row. Two (南 玺) is how
        # newspapers set a two-character name in a byline, and stays.
        line = re.sub(rf"(?<!{HAN}|\S)({HAN}(?: {HAN}){{2,}})(?!\S)", lambda m: m.group(1).replace(" ", ""), line)
        line = _lone_character(line)
    return line


# One Han character set apart between two longer runs of Han characters (派出所 的 湘西, 乾州派出所 创 建工作):
# no word or name is set that way, so the line is letter-spaced layout, and every gap between Han characters in
# it is joined. A two-character name set as two single characters (刘 洋) has a single neighbour and stays.
LONE = re.compile(rf"{HAN}{{2}} ({HAN}) {HAN}{{2}}")


def _lone_character(line: str) -> str:
    if not LONE.search(line):
        return line
    return re.sub(rf"(?<={HAN}) +(?={HAN})", "", line)


@step(
    "broken_lines",
    "Rejoin a paragraph broken by a hard line break inside a phrase (the line ends mid-sentence, or the next "
    "begins with a comma or closing mark).",
)
def broken_lines(text: str) -> str:
    lines = text.split("\n")
    kept: list[str] = []
    for line in lines:
        if kept and line and _continues(kept[-1], line):
            kept[-1] += line
        else:
            kept.append(line)
    return "\n".join(kept)


def _continues(previous: str, line: str) -> bool:
    """Whether `line` is the rest of `previous`, cut by a line break (not a new paragraph or heading)."""
    if not previous or NUMBERED.match(line):
        return False
    if line[0] in "，。、；：？！" + CLOSING:
        return True
    if previous[-1] in SENTENCE + CLOSING + "：…":
        return False
    if not re.match(HAN, line) or NUMBERED.match(previous):
        return False
    if previous[-1] in "，、" + OPENING:
        return True
    # A line that stops in the middle of a sentence: long, already a sentence (a comma in it), and cut
    # between two characters, with the following line running on to the end of the sentence.
    return len(previous) >= 20 and "，" in previous and bool(re.match(HAN, previous[-1])) and "。" in line


@step(
    "duplicate_short_lines",
    "Drop a short line (title, byline) printed twice in a row, with only short lines between; a heading that "
    "comes back later over other text stays.",
)
def duplicate_short_lines(text: str) -> str:
    kept: list[str] = []
    for line in text.split("\n"):
        if line and _is_short(line) and _repeats_nearby(line, kept):
            continue
        kept.append(line)
    return "\n".join(kept)


def _is_short(line: str) -> bool:
    return len(line) <= 30 and not any(c in line for c in "。；")


def _repeats_nearby(line: str, kept: list[str]) -> bool:
    for earlier in reversed(kept[-4:]):
        if earlier == line:
            return True
        if earlier and not _is_short(earlier):
            return False
    return False
