"""The notifications service: email (SMTP) and SMS to officials, with each message's status lifecycle.

`gunicorn "notifications:create_app()"`; worker: `celery --app notifications.worker worker`."""
from __future__ import annotations


def create_app():
    from retret.http.app import create_base_app

    from .api import register_blueprints
    from .context import context

    app, api = create_base_app(
        context.settings, "Retret — Notifications API",
        "Email and SMS messages to officials and their delivery status (DESIGN §6). "
        "Admin only: messages contain contacts.",
        context.db.ping,
    )
    register_blueprints(api)
    return app
