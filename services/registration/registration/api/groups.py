"""Platoons (peleton) and rooms: the automatic assignment and each platoon's roster."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from retret.auth import ADMIN, OPERATOR, SECRETARIAT
from retret.http.docs import problems, staff

from ..schemas import groups as schemas
from ..services import groups

blp = Blueprint("groups", __name__, url_prefix="/api/v1", description="Platoons (peleton) and rooms")


@blp.route("/retreats/<uuid:retreat_id>/groups/assign")
class AssignGroups(MethodView):
    @staff(ADMIN)
    @blp.arguments(schemas.AssignRequest)
    @blp.response(200, schemas.AssignResult)
    @problems(400, 404, (409, "No confirmed registration (code no_confirmed), the rooms hold fewer than need one "
                              "(code rooms_too_small, with capacity and confirmed), or the retreat is cancelled "
                              "or finished"), 422)
    def post(self, data, retreat_id):
        """Assign the confirmed officials to platoons and rooms

        `platoons` (how many) or `platoon_size` (at most so many each); `rooms` replaces the stored lodging plan
        (left out: the stored plan, or rooms stay as they are without one). Platoons are named "Peleton 1".."N",
        their sizes differ by at most one and each unit is spread across them; no two officials of one unit
        share a room while the capacities allow it; red (health category) officials get ground-floor rooms near
        the clinic while such rooms have space. Groups and rooms set by hand (PATCH /registrations/{id}) are
        kept, and a re-run moves nobody already placed unless a platoon's balance or a room's capacity demands
        it. One group.assigned per registration whose group or room changed."""
        return groups.assign_groups(retreat_id, data)


@blp.route("/retreats/<uuid:retreat_id>/groups")
class Groups(MethodView):
    @staff(OPERATOR, SECRETARIAT)
    @blp.response(200, schemas.Roster)
    @problems(404)
    def get(self, retreat_id):
        """Each platoon's roster and each room's occupants: confirmed members by name, with unit, platoon and room

        No contacts and no health data. `unmatched_audiences`: sessions whose audience names a platoon nobody is
        in."""
        return groups.roster(retreat_id)
