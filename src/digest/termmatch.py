"""Finding glossary terms in running Chinese text: longest match first, never inside another word.

Chinese has no spaces, so "inside another word" is decided by segmentation: the text is cut into words
with jieba (every glossary form added to its dictionary), and a term counts only where it starts and ends
on word boundaries. So 安全 is found in 保障安全 but not in 西安全市 (西安 / 全市). Quotation marks may sit
inside a term as the reports write it: 新时代“枫桥经验” is the term 新时代枫桥经验.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

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


class TermMatcher:
    """Matches a fixed set of forms (each mapped to its entry id) in text of either script."""

    def __init__(self, forms: dict[str, str]) -> None:
        self.forms = {form: entry for form, entry in forms.items() if form}
        self.lengths = sorted({len(form) for form in self.forms}, reverse=True)
        self._tokenizer: Any = None

    @property
    def tokenizer(self) -> Any:
        if self._tokenizer is None:
            jieba = _quiet_jieba()
            tokenizer = jieba.Tokenizer()
            for form in self.forms:
                tokenizer.add_word(form, freq=max(10000, 1000 * len(form)))
            self._tokenizer = tokenizer
        return self._tokenizer

    def find(self, text: str) -> list[TermMatch]:
        if not self.forms or not text:
            return []
        positions = [i for i, char in enumerate(text) if char not in QUOTES]
        bare = "".join(text[i] for i in positions)
        boundaries = {0, len(bare)}
        offset = 0
        for word in self.tokenizer.cut(bare, HMM=False):
            offset += len(word)
            boundaries.add(offset)
        found: list[TermMatch] = []
        i = 0
        while i < len(bare):
            match = None
            if i in boundaries:
                for length in self.lengths:
                    end = i + length
                    if end <= len(bare) and end in boundaries and bare[i:end] in self.forms:
                        match = TermMatch(positions[i], positions[end - 1] + 1, self.forms[bare[i:end]], bare[i:end])
                        i = end
                        break
            if match is None:
                i += 1
            else:
                found.append(match)
        return found
