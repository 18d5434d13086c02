"""Message templates: Jinja2 in a sandbox, missing placeholders rejected (StrictUndefined), HTML autoescaped.

Files: templates/<channel>/<kind>.<language>.subject.txt, .txt and (email, optional) .html, unless an admin saved
that template in the database (PUT /templates/{key}: its parts replace the files); Bahasa Indonesia ("id") first,
English ("en") where a file exists (otherwise the Indonesian one is used). An SMS (templates/sms/<kind>.
<language>.txt) is sanitised for SMS and kept within its segments by shortening the official's name and the
retreat's title, never the link."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Mapping

from jinja2 import FileSystemLoader, StrictUndefined, TemplateNotFound, TemplateSyntaxError, UndefinedError, meta, \
    nodes
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from .domain import sms
from .domain.messages import SMS_MAX_SEGMENTS, clean_subject

TEMPLATE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")
DEFAULT_LANGUAGE = "id"


class TemplateError(ValueError):
    """A template could not be rendered (a placeholder without a value, a syntax error, a missing file)."""


@dataclass(frozen=True)
class RenderedSms:
    text: str
    language: str
    info: sms.SmsInfo  # encoding and segment count


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str | None
    language: str


def _environment(loader) -> SandboxedEnvironment:
    return SandboxedEnvironment(
        loader=loader,
        undefined=StrictUndefined,
        # Files ending in .html are escaped; text and SMS files are not.
        autoescape=lambda name: bool(name) and name.endswith(".html"),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


_files = _environment(FileSystemLoader(TEMPLATE_DIR))


def _render(template, context: Mapping) -> str:
    try:
        return template.render(**context)
    except UndefinedError as exc:
        raise TemplateError(f"placeholder without a value: {exc.message}") from exc
    except SecurityError as exc:
        raise TemplateError(f"not allowed in a template: {exc}") from exc
    except (TypeError, ValueError, ArithmeticError, LookupError) as exc:
        raise TemplateError(f"template failed: {exc}") from exc


def _file(name: str):
    try:
        return _files.get_template(name)
    except TemplateNotFound:
        return None
    except TemplateSyntaxError as exc:
        raise TemplateError(f"{name}: syntax error on line {exc.lineno}: {exc.message}") from exc


# Parts of a template: an email has a subject, a text and (optionally) an HTML body; an SMS only a text.
PARTS = {"email": ("subject", "text", "html"), "sms": ("text",)}


def file_name(kind: str, channel: str, language: str, part: str) -> str:
    suffix = {"subject": ".subject.txt", "text": ".txt", "html": ".html"}[part]
    return f"{channel}/{kind}.{language}{suffix}"


def file_source(kind: str, channel: str, language: str, part: str) -> str | None:
    path = os.path.join(TEMPLATE_DIR, file_name(kind, channel, language, part))
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def _compiled(kind: str, channel: str, language: str, part: str, sources: Mapping[str, str | None] | None):
    """A part from `sources` (the database's version) when given there, else from the shipped file."""
    if sources is not None and part in sources:
        if sources[part] is None:
            return None
        try:  # an HTML body is autoescaped like the .html files
            return (_html_env if part == "html" else _files).from_string(sources[part])
        except TemplateSyntaxError as exc:
            raise TemplateError(f"{part}: syntax error on line {exc.lineno}: {exc.message}") from exc
    return _file(file_name(kind, channel, language, part))


_html_env = _environment(FileSystemLoader(TEMPLATE_DIR))
_html_env.autoescape = True


def placeholders(source: str) -> set[str]:
    """The names a template uses: top-level ones ("invitation_url") and attributes of them ("official.name")."""
    ast = _files.parse(source)
    names = set(meta.find_undeclared_variables(ast))
    for node in ast.find_all(nodes.Getattr):
        if isinstance(node.node, nodes.Name) and node.node.name in names:
            names.add(f"{node.node.name}.{node.attr}")
    return names


def unknown_placeholders(source: str, values: Mapping) -> list[str]:
    """The placeholders of `source` that `values` does not offer, sorted ("official.foo", "bar")."""
    unknown = []
    for name in placeholders(source):
        head, _, attr = name.partition(".")
        if head not in values or (attr and not (isinstance(values[head], Mapping) and attr in values[head])):
            unknown.append(name)
    # "retret.judul" says more than "retret" alone: a bare name is listed only when not used with an attribute
    return sorted(n for n in unknown if not any(other.startswith(n + ".") for other in unknown))


def has_email_template(kind: str, language: str = DEFAULT_LANGUAGE) -> bool:
    return os.path.exists(os.path.join(TEMPLATE_DIR, "email", f"{kind}.{language}.txt"))


def render_email(kind: str, context: Mapping, language: str = DEFAULT_LANGUAGE,
                 sources: Mapping[str, str | None] | None = None) -> RenderedEmail:
    """Subject, plain text and HTML of an email of `kind` (Indonesian when `language` has no template); `sources`
    are the parts saved in the database, which replace the shipped files."""
    if not sources and not has_email_template(kind, language):
        language = DEFAULT_LANGUAGE
    subject_t, text_t, html_t = (_compiled(kind, "email", language, part, sources)
                                 for part in ("subject", "text", "html"))
    if subject_t is None or text_t is None:
        raise TemplateError(f"no email template for kind {kind!r}")
    subject = clean_subject(_render(subject_t, context))
    # Optional paragraphs leave blank lines behind when they are left out: at most one in a row.
    text = re.sub(r"\n{3,}", "\n\n", _render(text_t, context)).strip() + "\n"
    html = _render(html_t, context) if html_t is not None else None
    return RenderedEmail(subject=subject, text=text, html=html, language=language)


def has_sms_template(kind: str, language: str = DEFAULT_LANGUAGE) -> bool:
    return os.path.exists(os.path.join(TEMPLATE_DIR, "sms", f"{kind}.{language}.txt"))


def _with_free_text(context: Mapping, parts: Mapping[str, str]) -> dict:
    """`context` with the official's name and the retreat's title replaced (possibly shortened)."""
    official = {**(context.get("official") or {}), "name": parts["name"]}
    retreat = {**(context.get("retreat") or {}), "title": parts["title"]}
    return {**context, "official": official, "retreat": retreat}


def render_sms(kind: str, context: Mapping, language: str = DEFAULT_LANGUAGE,
               max_segments: int = SMS_MAX_SEGMENTS, sources: Mapping[str, str | None] | None = None) -> RenderedSms:
    """The text of an SMS of `kind`, sanitised, within `max_segments` (name and title shortened if need be)."""
    if not sources and not has_sms_template(kind, language):
        language = DEFAULT_LANGUAGE
    template = _compiled(kind, "sms", language, "text", sources)
    if template is None:
        raise TemplateError(f"no SMS template for kind {kind!r}")
    _render(template, context)  # a missing placeholder fails here, whatever the shortening does later

    def render(parts: Mapping[str, str]) -> str:
        return sms.sanitize(_render(template, _with_free_text(context, parts)))

    parts = {"name": (context.get("official") or {}).get("name") or "",
             "title": (context.get("retreat") or {}).get("title") or ""}
    text = sms.fit(render, parts, max_segments)
    return RenderedSms(text=text, language=language, info=sms.sms_info(text))
