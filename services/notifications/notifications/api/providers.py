"""`/api/v1/providers/kannel/dlr`: delivery reports from the Kannel SMS gateway, and `/api/v1/providers/kannel/mo`:
the SMS replies officials send (two-way SMS) (DESIGN §6).

Kannel calls the dlr-url each SMS was sent with, and its sms-service's get-url for each reply: no JWT (a gateway has
none), guarded by a secret in the URL instead (KANNEL_DLR_SECRET, KANNEL_MO_SECRET). A wrong or missing secret is
403 before anything else is looked at (nothing tells whether an id exists); a report for an unknown id is answered
200 with nothing done, so the gateway does not retry it forever."""
from __future__ import annotations

import hmac
import logging

from flask import request
from flask_smorest import Blueprint

from retret.http.docs import problems, public
from retret.http.errors import ApiError

from .. import replies, services
from ..config import load_settings
from ..schemas import DlrAnswerSchema, KannelDlrArgs, KannelMoArgs, MoAnswerSchema

log = logging.getLogger(__name__)

blp = Blueprint("providers", __name__, url_prefix="/api/v1/providers",
                description="Callbacks of the message providers (delivery reports).")


@blp.before_request
def _require_secret():
    """The secret first, before validation: a caller without it learns nothing, not even which field is bad."""
    settings = load_settings()
    if request.path.endswith("/mo"):
        expected, message, code = settings.mo_secret, "Rahasia SMS balasan tidak valid.", "mo_secret_invalid"
    else:
        expected, message, code = (settings.kannel.dlr_secret, "Rahasia laporan pengiriman tidak valid.",
                                   "dlr_secret_invalid")
    given = request.args.get("secret", "")
    if not expected or not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        log.warning("gateway callback refused: wrong or missing secret", extra={
            "remote": request.remote_addr, "path": request.path})
        raise ApiError(403, message, code=code)


@blp.route("/kannel/dlr")
@public()
@blp.arguments(KannelDlrArgs, location="query")
@blp.response(200, DlrAnswerSchema)
@problems((403, "Wrong or missing secret (checked before anything else)."),
          (422, "Malformed id, status or attempt (errors name the field)."))
def kannel_dlr(args):
    """Apply one Kannel delivery report to its SMS.

    Kannel's DLR types: 1 delivered → `delivered`; 2 not delivered → `permanent-failure`; 4 buffered → no change
    (a note in the history); 8 accepted by the SMSC → `sent` (when not recorded as sent yet); 16 rejected by the
    SMSC → `permanent-failure`. `delivered` and `permanent-failure` are final: a late or out-of-order report
    changes nothing. A failure reported for an older attempt than the latest does not fail the latest. An
    unknown id is answered 200 with `status: null` and nothing done."""
    status = services.apply_delivery_report(str(args["id"]), args["status"], attempt=args.get("attempt"),
                                            answer=args.get("answer"), provider=args["provider"])
    return {"ok": True, "status": status}


@blp.route("/kannel/mo")
@public()
@blp.arguments(KannelMoArgs, location="query")
@blp.response(200, MoAnswerSchema)
@problems((403, "Wrong or missing secret (KANNEL_MO_SECRET; checked before anything else)."),
          (422, "Missing sender or malformed field (errors name the field)."))
def kannel_mo(args):
    """An SMS an official sent (two-way SMS), from Kannel's catch-all sms-service
    (`get-url = ".../kannel/mo?secret=...&from=%p&to=%P&text=%a&id=%I"`, `max-messages = 0`).

    `HADIR` or `YA` confirms, `TIDAK [alasan]` declines, when the sender's phone (62…, +62…, 08…) belongs to
    exactly one official with an invitation that can still be answered: the reply goes to registration as
    `sms.reply_received` (outcome `pending`) and is answered by SMS once applied. Any other reply is answered at
    once with an SMS saying how to answer. The same `id` handed over twice is taken once."""
    return replies.receive_reply(args["from_"], args.get("to"), args.get("text") or "", args.get("id"))
