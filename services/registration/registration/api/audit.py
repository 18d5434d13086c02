"""The audit trail: who changed what and when (admins)."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from retret.auth import ADMIN
from retret.http.docs import problems, staff

from ..schemas import audit as schemas
from ..services import audit

blp = Blueprint("audit", __name__, url_prefix="/api/v1", description="The audit trail of staff changes (admin)")


@blp.route("/audit")
class Audit(MethodView):
    @staff(ADMIN)
    @blp.arguments(schemas.AuditArgs, location="query")
    @blp.response(200, schemas.AuditList)
    @problems(422)
    def get(self, args):
        """Who changed what and when: one entry per row a staff request inserted, changed or deleted

        Oldest first. Each entry names the staff member, the request, and the values before and after. Changes
        made without a staff token (an official answering the invitation, the clock) are in the event log."""
        return audit.list_audit(args)
