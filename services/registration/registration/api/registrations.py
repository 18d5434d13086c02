"""Registrations: an official in a retreat."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from retret.auth import ADMIN, OPERATOR, SECRETARIAT, is_admin
from retret.http.docs import problems, staff

from ..schemas import registrations as schemas
from ..services import registrations

blp = Blueprint("registrations", __name__, url_prefix="/api/v1", description="Registrations")
READERS = (OPERATOR, SECRETARIAT)


@blp.route("/retreats/<uuid:retreat_id>/registrations")
class RetreatRegistrations(MethodView):
    @staff(ADMIN)
    @blp.arguments(schemas.RegistrationCreate)
    @blp.response(201, schemas.Registration)
    @problems(400, 404, 409, 422)
    def post(self, data, retreat_id):
        """Register an official: `{"nip"}` for a known one, or `{"official": {...}}` (created or updated)

        Beyond the capacity the registration is waitlisted. In a draft retreat participant.invited waits for
        publication; in a published one it is emitted at once."""
        return registrations.create_registration(retreat_id, data)

    @staff(*READERS)
    @blp.arguments(schemas.RegistrationListArgs, location="query")
    @blp.response(200, schemas.RegistrationList)
    @problems(404, 422)
    def get(self, args, retreat_id):
        """List a retreat's registrations (in the order they were made)

        Operators and the secretariat get them without `invitation_url`, `health_notes` and
        `emergency_contact` (admins only)."""
        return registrations.list_registrations(retreat_id, args, private=is_admin())


@blp.route("/registrations/<uuid:registration_id>")
class RegistrationItem(MethodView):
    @staff(*READERS)
    @blp.response(200, schemas.Registration)
    @problems(404)
    def get(self, registration_id):
        """Read a registration (without the admin-only fields for operators and the secretariat)"""
        return registrations.read_registration(registration_id, private=is_admin())

    @staff(ADMIN)
    @blp.arguments(schemas.RegistrationUpdate)
    @blp.response(200, schemas.Registration)
    @problems(400, 404, (409, "The retreat is cancelled or finished"), 422)
    def patch(self, data, registration_id):
        """Set a registration's group (platoon), room, health category or shirt size

        A group or room sent here is manual: the automatic assignment keeps it; null hands it back to the
        assignment. group.assigned when the group or room changed."""
        return registrations.update_registration(registration_id, data, private=is_admin())


@blp.route("/registrations/<uuid:registration_id>/cancel")
class CancelRegistration(MethodView):
    @staff(ADMIN)
    @blp.arguments(schemas.CancelRequest, required=False)
    @blp.response(200, schemas.Registration)
    @problems(400, 404, 422)
    def post(self, data, registration_id):
        """Cancel a registration (registration.cancelled); a freed place goes to the longest-waiting"""
        return registrations.cancel_registration(registration_id, data.get("reason"))


@blp.route("/registrations/<uuid:registration_id>/reissue-link")
class ReissueLink(MethodView):
    @staff(ADMIN)
    @blp.response(200, schemas.Registration)
    @problems(404, 409)
    def post(self, registration_id):
        """Issue a new invitation link; every earlier link stops working (participant.invited again)"""
        return registrations.reissue_link(registration_id)
