"""SMS end to end with real parts: a real Kannel gateway (bearerbox, smsbox, fakesmsc) and the notifications API
on a real HTTP server receiving its delivery reports; failover, Kannel down, bad account, no answer; the DLR
endpoint (secret, order, validation, unknown ids)."""
import http.server
import logging
import socket
import threading
import urllib.parse
import uuid
from datetime import timedelta

import pytest

from notifications import sending, services
from notifications.config import load_settings
from notifications.handlers import HANDLERS
from notifications.providers import OutgoingMessage, sms_providers
from notifications.providers.sms_kannel import KannelSmsProvider, dlr_url, sendsms_params
from retret import clock
from retret.config import ConfigError
from retret.events.catalogue import CATALOGUE, NotificationStatusData
from retret_testing.http import assert_problem
from retret_testing.infra import free_port, wait_for

from .conftest import DLR_SECRET

OFFICIAL = CATALOGUE["participant.invited"].sample["official"]
INVITATION_URL = CATALOGUE["participant.invited"].sample["invitation_url"]
PHONE = "+6281234567890"
DLR = "/api/v1/providers/kannel/dlr"


def invite(ctx, envelope, **official):
    env = envelope("participant.invited", official={**OFFICIAL, **official})
    ctx.bus.consume(env, HANDLERS)
    return env


def sms_row(db):
    return db.one(channel="sms")


def statuses(db, row):
    return db.history(row.id)


# ------------------------------------------------------------------------------------- real gateway
def test_invitation_sms_sent_through_kannel_and_delivered(ctx, db, envelope, smtp_server, kannel, api_server):
    env = invite(ctx, envelope)
    email, sms = db.one(channel="email"), sms_row(db)
    assert sms.idempotency_key == f"{env['id']}:invitation:sms:{PHONE}"
    assert INVITATION_URL in sms.body_text
    assert sending.send_due() in ({"sent": 2}, {"sent": 1, "delivered": 1})  # the DLR may beat the answer
    assert len(smtp_server.messages) == 1 and db.get(type(email), email.id).status == "sent"

    row = wait_for(lambda: (r := sms_row(db)).status == "delivered" and r, 20,
                   message=f"the SMS delivered\n{kannel.log_text()[-3000:]}")
    assert (row.provider, row.attempts, row.error, row.due_at) == ("kannel", 1, None, None)
    assert row.sent_at is not None
    history = statuses(db, row)
    assert history[:2] == ["created", "sending"] and history[-1] == "delivered"
    sms_events = [e["data"] for e in db.events() if e["data"]["notification_id"] == row.id]
    assert [e["status"] for e in sms_events][-1] == "delivered"
    for event in sms_events:
        assert NotificationStatusData().validate(event) == {}
    # Both reports reached the API (in either order); the later one changed nothing: delivered is final.
    calls = wait_for(lambda: len(api_server.dlr_calls()) >= 2 and api_server.dlr_calls(), 20,
                     message=f"two delivery reports\n{kannel.log_text()[-3000:]}")
    assert sorted(query["status"] for _, query, _ in calls) == ["1", "8"]
    assert {(query["id"], query["attempt"], code) for _, query, code in calls} == {(row.id, "1", 200)}
    assert sms_row(db).status == "delivered"
    assert statuses(db, sms_row(db)) in (["created", "sending", "sent", "delivered"],
                                         ["created", "sending", "delivered"])


def test_the_api_shows_the_sms_and_its_segments(ctx, db, envelope, client, admin_headers):
    invite(ctx, envelope)
    body = client.get("/api/v1/notifications", headers=admin_headers, query_string={"channel": "sms"}).get_json()
    [item] = body["items"]
    assert item["recipient"] == PHONE and item["kind"] == "invitation"
    assert item["sms"] == {"encoding": "GSM-7", "length": len(sms_row(db).body_text), "segments": 2}
    email = client.get("/api/v1/notifications", headers=admin_headers, query_string={"channel": "email"})
    assert email.get_json()["items"][0]["sms"] is None
    detail = client.get(f"/api/v1/notifications/{item['id']}", headers=admin_headers).get_json()
    assert detail["body_text"].endswith(INVITATION_URL) and detail["sms"]["segments"] == 2


def test_confirmation_sms_through_kannel(ctx, db, envelope, smtp_server, kannel):
    ctx.bus.consume(envelope("registration.confirmed"), HANDLERS)
    sending.send_due()
    row = wait_for(lambda: (r := sms_row(db)).status == "delivered" and r, 20, message="confirmation delivered")
    assert row.kind == "confirmation" and "telah dikonfirmasi" in row.body_text


def test_bad_kannel_account_is_a_technical_failure(ctx, db, envelope, kannel, service_env):
    invite(ctx, envelope, email=None)
    service_env.setenv("KANNEL_PASSWORD", "wrong-password")
    assert sending.send_due() == {"technical-failure": 1}
    row = sms_row(db)
    assert row.status == "technical-failure" and row.provider == "kannel" and row.due_at is None
    assert row.error.startswith("Kannel 403") and "KANNEL_PASSWORD" in row.error
    assert "wrong-password" not in row.error


def test_failover_from_a_dead_kannel_to_the_log_provider(ctx, db, envelope, kannel_env):
    kannel_env.setenv("SMS_PROVIDERS", "kannel,log")  # KANNEL_SENDSMS_URL: a port nobody listens on
    invite(ctx, envelope, email=None)
    assert sending.send_due() == {"sent": 1}
    row = sms_row(db)
    assert (row.status, row.provider, row.attempts) == ("sent", "log", 1)
    detail = services.get_notification(row.id)["history"][-1]["detail"]
    assert "kannel: Kannel unreachable" in detail


def test_failover_from_a_refusing_kannel_to_the_log_provider(ctx, db, envelope, kannel, service_env):
    """A gateway that refuses the account certainly did not send: the next provider may."""
    service_env.setenv("SMS_PROVIDERS", "kannel,log")
    service_env.setenv("KANNEL_PASSWORD", "wrong-password")
    invite(ctx, envelope, email=None)
    assert sending.send_due() == {"sent": 1}
    assert sms_row(db).provider == "log"


def test_kannel_down_is_a_temporary_failure_retried_later(ctx, db, envelope, kannel_env, frozen_clock,
                                                         kannel_gateway, api_server):
    invite(ctx, envelope, email=None)
    assert sending.send_due() == {"temporary-failure": 1}
    row = sms_row(db)
    assert row.status == "temporary-failure" and row.attempts == 1 and row.provider == "kannel"
    assert clock.as_utc(row.due_at) == frozen_clock.value + timedelta(seconds=30)
    assert "unreachable" in row.error and "password" not in row.error and "wörd" not in row.error
    assert sending.send_due() == {}  # not due yet
    kannel_env.setenv("KANNEL_SENDSMS_URL", kannel_gateway.sendsms_url)  # the gateway is back
    frozen_clock.advance(seconds=31)
    assert sending.send_due() in ({"sent": 1}, {"delivered": 1})
    row = sms_row(db)
    assert row.attempts == 2 and row.error is None


def test_smtp_down_does_not_hold_back_the_sms(ctx, db, envelope, service_env):
    """The email's provider being down stops email for this run, not SMS (log provider here)."""
    service_env.setenv("SMTP_PORT", str(free_port()))
    invite(ctx, envelope)
    invite(ctx, envelope, email="siti@malangkota.go.id", phone="+6281398765432")
    counts = sending.send_due()
    assert counts == {"temporary-failure": 1, "sent": 2}
    assert sorted((n.channel, n.status) for n in db.notifications()) == [
        ("email", "created"), ("email", "temporary-failure"), ("sms", "sent"), ("sms", "sent")]


# ------------------------------------------------------------------------------------- a gateway that misbehaves
class StubGateway:
    """A small HTTP server in Kannel's place: records requests, answers what the test says (or nothing)."""

    def __init__(self, status=202, body="0: Accepted for delivery", silent=False):
        self.requests: list[dict] = []
        self.status, self.body, self.silent = status, body, silent
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                stub.requests.append(dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query)))
                if stub.silent:
                    threading.Event().wait(3)  # longer than the client waits
                    return
                self.send_response(stub.status)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                self.wfile.write(stub.body.encode())

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/cgi-bin/sendsms"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stub_gateway(kannel_env):
    stubs = []

    def make(**kwargs):
        stub = StubGateway(**kwargs)
        stubs.append(stub)
        kannel_env.setenv("KANNEL_SENDSMS_URL", stub.url)
        return stub

    yield make
    for stub in stubs:
        stub.close()


def test_sendsms_request(ctx, db, envelope, stub_gateway, api_server):
    stub = stub_gateway()
    invite(ctx, envelope, email=None)
    assert sending.send_due() == {"sent": 1}
    row = sms_row(db)
    [request] = stub.requests
    assert request["username"] == "retret" and request["password"] == "p&ss/wörd kannel"
    assert (request["from"], request["to"], request["text"]) == ("RETRET", PHONE, row.body_text)
    assert (request["charset"], request["coding"], request["dlr-mask"]) == ("UTF-8", "0", "31")
    dlr = urllib.parse.urlsplit(request["dlr-url"])
    assert f"{dlr.scheme}://{dlr.netloc}" == api_server.base_url and dlr.path == DLR
    assert dlr.query.endswith("&status=%d&answer=%A")  # left for Kannel to fill in
    query = dict(urllib.parse.parse_qsl(dlr.query))
    assert query == {"secret": DLR_SECRET, "id": row.id, "attempt": "1", "status": "%d", "answer": "%A"}
    history = services.get_notification(row.id)["history"]
    assert history[-1]["detail"] == "Kannel 202: 0: Accepted for delivery"


def test_ucs2_text_is_sent_with_coding_2(stub_gateway, service_env):
    service_env.setenv("SMS_SENDER_ID", "BKPSDM")
    stub = stub_gateway()
    provider = sms_providers(load_settings())[0]
    message = OutgoingMessage(notification_id=str(uuid.uuid4()), channel="sms", recipient=PHONE,
                              recipient_name=None, subject=None, body_text="Salam \U0001F64F Budi Şantoso",
                              body_html=None, message_id="<x@retret>", attempts=3)
    assert provider.send(message).outcome == "sent"
    [request] = stub.requests
    assert (request["coding"], request["charset"], request["from"]) == ("2", "UTF-8", "BKPSDM")
    assert request["text"] == "Salam \U0001F64F Budi Şantoso"
    assert "attempt=3" in request["dlr-url"]


@pytest.mark.parametrize("status,body,outcome,down", [
    (202, "3: Queued for later delivery", "sent", False),
    (503, "Sending failed.", "temporary", True),
    (500, "Internal error", "temporary", True),
    (403, "Authorization failed for sendsms", "technical", True),
    (400, "Missing receiver number", "technical", False),
    (302, "", "technical", False),
])
def test_gateway_answers(stub_gateway, status, body, outcome, down):
    stub_gateway(status=status, body=body)
    message = OutgoingMessage(notification_id=str(uuid.uuid4()), channel="sms", recipient=PHONE,
                              recipient_name=None, subject=None, body_text="Uji", body_html=None,
                              message_id="<x@retret>", attempts=1)
    result = sms_providers(load_settings())[0].send(message)
    assert (result.outcome, result.provider_down, result.uncertain) == (outcome, down, False)
    if outcome != "sent":
        assert result.error.startswith(f"Kannel {status}")


def test_no_answer_may_have_sent_it_so_no_failover_and_no_retry(ctx, db, envelope, stub_gateway, service_env):
    """The request went out and no answer came: the SMS may be on its way. Never hand it to the next provider
    (the official would get it twice) nor retry it: a person checks (its delivery report may still settle it)."""
    stub = stub_gateway(silent=True)
    service_env.setenv("KANNEL_TIMEOUT_SECONDS", "0.5")
    service_env.setenv("SMS_PROVIDERS", "kannel,log")
    invite(ctx, envelope, email=None)
    assert sending.send_due() == {"technical-failure": 1}
    row = sms_row(db)
    assert (row.status, row.provider, row.due_at) == ("technical-failure", "kannel", None)
    assert "may have gone out" in row.error and len(stub.requests) == 1


def test_a_closed_connection_before_the_request_is_temporary(kannel_env):
    """Connection refused: certainly not sent."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()
    kannel_env.setenv("KANNEL_SENDSMS_URL", f"http://127.0.0.1:{port}/cgi-bin/sendsms")
    message = OutgoingMessage(notification_id=str(uuid.uuid4()), channel="sms", recipient=PHONE,
                              recipient_name=None, subject=None, body_text="Uji", body_html=None,
                              message_id="<x@retret>", attempts=1)
    result = sms_providers(load_settings())[0].send(message)
    assert (result.outcome, result.provider_down, result.uncertain) == ("temporary", True, False)
    assert "Connection refused" in result.error or "Errno" in result.error


# ------------------------------------------------------------------------------------- settings
def test_kannel_settings_are_checked(kannel_env):
    assert [p.name for p in sms_providers(load_settings())] == ["kannel"]
    kannel_env.delenv("KANNEL_DLR_SECRET")
    with pytest.raises(ConfigError, match="KANNEL_DLR_SECRET"):
        sms_providers(load_settings())
    kannel_env.setenv("KANNEL_DLR_SECRET", "short")
    kannel_env.setenv("KANNEL_USERNAME", "")
    with pytest.raises(ConfigError, match="KANNEL_USERNAME"):
        sms_providers(load_settings())
    kannel_env.setenv("KANNEL_USERNAME", "retret")
    kannel_env.setenv("APP_ENV", "production")
    with pytest.raises(ConfigError, match="16 characters"):
        sms_providers(load_settings())
    kannel_env.setenv("KANNEL_DLR_SECRET", "x" * 32)
    assert [p.name for p in sms_providers(load_settings())] == ["kannel"]
    kannel_env.setenv("SMS_PROVIDERS", "kannel,log")
    with pytest.raises(ConfigError, match="production"):
        sms_providers(load_settings())
    kannel_env.setenv("SMS_PROVIDERS", "kannel,kannel")
    with pytest.raises(ConfigError, match="twice"):
        sms_providers(load_settings())
    kannel_env.setenv("SMS_PROVIDERS", "kannel")
    kannel_env.setenv("KANNEL_SENDSMS_URL", "kannel:13013")
    with pytest.raises(ConfigError, match="KANNEL_SENDSMS_URL"):
        sms_providers(load_settings())


def test_a_kannel_misconfiguration_waits_for_the_next_run(ctx, db, envelope, kannel_env):
    kannel_env.delenv("KANNEL_DLR_SECRET")
    invite(ctx, envelope, email=None)
    assert sending.send_due() == {"temporary-failure": 1}
    assert "KANNEL_DLR_SECRET" in sms_row(db).error


def test_dlr_url_encoding():
    url = dlr_url("http://notif:5002/", "a/b&c d+e", "n-1", 2)
    assert url == f"http://notif:5002{DLR}?secret=a%2Fb%26c%20d%2Be&id=n-1&attempt=2&status=%d&answer=%A"
    settings = load_settings().kannel
    message = OutgoingMessage(notification_id="n-1", channel="sms", recipient=" +6281234567890 ",
                              recipient_name=None, subject=None, body_text="Uji", body_html=None,
                              message_id="<x@retret>", attempts=1)
    params = sendsms_params(message, settings, "RETRET")
    assert params["to"] == PHONE and params["dlr-mask"] == "31"
    assert isinstance(KannelSmsProvider(settings, "RETRET").where, str)


def test_invalid_phone_is_recorded_not_sent(ctx, db, envelope):
    invite(ctx, envelope, email=None, phone="0341-551234")  # a landline
    row = sms_row(db)
    assert row.status == "permanent-failure" and "0341-551234" in row.error
    assert sending.send_due() == {}


def test_local_phone_numbers_are_sent_in_e164(ctx, db, envelope):
    invite(ctx, envelope, email=None, phone="0812-3456-7890")
    assert sms_row(db).recipient == PHONE


# ------------------------------------------------------------------------------------- DLR endpoint
def make_sms(ctx, status="sent", attempts=1, **values):
    with ctx.bus.unit_of_work() as session:
        row = services.create_notification(
            session, event_id=str(uuid.uuid4()), kind="invitation", channel="sms", recipient=PHONE,
            body_text="Undangan retret", retreat_id=None, registration_id=None)
        notification_id = row.id
    if status != "created":
        with ctx.bus.unit_of_work() as session:
            from notifications.models import Notification
            n = session.get(Notification, notification_id)
            services.change_status(session, n, "sending", attempts=attempts, due_at=None,
                                   sending_at=clock.now())
            if status != "sending":
                services.change_status(session, n, status, provider=values.pop("provider", "kannel"), **values)
    return notification_id


def report(client, notification_id, status, secret=DLR_SECRET, **extra):
    query = {"secret": secret, "id": notification_id, "status": status, **extra}
    return client.get(DLR, query_string={k: v for k, v in query.items() if v is not None})


@pytest.fixture
def dlr_client(client, kannel_env):
    return client


def test_dlr_delivered_then_a_late_8_changes_nothing(ctx, db, dlr_client):
    notification_id = make_sms(ctx)
    before = len(db.events())
    response = report(dlr_client, notification_id, 1, attempt=1, answer="")
    assert response.status_code == 200 and response.get_json() == {"ok": True, "status": "delivered"}
    assert len(db.events()) == before + 1 and db.events()[-1]["data"]["status"] == "delivered"
    response = report(dlr_client, notification_id, 8, attempt=1, answer="ACK/")
    assert response.get_json() == {"ok": True, "status": "delivered"}
    response = report(dlr_client, notification_id, 2, attempt=1)
    assert response.get_json()["status"] == "delivered"  # final: never moves back
    assert db.history(notification_id) == ["created", "sending", "sent", "delivered"]
    assert len(db.events()) == before + 1


def test_dlr_8_settles_a_message_still_sending(ctx, db, dlr_client):
    notification_id = make_sms(ctx, status="sending")
    assert report(dlr_client, notification_id, 8, attempt=1, answer="ACK/").get_json()["status"] == "sent"
    row = db.one()
    assert (row.status, row.provider) == ("sent", "kannel") and row.sent_at is not None
    detail = services.get_notification(notification_id)["history"][-1]["detail"]
    assert detail == "DLR 8: accepted by the SMSC (attempt 1): ACK/"


def test_dlr_1_for_a_technical_failure_proves_delivery(ctx, db, dlr_client, frozen_clock):
    """An SMS stuck in sending became technical-failure; its delivery report arrives after all."""
    notification_id = make_sms(ctx, status="sending")
    frozen_clock.advance(seconds=301)
    assert sending.send_due() == {"technical-failure": 1}
    assert report(dlr_client, notification_id, 1, attempt=1).get_json()["status"] == "delivered"
    assert db.history(notification_id) == ["created", "sending", "technical-failure", "delivered"]
    assert db.one().error is None


@pytest.mark.parametrize("code", [2, 16])
def test_dlr_failures_are_permanent_and_final(ctx, db, dlr_client, code):
    notification_id = make_sms(ctx)
    body = report(dlr_client, notification_id, code, attempt=1, answer="NACK/0x0000000b/Invalid Destination")
    assert body.get_json()["status"] == "permanent-failure"
    row = db.one()
    assert row.error.startswith(f"DLR {code}:") and "Invalid Destination" in row.error
    assert report(dlr_client, notification_id, 1, attempt=1).get_json()["status"] == "permanent-failure"


def test_dlr_buffered_is_only_a_note(ctx, db, dlr_client):
    notification_id = make_sms(ctx)
    before = len(db.events())
    assert report(dlr_client, notification_id, 4, attempt=1).get_json()["status"] == "sent"
    assert db.history(notification_id) == ["created", "sending", "sent", "sent"]
    assert services.get_notification(notification_id)["history"][-1]["detail"].startswith("DLR 4: buffered")
    assert len(db.events()) == before


def test_dlr_failure_of_an_older_attempt_does_not_fail_the_latest(ctx, db, dlr_client):
    notification_id = make_sms(ctx, status="sending", attempts=2)
    assert report(dlr_client, notification_id, 16, attempt=1).get_json()["status"] == "sending"
    assert report(dlr_client, notification_id, 16, attempt=2).get_json()["status"] == "permanent-failure"


@pytest.mark.parametrize("secret", [None, "", "wrong", DLR_SECRET + "x", DLR_SECRET[:-1], "rahasia-ü"])
def test_dlr_wrong_or_missing_secret_is_403_revealing_nothing(ctx, db, dlr_client, secret):
    notification_id = make_sms(ctx)
    known = report(dlr_client, notification_id, 1, secret=secret)
    unknown = report(dlr_client, str(uuid.uuid4()), 1, secret=secret)
    malformed = report(dlr_client, "not-a-uuid", "x", secret=secret)
    for response in (known, unknown, malformed):
        assert_problem(response, 403)
    assert _without_trace(known.get_json()) == _without_trace(unknown.get_json())
    assert db.one().status == "sent"


def _without_trace(body):
    return {k: v for k, v in body.items() if k not in ("trace_id", "instance")}


def test_dlr_refused_when_no_secret_is_configured(ctx, db, client, service_env):
    service_env.delenv("KANNEL_DLR_SECRET", raising=False)
    notification_id = make_sms(ctx)
    assert_problem(report(client, notification_id, 1, secret=""), 403)
    assert_problem(report(client, notification_id, 1, secret="anything"), 403)


@pytest.mark.parametrize("field,query", [
    ("id", {"id": "not-a-uuid", "status": 1}),
    ("id", {"id": "x" * 5000, "status": 1}),
    ("id", {"status": 1}),
    ("status", {"id": str(uuid.uuid4()), "status": "delivered"}),
    ("status", {"id": str(uuid.uuid4()), "status": 3}),
    ("status", {"id": str(uuid.uuid4()), "status": "%d"}),  # Kannel did not fill it in
    ("status", {"id": str(uuid.uuid4())}),
    ("attempt", {"id": str(uuid.uuid4()), "status": 1, "attempt": "first"}),
    ("attempt", {"id": str(uuid.uuid4()), "status": 1, "attempt": 0}),
])
def test_dlr_malformed_is_422_naming_the_field(dlr_client, field, query):
    response = dlr_client.get(DLR, query_string={"secret": DLR_SECRET, **query})
    assert_problem(response, 422, field=field)


class _Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(record)


def test_dlr_unknown_id_is_200_and_changes_nothing(ctx, db, dlr_client):
    notification_id = str(uuid.uuid4())
    handler, logger = _Records(), logging.getLogger("notifications.services")
    logger.addHandler(handler)
    try:
        response = report(dlr_client, notification_id, 1, answer="x" * 10000)
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 200 and response.get_json() == {"ok": True, "status": None}
    assert [r.notification_id for r in handler.records if "unknown SMS" in r.getMessage()] == [notification_id]
    assert db.notifications() == []


def test_dlr_for_an_email_is_treated_as_unknown(ctx, db, dlr_client, envelope):
    invite(ctx, envelope, phone=None)
    email = db.one()
    assert report(dlr_client, email.id, 1).get_json() == {"ok": True, "status": None}
    assert db.one().status == "created"


def test_dlr_long_answer_is_kept_short(ctx, db, dlr_client):
    notification_id = make_sms(ctx)
    report(dlr_client, notification_id, 4, answer="queued\t" * 500)
    detail = services.get_notification(notification_id)["history"][-1]["detail"]
    assert len(detail) <= 1000 and detail.startswith("DLR 4: buffered")


def test_openapi_declares_the_dlr_endpoint(client):
    spec = client.get("/openapi.json").get_json()
    operation = spec["paths"][DLR]["get"]
    assert {"200", "403", "422"} <= set(operation["responses"])
    assert operation.get("security") == []  # no JWT: the secret guards it
    params = {p["name"] for p in operation["parameters"]}
    assert {"secret", "id", "attempt", "status", "answer"} <= params
    problem = operation["responses"]["403"]["content"]
    assert "application/problem+json" in problem
