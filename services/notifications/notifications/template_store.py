"""Templates an admin edits: `<kind>.<channel>.<language>` (e.g. `confirmation.email.id`), stored in the
database and falling back to the files shipped with the service. A template is checked before it is saved:
it must compile, use only the placeholders its kind offers and keep the ones the message cannot do without,
and render with sample values in the sandbox; an SMS shows its encoding, segments and the characters that
force UCS-2."""
from __future__ import annotations

from typing import Mapping

from jinja2 import TemplateSyntaxError
from sqlalchemy import select
from sqlalchemy.orm import Session

from retret import clock
from retret.http.errors import ApiError

from .context import context
from .domain import sms
from .domain.formatting import LANGUAGES
from .domain.messages import CHANNELS, TEMPLATED_KINDS
from .domain.samples import sample_values
from .models import MessageTemplate
from .templating import PARTS, TemplateError, file_source, placeholders, render_email, render_sms, \
    unknown_placeholders

# What a message of a kind cannot do without (a template that drops it is refused).
REQUIRED = {
    "invitation": ("invitation_url",), "promotion": ("invitation_url",), "response_reminder": ("invitation_url",),
    "session_rescheduled": ("session.title",), "session_cancelled": ("session.title",),
    "session_reminder": ("session.title",), "announcement": ("announcement.body",),
}
CACHE_FLAG = "notifications_template_sources"


def parse_key(key: str) -> tuple[str, str, str]:
    parts = key.split(".")
    if len(parts) != 3 or parts[0] not in TEMPLATED_KINDS or parts[1] not in CHANNELS or parts[2] not in LANGUAGES:
        raise ApiError(404, f"Templat {key!r} tidak dikenal: gunakan <jenis>.<kanal>.<bahasa>, "
                            "misalnya confirmation.email.id.", code="template_not_found")
    return parts[0], parts[1], parts[2]


def all_keys() -> list[str]:
    return [f"{k}.{c}.{lang}" for k in TEMPLATED_KINDS for c in CHANNELS for lang in LANGUAGES]


# ---------------------------------------------------------------------------------------------- reading
def _stored(session: Session, key: str) -> MessageTemplate | None:
    return session.get(MessageTemplate, key)


def _sources_of(row: MessageTemplate, channel: str) -> dict:
    return {"subject": row.subject, "text": row.text, "html": row.html} if channel == "email" else {"text": row.text}


def choose_sources(session: Session, kind: str, channel: str, language: str) -> tuple[str, dict | None]:
    """(the language used, the database's parts or None for the files): the language's own template (saved or
    shipped), else the Indonesian one."""
    if language != "id":
        own = sources_for(session, kind, channel, language)
        if own is not None or file_source(kind, channel, language, "text") is not None:
            return language, own
    return "id", sources_for(session, kind, channel, "id")


def sources_for(session: Session, kind: str, channel: str, language: str = "id") -> dict | None:
    """The database's version of a template for sending (None: the shipped files), cached per transaction."""
    cache = session.info.setdefault(CACHE_FLAG, {})
    key = f"{kind}.{channel}.{language}"
    if key not in cache:
        row = _stored(session, key)
        cache[key] = _sources_of(row, channel) if row is not None else None
    return cache[key]


def _view(key: str, row: MessageTemplate | None) -> dict:
    kind, channel, language = parse_key(key)
    if row is not None:
        parts, source = _sources_of(row, channel), "database"
    else:
        parts = {part: file_source(kind, channel, language, part) for part in PARTS[channel]}
        source = "file" if parts["text"] is not None else "fallback"  # an English one falls back to Indonesian
    return {"key": key, "kind": kind, "channel": channel, "language": language, "source": source,
            "subject": parts.get("subject"), "text": parts.get("text"), "html": parts.get("html"),
            "placeholders": sorted(_offered(sample_values(kind))), "required": list(REQUIRED.get(kind, ())),
            "updated_at": row.updated_at if row is not None else None,
            "updated_by": row.updated_by if row is not None else None}


def _offered(values: Mapping) -> set[str]:
    names = set()
    for name, value in values.items():
        names.add(name)
        if isinstance(value, Mapping):
            names.update(f"{name}.{attr}" for attr in value)
    return names


def list_templates() -> dict:
    with context.db.session() as session:
        rows = {r.key: r for r in session.execute(select(MessageTemplate)).scalars()}
        return {"items": [_view(key, rows.get(key)) for key in all_keys()]}


def get_template(key: str) -> dict:
    parse_key(key)
    with context.db.session() as session:
        return _view(key, _stored(session, key))


# ---------------------------------------------------------------------------------------------- checking
def check(kind: str, channel: str, parts: Mapping[str, str | None], language: str = "id") -> dict[str, list[str]]:
    """Errors per part (Indonesian, naming each placeholder): syntax, unknown placeholders, missing required
    ones (over all parts), rendering with sample values."""
    values = sample_values(kind, language)
    errors: dict[str, list[str]] = {}
    used: set[str] = set()
    for part, source in parts.items():
        if source is None:
            continue
        try:
            used |= placeholders(source)
        except TemplateSyntaxError as exc:
            errors.setdefault(part, []).append(f"Kesalahan sintaks di baris {exc.lineno}: {exc.message}")
            continue
        unknown = unknown_placeholders(source, values)
        if unknown:
            errors.setdefault(part, []).append("Placeholder tidak dikenal: " + ", ".join(unknown))
    missing = [name for name in REQUIRED.get(kind, ()) if name not in used]
    if missing:
        errors.setdefault("text", []).append("Placeholder wajib tidak ada: " + ", ".join(missing))
    if not errors:
        try:
            _render(kind, channel, parts, values, language)
        except TemplateError as exc:
            errors.setdefault("text", []).append(f"Templat gagal dirender dengan data contoh: {exc}")
    return errors


def _render(kind: str, channel: str, parts: Mapping, values: Mapping, language: str = "id") -> dict:
    if channel == "email":
        mail = render_email(kind, values, language, sources=parts)
        return {"subject": mail.subject, "text": mail.text, "html": mail.html, "sms": None}
    rendered = render_sms(kind, values, language, sources=parts)
    return {"subject": None, "text": rendered.text, "html": None, "sms": sms_view(parts.get("text") or "",
                                                                                  rendered.text)}


def sms_view(source: str, text: str) -> dict:
    """Encoding and segments of the SMS as sent, the characters that force UCS-2 in it, and those of the
    template that sanitising replaces (typographic quotes, dashes) so they do not."""
    info = sms.sms_info(text)
    return {"encoding": info.encoding, "length": info.length, "segments": info.segments,
            "per_segment": info.per_segment, "ucs2_characters": sms.ucs2_characters(text),
            "replaced_characters": sms.replaced_characters(source)}


def _parts_of(channel: str, body: Mapping) -> dict:
    return {part: body.get(part) for part in PARTS[channel]}


def _refuse(errors: dict[str, list[str]]) -> ApiError:
    names = "; ".join(f"{part}: {' '.join(msgs)}" for part, msgs in errors.items())
    return ApiError(422, f"Templat tidak valid. {names}", code="template_invalid", errors=errors)


# ---------------------------------------------------------------------------------------------- writing
def save_template(key: str, body: Mapping, user: str | None) -> dict:
    kind, channel, language = parse_key(key)
    parts = _parts_of(channel, body)
    if channel == "email" and not (parts.get("subject") or "").strip():
        raise _refuse({"subject": ["Subjek email wajib diisi."]})
    errors = check(kind, channel, parts, language)
    if errors:
        raise _refuse(errors)
    with context.db.session() as session:
        row = _stored(session, key) or MessageTemplate(key=key)
        row.subject, row.text, row.html = parts.get("subject"), parts["text"], parts.get("html")
        row.updated_by, row.updated_at = user, clock.now()
        session.add(row)
    view = get_template(key)
    view["preview"] = _render(kind, channel, parts, sample_values(kind, language), language)
    return view


def preview_template(key: str, body: Mapping) -> dict:
    """The template (the body's parts, else the stored or shipped one) rendered with sample values (merged with
    the body's `values`)."""
    kind, channel, language = parse_key(key)
    parts = {k: v for k, v in _parts_of(channel, body).items() if v is not None}
    if parts:
        if channel == "email":
            stored = get_template(key)
            parts = {part: parts.get(part, stored[part]) for part in PARTS[channel]}
        errors = check(kind, channel, parts, language)
        if errors:
            raise _refuse(errors)
    else:
        stored = get_template(key)
        parts = {part: stored[part] for part in PARTS[channel]} if stored["source"] != "fallback" else None
    values = sample_values(kind, language)
    for name, value in (body.get("values") or {}).items():  # one level deep: {"official": {"name": ...}}
        values[name] = {**values[name], **value} if isinstance(values.get(name), dict) and isinstance(value, dict) \
            else value
    try:
        return {"key": key, **_render(kind, channel, parts, values, language)}
    except TemplateError as exc:
        raise _refuse({"values": [f"Templat gagal dirender dengan data ini: {exc}"]}) from None
