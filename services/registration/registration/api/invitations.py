"""The official's invitation, through the link's token (no staff account)."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from retret.http.docs import problems, public

from ..schemas import invitations as schemas
from ..services import invitations

blp = Blueprint("invitations", __name__, url_prefix="/api/v1",
                description="The official's invitation (the token from the invitation link)")


@blp.route("/invitations/<string:token>")
class Invitation(MethodView):
    @public()
    @blp.response(200, schemas.Invitation)
    @problems(404)
    def get(self, token):
        """The invitation as the official sees it, with whether it can still be answered"""
        return invitations.view_invitation(token)


@blp.route("/invitations/<string:token>/confirm")
class Confirm(MethodView):
    @public()
    @blp.arguments(schemas.ConfirmRequest, required=False)
    @blp.response(200, schemas.InvitationRegistration)
    @problems(400, 404, 409, 422)
    def post(self, data, token):
        """Confirm attendance (repeating it answers the same)

        Open until the retreat's last day ends in its time zone, or an earlier response_deadline
        (then 409 `response_closed`)."""
        return invitations.confirm(token, data)


@blp.route("/invitations/<string:token>/decline")
class Decline(MethodView):
    @public()
    @blp.arguments(schemas.DeclineRequest, required=False)
    @blp.response(200, schemas.InvitationRegistration)
    @problems(400, 404, 409, 422)
    def post(self, data, token):
        """Decline the invitation, optionally with a reason"""
        return invitations.decline(token, data)
