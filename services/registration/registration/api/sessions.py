"""Sessions: the retreat's agenda."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from retret.auth import ADMIN, OPERATOR, SECRETARIAT
from retret.http.docs import problems, staff

from ..schemas import sessions as schemas
from ..services import sessions

blp = Blueprint("sessions", __name__, url_prefix="/api/v1", description="Sessions (the agenda)")
READERS = (OPERATOR, SECRETARIAT)
CLOSED = (409, "The retreat is cancelled or finished (codes retreat_cancelled, retreat_finished)")


@blp.route("/retreats/<uuid:retreat_id>/sessions")
class RetreatSessions(MethodView):
    @staff(ADMIN)
    @blp.arguments(schemas.SessionCreate)
    @blp.response(201, schemas.Session)
    @problems(400, 404, CLOSED, 422)
    def post(self, data, retreat_id):
        """Add a session (session.scheduled)

        It must lie within the retreat's dates in the retreat's time zone (past dates are allowed). Check-in opens
        `checkin_opens_before_minutes` (60) before the start and closes `checkin_closes_after_minutes` (0) after
        the end; the window follows the session when it is moved."""
        return sessions.create_session(retreat_id, data)

    @staff(*READERS)
    @blp.arguments(schemas.SessionListArgs, location="query")
    @blp.response(200, schemas.SessionList)
    @problems(404, 422)
    def get(self, args, retreat_id):
        """List a retreat's sessions in the order they run (start, then id)

        `date` is a day in the retreat's time zone; cancelled sessions only with `include_cancelled=true`."""
        return sessions.list_sessions(retreat_id, args)


@blp.route("/sessions/<uuid:session_id>")
class SessionItem(MethodView):
    @staff(*READERS)
    @blp.response(200, schemas.Session)
    @problems(404)
    def get(self, session_id):
        """Read a session"""
        return sessions.read_session(session_id)

    @staff(ADMIN)
    @blp.arguments(schemas.SessionUpdate)
    @blp.response(200, schemas.Session)
    @problems(400, 404, (409, "The session is cancelled (code session_cancelled) or its retreat is cancelled or "
                              "finished"), 422)
    def patch(self, data, session_id):
        """Edit a session; new times are a reschedule

        Only the fields sent change. New `starts_at`/`ends_at` emit session.rescheduled (with the old times); other
        changes emit session.updated; a body that changes nothing emits nothing."""
        return sessions.update_session(session_id, data)

    @staff(ADMIN)
    @blp.response(200, schemas.Session)
    @problems(404, CLOSED)
    def delete(self, session_id):
        """Cancel a session (session.cancelled); it stays in the agenda as cancelled

        Cancelling it again answers the same, with no new event."""
        return sessions.cancel_session(session_id)
