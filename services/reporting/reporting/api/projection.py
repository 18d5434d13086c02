"""The state of the projection: how far each source has been applied, open gaps, the rebuild."""
from __future__ import annotations

from flask_smorest import Blueprint

from retret.auth import SECRETARIAT
from retret.http.docs import problems, staff

from .. import queries, services
from ..context import context
from ..schemas import ProjectionSchema
from .common import PREFIX

blp = Blueprint("projection", __name__, url_prefix=f"{PREFIX}/projection",
                description="The projection's progress per source and its rebuild (admin, secretariat).")


def _projection() -> dict:
    """Reads only (the workers finish a rebuild, see services.check_completion)."""
    cursor_status = context.bus.cursor_status()
    with context.db.session() as session:
        return queries.projection_status(session, cursor_status, services.events_since_reset(session))


@blp.route("")
@staff(SECRETARIAT)
@blp.response(200, ProjectionSchema)
def get_projection():
    """Per source the high-water sequence and the missing sequences; the rebuild's state."""
    return _projection()


@blp.route("/rebuild", methods=["POST"])
@staff()  # admin only
@problems((409, "A rebuild is already running (code rebuild_running)."),
          (503, "The rebuild could not start (state failed)."))
@blp.response(202, ProjectionSchema)
def rebuild_projection():
    """Rebuild the projection from sequence 1 (admin): every projected row and the bus consumer state are
    wiped in one transaction, then each source replays its events. Follow progress on GET /projection."""
    services.start_rebuild()
    return _projection()
