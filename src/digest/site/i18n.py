"""The site's three languages, and the interface-string catalogs (Babel gettext) that serve them."""

from __future__ import annotations

import functools
import gettext
import io
import re
from dataclasses import dataclass
from pathlib import Path

import jinja2
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from markupsafe import Markup, escape

from digest.errors import DigestError, Problem
from digest.translate.po import check_po


@dataclass(frozen=True)
class Language:
    code: str  # the page-suffix and URL code used by mkdocs-static-i18n
    locale: str  # the Babel locale for dates and numbers
    catalog: str  # the folder under locales/ (None for the source language)
    script: str  # which Chinese script a reader of this language sees
    name: str

    @property
    def text(self) -> str:
        """Which key of a three-language field (en, zh-Hans, zh-Hant) this reader sees."""
        return "en" if self.code == "en" else self.script

    @property
    def babel(self) -> Locale:
        return Locale.parse(self.locale)


LANGUAGES = (
    Language("en", "en", "", "zh-Hans", "English"),
    Language("zh", "zh_Hans_CN", "zh_Hans", "zh-Hans", "简体中文"),
    Language("zh-Hant", "zh_Hant_TW", "zh_Hant", "zh-Hant", "繁體中文"),
)
DEFAULT = LANGUAGES[0]


PLACEHOLDER_NAME = re.compile(r"%\((\w+)\)")


def placeholder_faults(catalog: Catalog) -> list[tuple[int | None, str]]:
    """Translations that would fail when a template fills them in: Jinja formats every interface string with
    `%` and its named values, so a stray `%` (write `%%`) or a name the msgid lacks breaks the build."""
    faults: list[tuple[int | None, str]] = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        values = {name: 0 for text in ids for name in PLACEHOLDER_NAME.findall(text)}
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        for text in strings:
            try:
                (text or "") % values
            except (ValueError, TypeError, KeyError) as exc:
                faults.append((message.lineno, f"{type(exc).__name__}: {exc}"))
    return faults


def compile_catalog(po_path: Path) -> gettext.NullTranslations:
    """Compile a PO file in memory (the build never leaves .mo files behind) and load it."""
    try:
        data = po_path.read_bytes()
        check_po(data, po_path)
        catalog = read_po(io.BytesIO(data), abort_invalid=True)
    except DigestError:
        raise
    except OSError as exc:
        raise DigestError(Problem(str(po_path), f"cannot read: {exc.strerror}")) from exc
    except Exception as exc:
        raise DigestError(Problem(str(po_path), f"not a valid PO file: {exc}", getattr(exc, "lineno", None))) from exc
    hint = "keep the msgid's %(name)s placeholders and write a literal per cent sign as %%"
    problems = [
        Problem(str(po_path), f"the translation's % placeholders do not fit its msgid: {fault}", lineno, hint)
        for lineno, fault in placeholder_faults(catalog)
    ]
    if problems:
        raise DigestError(problems)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


@functools.cache
def translations(locales: Path, language: Language) -> gettext.NullTranslations:
    if not language.catalog:
        return gettext.NullTranslations()
    path = locales / language.catalog / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        raise DigestError(Problem(str(path), f"no interface catalog for {language.name}", hint="run `make locales`"))
    return compile_catalog(path)


def install(env: jinja2.Environment, catalog: gettext.NullTranslations) -> None:
    """Give templates the catalog's messages as text, not markup.

    Jinja's new-style gettext marks every translation safe, so a catalog line such as `<script>` would reach
    the page as a tag; interface strings hold no markup, so each is escaped before Jinja sees it.
    """

    def text(message: str) -> Markup:
        return escape(catalog.gettext(message))

    def plural(singular: str, plural_form: str, n: int) -> Markup:
        return escape(catalog.ngettext(singular, plural_form, n))

    env.install_gettext_callables(text, plural, newstyle=True)  # type: ignore[attr-defined]
