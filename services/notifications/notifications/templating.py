"""Message templates: Jinja2 in a sandbox, missing placeholders rejected (StrictUndefined), HTML autoescaped.

Files: templates/<channel>/<kind>.<language>.subject.txt, .txt and (email, optional) .html; Bahasa Indonesia ("id")
first, English ("en") where a file exists (otherwise the Indonesian one is used)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping

from jinja2 import FileSystemLoader, StrictUndefined, TemplateNotFound, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from .domain.messages import clean_subject

TEMPLATE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")
DEFAULT_LANGUAGE = "id"


class TemplateError(ValueError):
    """A template could not be rendered (a placeholder without a value, a syntax error, a missing file)."""


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str | None
    language: str


def _environment(loader=None) -> SandboxedEnvironment:
    return SandboxedEnvironment(
        loader=loader,
        undefined=StrictUndefined,
        # Files ending in .html are escaped; strings only when the caller says they are HTML.
        autoescape=lambda name: bool(name) and name.endswith(".html"),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


_files = _environment(FileSystemLoader(TEMPLATE_DIR))
_strings = _environment()
_html_strings = SandboxedEnvironment(undefined=StrictUndefined, autoescape=True, trim_blocks=True,
                                     lstrip_blocks=True)


def _render(template, context: Mapping) -> str:
    try:
        return template.render(**context)
    except UndefinedError as exc:
        raise TemplateError(f"placeholder without a value: {exc.message}") from exc
    except SecurityError as exc:
        raise TemplateError(f"not allowed in a template: {exc}") from exc
    except (TypeError, ValueError, ArithmeticError, LookupError) as exc:
        raise TemplateError(f"template failed: {exc}") from exc


def render_string(source: str, context: Mapping, html: bool = False) -> str:
    """Render a template given as text (previews, announcements); `html=True` escapes values."""
    env = _html_strings if html else _strings
    try:
        template = env.from_string(source)
    except TemplateSyntaxError as exc:
        raise TemplateError(f"template syntax error on line {exc.lineno}: {exc.message}") from exc
    return _render(template, context)


def _file(name: str):
    try:
        return _files.get_template(name)
    except TemplateNotFound:
        return None
    except TemplateSyntaxError as exc:
        raise TemplateError(f"{name}: syntax error on line {exc.lineno}: {exc.message}") from exc


def has_email_template(kind: str, language: str = DEFAULT_LANGUAGE) -> bool:
    return os.path.exists(os.path.join(TEMPLATE_DIR, "email", f"{kind}.{language}.txt"))


def render_email(kind: str, context: Mapping, language: str = DEFAULT_LANGUAGE) -> RenderedEmail:
    """Subject, plain text and HTML of an email of `kind` (Indonesian when `language` has no template)."""
    if not has_email_template(kind, language):
        language = DEFAULT_LANGUAGE
    base = f"email/{kind}.{language}"
    subject_t, text_t, html_t = _file(f"{base}.subject.txt"), _file(f"{base}.txt"), _file(f"{base}.html")
    if subject_t is None or text_t is None:
        raise TemplateError(f"no email template for kind {kind!r}")
    subject = clean_subject(_render(subject_t, context))
    text = _render(text_t, context).strip() + "\n"
    html = _render(html_t, context) if html_t is not None else None
    return RenderedEmail(subject=subject, text=text, html=html, language=language)
