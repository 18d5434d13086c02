"""Permits (izin): requested by the organiser or the official (invitation link), decided by an admin."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from retret.auth import ADMIN, OPERATOR, SECRETARIAT, current_claims, is_admin
from retret.http.docs import problems, public, staff
from retret.http.idempotency import header_doc, key_from_request

from ..schemas import permits as schemas
from ..schemas.invitations import InvitationPermit
from ..services import permits

blp = Blueprint("permits", __name__, url_prefix="/api/v1", description="Permits (izin)")
READERS = (OPERATOR, SECRETARIAT)
NOT_REQUESTABLE = (409, "The registration is not confirmed (code not_confirmed) or the retreat is cancelled")
DECIDED = (409, "The permit was decided before (code permit_decided)")
NOT_WITHDRAWABLE = (409, "The permit was rejected or withdrawn before (code permit_not_withdrawable)")
OWN_NOT_WITHDRAWABLE = (409, "The permit is approved: only the organiser may withdraw it (code permit_approved); or "
                             "it was rejected or withdrawn before (code permit_not_withdrawable)")
# Optional: clients without a key keep getting a new permit per request, as before the header existed.
IDEMPOTENCY_KEY = header_doc(False, "Optional, at most 200 characters, scoped to the official's registration. The "
                                    "same key with the same body answers the permit it made (200) and makes nothing "
                                    "new; with another body 422.")
INVALID = (422, "Invalid body, a blank or too long Idempotency-Key, or the key used with another body (code "
                "idempotency_key_reused)")
REPLAYED = "The permit an earlier request with the same Idempotency-Key made (nothing new was made)"


@blp.route("/retreats/<uuid:retreat_id>/permits")
class RetreatPermits(MethodView):
    @staff(ADMIN)
    @blp.arguments(schemas.PermitCreate)
    @blp.response(201, schemas.Permit)
    @blp.alt_response(200, schema=schemas.Permit, description=REPLAYED)
    @blp.doc(parameters=[IDEMPOTENCY_KEY])
    @problems(400, 404, NOT_REQUESTABLE, INVALID)
    def post(self, data, retreat_id):
        """Request a permit for an official (by `nip` or `registration_id`), for sessions or a period

        The permit is `pending` (permit.requested) until an admin approves or rejects it. 201 when made now; 200
        with the permit an earlier request with the same `Idempotency-Key` made."""
        body, made = permits.request_permit(retreat_id, data, current_claims()["sub"], key_from_request(False))
        return body, 201 if made else 200

    @staff(*READERS)
    @blp.arguments(schemas.PermitListArgs, location="query")
    @blp.response(200, schemas.PermitList)
    @problems(404, 422)
    def get(self, args, retreat_id):
        """List a retreat's permits (the official's reason for admins only)"""
        return permits.list_permits(retreat_id, args, private=is_admin())


@blp.route("/invitations/<string:token>/permits")
class OwnPermits(MethodView):
    @public()
    @blp.arguments(schemas.OwnPermitCreate)
    @blp.response(201, schemas.Permit)
    @blp.alt_response(200, schema=schemas.Permit, description=REPLAYED)
    @blp.doc(parameters=[IDEMPOTENCY_KEY])
    @problems(400, 404, NOT_REQUESTABLE, INVALID)
    def post(self, data, token):
        """The official asks for a permit through the invitation link (a reason is required)

        201 when made now; 200 with the permit an earlier request with the same `Idempotency-Key` made (the page
        sends one key per submission and the same one again when it retries after a lost reply)."""
        body, made = permits.request_own_permit(token, data, key_from_request(False))
        return body, 201 if made else 200


@blp.route("/permits/<uuid:permit_id>/approve")
class ApprovePermit(MethodView):
    @staff(ADMIN)
    @blp.response(200, schemas.Permit)
    @problems(404, DECIDED)
    def post(self, permit_id):
        """Approve a permit (permit.approved)

        Every session it covers where the official was not scanned becomes excused (attendance.updated), sessions
        already past too."""
        return permits.approve(permit_id, current_claims()["sub"])


@blp.route("/permits/<uuid:permit_id>/reject")
class RejectPermit(MethodView):
    @staff(ADMIN)
    @blp.arguments(schemas.Decision, required=False)
    @blp.response(200, schemas.Permit)
    @problems(400, 404, DECIDED, 422)
    def post(self, data, permit_id):
        """Reject a permit (permit.rejected), optionally with a reason"""
        return permits.reject(permit_id, current_claims()["sub"], data.get("reason"))


@blp.route("/permits/<uuid:permit_id>/withdraw")
class WithdrawPermit(MethodView):
    @staff(ADMIN)
    @blp.arguments(schemas.Decision, required=False)
    @blp.response(200, schemas.Permit)
    @problems(400, 404, NOT_WITHDRAWABLE, 422)
    def post(self, data, permit_id):
        """Withdraw a pending or approved permit (permit.withdrawn), optionally with a reason

        Withdrawing an approved permit undoes its excuses: each attendance its approval made excused and not
        scanned since is removed (attendance.cleared) — the official is expected again; a scan stays."""
        return permits.withdraw(permit_id, current_claims()["sub"], data.get("reason"))


@blp.route("/invitations/<string:token>/permits/<uuid:permit_id>/withdraw")
class WithdrawOwnPermit(MethodView):
    @public()
    @blp.response(200, InvitationPermit)
    @problems(404, OWN_NOT_WITHDRAWABLE)
    def post(self, token, permit_id):
        """The official takes back their own permit request while it is pending (permit.withdrawn)

        Another registration's permit is 404. Withdrawing again is 409 (code permit_not_withdrawable)."""
        return permits.withdraw_own(token, permit_id)
