"""One blueprint per resource, all under /api/v1."""
from __future__ import annotations

from flask_smorest import Api

from . import (
    audit, auth, badges, checkins, events, groups, imports, invitations, officials, permits, registrations, retreats,
    sessions, speakers,
)

BLUEPRINTS = (auth.blp, retreats.blp, sessions.blp, speakers.blp, officials.blp, registrations.blp, imports.blp,
              invitations.blp, events.blp, audit.blp, checkins.blp, permits.blp, groups.blp, badges.blp)


def register_blueprints(api: Api) -> None:
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
