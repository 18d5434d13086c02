"""Badges: the official's QR badge (PNG or SVG) and a retreat's printable badges (PDF)."""
from __future__ import annotations

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from werkzeug.utils import secure_filename

from retret.auth import OPERATOR, SECRETARIAT
from retret.http.docs import problems, public, staff

from ..badges import FORMATS
from ..schemas import badges as schemas
from ..services import badges

blp = Blueprint("badges", __name__, url_prefix="/api/v1", description="QR badges")
BINARY = {"schema": {"type": "string", "format": "binary"}}
IMAGE = {"200": {"description": "The QR code carrying the badge code", "content": {
    content_type: BINARY for content_type in FORMATS.values()}}}
PDF = {"200": {"description": "The badges, ready to print", "content": {"application/pdf": BINARY}}}
NOT_CONFIRMED = (409, "The registration is not confirmed (code not_confirmed)")


def _file(body: bytes, content_type: str, filename: str, disposition: str = "inline") -> Response:
    response = Response(body, content_type=content_type)
    response.headers["Content-Disposition"] = f'{disposition}; filename="{secure_filename(filename) or "badge"}"'
    # The badge code admits its holder at every check-in: no shared cache keeps it.
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blp.route("/invitations/<string:token>/badge")
class InvitationBadge(MethodView):
    @public()
    @blp.arguments(schemas.BadgeArgs, location="query")
    @blp.doc(responses=IMAGE)
    @problems(404, NOT_CONFIRMED, 422)
    def get(self, args, token):
        """The official's own QR badge, once they have confirmed"""
        fmt = args["format"]
        return _file(badges.official_badge(token, fmt), FORMATS[fmt], f"badge.{fmt}")


@blp.route("/registrations/<uuid:registration_id>/badge")
class RegistrationBadge(MethodView):
    @staff(OPERATOR, SECRETARIAT)
    @blp.arguments(schemas.BadgeArgs, location="query")
    @blp.doc(responses=IMAGE)
    @problems(404, NOT_CONFIRMED, 422)
    def get(self, args, registration_id):
        """A confirmed registration's QR badge"""
        fmt = args["format"]
        image, nip = badges.staff_badge(registration_id, fmt)
        return _file(image, FORMATS[fmt], f"badge-{nip}.{fmt}")


@blp.route("/retreats/<uuid:retreat_id>/badges.pdf")
class RetreatBadges(MethodView):
    @staff(OPERATOR)
    @blp.arguments(schemas.BadgesPdfArgs, location="query")
    @blp.doc(responses=PDF)
    @problems(404, (409, "No confirmed registration (in the platoon asked for): code no_confirmed"), 422)
    def get(self, args, retreat_id):
        """Every confirmed official's badge (name, unit, platoon, room, QR), by platoon then name

        About 8 ms a badge: a retreat of thousands prints platoon by platoon (`group`)."""
        pdf, code = badges.retreat_badges(retreat_id, args["layout"], args.get("group"))
        part = f"-{args['group']}" if args.get("group") else ""
        return _file(pdf, "application/pdf", f"badges-{code}{part}-{args['layout']}.pdf", "attachment")
