"""One error format for every endpoint: application/problem+json (RFC 9457), messages in Bahasa Indonesia.

Validation is 422 with `errors: {"dotted.path": ["message"]}` and no `json`/`query` level."""
from __future__ import annotations

import logging
import re
from typing import Any

from flask import Flask, Response, json
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
LOCATIONS = {"json", "query", "querystring", "form", "files", "headers", "path", "view_args", "cookies"}

TITLES = {
    400: "Permintaan tidak valid", 401: "Perlu masuk terlebih dahulu", 403: "Akses ditolak",
    404: "Tidak ditemukan", 405: "Metode tidak diizinkan", 406: "Format tidak didukung", 409: "Konflik",
    410: "Sudah tidak berlaku", 413: "Berkas terlalu besar", 415: "Jenis konten tidak didukung",
    422: "Data tidak valid", 429: "Terlalu banyak permintaan", 500: "Terjadi kesalahan pada server",
    503: "Layanan belum siap",
}

DETAILS = {
    400: "Permintaan tidak dapat dibaca. Periksa format JSON yang dikirim.",
    401: "Token tidak ada, tidak valid, atau sudah kedaluwarsa. Silakan masuk kembali.",
    403: "Peran Anda tidak memiliki akses ke fitur ini.",
    404: "Data atau alamat yang diminta tidak ditemukan.",
    405: "Metode HTTP ini tidak tersedia untuk alamat tersebut.",
    413: "Berkas atau data yang dikirim terlalu besar.",
    415: "Kirim data sebagai application/json.",
    422: "Beberapa isian tidak valid. Lihat rincian pada 'errors'.",
    500: "Terjadi kesalahan tak terduga. Tim teknis telah dicatat; silakan coba lagi.",
}

# marshmallow's English messages → Bahasa Indonesia (regex, replacement)
_TRANSLATIONS: list[tuple[re.Pattern, str]] = [(re.compile(p), r) for p, r in [
    (r"^Missing data for required field\.$", "Wajib diisi."),
    (r"^Field may not be null\.$", "Tidak boleh kosong."),
    (r"^Unknown field\.$", "Kolom ini tidak dikenal."),
    (r"^Not a valid string\.$", "Harus berupa teks."),
    (r"^Not a valid integer\.$", "Harus berupa bilangan bulat."),
    (r"^Not a valid number\.$", "Harus berupa angka."),
    (r"^Not a valid boolean\.$", "Harus bernilai true atau false."),
    (r"^Not a valid email address\.$", "Alamat email tidak valid."),
    (r"^Not a valid UUID\.$", "Harus berupa UUID yang valid."),
    (r"^Not a valid date\.$", "Tanggal tidak valid (gunakan format YYYY-MM-DD)."),
    (r"^Not a valid datetime\.$", "Waktu tidak valid (gunakan ISO-8601, mis. 2025-05-15T07:30:00+07:00)."),
    (r"^Not a valid aware datetime\.$", "Waktu harus mencantumkan zona waktu (mis. +07:00)."),
    (r"^Not a valid list\.$", "Harus berupa daftar (list)."),
    (r"^Not a valid mapping type\.$", "Harus berupa objek JSON."),
    (r"^Invalid input type\.$", "Tipe data tidak valid."),
    (r"^Invalid value\.$", "Nilai tidak valid."),
    (r"^Shorter than minimum length (\d+)\.$", r"Minimal \1 karakter."),
    (r"^Longer than maximum length (\d+)\.$", r"Maksimal \1 karakter."),
    (r"^Length must be between (\d+) and (\d+)\.$", r"Panjang harus antara \1 dan \2 karakter."),
    (r"^Must be greater than or equal to (.+) and less than or equal to (.+)\.$", r"Harus antara \1 dan \2."),
    (r"^Must be greater than or equal to (.+)\.$", r"Harus lebih besar atau sama dengan \1."),
    (r"^Must be less than or equal to (.+)\.$", r"Harus lebih kecil atau sama dengan \1."),
    (r"^Must be greater than (.+)\.$", r"Harus lebih besar dari \1."),
    (r"^Must be one of: (.+)\.$", r"Harus salah satu dari: \1."),
    (r"^String does not match expected pattern\.$", "Format tidak sesuai."),
    (r"^Invalid JSON body\.$", "Isi permintaan bukan JSON yang valid."),
]]


def translate(message: str) -> str:
    for pattern, replacement in _TRANSLATIONS:
        if pattern.match(message):
            return pattern.sub(replacement, message)
    return message


def flatten_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """{"official": {"nip": ["..."]}} → {"official.nip": ["..."]}; list indexes become path parts."""
    out: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            key = str(key)
            if not prefix and key in LOCATIONS:
                path = ""
            elif key == "_schema":
                path = prefix or "_schema"
            else:
                path = f"{prefix}.{key}" if prefix else key
            for p, msgs in flatten_messages(value, path).items():
                out.setdefault(p, []).extend(msgs)
    elif isinstance(messages, (list, tuple)):
        if all(isinstance(m, str) for m in messages):
            out[prefix or "_schema"] = [translate(m) for m in messages]
        else:
            for item in messages:
                for p, msgs in flatten_messages(item, prefix).items():
                    out.setdefault(p, []).extend(msgs)
    elif messages is not None:
        out[prefix or "_schema"] = [translate(str(messages))]
    return out


class ApiError(Exception):
    """Raised by endpoints and use cases; rendered as problem+json."""

    def __init__(self, status: int, detail: str, *, title: str | None = None, code: str | None = None,
                 errors: dict[str, list[str]] | None = None, **extra):
        super().__init__(detail)
        self.status, self.detail, self.title = status, detail, title or TITLES.get(status, "Kesalahan")
        self.code, self.errors, self.extra = code, errors, extra


def field_error(field: str, message: str, code: str | None = None, status: int = 422) -> ApiError:
    """A 422 naming one field."""
    return ApiError(status, f"{field}: {message}", code=code, errors={field: [message]})


def problem(status: int, detail: str | None = None, *, title: str | None = None, code: str | None = None,
            errors: dict | None = None, headers: dict | None = None, **extra) -> Response:
    body = {
        "type": f"https://retret.go.id/problems/{code or status}",
        "title": title or TITLES.get(status, "Kesalahan"),
        "status": status,
        "detail": detail or DETAILS.get(status, title or TITLES.get(status, "")),
    }
    if code:
        body["code"] = code
    if errors:
        body["errors"] = errors
    body.update(extra)
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def api_error_response(error: ApiError) -> Response:
    return problem(error.status, error.detail, title=error.title, code=error.code, errors=error.errors, **error.extra)


def http_exception_response(error: HTTPException) -> Response:
    """werkzeug/flask-smorest errors (abort, webargs 422) as problem+json."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = flatten_messages(data["messages"]) if "messages" in data else None
    detail = DETAILS.get(status) if errors or status in DETAILS else error.description
    if status == 400 and errors:
        status = 400
    headers = dict(data.get("headers") or {})
    if status == 405 and error.get_response().headers.get("Allow"):
        headers["Allow"] = error.get_response().headers["Allow"]
    return problem(status, detail, errors=errors, headers=headers)


def install_error_handlers(app: Flask) -> None:
    app.register_error_handler(ApiError, api_error_response)
    app.register_error_handler(HTTPException, http_exception_response)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):  # the only 500: a bug, logged with its trace id
        log.exception("unhandled error")
        return problem(500)


class ProblemSchema(Schema):
    """The problem+json body, as declared in every OpenAPI error response."""
    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    code = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
