"""Blueprints of the notifications API, one per resource."""
from __future__ import annotations


def register_blueprints(api) -> None:
    from .notifications import blp as notifications

    api.register_blueprint(notifications)
