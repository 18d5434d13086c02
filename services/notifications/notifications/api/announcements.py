"""`/api/v1/announcements`: a message to a segment of a retreat's officials, now or at `send_at` (admin only)."""
from __future__ import annotations

from flask_smorest import Blueprint

from retret.auth import current_claims
from retret.http.docs import problems, staff
from retret.http.idempotency import header_doc, key_from_request

from .. import announcements
from ..schemas import AnnouncementAnswerSchema, AnnouncementCreateSchema, AnnouncementDetailSchema

blp = Blueprint("announcements", __name__, url_prefix="/api/v1/announcements",
                description="Announcements to a segment of a retreat's officials, with delivery figures.")


@blp.route("", methods=["POST"])
@staff()
@blp.arguments(AnnouncementCreateSchema)
@blp.response(202, AnnouncementAnswerSchema)
@blp.doc(parameters=[header_doc(True, "The same key with the same body answers the same; with another body 422.")])
@problems(400, (404, "Retreat unknown to notifications."),
          (422, "Invalid body, missing Idempotency-Key, or the key used with another body."))
def create_announcement(body):
    """Announce to the audience (default statuses: invited and confirmed); `recipients` counts officials."""
    answer, _created = announcements.create_announcement(key_from_request(required=True), body,
                                                         current_claims().get("sub"))
    return answer


@blp.route("/<string:announcement_id>")
@staff()
@blp.response(200, AnnouncementDetailSchema)
@problems(404)
def get_announcement(announcement_id):
    """An announcement with its delivery figures per channel and status."""
    return announcements.get_announcement(announcement_id)
