"""Bulk import of officials into a retreat (CSV/XLSX): every row checked by the API's own rules, then all rows
registered — or none — in one transaction under the retreat's lock, with the same capacity, waitlist and events as
`POST /registrations`. A file of more rows than the request may answer becomes a job on registration.bulk."""
from __future__ import annotations

import logging
import os
import re
import tempfile
from contextlib import contextmanager
from dataclasses import asdict
from datetime import timedelta
from typing import BinaryIO, Callable, Iterator

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from retret import clock
from retret.http.errors import TITLES, ApiError
from retret.queues import queue_name

from .. import audit
from ..context import context
from ..domain import DomainError, importing, retreats as retreat_rules
from ..domain.capacity import WAITLISTED
from ..domain.officials import changed_fields
from ..event_data import official_data
from ..models import ImportJob, ImportJobChunk, Official, Registration, Retreat
from ..schemas.imports import validate_official_row
from ..views import utc
from .common import get_retreat, not_found
from .officials import apply_official
from .registrations import CONCURRENT, Registrar

log = logging.getLogger(__name__)

TASK = "registration.import_registrations"
MAX_UPLOAD_BYTES = 40 * 1024 * 1024   # ~200,000 rows of CSV: far beyond a real retreat, well inside a request
CHUNK_BYTES = 1024 * 1024             # a job's file is kept in pieces of this size
BATCH_ROWS = 500                      # officials looked up together; progress told every so many rows
RESEND_AFTER = timedelta(seconds=60)  # a job still queued this long after its task was sent is sent again
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
_PROBLEM_KEYS = ("type", "title", "status", "detail", "code")  # what ApiError itself writes into a 422 body

JOB_NOT_FOUND = "Pekerjaan impor tidak ditemukan."
MSG_REJECTED = ("{invalid} dari {total} baris tidak valid; tidak ada data yang disimpan. Perbaiki baris yang disebut "
                "pada 'errors', lalu unggah ulang seluruh berkas.")
MSG_UNEXPECTED = "Terjadi kesalahan tak terduga saat mengimpor; tidak ada data yang disimpan. Silakan coba lagi."
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f]")


class _Discarded(Exception):
    """Leaves the unit of work without committing (a dry run, or invalid rows), carrying the answer."""

    def __init__(self, body: dict):
        super().__init__("import discarded")
        self.body = body


class _Superseded(Exception):
    """Another delivery of the same job already finished it."""


# --------------------------------------------------------------------------- the request
def import_upload(retreat_id: str, upload, dry_run: bool) -> tuple[dict | None, dict | None]:
    """(the answer's body, None), or (None, a job) beyond the request's limit; 422/404/409 raised."""
    _check_retreat(retreat_id)  # 404 / 409 before reading a byte of the file
    stream = upload.stream
    kind = _file_kind(stream, upload.filename)
    limit = context.config.import_sync_max_rows
    rows = _file_check(lambda: importing.count_rows(importing.open_sheet(_rewound(stream), kind), stop_after=limit))
    if rows > limit:
        return None, create_job(retreat_id, _rewound(stream), upload.filename, dry_run)
    imported, body = _file_check(lambda: run_import(retreat_id, _rewound(stream), kind, dry_run))
    if not imported and body["invalid"]:
        raise ApiError(422, body["detail"], code="invalid_rows",
                       **{key: value for key, value in body.items() if key not in _PROBLEM_KEYS})
    return body, None


def _check_retreat(retreat_id: str) -> None:
    with context.db.session() as session:
        retreat_rules.check_accepts_registrations(get_retreat(session, retreat_id).status)


def _file_kind(stream: BinaryIO, filename: str | None) -> str:
    head = _rewound(stream).read(8)
    return _file_check(lambda: importing.detect_kind(head, filename))


def _file_check(step: Callable):
    """A file that cannot be read is the client's 422 naming `file`."""
    try:
        return step()
    except importing.FileProblem as problem:
        raise ApiError(422, problem.message, code="invalid_file", errors={"file": [problem.message]}) from None


def _rewound(stream: BinaryIO) -> BinaryIO:
    stream.seek(0)
    return stream


# --------------------------------------------------------------------------- the import itself
def run_import(retreat_id: str, stream: BinaryIO, kind: str, dry_run: bool, job_id: str | None = None,
               on_progress: Callable[[int], None] | None = None,
               actor: tuple[str, str] | None = None) -> tuple[bool, dict]:
    """(imported, body). Commits only when every row is valid and it is not a dry run; a job is marked done in
    the same transaction, so a redelivered task never imports twice. FileProblem, DomainError, ApiError raised.

    The audit trail gets one entry for the import (by `actor`, or the staff member of the request), not one per
    row."""
    try:
        with context.bus.unit_of_work() as session:
            audit.suspend(session)
            retreat = get_retreat(session, retreat_id, lock=True)
            retreat_rules.check_accepts_registrations(retreat.status)
            if job_id is not None and _job_state(session, job_id) in (DONE, FAILED):
                raise _Superseded()
            sheet = importing.open_sheet(stream, kind)
            importer = _Importer(session, retreat, dry_run, on_progress)
            importer.run(sheet.rows)
            body = importer.body(sheet.ignored_columns)
            if dry_run or importer.tally.invalid:
                raise _Discarded(body)
            _audit_import(session, retreat.id, job_id, body, actor or audit.staff_actor())
            if job_id is not None:
                _end_job(session, job_id, DONE, result=body)
            return True, body
    except _Discarded as discarded:
        return False, discarded.body
    except IntegrityError:  # a concurrent POST /officials took a NIP of the file between the check and the insert
        raise ApiError(409, CONCURRENT, code="concurrent_change") from None


def _audit_import(session: Session, retreat_id: str, job_id: str | None, body: dict,
                  actor: tuple[str, str] | None) -> None:
    label = audit.request_label() or f"{TASK} (job {job_id})"
    audit.summarise(session, actor=actor, request_label=label, entity="import_jobs" if job_id else "registrations",
                    entity_id=job_id or "import", retreat_id=retreat_id,
                    changes={name: [None, body[name]] for name in ("total", "created", "updated", "waitlisted")})


class _Importer:
    """Checks the rows in file order and, while none is invalid (and it is not a dry run), registers them."""

    def __init__(self, session: Session, retreat: Retreat, dry_run: bool, on_progress: Callable[[int], None] | None):
        self.session, self.dry_run, self.on_progress = session, dry_run, on_progress
        self.registrar = Registrar(session, retreat)
        self.registered = set(session.scalars(select(Registration.official_nip)
                                              .where(Registration.retreat_id == retreat.id)))
        self.tally = importing.Tally()
        self.pending: list[dict] = []
        self.created = self.updated = self.waitlisted = 0

    @property
    def applying(self) -> bool:
        """After the first invalid row nothing more is written: the transaction will be rolled back anyway."""
        return not self.dry_run and not self.tally.invalid

    def run(self, rows: Iterator[importing.SheetRow]) -> None:
        for row in importing.check_rows(rows, validate_official_row, self.registered):
            self.tally.add(row)
            if row.valid and self.applying:
                self.pending.append(row.data)
            if len(self.pending) >= BATCH_ROWS:
                self._apply_pending()
            if self.on_progress and self.tally.total % BATCH_ROWS == 0:
                self.on_progress(self.tally.total)
        self._apply_pending()

    def _apply_pending(self) -> None:
        """A batch at a time: one query for its known officials, one flush for its new rows (the outbox rows are
        written as each event is recorded)."""
        batch, self.pending = self.pending, []
        if not batch or not self.applying:
            return
        known = {official.nip: official for official in self.session.scalars(
            select(Official).where(Official.nip.in_([data["nip"] for data in batch])))}
        with self.session.no_autoflush:
            for data in batch:
                existing = known.get(data["nip"])
                self.updated += existing is not None and bool(changed_fields(official_data(existing), data))
                registration = self.registrar.register(apply_official(self.session, data, existing))
                self.created += 1
                self.waitlisted += registration.status == WAITLISTED
        self.session.flush()

    def body(self, ignored_columns: list[str]) -> dict:
        tally, kept = self.tally, self.applying
        body = {
            "total": tally.total, "valid": tally.valid, "invalid": tally.invalid,
            "created": self.created if kept else 0, "errors": [asdict(error) for error in tally.errors],
            "dry_run": self.dry_run, "updated": self.updated if kept else 0,
            "waitlisted": self.waitlisted if kept else 0, "ignored_columns": ignored_columns,
        }
        if tally.errors_omitted:
            body["errors_omitted"] = tally.errors_omitted
        if tally.invalid:
            detail = MSG_REJECTED.format(invalid=tally.invalid, total=tally.total)
            body = {"type": "https://retret.go.id/problems/invalid_rows", "title": TITLES[422], "status": 422,
                    "detail": detail, "code": "invalid_rows", **body}
        return body


# --------------------------------------------------------------------------- jobs
def create_job(retreat_id: str, stream: BinaryIO, filename: str | None, dry_run: bool) -> dict:
    """Keep the file in the database (a worker in another container reads it), then send the task."""
    with context.db.session() as session:
        requested_by, requested_role = audit.staff_actor() or (None, None)
        job = ImportJob(retreat_id=str(retreat_id), state=QUEUED, dry_run=dry_run, filename=_safe_name(filename),
                        sent_at=clock.now(), requested_by=requested_by, requested_role=requested_role)
        session.add(job)
        session.flush()
        size = 0
        for seq, chunk in enumerate(iter(lambda: stream.read(CHUNK_BYTES), b"")):
            session.add(ImportJobChunk(job_id=job.id, seq=seq, data=chunk))
            session.flush()  # one piece in memory at a time
            size += len(chunk)
        job.size = size
        view = job_view(job)
    _send(view["id"])
    return view


def read_job(job_id: str) -> dict:
    with context.db.session() as session:
        return job_view(_get_job(session, job_id))


def resend_queued_jobs() -> int:
    """Beat's scan: a job whose task message was lost (the broker was down when it was sent) is sent again."""
    now = clock.now()
    with context.db.session() as session:
        jobs = session.scalars(select(ImportJob).where(ImportJob.state == QUEUED,
                                                       ImportJob.sent_at < now - RESEND_AFTER)).all()
        for job in jobs:
            job.sent_at = now
        ids = [job.id for job in jobs]
    for job_id in ids:
        _send(job_id)
    return len(ids)


def run_job(job_id: str) -> None:
    """The task's body: import the job's file, record the outcome, delete the file. Safe to deliver twice."""
    started = _start_job(job_id)
    if started is None:
        return
    retreat_id, dry_run, filename, actor = started
    try:
        with _job_file(job_id) as stream:
            kind = importing.detect_kind(stream.read(8), filename)
            total = importing.count_rows(importing.open_sheet(_rewound(stream), kind))
            _progress(job_id, 0, total)
            imported, body = run_import(retreat_id, _rewound(stream), kind, dry_run, job_id=job_id,
                                        on_progress=lambda processed: _progress(job_id, processed, total),
                                        actor=actor)
        if not imported:
            _end_job_alone(job_id, DONE, result=body)
    except _Superseded:
        return
    except importing.FileProblem as problem:
        _end_job_alone(job_id, FAILED, error={"status": 422, "code": "invalid_file", "detail": problem.message,
                                              "errors": {"file": [problem.message]}})
    except ApiError as error:
        _end_job_alone(job_id, FAILED, error={"status": error.status, "code": error.code, "detail": error.detail})
    except DomainError as error:
        _end_job_alone(job_id, FAILED, error={"status": 409, "code": error.code, "detail": error.message})
    except Exception:  # noqa: BLE001 - recorded on the job for the organiser; the trace goes to the log
        log.exception("import job failed", extra={"job_id": job_id})
        _end_job_alone(job_id, FAILED, error={"status": 500, "code": "unexpected", "detail": MSG_UNEXPECTED})


def job_view(job: ImportJob) -> dict:
    return {
        "id": job.id, "retreat_id": job.retreat_id, "state": job.state, "dry_run": job.dry_run,
        "filename": job.filename, "progress": {"processed": job.processed or 0, "total": job.total},
        "result": job.result, "error": job.error, "created_at": utc(job.created_at),
        "started_at": utc(job.started_at), "finished_at": utc(job.finished_at),
    }


def _send(job_id: str) -> None:
    # From the background sender: the request never waits on the broker; beat sends again what was lost.
    context.bus.send_soon(TASK, [job_id], queue_name("registration", bulk=True))


def _start_job(job_id: str) -> tuple[str, bool, str | None, tuple[str, str] | None] | None:
    with context.db.session() as session:
        job = session.get(ImportJob, job_id, with_for_update=True)
        if job is None or job.state in (DONE, FAILED):
            return None
        job.state, job.started_at, job.processed = RUNNING, clock.now(), 0
        actor = (job.requested_by, job.requested_role) if job.requested_by else None
        return job.retreat_id, job.dry_run, job.filename, actor


def _job_state(session: Session, job_id: str) -> str | None:
    return session.scalar(select(ImportJob.state).where(ImportJob.id == job_id))


def _progress(job_id: str, processed: int, total: int) -> None:
    """Committed on its own, so that polls see it while the import's transaction is still open. Not on SQLite,
    whose one writer is that very transaction."""
    if context.db.sqlite:
        return
    with context.db.engine.begin() as conn:
        conn.execute(update(ImportJob).where(ImportJob.id == job_id).values(processed=processed, total=total))


def _end_job(session: Session, job_id: str, state: str, result: dict | None = None,
             error: dict | None = None) -> None:
    job = session.get(ImportJob, job_id)
    job.state, job.result, job.error, job.finished_at = state, result, error, clock.now()
    if result is not None:
        job.processed = result["total"]
    session.execute(delete(ImportJobChunk).where(ImportJobChunk.job_id == job_id))


def _end_job_alone(job_id: str, state: str, **outcome) -> None:
    with context.db.session() as session:
        _end_job(session, job_id, state, **outcome)


@contextmanager
def _job_file(job_id: str) -> Iterator[BinaryIO]:
    """The job's file in a temporary file, copied one piece at a time."""
    with tempfile.TemporaryFile(prefix="retret-import-") as file:
        with context.db.session() as session:
            seqs = session.scalars(select(ImportJobChunk.seq).where(ImportJobChunk.job_id == job_id)
                                   .order_by(ImportJobChunk.seq)).all()
            for seq in seqs:
                file.write(session.scalar(select(ImportJobChunk.data).where(
                    ImportJobChunk.job_id == job_id, ImportJobChunk.seq == seq)))
        file.seek(0)
        yield file


def _get_job(session: Session, job_id: str) -> ImportJob:
    job = session.get(ImportJob, str(job_id))
    if job is None:
        raise not_found(JOB_NOT_FOUND)
    return job


def _safe_name(filename: str | None) -> str | None:
    if not filename:
        return None
    return _UNSAFE_NAME.sub("", os.path.basename(filename.replace("\\", "/")))[:255] or None
