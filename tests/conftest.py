from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def digest(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """The `digest` command as a user runs it, in a project folder, with its output captured.

    It runs `digest.cli.main` in this process (the entry point a user's `digest` calls), so the jieba
    dictionary and OpenCC tables load once per test session rather than once per command, which made each
    call cost seconds. A fresh `digest` process is still what tests/test_faults.py and tests/test_serve.py
    start, and tests/test_cli.py runs one through `digest_process`."""
    from digest.cli import main

    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(["--root", str(cwd), *args])
            except SystemExit as exit_:  # argparse refusing the arguments
                code = exit_.code if isinstance(exit_.code, int) else 1
    finally:
        os.chdir(here)
    return subprocess.CompletedProcess(["digest", *args], code, out.getvalue(), err.getvalue())


def digest_process(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """The `digest` command in a process of its own, as a user's shell starts it."""
    return subprocess.run(
        [sys.executable, "-m", "digest.cli", "--root", str(cwd), *args], capture_output=True, text=True, cwd=cwd
    )


INPUTS = ("source_texts", "data", "templates", "docs", "glossary", "translations", "locales", "content", "overrides")


def copy_project(target: Path) -> Path:
    """The project's inputs (and the MkDocs hooks its config names), without any build output."""
    for name in INPUTS:
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, target / name)
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    (target / "src" / "digest" / "publish").mkdir(parents=True)
    shutil.copy(ROOT / "src" / "digest" / "publish" / "hooks.py", target / "src" / "digest" / "publish" / "hooks.py")
    return target


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A throwaway copy of the project's inputs, to break or extend without touching the real ones."""
    return copy_project(tmp_path)


@pytest.fixture(scope="session")
def built_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real digest built once, site and all, in a scratch copy. Tests must not change it: copy it first."""
    from digest.build import build
    from digest.project import Project

    work = copy_project(tmp_path_factory.mktemp("built"))
    build(Project(work))
    return work
