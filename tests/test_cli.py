"""The command line as a maintainer meets it: one-line errors, no tracebacks, scaffolding."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from conftest import digest, digest_process
from digest.cli import main


def test_normalize_report_summary(project_copy: Path) -> None:
    run = digest("normalize", "--report", "xian-public-order-2023", cwd=project_copy)
    assert run.returncode == 0, run.stderr
    assert "pinyin_annotations" in run.stdout and "maintainer_repairs" in run.stdout
    assert (project_copy / "build/normalized/xian-public-order-2023.ledger.json").exists()


def test_unknown_report_is_one_line(project_copy: Path) -> None:
    """In a process of its own, as a user's shell starts it: nothing else reaches stderr."""
    run = digest_process("normalize", "--report", "nowhere", cwd=project_copy)
    assert run.returncode == 1
    assert run.stderr.count("\n") == 1 and "nowhere" in run.stderr


def test_undecodable_file_is_one_line_naming_it(project_copy: Path) -> None:
    raw = project_copy / "source_texts" / "000_414c27bd1eed4f6c.txt"
    raw.write_bytes(bytes(range(256)) * 40)
    run = digest("normalize", cwd=project_copy)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert "000_414c27bd1eed4f6c.txt" in run.stderr and "binary" in run.stderr


def test_strict_fails_on_unrepaired_span(project_copy: Path) -> None:
    (project_copy / "source_texts" / "002_2470defdfd3479c1.repairs.yml").unlink()
    lenient = digest("normalize", cwd=project_copy)
    assert lenient.returncode == 0
    assert "002_2470defdfd3479c1.txt:16: warning: unrepaired suspect span" in lenient.stderr
    strict = digest("normalize", "--strict", cwd=project_copy)
    assert strict.returncode == 1


def test_new_report_scaffolds_a_sidecar(project_copy: Path, monkeypatch) -> None:
    raw = project_copy / "source_texts" / "new.txt"
    text = (project_copy / "source_texts" / "002_2470defdfd3479c1.txt").read_text(encoding="utf-8")
    raw.write_bytes(text.encode("gb18030"))
    monkeypatch.chdir(project_copy)
    assert main(["new-report", str(raw)]) == 0
    sidecar = yaml.safe_load(raw.with_suffix(".yml").read_text(encoding="utf-8"))
    assert sidecar["detected"] == {"encoding": "gb18030", "script": "zh-Hant"}
    assert sidecar["title"]["zh-Hans"] == "践行新时代“枫桥经验” 提升“大基础”能力水平"
    assert sidecar["date"] == {"value": "2021-05-12", "kind": "published"}
    assert sidecar["publisher"]["zh-Hans"] == "甘肃政法网"
    assert main(["new-report", str(raw)]) == 1  # never overwrites


def test_raw_file_without_sidecar_is_reported(project_copy: Path) -> None:
    shutil.copy(project_copy / "source_texts" / "003_cacb8ca68be18fb9.txt", project_copy / "source_texts" / "extra.txt")
    run = digest("normalize", cwd=project_copy)
    assert run.returncode == 1
    assert "extra.txt: error: raw file without a sidecar (run `digest new-report" in run.stderr


def test_sidecar_errors_name_file_and_line(project_copy: Path) -> None:
    sidecar = project_copy / "source_texts" / "003_cacb8ca68be18fb9.yml"
    text = sidecar.read_text(encoding="utf-8").replace("genre: news-feature", "genre: blog\ncolour: red")
    sidecar.write_text(text, encoding="utf-8")
    run = digest("normalize", cwd=project_copy)
    assert run.returncode == 1
    assert "003_cacb8ca68be18fb9.yml:" in run.stderr
    assert "unknown field 'colour'" in run.stderr and "genre 'blog' unknown" in run.stderr
