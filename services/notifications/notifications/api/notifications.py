"""`/api/v1/notifications`: the messages sent to officials, their status history and counts (admin only:
messages contain contacts)."""
from __future__ import annotations

from flask_smorest import Blueprint

from retret.http.docs import problems, staff

from .. import services
from ..schemas import (NotificationDetailSchema, NotificationListArgs, NotificationPageSchema,
                       NotificationStatsSchema, StatsArgs)

blp = Blueprint("notifications", __name__, url_prefix="/api/v1/notifications",
                description="Messages to officials (email, SMS) and their delivery status.")


@blp.route("")
@staff()  # admin only: messages contain contacts
@blp.arguments(NotificationListArgs, location="query")
@blp.response(200, NotificationPageSchema)
@problems((422, "Invalid filter or paging value (errors name the field)."))
def list_notifications(args):
    """List messages, oldest first, filtered by retreat, channel, status, kind or registration."""
    return services.list_notifications(args)


@blp.route("/stats")
@staff()  # admin only: messages contain contacts
@blp.arguments(StatsArgs, location="query")
@blp.response(200, NotificationStatsSchema)
@problems((422, "Invalid retreat_id."))
def notification_stats(args):
    """Counts of messages per channel and status."""
    return services.notification_stats(args.get("retreat_id"))


@blp.route("/<string:notification_id>")
@staff()  # admin only: messages contain contacts
@blp.response(200, NotificationDetailSchema)
@problems((404, "No such notification."))
def get_notification(notification_id):
    """One message with its body and status history."""
    return services.get_notification(notification_id)
