"""The state of the projection: how far each source has been applied, open gaps, the rebuild."""
from __future__ import annotations

from flask_smorest import Blueprint

from retret.auth import SECRETARIAT, roles_required

from .. import queries
from ..context import context
from ..schemas import ProjectionSchema
from .common import PREFIX, declare_auth_errors

blp = Blueprint("projection", __name__, url_prefix=f"{PREFIX}/projection",
                description="The projection's progress per source and its rebuild (admin, secretariat).")


@blp.route("")
@declare_auth_errors(blp)
@roles_required(SECRETARIAT)
@blp.response(200, ProjectionSchema)
def get_projection():
    """Per source the high-water sequence and the missing sequences; the rebuild's state."""
    cursor_status = context.bus.cursor_status()
    with context.db.session() as session:
        return queries.projection_status(session, cursor_status)
