"""The event log: this source's outbox, in sequence order."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from retret.auth import ADMIN
from retret.http.docs import problems, staff

from ..schemas import events as schemas
from ..services import events

blp = Blueprint("events", __name__, url_prefix="/api/v1", description="The event log (admin)")


@blp.route("/events")
class Events(MethodView):
    @staff(ADMIN)
    @blp.arguments(schemas.EventsArgs, location="query")
    @blp.response(200, schemas.EventList)
    @problems(422)
    def get(self, args):
        """Events in sequence order (only those already sequenced by the relay): continue with ?cursor= (the
        answer's next_cursor) like any list, or start after a sequence with ?after= (next_after)."""
        return events.list_events(args)
