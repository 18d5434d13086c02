"""Speakers (narasumber) of a retreat."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from retret.auth import ADMIN, OPERATOR, SECRETARIAT
from retret.http.docs import problems, staff

from ..schemas import speakers as schemas
from ..services import speakers

blp = Blueprint("speakers", __name__, url_prefix="/api/v1", description="Speakers (narasumber)")
READERS = (OPERATOR, SECRETARIAT)
CLOSED = (409, "The retreat is cancelled or finished (codes retreat_cancelled, retreat_finished)")


@blp.route("/retreats/<uuid:retreat_id>/speakers")
class RetreatSpeakers(MethodView):
    @staff(ADMIN)
    @blp.arguments(schemas.SpeakerCreate)
    @blp.response(201, schemas.Speaker)
    @problems(400, 404, CLOSED, 422)
    def post(self, data, retreat_id):
        """Add a speaker (speaker.updated); status invited unless told"""
        return speakers.create_speaker(retreat_id, data)

    @staff(*READERS)
    @blp.arguments(schemas.SpeakerListArgs, location="query")
    @blp.response(200, schemas.SpeakerList)
    @problems(404, 422)
    def get(self, args, retreat_id):
        """List a retreat's speakers in the order they were added"""
        return speakers.list_speakers(retreat_id, args)


@blp.route("/speakers/<uuid:speaker_id>")
class SpeakerItem(MethodView):
    @staff(*READERS)
    @blp.response(200, schemas.Speaker)
    @problems(404)
    def get(self, speaker_id):
        """Read a speaker"""
        return speakers.read_speaker(speaker_id)

    @staff(ADMIN)
    @blp.arguments(schemas.SpeakerUpdate)
    @blp.response(200, schemas.Speaker)
    @problems(400, 404, CLOSED, 422)
    def patch(self, data, speaker_id):
        """Edit a speaker, e.g. `{"status": "confirmed"}`

        speaker.updated when something subscribers see changed (the notes are the organiser's own)."""
        return speakers.update_speaker(speaker_id, data)
