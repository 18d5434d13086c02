"""The bulk import of officials (CSV/XLSX) into a retreat, and its jobs. A row is checked by the very schema
`POST /registrations` loads an official with, so the two can never disagree."""
from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, fields

from retret.http.errors import flatten_messages

from .officials import OfficialCreate

_official = OfficialCreate()


def validate_official_row(cells: dict) -> tuple[dict | None, dict[str, list[str]]]:
    """One row's known cells (text or None) → (the official's data, {}) or (None, {field: [messages]})."""
    try:
        return _official.load(cells), {}
    except ValidationError as exc:
        return None, flatten_messages(exc.messages)


class ImportFile(Schema):
    file = Upload(required=True, metadata={"description": "CSV (UTF-8, `;` or `,`) or XLSX (first sheet) with a "
                                                          "header row: nip, name, position, position_kind, "
                                                          "unit_code, unit_name, rank, echelon, email, phone, "
                                                          "language (or bahasa)"})


class ImportArgs(Schema):
    dry_run = fields.Boolean(load_default=False, truthy={"true", "1"}, falsy={"false", "0"},
                             metadata={"description": "true: check the file and answer the counts, create nothing"})


class RowError(Schema):
    row = fields.Integer(metadata={"description": "Data rows counted from 1 (the header is not a row)"})
    field = fields.String()
    message = fields.String()


class ImportCounts(Schema):
    total = fields.Integer(metadata={"description": "Non-blank data rows"})
    valid = fields.Integer()
    invalid = fields.Integer(metadata={"description": "Rows with at least one error"})
    created = fields.Integer(metadata={"description": "Registrations created (0 on a dry run or any invalid row)"})
    errors = fields.List(fields.Nested(RowError))


class ImportResult(ImportCounts):
    dry_run = fields.Boolean()
    updated = fields.Integer(metadata={"description": "Known officials whose data the file changed"})
    waitlisted = fields.Integer(metadata={"description": "Of the created registrations, those beyond capacity"})
    ignored_columns = fields.List(fields.String(), metadata={"description": "Header columns not imported"})


class ImportProblem(ImportCounts):
    """422: either rows are invalid (`errors` lists them, nothing was created) or the file itself cannot be read
    (`errors` is `{"file": [message]}` like any other validation problem, and there are no counts)."""
    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    code = fields.String(metadata={"enum": ["invalid_rows", "invalid_file"]})
    errors = fields.Raw(metadata={"description": "[{row, field, message}] or {\"file\": [message]}"})
    errors_omitted = fields.Integer(metadata={"description": "Errors beyond the first 1,000, not listed"})


class JobProgress(Schema):
    processed = fields.Integer()
    total = fields.Integer(allow_none=True)


class ImportJob(Schema):
    id = fields.String()
    retreat_id = fields.String()
    state = fields.String(metadata={"enum": ["queued", "running", "done", "failed"]})
    dry_run = fields.Boolean()
    filename = fields.String(allow_none=True)
    progress = fields.Nested(JobProgress)
    result = fields.Dict(allow_none=True, metadata={
        "description": "When done: the body the request would have answered (the 200 body, or the 422 one with "
                       "the invalid rows)"})
    error = fields.Dict(allow_none=True, metadata={"description": "When failed: a problem (status, detail, errors)"})
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
