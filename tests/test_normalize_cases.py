"""The labelled cases in cases/normalize.yml, each run through the step it names."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from digest.normalize import normalize_text
from digest.normalize.steps import BRANCHES, REGISTRY, chrome_rules, chrome_step

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "normalize.yml").read_text(encoding="utf-8"))
CHROME = chrome_rules(Path(__file__).resolve().parents[1] / "data" / "chrome.yml")
STEPS = {
    **{name: info.run for name, info in REGISTRY.items()},
    **{n: f for n, f, _ in BRANCHES.values()},
    "site_chrome": chrome_step(CHROME),
}


def run(step: str, text: str) -> str:
    if step == "pipeline":
        return normalize_text(text, (), CHROME).texts["zh-Hans"]
    return STEPS[step](text)


@pytest.mark.parametrize("case", CASES, ids=[c["label"] for c in CASES])
def test_case(case: dict[str, str]) -> None:
    expected = case["input"] if case.get("keep") else case["expected"]
    assert run(case["step"], case["input"]) == expected


def test_every_step_has_a_case() -> None:
    covered = {case["step"] for case in CASES}
    assert set(STEPS) - {"maintainer_repairs"} <= covered | {"control_characters"}


def test_the_frequent_character_list_is_jiebas() -> None:
    """data/frequent_characters.txt is what jieba's dictionary gives (regenerate: scripts/frequent_characters.py)."""
    from importlib import resources

    from digest.normalize import mojibake

    shipped = resources.files(mojibake.__package__).joinpath(mojibake.FREQUENT_FILE).read_text(encoding="utf-8")
    assert shipped == mojibake.frequent_characters_file()
    assert {"枫", "暨", "赋"} <= mojibake.frequent_characters() and "嵊" not in mojibake.frequent_characters()
