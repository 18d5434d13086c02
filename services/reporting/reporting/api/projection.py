"""The state of the projection: how far each source has been applied, open gaps, the rebuild."""
from __future__ import annotations

from flask_smorest import Blueprint

from retret.auth import SECRETARIAT, roles_required
from retret.http.errors import ProblemSchema

from .. import queries, services
from ..context import context
from ..schemas import ProjectionSchema
from .common import BEARER, PREFIX, declare_auth_errors

blp = Blueprint("projection", __name__, url_prefix=f"{PREFIX}/projection",
                description="The projection's progress per source and its rebuild (admin, secretariat).")


def _projection() -> dict:
    services.check_completion()  # workers may have applied the last events after the sources said their end
    cursor_status = context.bus.cursor_status()
    with context.db.session() as session:
        return queries.projection_status(session, cursor_status, services.events_since_reset(session))


@blp.route("")
@declare_auth_errors(blp)
@roles_required(SECRETARIAT)
@blp.response(200, ProjectionSchema)
def get_projection():
    """Per source the high-water sequence and the missing sequences; the rebuild's state."""
    return _projection()


@blp.route("/rebuild", methods=["POST"])
@blp.doc(security=BEARER)
@blp.alt_response(401, schema=ProblemSchema, description="No token, or a bad or expired one.")
@blp.alt_response(403, schema=ProblemSchema, description="Only an admin may rebuild the projection.")
@blp.alt_response(409, schema=ProblemSchema, description="A rebuild is already running (code rebuild_running).")
@blp.alt_response(503, schema=ProblemSchema, description="The rebuild could not start (state failed).")
@roles_required()
@blp.response(202, ProjectionSchema)
def rebuild_projection():
    """Rebuild the projection from sequence 1 (admin): every projected row and the bus consumer state are
    wiped in one transaction, then each source replays its events. Follow progress on GET /projection."""
    services.start_rebuild()
    return _projection()
