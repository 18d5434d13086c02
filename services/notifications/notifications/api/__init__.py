"""Blueprints of the notifications API, one per resource."""
from __future__ import annotations


def register_blueprints(api) -> None:
    from .announcements import blp as announcements
    from .notifications import blp as notifications
    from .providers import blp as providers
    from .templates import blp as templates

    api.register_blueprint(announcements)
    api.register_blueprint(notifications)
    api.register_blueprint(providers)
    api.register_blueprint(templates)
