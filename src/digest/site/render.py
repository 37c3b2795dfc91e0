"""Render: Jinja2 templates in templates/ turn the pipeline's objects into Markdown pages.

Everything that comes from a source, a glossary entry or a translation is escaped on the way in:
templates autoescape HTML, and the `md` filter also escapes Markdown syntax, so no input can inject
markup, scripts or Material extensions into the site.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .errors import fail

# Escaped with a backslash; the site enables pymdownx.escapeall, so any of these may be escaped.
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~=^$:%'])")


def md(value: Any) -> Markup:
    """Text made safe for both Markdown and HTML: every syntax character backslash-escaped or an entity."""
    text = str(value)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return Markup(MARKDOWN_SPECIAL.sub(r"\\\1", text))


def environment(templates: Path, extensions: tuple[str, ...] = ()) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=list(extensions),
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
