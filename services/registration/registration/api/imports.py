"""Bulk import of officials into a retreat (CSV/XLSX), and the jobs of files too large to answer at once."""
from __future__ import annotations

import functools

from flask import jsonify, request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from retret.auth import ADMIN, OPERATOR, SECRETARIAT
from retret.http.docs import problems, staff
from retret.http.errors import PROBLEM_JSON

from ..schemas import imports as schemas
from ..services import imports

blp = Blueprint("imports", __name__, url_prefix="/api/v1", description="Bulk import of registrations")
READERS = (OPERATOR, SECRETARIAT)


def upload_limit(view):
    """The import's own size limit (413), set before the multipart body is read."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        request.max_content_length = imports.MAX_UPLOAD_BYTES
        return view(*args, **kwargs)
    return wrapper


@blp.route("/retreats/<uuid:retreat_id>/registrations/import")
class ImportRegistrations(MethodView):
    @staff(ADMIN)
    @upload_limit
    @blp.arguments(schemas.ImportArgs, location="query")
    @blp.arguments(schemas.ImportFile, location="files")
    @blp.response(200, schemas.ImportResult)
    @blp.alt_response(202, schema=schemas.ImportJob, description="More than 10,000 rows: a job to poll at Location")
    @blp.alt_response(422, schema=schemas.ImportProblem, content_type=PROBLEM_JSON,
                      description="Invalid rows (nothing was created), or a file that cannot be read")
    @problems((400, "The multipart body cannot be read"), 404, 409, 413)
    def post(self, args, files, retreat_id):
        """Register the officials of a CSV or XLSX file (header: nip, name, position, position_kind, unit_code,
        unit_name, rank, echelon, email, phone, language) — all of them or, if any row is invalid, none

        Rows are checked by the same rules as `POST /registrations` (and an official already registered, or a NIP
        twice in the file, is an error on that row). Valid rows create or update the official and register them in
        file order with the same capacity, waitlist and events. `dry_run=true` only checks. Up to 10,000 rows are
        answered at once; a larger file answers 202 with a job (`GET /import-jobs/{id}`)."""
        result, job = imports.import_upload(retreat_id, files["file"], args["dry_run"])
        if job is None:
            return result
        response = jsonify(schemas.ImportJob().dump(job))  # not the 200 schema flask-smorest would apply
        response.status_code = 202
        response.headers["Location"] = url_for("imports.ImportJobItem", job_id=job["id"])
        return response


@blp.route("/import-jobs/<uuid:job_id>")
class ImportJobItem(MethodView):
    @staff(*READERS)
    @blp.response(200, schemas.ImportJob)
    @problems(404)
    def get(self, job_id):
        """An import job: queued, running (with progress), done (with the import's answer) or failed"""
        return imports.read_job(job_id)
