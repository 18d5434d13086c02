"""The notifications service: email (SMTP) and SMS to officials, with each message's status lifecycle.

`gunicorn "notifications:create_app()"`; worker: `celery --app notifications.worker worker`."""
from __future__ import annotations


def create_app():
    from retret.http.app import create_base_app

    from .api import register_blueprints
    from .config import load_settings
    from .context import context
    from .providers import check_startup

    check_startup(load_settings())  # a misconfiguration (the log provider in production) stops the start

    app, api = create_base_app(
        context.settings, "Retret — Notifications API",
        "Email and SMS messages to officials and their delivery status (DESIGN §6). "
        "Admin only: messages contain contacts.",
        context.db.ping,
    )
    register_blueprints(api)
    return app
