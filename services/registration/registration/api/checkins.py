"""Check-ins (single and a station's batch), the list of attendances, station tokens and the station manifest."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from retret.auth import OPERATOR, SECRETARIAT, current_claims
from retret.http.docs import problems, staff

from ..schemas import checkins as schemas
from ..services import checkins, manifest, stations
from .access import current_station, station_or_staff

blp = Blueprint("checkins", __name__, url_prefix="/api/v1",
                description="Check-ins, station tokens and the station manifest")
READERS = (OPERATOR, SECRETARIAT)
REFUSED = (422, "Invalid input, or the scan is refused: `code` is unknown_code, not_confirmed, other_retreat, "
                "outside_window, future, session_cancelled or unknown_session")


def _device() -> str | None:
    """A station's own device (its token says which); staff name the device in the body."""
    station = current_station()
    return station.device_id if station else None


@blp.route("/retreats/<uuid:retreat_id>/checkins")
class RetreatCheckins(MethodView):
    @station_or_staff(OPERATOR)
    @blp.arguments(schemas.CheckinCreate)
    @blp.response(201, schemas.Checkin)
    @blp.alt_response(200, schema=schemas.Checkin, description="The attendance already existed (`duplicate`)")
    @problems(400, 404, REFUSED)
    def post(self, data, retreat_id):
        """Check an official in by badge code or NIP

        201 when this scan is recorded (a new attendance, or an earlier scan than the recorded one); 200 with
        `"duplicate": true` and the recorded status otherwise (also for a scan id sent before). Present or late by
        the retreat's `late_tolerance_minutes`. With a station token the device is the token's."""
        body, recorded = checkins.check_in(retreat_id, data, _device())
        return body, 201 if recorded else 200

    @staff(*READERS)
    @blp.arguments(schemas.CheckinListArgs, location="query")
    @blp.response(200, schemas.AttendanceList)
    @problems(404, 422)
    def get(self, args, retreat_id):
        """List a retreat's attendances (present, late, excused), in the order they were first recorded"""
        return checkins.list_checkins(retreat_id, args)


@blp.route("/retreats/<uuid:retreat_id>/checkins/batch")
class CheckinBatch(MethodView):
    @station_or_staff(OPERATOR)
    @blp.arguments(schemas.CheckinBatch)
    @blp.response(200, schemas.BatchAnswer)
    @problems(400, 404, 422)
    def post(self, data, retreat_id):
        """Upload a station's queued scans (idempotent by `scan_id`)

        Each scan is decided on its own, answered in the order sent: `recorded`, `duplicate` (the same scan id
        again, or the person already has an earlier scan) or `rejected` with `error` (the codes of a single
        check-in). The true scan time is kept: a scan uploaded hours later is present or late by when it was
        made, and the earliest scan of a person wins across devices."""
        return checkins.check_in_batch(retreat_id, data, _device())


@blp.route("/retreats/<uuid:retreat_id>/manifest")
class Manifest(MethodView):
    @station_or_staff(*READERS)
    @blp.arguments(schemas.ManifestArgs, location="query")
    @blp.response(200, schemas.Manifest)
    @problems(404, 422)
    def get(self, args, retreat_id):
        """What a station needs offline: sessions with windows, badge-code hashes with name, unit and platoon

        Never a contact. Send the last `version` as `since_version` to get only what changed after it (and the
        ids to drop in `removed`)."""
        return manifest.manifest(retreat_id, args["since_version"])


@blp.route("/retreats/<uuid:retreat_id>/station-tokens")
class RetreatStationTokens(MethodView):
    @staff(OPERATOR)
    @blp.arguments(schemas.StationTokenCreate)
    @blp.response(201, schemas.IssuedStationToken)
    @problems(400, 404, (409, "The retreat is cancelled (code retreat_cancelled)"), 422)
    def post(self, data, retreat_id):
        """Issue a station token for one device; valid until the retreat's last day ends (its time zone)"""
        return stations.issue(retreat_id, data, current_claims()["sub"])

    @staff(OPERATOR)
    @blp.arguments(schemas.PageArgs, location="query")
    @blp.response(200, schemas.StationTokenList)
    @problems(404, 422)
    def get(self, args, retreat_id):
        """List a retreat's station tokens (without the tokens)"""
        return stations.list_tokens(retreat_id, args)


@blp.route("/station-tokens/<uuid:station_token_id>/revoke")
class RevokeStationToken(MethodView):
    @staff(OPERATOR)
    @blp.response(200, schemas.StationToken)
    @problems(404)
    def post(self, station_token_id):
        """Revoke a station token: it stops working at once (revoking again answers the same)"""
        return stations.revoke(station_token_id)
