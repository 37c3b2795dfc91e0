"""Finding glossary terms in running Chinese text: longest match first, never inside another word.

Chinese has no spaces, so "inside another word" is decided by segmentation: the text is cut into words
with jieba (every glossary form added to its dictionary), and a term counts only where it starts and ends
on word boundaries. So 安全 is found in 保障安全 but not in 西安全市 (西安 / 全市). Quotation marks may sit
inside a term as the reports write it: 新时代“枫桥经验” is the term 新时代枫桥经验.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from digest.memo import Hashed, Memo, fingerprint, task
from digest.progress import Progress, quiet

if TYPE_CHECKING:
    from digest.slice.corpus import SlicedReport

QUOTES = frozenset("“”‘’「」『』\"'")


@dataclass(frozen=True)
class TermMatch:
    start: int
    end: int
    entry: str
    form: str


@functools.cache
def _quiet_jieba() -> Any:
    import logging

    import jieba

    jieba.setLogLevel(logging.ERROR)
    return jieba


@functools.lru_cache(maxsize=2)
def _tokenizer(forms: frozenset[str]) -> Any:
    """jieba with every glossary form in its dictionary; loading the dictionary takes most of a second,
    so a process that builds again (`digest serve`) keeps it."""
    tokenizer = _quiet_jieba().Tokenizer()
    for form in sorted(forms):
        tokenizer.add_word(form, freq=max(10000, 1000 * len(form)))
    return tokenizer


class TermMatcher:
    """Matches a fixed set of forms (each mapped to its entry id) in text of either script."""

    def __init__(self, forms: dict[str, str]) -> None:
        self.forms = {form: entry for form, entry in forms.items() if form}
        self.lengths = sorted({len(form) for form in self.forms}, reverse=True)
        alternatives = "|".join(re.escape(form) for form in sorted(self.forms, key=len, reverse=True))
        # Zero-width, so every position is tried: the longest form starting at each place.
        self.candidates = re.compile(f"(?=({alternatives}))") if self.forms else None
        self._tokenizer: Any = None

    @property
    def tokenizer(self) -> Any:
        if self._tokenizer is None:
            self._tokenizer = _tokenizer(frozenset(self.forms))
        return self._tokenizer

    def boundaries(self, bare: str, spans: list[tuple[int, int]]) -> bytearray:
        """Where words start or end (1) in `bare`, as jieba would cut it, segmenting only the runs a candidate touches.

        jieba cuts each run of Han letters and digits on its own (its `re_han`) and every other character is a
        word by itself, so cutting one run alone gives the same words as cutting the whole text.
        """
        jieba = _quiet_jieba()
        edges = bytearray(b"\x01") * (len(bare) + 1)
        spans_left = iter(spans)
        span = next(spans_left, None)
        for run in jieba.re_han_default.finditer(bare):
            start, end = run.span()
            if end - start < 2:
                continue
            while span is not None and span[1] <= start:
                span = next(spans_left, None)
            edges[start + 1 : end] = bytes(end - start - 1)
            if span is None or span[0] >= end:
                continue  # no candidate here: nothing can start or end inside this run
            offset = start
            for word in self.tokenizer.cut(run.group(), HMM=False):
                offset += len(word)
                edges[offset] = 1
        return edges

    def find(self, text: str) -> list[TermMatch]:
        if self.candidates is None or not text:
            return []
        positions: Sequence[int] = range(len(text))
        bare = text
        if not QUOTES.isdisjoint(text):
            positions = [i for i, char in enumerate(text) if char not in QUOTES]
            bare = "".join(text[i] for i in positions)
        spans = [(m.start(), m.end(1)) for m in self.candidates.finditer(bare)]
        if not spans:
            return []
        edges = self.boundaries(bare, spans)
        found: list[TermMatch] = []
        covered = 0
        for start, _longest in spans:
            if start < covered or not edges[start]:
                continue
            for length in self.lengths:
                end = start + length
                if end <= len(bare) and edges[end] and bare[start:end] in self.forms:
                    form = bare[start:end]
                    found.append(TermMatch(positions[start], positions[end - 1] + 1, self.forms[form], form))
                    covered = end
                    break
        return found


ReportMatches = dict[tuple[str, str], list[TermMatch]]
"""Glossary terms found in one report: (paragraph id, "lead" or "text") → matches; headings and front lines
as ("heading:<section id>", "") and ("front:<n>", "")."""
PARALLEL_TEXTS_FROM = 320  # below this many texts to match, a process pool costs more than it saves


def searchable(report: SlicedReport) -> dict[tuple[str, str], str]:
    """Every Simplified text of a report in which glossary terms are looked for, under its match key."""
    texts: dict[tuple[str, str], str] = {}
    for _, paragraph in report.outline.paragraphs():
        texts[(paragraph.id, "lead")] = (paragraph.lead or {}).get("zh-Hans", "")
        texts[(paragraph.id, "text")] = paragraph.text["zh-Hans"]
    for section in report.outline.sections:
        if section.heading:
            texts[(f"heading:{section.id}", "")] = section.heading["zh-Hans"]
    for index, line in enumerate(report.outline.front):
        texts[(f"front:{index}", "")] = line.text["zh-Hans"]
    return texts


Forms = tuple[tuple[str, str], ...]
"""The glossary's written forms, each with its entry id, in a stable order."""


_MATCHER: list[tuple[Forms, TermMatcher]] = []


def _matcher(forms: Forms) -> TermMatcher:
    """The matcher for these forms, made once per process (jieba's dictionary takes seconds to load); looked
    up by identity first, as every call of one batch holds the same tuple, then by value."""
    if _MATCHER and (_MATCHER[0][0] is forms or _MATCHER[0][0] == forms):
        return _MATCHER[0][1]
    _MATCHER[:] = [(forms, TermMatcher(dict(forms)))]
    return _MATCHER[0][1]


@task("text-matches")
def text_matches(text: str, forms: Forms) -> list[TermMatch]:
    return _matcher(forms).find(text)


@task("matches")
def report_matches(report: SlicedReport, forms: Forms) -> ReportMatches:
    """Glossary terms in every text of one report: an edit matches that report again, a glossary change
    every report."""
    matcher = _matcher(forms)
    return {place: matcher.find(text) for place, text in searchable(report).items()}


@task("text-match-names", kept="process")
def text_match_names(report: SlicedReport, forms_digest: str) -> tuple[str, ...]:
    """The names of `text_matches`' results for every text of a report, which `match_terms` keeps on every
    build: named once per report in a long-lived process (the preview's), not once per text each build."""
    forms = Hashed(None, forms_digest)
    return tuple(fingerprint(text_matches.name, text, forms) for text in searchable(report).values())


def match_terms(
    memo: Memo, reports: dict[str, Hashed[SlicedReport]], forms: Hashed[Forms], progress: Progress = quiet
) -> dict[str, Hashed[ReportMatches]]:
    """Glossary terms in every report. The reports to match again are matched text by text, each text's
    matches kept on their own, so an edited report matches only its changed texts; many texts to match use
    every core."""

    def by_text(calls: list[tuple[Any, ...]]) -> list[ReportMatches]:
        places = [searchable(report.value) for report, _forms in calls]
        texts = sorted({text for found in places for text in found.values()})
        matched = memo.map(
            text_matches, [(text, forms) for text in texts], progress, parallel_from=PARALLEL_TEXTS_FROM, chunk=200
        )
        found = {text: matches.value for text, matches in zip(texts, matched, strict=True)}
        return [{place: found[text] for place, text in texts_of.items()} for texts_of in places]

    calls = [(report, forms) for report in reports.values()]
    found = dict(zip(reports, memo.map(report_matches, calls, batch=by_text), strict=True))
    # Every current text's matches stay kept, so the next edit of any report finds its unchanged texts.
    named = memo.map(text_match_names, [(report, forms.digest) for report in reports.values()])
    memo.keep_named(text_matches, (name for names in named for name in names.value))
    return found
