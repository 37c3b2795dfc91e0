"""Rules that must hold for every input, not just the seeds."""

from __future__ import annotations

import pickle
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digest.memo import fingerprint, fingerprints
from digest.normalize import normalize_text, rebuild_raw
from digest.normalize.ledger import apply, diff, invert
from digest.normalize.steps import chrome_rules

CHROME = chrome_rules(Path(__file__).resolve().parents[1] / "data" / "chrome.yml")

# Text drawn from the alphabet of the scrapes: Han characters, pinyin letters, folded punctuation,
# entities, private-use characters, controls and newlines, mixed with anything at all.
SCRAPE_ALPHABET = st.sampled_from(
    list("護航經濟楓橋鄉約派出所民警表獎既群防治共建享（）。“”、…")
    + list("(hùàngjīǐ)?!,:;&#43;nbsp\n\r\t \xa0\u3000\ue07b\x00")
)
scrape_text = st.lists(st.one_of(SCRAPE_ALPHABET, st.characters()), max_size=300).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scrape_text)
def test_normalize_never_raises_and_ledger_rebuilds_input(text: str) -> None:
    result = normalize_text(text, (), CHROME)
    for script in ("zh-Hans", "zh-Hant"):
        assert rebuild_raw(result, script) == text


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=200), st.text(max_size=200))
def test_diff_round_trips(before: str, after: str) -> None:
    edits = diff(before, after)
    assert apply(before, edits) == after
    assert invert(after, edits) == before


@st.composite
def with_spans_removed(draw: st.DrawFn) -> tuple[str, str]:
    """A text and what is left of it after removing characters: a small alphabet makes removals ambiguous."""
    before = draw(st.text(alphabet="护航(hù)。 ", max_size=80))
    keep = draw(st.lists(st.booleans(), min_size=len(before), max_size=len(before)))
    return before, "".join(char for char, kept in zip(before, keep, strict=True) if kept)


@settings(max_examples=500, deadline=None)
@given(with_spans_removed())
def test_removals_are_recorded_as_removals(pair: tuple[str, str]) -> None:
    before, after = pair
    edits = diff(before, after)
    assert apply(before, edits) == after and invert(after, edits) == before
    assert all(edit.after == "" for edit in edits)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="护護航(hù)。 ", max_size=80), st.data())
def test_substitutions_are_recorded_in_place(before: str, data: st.DataObject) -> None:
    after = "".join(data.draw(st.sampled_from([char, "護", "x"])) for char in before)
    edits = diff(before, after)
    assert apply(before, edits) == after and invert(after, edits) == before
    assert all(len(edit.before) == len(edit.after) for edit in edits)


@given(st.lists(st.text(max_size=20), max_size=3), st.text(max_size=20))
def test_shared_fingerprints_give_the_fingerprint_of_all_parts(parts: list[str], last: str) -> None:
    assert fingerprints(*parts)(last) == fingerprint(*parts, last)


@given(st.lists(st.text(min_size=2, max_size=20), min_size=1, max_size=5))
def test_a_fingerprint_depends_on_content_not_on_which_values_are_shared(texts: list[str]) -> None:
    """A report fresh from the slicer shares strings differently from the same report read from the cache;
    their pages must still be recognised as unchanged."""
    shared = [(text, text) for text in texts]
    copied = [(text, "".join(reversed(text[::-1]))) for text in texts]
    assert fingerprint(shared) == fingerprint(copied) == fingerprint(pickle.loads(pickle.dumps(shared)))
    assert fingerprint(shared) != fingerprint([*shared, ("", "")])
