"""Decorators every blueprint uses: documented problem responses and staff roles (bearer JWT)."""
from __future__ import annotations

from flask_smorest import Blueprint

from retret.auth import roles_required
from retret.http.errors import ProblemSchema

# Never registered: only its decorators are used (they document; they do not route).
_docs = Blueprint("_docs", __name__)

DESCRIPTIONS = {
    400: "Body is not valid JSON",
    401: "No token, a bad token or an expired one",
    403: "The role may not do this",
    404: "Not found (also for ids that are not UUIDs)",
    409: "Conflicts with the current state (see `code`)",
    422: "Invalid input; `errors` maps dotted field paths to messages",
    429: "Too many failed sign-ins; retry after `Retry-After` seconds",
}


def problems(*statuses: int):
    """Document problem+json error responses for `statuses`."""
    def decorate(view):
        for status in statuses:
            view = _docs.alt_response(status, schema=ProblemSchema, description=DESCRIPTIONS[status],
                                      content_type="application/problem+json")(view)
        return view
    return decorate


def staff(*roles: str):
    """A staff JWT with one of `roles` (admin always passes), checked before the body is read; documented."""
    def decorate(view):
        view = roles_required(*roles)(view)
        view = _docs.doc(security=[{"bearerAuth": []}])(view)
        return problems(401, 403)(view)
    return decorate


def public():
    """An endpoint without a staff token (documented as such)."""
    return _docs.doc(security=[])
