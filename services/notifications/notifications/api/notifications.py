"""`/api/v1/notifications`: the messages sent to officials, their status history and counts (admin only:
messages contain contacts)."""
from __future__ import annotations

from flask_smorest import Blueprint

from retret.auth import current_claims
from retret.http.docs import problems, staff

from .. import services
from ..schemas import (NotificationSchema, NotificationDetailSchema, NotificationListArgs, NotificationPageSchema,
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
    """Counts of messages per channel and status, and the officials nobody reached (no email and no phone, or
    every message to them failed)."""
    return services.notification_stats(args.get("retreat_id"))


@blp.route("/<string:notification_id>")
@staff()  # admin only: messages contain contacts
@blp.response(200, NotificationDetailSchema)
@problems((404, "No such notification."))
def get_notification(notification_id):
    """One message with its body and status history."""
    return services.get_notification(notification_id)


@blp.route("/<string:notification_id>/resend", methods=["POST"])
@staff()  # admin only: a person decides that a failed message goes out again
@blp.response(202, NotificationSchema)
@problems((404, "No such notification."),
          (409, "Not resendable (`code: not_resendable`): only technical-failure and permanent-failure messages "
                "with a body."))
def resend_notification(notification_id):
    """Send a failed message again: it becomes due now as a new attempt, with its own history entry (an email
    keeps its Message-ID). The answer shows it `created`; follow it with GET /notifications/{id}."""
    return services.resend(notification_id, current_claims().get("sub") or "admin")
