"""`make bench` on a tiny corpus: it runs end to end and reports every figure the docs page shows."""

from __future__ import annotations

import json
from pathlib import Path

from digest import bench


def test_the_benchmark_runs_and_reports_each_figure(tmp_path: Path) -> None:
    docs = tmp_path / "benchmark.md"
    docs.write_text("# Benchmark\n\nold figures\n\n## Where the time goes\n\nanalysis\n", encoding="utf-8")
    assert bench.main(["--sizes", "2", "--work", str(tmp_path / "work"), "--write-docs", str(docs)]) == 0
    report = json.loads((tmp_path / "work" / "results.json").read_text(encoding="utf-8"))
    (result,) = report["results"]
    assert result["reports"] == 7  # two generated beside the five real reports
    assert result["html_pages"] > 0 and result["bare_mkdocs_s"] > 0
    assert 0 < result["our_share_of_full_build"] < 1
    assert [edit["reports_processed"] for edit in result["one_report_edits"]] == [1, 1, 1]
    assert result["one_report_edit_own_process_s"] > 0 and result["own_process_reports_processed"] == 1
    assert result["one_report_edit_site_visible"] and result["preview_edit_visible"], "the edited pages updated"
    page = docs.read_text(encoding="utf-8")
    assert "| 7 |" in page and "Targets at N = 7" in page
    assert "old figures" not in page and page.endswith("\n## Where the time goes\n\nanalysis\n")
