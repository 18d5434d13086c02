"""Lists: `?limit=` (default 100, at most 500) and an opaque `?cursor=`; answered as {items, next_cursor}."""
from __future__ import annotations

import base64
import json

from marshmallow import Schema, fields, validate
from sqlalchemy import Select, tuple_

from .errors import field_error

DEFAULT_LIMIT, MAX_LIMIT = 100, 500


class PageArgs(Schema):
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(min=1, max=MAX_LIMIT))
    cursor = fields.String(load_default=None, validate=validate.Length(max=500))


def encode_cursor(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, default=str).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, size: int) -> list:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError):
        raise field_error("cursor", "Kursor halaman tidak valid; gunakan nilai next_cursor dari jawaban sebelumnya.")
    if not isinstance(values, list) or len(values) != size:
        raise field_error("cursor", "Kursor halaman tidak valid; gunakan nilai next_cursor dari jawaban sebelumnya.")
    return values


def keyset_page(session, stmt: Select, columns: list, args: dict, convert=None) -> tuple[list, str | None]:
    """Page `stmt` ordered by `columns` (unique together), continuing after `args['cursor']`.

    `convert` turns decoded cursor values back into column types (e.g. str → datetime)."""
    limit = args.get("limit", DEFAULT_LIMIT)
    if args.get("cursor"):
        values = decode_cursor(args["cursor"], len(columns))
        if convert:
            try:
                values = convert(values)
            except (TypeError, ValueError):
                raise field_error("cursor", "Kursor halaman tidak valid.")
        stmt = stmt.where(tuple_(*columns) > tuple_(*values))
    rows = session.execute(stmt.order_by(*columns).limit(limit + 1)).scalars().all()
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor([getattr(last, c.key) for c in columns])
    return rows, next_cursor
