"""The `Idempotency-Key` request header, the same for every service that accepts it (DESIGN §5, §11).

A client that lost a reply sends the request again with the same key; the service answers what the first request
made instead of making it twice. The key is stored with the row it made, beside a hash of the normalized request,
so that the same key sent with another body is refused (422 on the header) rather than silently answered with
something the client did not ask for."""
from __future__ import annotations

import hashlib
import json
from typing import Any, Mapping

from flask import request

from ..bus.bus import json_ready
from .errors import ApiError, field_error

KEY_HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200
REUSED = "idempotency_key_reused"
KEY_RULE = f"Header Idempotency-Key wajib diisi (paling panjang {MAX_KEY_LENGTH} karakter)."


def header_doc(required: bool, description: str) -> dict:
    """The OpenAPI parameter for `@blp.doc(parameters=[...])`."""
    return {"in": "header", "name": KEY_HEADER, "required": required,
            "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH}, "description": description}


def key_from_request(required: bool) -> str | None:
    """The request's key, trimmed; None when absent and optional. Present but blank, or too long → 422."""
    raw = request.headers.get(KEY_HEADER)
    if raw is None and not required:
        return None
    key = (raw or "").strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise field_error(KEY_HEADER, KEY_RULE)
    return key


def request_hash(normalized: Mapping[str, Any]) -> str:
    """sha256 (64 hex characters) of the request as the service normalized it: key order, dates (as UTC) and UUIDs
    do not change it."""
    return hashlib.sha256(json.dumps(json_ready(dict(normalized)), sort_keys=True).encode("utf-8")).hexdigest()


def key_reused(message: str) -> ApiError:
    """422 on the header: this key made something else (another body) before."""
    return field_error(KEY_HEADER, message, code=REUSED)
