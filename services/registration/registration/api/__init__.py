"""One blueprint per resource, all under /api/v1."""
from __future__ import annotations

from flask_smorest import Api

from . import auth, events, imports, invitations, officials, registrations, retreats

BLUEPRINTS = (auth.blp, retreats.blp, officials.blp, registrations.blp, imports.blp, invitations.blp, events.blp)


def register_blueprints(api: Api) -> None:
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
