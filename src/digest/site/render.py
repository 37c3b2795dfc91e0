"""Render: Jinja2 templates in templates/ turn the pipeline's objects into Markdown pages.

Everything that comes from a source, a glossary entry or a translation is escaped on the way in:
templates autoescape HTML, and the `md` filter also escapes Markdown syntax, so no input can inject
markup, scripts or Material extensions into the site.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from digest.errors import fail
from digest.inputs import files_under, input_bytes
from digest.memo import Hashed, Memo, hashed, task
from digest.site.i18n import LANGUAGES, install, translations
from digest.ui_terms import LABELS

# Escaped with a backslash; the site enables pymdownx.escapeall, so any of these may be escaped.
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~=^$:%'])")


def md(value: Any) -> Markup:
    """Text made safe for both Markdown and HTML: every syntax character backslash-escaped or an entity."""
    text = str(value)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return Markup(MARKDOWN_SPECIAL.sub(r"\\\1", text))


def environment(templates: Path, extensions: tuple[str, ...] = (), compiled: Path | None = None) -> jinja2.Environment:
    """`compiled`: a folder where compiled templates are kept between processes (Jinja checks each against
    its template's source), so a fresh `digest build` does not compile every template again. The compiled
    code is the same for every language: no filter that depends on the language may be folded into it."""
    if compiled is not None:
        compiled.mkdir(parents=True, exist_ok=True)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=list(extensions),
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(compiled)) if compiled is not None else None,
    )
    env.filters["md"] = md
    return env


def render(env: jinja2.Environment, name: str, context: Mapping[str, Any]) -> str:
    """Render one template; template mistakes become one-line errors naming the template and line."""
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise fail(exc.filename or name, f"template syntax error: {exc.message}", line=exc.lineno) from exc
    except jinja2.UndefinedError as exc:
        raise fail(
            Path(env.loader.searchpath[0]) / name if isinstance(env.loader, jinja2.FileSystemLoader) else name,
            f"template uses an undefined value: {exc.message}",
            line=_template_line(exc, name),
            hint="check the variable name against the page context",
        ) from exc
    except jinja2.TemplateNotFound as exc:
        raise fail(name, f"template not found: {exc.name}") from exc


def _template_line(exc: BaseException, name: str) -> int | None:
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(name):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _label(catalog: gettext.NullTranslations) -> Callable[..., str]:
    """A data value's interface label in the catalog's language. It takes the template's context only so
    that Jinja never folds `"approved"|label` into the compiled template, which is shared by every
    language through the compiled-template folder."""

    @jinja2.pass_context
    def label(_context: jinja2.runtime.Context, value: str) -> str:
        return catalog.gettext(LABELS.get(value, value))

    return label


@task("environments", kept="process")
def _environments(folders: tuple[Path, Path, Path]) -> dict[str, jinja2.Environment]:
    templates, locales, compiled = folders
    envs = {}
    for lang in LANGUAGES:
        env = environment(templates, ("jinja2.ext.i18n",), compiled)
        catalog = translations(locales, lang)
        install(env, catalog)
        env.filters["label"] = _label(catalog)
        envs[lang.code] = env
    return envs


def environments(memo: Memo, templates: Path, locales: Path, compiled: Path) -> Hashed[dict[str, jinja2.Environment]]:
    """A Jinja environment per language, with its interface catalog, made again only when a template or a
    catalog changed: a build in the same process (`digest serve`) compiles no template twice, and a build
    in a new process reads the compiled templates from `compiled`."""
    made_from = [
        (relative, input_bytes(path)) for folder in (templates, locales) for relative, path in files_under(folder)
    ]
    folders = (templates, locales, compiled)
    return memo.call(_environments, hashed(folders, str(templates.resolve()), str(locales.resolve()), made_from))
