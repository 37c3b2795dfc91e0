from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A throwaway copy of the project's inputs, to break or extend without touching the real ones."""
    for name in ("source_texts", "data", "templates", "docs", "glossary", "translations", "locales", "content"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, tmp_path / name)
    for name in ("mkdocs.yml",):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path
