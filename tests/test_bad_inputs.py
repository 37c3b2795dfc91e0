"""The bad-input corpus (cases/bad_inputs.yml): every broken input gets one clear line, never a traceback."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
import yaml

from digest.cli import main

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "bad_inputs.yml").read_text(encoding="utf-8"))
SIDECAR = """id: new-report
source_file: {name}
title: {{zh-Hans: 新报告, zh-Hant: 新報告, en: A new report}}
region:
  province: {{zh-Hans: 陕西省, zh-Hant: 陝西省, en: Shaanxi}}
publisher: {{zh-Hans: 测试, zh-Hant: 測試, en: Test}}
date: {{value: "2024", kind: published}}
genre: work-review
detected: {{encoding: utf-8, script: zh-Hans}}
"""


def _content(spec: object, project: Path) -> bytes:
    if isinstance(spec, str):
        return spec.encode("utf-8")
    assert isinstance(spec, dict)
    if "from_file" in spec:
        return (project / spec["from_file"]).read_bytes()
    if "hex" in spec:
        return bytes.fromhex(spec["hex"])
    if "encode" in spec:
        text = (project / spec["from"]).read_text(encoding="utf-8")
        return text.encode(spec["encode"], errors="ignore")
    size = int(spec["megabytes"] * 1_000_000)
    if spec["generate"] == "random":
        return os.urandom(size)
    seed = (project / "source_texts" / "003_cacb8ca68be18fb9.txt").read_bytes()
    return (seed * (size // len(seed) + 1))[:size]


def _apply(case: dict[str, object], project: Path) -> None:
    for rel, spec in (case.get("write") or {}).items():  # type: ignore[attr-defined]
        (project / rel).write_bytes(_content(spec, project))
    for rel, text in (case.get("append") or {}).items():  # type: ignore[attr-defined]
        with (project / rel).open("ab") as handle:
            handle.write(text.encode("utf-8"))
    for rel, (old, new) in (case.get("replace") or {}).items():  # type: ignore[attr-defined]
        path = project / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"case setup: {old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    for rel, target in (case.get("link") or {}).items():  # type: ignore[attr-defined]
        (project / rel).symlink_to(target)
    if case.get("add_sidecar"):
        name = str(case["add_sidecar"])
        (project / "source_texts" / name).with_suffix(".yml").write_text(SIDECAR.format(name=name), encoding="utf-8")


@pytest.fixture(scope="module")
def normalized_seeds(tmp_path_factory: pytest.TempPathFactory, root: Path) -> Path:
    """build/normalized of the real project, which some cases re-encode."""
    from digest.normalize.report import write_normalized
    from digest.project import Project
    from digest.slice.gather import normalize_all

    folder = tmp_path_factory.mktemp("normalized")
    for report in normalize_all(Project(root)):
        write_normalized(report, folder)
    return folder


@pytest.mark.parametrize("case", CASES, ids=[c["label"] for c in CASES])
def test_bad_input(case: dict[str, object], project_copy: Path, normalized_seeds: Path, monkeypatch, capsys) -> None:
    shutil.copytree(normalized_seeds, project_copy / "build" / "normalized")
    _apply(case, project_copy)
    monkeypatch.chdir(project_copy)
    code = main([*(case.get("command") or ["build", "--no-site"])])  # type: ignore[misc]
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert code == case["exit"], err
    if case.get("message"):
        assert any(re.search(str(case["message"]), line) for line in err.splitlines()), err
    if case.get("absent"):
        assert not re.search(str(case["absent"]), err), err
    if case.get("errors"):
        assert sum(": error: " in line for line in err.splitlines()) == case["errors"], err
    if code:
        assert all(": error: " in line or ": warning: " in line for line in err.splitlines() if line.strip()), err


def test_every_case_is_labelled_and_expects_an_exit_code() -> None:
    assert len(CASES) >= 25
    for case in CASES:
        assert case["label"] and case["exit"] in (0, 1)
