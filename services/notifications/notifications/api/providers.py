"""`/api/v1/providers/kannel/dlr`: delivery reports from the Kannel SMS gateway (DESIGN §6).

Kannel calls the dlr-url each SMS was sent with: no JWT (a gateway has none), guarded by KANNEL_DLR_SECRET in the
URL instead. A wrong or missing secret is 403 before anything else is looked at (nothing tells whether an id
exists); a report for an unknown id is answered 200 with nothing done, so the gateway does not retry it forever."""
from __future__ import annotations

import hmac
import logging

from flask import request
from flask_smorest import Blueprint

from retret.http.docs import problems, public
from retret.http.errors import ApiError

from .. import services
from ..config import load_settings
from ..schemas import DlrAnswerSchema, KannelDlrArgs

log = logging.getLogger(__name__)

blp = Blueprint("providers", __name__, url_prefix="/api/v1/providers",
                description="Callbacks of the message providers (delivery reports).")


@blp.before_request
def _require_secret():
    """The secret first, before validation: a caller without it learns nothing, not even which field is bad."""
    expected = load_settings().kannel.dlr_secret
    given = request.args.get("secret", "")
    if not expected or not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        log.warning("delivery report refused: wrong or missing secret", extra={"remote": request.remote_addr})
        raise ApiError(403, "Rahasia laporan pengiriman tidak valid.", code="dlr_secret_invalid")


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
