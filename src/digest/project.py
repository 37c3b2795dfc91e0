"""Where a digest project keeps its inputs and outputs, relative to its root folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def sources(self) -> Path:
        return self.root / "source_texts"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def glossary(self) -> Path:
        return self.root / "glossary"

    @property
    def translations(self) -> Path:
        return self.root / "translations"

    @property
    def locales(self) -> Path:
        return self.root / "locales"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    @property
    def build(self) -> Path:
        return self.root / "build"

    @property
    def normalized(self) -> Path:
        return self.build / "normalized"

    @property
    def pages(self) -> Path:
        """The Markdown tree MkDocs reads: hand-written docs/ plus generated pages."""
        return self.build / "pages"

    @property
    def site(self) -> Path:
        return self.build / "site"

    @property
    def mkdocs_config(self) -> Path:
        return self.root / "mkdocs.yml"
