"""Retreats: create, list, read, publish, cancel."""
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


@blp.route("/retreats/<uuid:retreat_id>/publish")
class Publish(MethodView):
    @staff(ADMIN)
    @blp.response(200, schemas.Retreat)
    @problems(404, 409)
    def post(self, retreat_id):
        """Publish a draft: retreat.published, then participant.invited for each registration waiting in it"""
        return retreats.publish_retreat(retreat_id)


@blp.route("/retreats/<uuid:retreat_id>/cancel")
class Cancel(MethodView):
    @staff(ADMIN)
    @blp.response(200, schemas.Retreat)
    @problems(404, 409)
    def post(self, retreat_id):
        """Cancel a retreat (retreat.cancelled); its invitations can no longer be answered"""
        return retreats.cancel_retreat(retreat_id)
