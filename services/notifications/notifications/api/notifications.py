"""`/api/v1/notifications`: the messages sent to officials, their status history and counts (admin only:
messages contain contacts)."""
from __future__ import annotations

from flask_smorest import Blueprint

from retret.auth import roles_required
from retret.http.errors import ProblemSchema

from .. import services
from ..schemas import (NotificationDetailSchema, NotificationListArgs, NotificationPageSchema,
                       NotificationStatsSchema, StatsArgs)

blp = Blueprint("notifications", __name__, url_prefix="/api/v1/notifications",
                description="Messages to officials (email, SMS) and their delivery status.")

SECURITY = [{"bearerAuth": []}]
PROBLEM = {"schema": ProblemSchema, "content_type": "application/problem+json"}
UNAUTHORIZED = "No token, or a bad or expired one."
FORBIDDEN = "Only admins may read messages (they contain contacts)."


@blp.route("")
@blp.doc(security=SECURITY)
@roles_required()
@blp.arguments(NotificationListArgs, location="query")
@blp.response(200, NotificationPageSchema)
@blp.alt_response(401, description=UNAUTHORIZED, **PROBLEM)
@blp.alt_response(403, description=FORBIDDEN, **PROBLEM)
@blp.alt_response(422, description="Invalid filter or paging value (errors name the field).", **PROBLEM)
def list_notifications(args):
    """List messages, oldest first, filtered by retreat, channel, status, kind or registration."""
    return services.list_notifications(args)


@blp.route("/stats")
@blp.doc(security=SECURITY)
@roles_required()
@blp.arguments(StatsArgs, location="query")
@blp.response(200, NotificationStatsSchema)
@blp.alt_response(401, description=UNAUTHORIZED, **PROBLEM)
@blp.alt_response(403, description=FORBIDDEN, **PROBLEM)
@blp.alt_response(422, description="Invalid retreat_id.", **PROBLEM)
def notification_stats(args):
    """Counts of messages per channel and status."""
    return services.notification_stats(args.get("retreat_id"))


@blp.route("/<string:notification_id>")
@blp.doc(security=SECURITY)
@roles_required()
@blp.response(200, NotificationDetailSchema)
@blp.alt_response(401, description=UNAUTHORIZED, **PROBLEM)
@blp.alt_response(403, description=FORBIDDEN, **PROBLEM)
@blp.alt_response(404, description="No such notification.", **PROBLEM)
def get_notification(notification_id):
    """One message with its body and status history."""
    return services.get_notification(notification_id)
