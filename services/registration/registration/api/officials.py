"""Officials, addressed by NIP."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from retret.auth import ADMIN, OPERATOR, SECRETARIAT
from retret.http.docs import problems, staff

from ..schemas import officials as schemas
from ..services import officials

blp = Blueprint("officials", __name__, url_prefix="/api/v1", description="Officials (ASN), addressed by NIP")
READERS = (OPERATOR, SECRETARIAT)


@blp.route("/officials")
class Officials(MethodView):
    @staff(ADMIN)
    @blp.arguments(schemas.OfficialCreate)
    @blp.response(201, schemas.Official)
    @problems(400, 409, 422)
    def post(self, data):
        """Add an official (409 when the NIP is known: use PUT)"""
        return officials.create_official(data)

    @staff(*READERS)
    @blp.arguments(schemas.OfficialListArgs, location="query")
    @blp.response(200, schemas.OfficialList)
    @problems(422)
    def get(self, args):
        """List officials (by NIP)"""
        return officials.list_officials(args)


@blp.route("/officials/<string:nip>")
class OfficialItem(MethodView):
    @staff(*READERS)
    @blp.response(200, schemas.Official)
    @problems(404)
    def get(self, nip):
        """Read an official"""
        return officials.read_official(nip)

    @staff(ADMIN)
    @blp.arguments(schemas.OfficialReplace)
    @blp.response(200, schemas.Official)
    @problems(400, 404, 422)
    def put(self, data, nip):
        """Replace an official's data (fields left out are cleared); participant.updated when it changed"""
        return officials.replace_official(nip, data)
