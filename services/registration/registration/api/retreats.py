"""Retreats: create, list, read, edit and reschedule, publish, start, finish, cancel."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from retret.auth import ADMIN, OPERATOR, SECRETARIAT
from retret.http.docs import problems, staff

from ..schemas import retreats as schemas
from ..services import retreats

blp = Blueprint("retreats", __name__, url_prefix="/api/v1", description="Retreats")
READERS = (OPERATOR, SECRETARIAT)


@blp.route("/retreats")
class Retreats(MethodView):
    @staff(ADMIN)
    @blp.arguments(schemas.RetreatCreate)
    @blp.response(201, schemas.Retreat)
    @problems(400, 409, 422)
    def post(self, data):
        """Create a retreat (as a draft)

        Past dates are allowed (a retreat that already ran can be recorded)."""
        return retreats.create_retreat(data)

    @staff(*READERS)
    @blp.arguments(schemas.RetreatListArgs, location="query")
    @blp.response(200, schemas.RetreatList)
    @problems(422)
    def get(self, args):
        """List retreats (oldest first)"""
        return retreats.list_retreats(args)


@blp.route("/retreats/<uuid:retreat_id>")
class RetreatItem(MethodView):
    @staff(*READERS)
    @blp.response(200, schemas.Retreat)
    @problems(404)
    def get(self, retreat_id):
        """Read a retreat"""
        return retreats.read_retreat(retreat_id)

    @staff(ADMIN)
    @blp.arguments(schemas.RetreatUpdate)
    @blp.response(200, schemas.Retreat)
    @problems(400, 404, (409, "Cancelled or finished (codes retreat_cancelled, retreat_finished), code_taken, or "
                              "sessions_outside_dates with the list of those sessions in `sessions`"), 422)
    def patch(self, data, retreat_id):
        """Edit a retreat; new dates are a reschedule

        Only the fields sent change. New `starts_on`/`ends_on` (or `timezone`) emit retreat.rescheduled: with
        `"shift_sessions": true` every scheduled session moves by the days `starts_on` moved, keeping its local
        times (session.rescheduled for each); without it, sessions that would fall outside the new dates make a 409
        (`code: sessions_outside_dates`, `sessions: [{id, title, starts_at, ends_at}]`) and nothing changes. Other
        changes emit retreat.updated; a body that changes nothing emits nothing. Raising the capacity invites from
        the waitlist."""
        return retreats.update_retreat(retreat_id, data)


@blp.route("/retreats/<uuid:retreat_id>/publish")
class Publish(MethodView):
    @staff(ADMIN)
    @blp.response(200, schemas.Retreat)
    @problems(404, 409)
    def post(self, retreat_id):
        """Publish a draft: retreat.published, then participant.invited for each registration waiting in it"""
        return retreats.publish_retreat(retreat_id)


@blp.route("/retreats/<uuid:retreat_id>/start")
class Start(MethodView):
    @staff(ADMIN)
    @blp.response(200, schemas.Retreat)
    @problems(404, (409, "Not published, already running, finished, cancelled or its last day is over (see code)"))
    def post(self, retreat_id):
        """Mark a published retreat as running (retreat.updated)

        The clock does this by itself once the first day begins (in the retreat's time zone)."""
        return retreats.start_retreat(retreat_id)


@blp.route("/retreats/<uuid:retreat_id>/finish")
class Finish(MethodView):
    @staff(ADMIN)
    @blp.response(200, schemas.Retreat)
    @problems(404, (409, "A draft, already finished or cancelled (see code)"))
    def post(self, retreat_id):
        """Mark a published or running retreat as finished (retreat.updated)

        The clock does this by itself once the last day ends (in the retreat's time zone)."""
        return retreats.finish_retreat(retreat_id)


@blp.route("/retreats/<uuid:retreat_id>/cancel")
class Cancel(MethodView):
    @staff(ADMIN)
    @blp.response(200, schemas.Retreat)
    @problems(404, 409)
    def post(self, retreat_id):
        """Cancel a retreat (retreat.cancelled); its invitations can no longer be answered"""
        return retreats.cancel_retreat(retreat_id)
