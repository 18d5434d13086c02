"""How every endpoint of every service declares who may call it and which problem+json errors it answers.

One set of decorators for the three APIs, so the OpenAPI documents tell the truth the same way everywhere:

    @blp.route("/retreats/<uuid:retreat_id>")
    class RetreatItem(MethodView):
        @staff(OPERATOR, SECRETARIAT)          # a staff JWT with one of these roles (admin always passes)
        @blp.response(200, schemas.Retreat)
        @problems(404)                         # the errors this endpoint may answer besides 401/403
        def get(self, retreat_id): ...

A status may carry its own description: `problems((409, "A rebuild is already running (code rebuild_running)"))`.
"""
from __future__ import annotations

from flask_smorest import Blueprint

from ..auth import roles_required
from .errors import PROBLEM_JSON, ProblemSchema

# Never registered: only its decorators are used (they document; they do not route).
_docs = Blueprint("_retret_docs", __name__)

DESCRIPTIONS = {
    400: "Body is not valid JSON",
    401: "No token, a bad token or an expired one",
    403: "The role may not do this",
    404: "Not found (also for ids that are not UUIDs)",
    409: "Conflicts with the current state (see `code`)",
    413: "The upload is too large",
    415: "The body is not of a supported content type",
    422: "Invalid input; `errors` maps dotted field paths to messages",
    429: "Too many requests; retry after `Retry-After` seconds",
    503: "Not available right now; try again later",
}
BEARER = [{"bearerAuth": []}]


def problems(*statuses: int | tuple[int, str]):
    """Declare problem+json error responses: a status, or (status, description) for a specific one."""
    def decorate(view):
        for entry in statuses:
            status, description = entry if isinstance(entry, tuple) else (entry, DESCRIPTIONS[entry])
            view = _docs.alt_response(status, schema=ProblemSchema, description=description,
                                      content_type=PROBLEM_JSON)(view)
        return view
    return decorate


def staff(*roles: str):
    """A staff JWT with one of `roles` (admin always passes), checked before the body is read; documented with
    its 401 and 403 answers."""
    return bearer_access(roles_required(*roles))


def bearer_access(check):
    """An endpoint guarded by `check` (a decorator that raises 401/403) on a bearer token, documented as such."""
    def decorate(view):
        view = check(view)
        view = _docs.doc(security=BEARER)(view)
        return problems(401, 403)(view)
    return decorate


def public():
    """An endpoint without a staff token (documented as such)."""
    return _docs.doc(security=[])
