"""Notifications against real parts that fail: the real workers (Celery processes), a real SMTP server, a real Kannel
(bearerbox + smsbox + fakesmsc) and the notifications API on a real HTTP server for its delivery reports.

- SMTP down then up → the email is delivered once; Kannel down → temporary-failure, retried, then delivered.
- The notifications worker SIGKILLed before the provider call and after it (the provider has the message, the
  status is not recorded): after a restart every message is delivered, each email counted once by its distinct
  Message-ID, and no SMS sent twice (Kannel's own count).

And two-way SMS through the running system: a handset's "HADIR" through Kannel to the API, over the bus (real
workers) to registration, and the answer SMS back through Kannel.

Time is short on purpose: a stuck message is claimed again after 3 s; a retry's due time is moved to now in the
database (the clock these processes read cannot be frozen from here)."""
from __future__ import annotations

import http.server
import threading
import time
import urllib.request
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from retret_testing.infra import free_port, wait_for
from retret_testing.kannel import KannelGateway, require_kannel
from retret_testing.system import run_system

pytestmark = [pytest.mark.integration, pytest.mark.faults]

DLR_SECRET = "fault-dlr-secret-0123456789"
MO_SECRET = "fault-mo-secret-0123456789"
STUCK_SECONDS = 3


class KannelGate:
    """An HTTP hop in front of Kannel's sendsms: passes requests on, or passes one on and then never answers
    (the worker dies waiting: the SMS went out, its status was not recorded)."""

    def __init__(self, upstream: str):
        self.upstream, self.swallow, self.forwarded = upstream, False, 0
        self.reached, self.released = threading.Event(), threading.Event()
        gate = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                query = self.path.split("?", 1)[1] if "?" in self.path else ""
                try:
                    with urllib.request.urlopen(f"{gate.upstream}?{query}", timeout=10) as answer:
                        status, body = answer.status, answer.read()
                except urllib.error.HTTPError as exc:
                    status, body = exc.code, exc.read()
                gate.forwarded += 1
                if gate.swallow:
                    gate.reached.set()
                    gate.released.wait(120)
                    return
                self.send_response(status)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.handler, self.port = Handler, free_port()
        self.url = f"http://127.0.0.1:{self.port}/cgi-bin/sendsms"
        self.up()

    def up(self):
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), self.handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def down(self):
        """Connections refused, as when smsbox is down (the hop goes down with the gateway behind it)."""
        self.server.shutdown()
        self.server.server_close()

    def close(self):
        self.released.set()
        self.down()


@pytest.fixture(scope="module")
def api_port():
    """Where the notifications API will listen (Kannel's configuration names it before it runs)."""
    return free_port()


@pytest.fixture(scope="module")
def gateway(api_port):
    require_kannel()
    kannel = KannelGateway(username="retret", password="kannel-fault-pass", mo_secret=MO_SECRET,
                           mo_url=f"http://127.0.0.1:{api_port}/api/v1/providers/kannel/mo").start()
    gate = KannelGate(kannel.sendsms_url)
    yield kannel, gate
    gate.close()
    kannel.cleanup()


@pytest.fixture(scope="module")
def system(gateway, api_port):
    kannel, gate = gateway
    overrides = {
        "SMS_PROVIDERS": "kannel", "KANNEL_SENDSMS_URL": gate.url, "KANNEL_USERNAME": "retret",
        "KANNEL_PASSWORD": "kannel-fault-pass", "KANNEL_DLR_SECRET": DLR_SECRET, "KANNEL_TIMEOUT_SECONDS": "60",
        "KANNEL_RATE_PER_SECOND": "50", "NOTIFICATIONS_BASE_URL": f"http://127.0.0.1:{api_port}",
        "NOTIFICATIONS_STUCK_SECONDS": str(STUCK_SECONDS), "SMTP_TIMEOUT_SECONDS": "60",
        "KANNEL_MO_SECRET": MO_SECRET,
    }
    for system in run_system("postgresql", overrides=overrides):
        # The notifications API where Kannel's delivery reports arrive.
        server = make_server("127.0.0.1", api_port, system.clients["notifications"].application, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            yield system
        finally:
            server.shutdown()
            server.server_close()


@pytest.fixture
def db(system):
    engine = create_engine(system.stack.urls["notifications"])
    yield engine
    engine.dispose()


@pytest.fixture
def retreat(system):
    return system.create_retreat(code=f"FAULT-{free_port()}")


def rows(db, recipient):
    with db.connect() as conn:
        return conn.execute(text("select id, kind, status, attempts, message_id from notifications "
                                 "where recipient = :r order by created_at"), {"r": recipient}).mappings().all()


def wait_status(system, db, recipient, statuses, timeout=45):
    try:
        return wait_for(lambda: (found := rows(db, recipient)) and all(r["status"] in statuses for r in found)
                        and found, timeout, message=f"{recipient} in {statuses}")
    except AssertionError as exc:  # the logs as they are now, not as they were when the wait began
        raise AssertionError(f"{exc}: {rows(db, recipient)}\n{system.stack.logs()}") from None


def retry_now(db):
    """Time passes (for the backoff): what waits for a retry is due now."""
    with db.begin() as conn:
        conn.execute(text("update notifications set due_at = now() where status = 'temporary-failure'"))


def history(db, notification_id):
    with db.connect() as conn:
        return [r[0] for r in conn.execute(text(
            "select status from notification_status_history where notification_id = :i order by id"),
            {"i": notification_id})]


def kannel_sent(kannel) -> int:
    """SMS bearerbox handed to the fake operator (its status page)."""
    for line in (kannel.status() or "").splitlines():
        if line.strip().startswith("FAKE[") and "sent: sms " in line:
            return int(line.split("sent: sms ", 1)[1].split()[0])
    raise AssertionError(kannel.status())


def distinct_message_ids(system, address) -> set[str]:
    return {m["Message-ID"] for m in system.smtp.to(address)}


def invite(system, retreat, nip, email=None, phone=None):
    return system.invite(retreat["id"], nip=nip, email=email, phone=phone)


@contextmanager
def worker_killed(system):
    """SIGKILL the notifications worker inside the block; start it again after."""
    try:
        yield
    finally:
        system.stack.kill("notifications")
    system.stack.restart("notifications")


# ------------------------------------------------------------------------------------------ providers down
def test_smtp_down_then_up_delivers_once(system, db, retreat):
    address = "smtp.down@malangkota.go.id"
    system.smtp.down()
    try:
        invite(system, retreat, "198001012005011001", email=address)
        [row] = wait_status(system, db, address, {"temporary-failure"})
    finally:
        system.smtp.up()
    retry_now(db)
    [row] = wait_status(system, db, address, {"sent"})
    assert row["attempts"] == 2 and len(system.smtp.to(address)) == 1
    assert history(db, row["id"]) == ["created", "sending", "temporary-failure", "sending", "sent"]


def test_kannel_down_is_retried_then_delivered(system, db, retreat, gateway):
    kannel, gate = gateway
    phone = "+6281311110001"
    kannel.stop()
    gate.down()
    try:
        invite(system, retreat, "198001012005011002", phone="081311110001")
        [row] = wait_status(system, db, phone, {"temporary-failure"})
    finally:
        kannel.start()
        gate.up()
    before = kannel_sent(kannel)
    retry_now(db)
    [row] = wait_status(system, db, phone, {"delivered"})
    assert row["attempts"] == 2 and kannel_sent(kannel) == before + 1
    assert history(db, row["id"])[:3] == ["created", "sending", "temporary-failure"]


# ------------------------------------------------------------------------------------------ worker killed
def test_email_worker_killed_before_the_server_took_it(system, db, retreat):
    address = "killed.before@malangkota.go.id"
    system.smtp.collector.hold_at("before")
    with worker_killed(system):
        invite(system, retreat, "198001012005011003", email=address)
        assert system.smtp.collector.reached.wait(45), system.stack.logs()
    system.smtp.collector.release()
    [row] = wait_status(system, db, address, {"sent"})
    assert distinct_message_ids(system, address) == {row["message_id"]} and len(system.smtp.to(address)) == 1
    assert row["attempts"] == 2


def test_email_worker_killed_after_the_server_took_it(system, db, retreat):
    """Re-sent with the same Message-ID: a mail client (and this count) sees one message."""
    address = "killed.after@malangkota.go.id"
    system.smtp.collector.hold_at("after")
    with worker_killed(system):
        invite(system, retreat, "198001012005011004", email=address)
        assert system.smtp.collector.reached.wait(45), system.stack.logs()
    system.smtp.collector.release()
    [row] = wait_status(system, db, address, {"sent"})
    assert distinct_message_ids(system, address) == {row["message_id"]}
    assert history(db, row["id"]) == ["created", "sending", "sending", "sent"]


def test_sms_worker_killed_before_the_provider_call(system, db, retreat, gateway):
    """The worker waits for the provider's rate slot (the test holds its row), dies there: nothing was committed,
    the SMS is sent once after the restart."""
    kannel, _ = gateway
    phone = "+6281311110005"
    before = kannel_sent(kannel)
    with db.begin() as conn:
        conn.execute(text("insert into sms_rate_limits (provider, next_at) values ('kannel', now()) "
                          "on conflict do nothing"))
    lock = db.connect()
    holding = lock.begin()
    lock.execute(text("select * from sms_rate_limits where provider = 'kannel' for update"))
    try:
        with worker_killed(system):
            invite(system, retreat, "198001012005011005", phone="081311110005")
            wait_for(lambda: _waiting_on_a_lock(db), 45, message=f"the worker waits\n{system.stack.logs()}")
    finally:
        holding.rollback()
        lock.close()
    [row] = wait_status(system, db, phone, {"delivered"})
    assert row["attempts"] == 1 and kannel_sent(kannel) == before + 1


def test_sms_worker_killed_after_the_provider_call(system, db, retreat, gateway):
    """Kannel has the SMS, the worker dies before recording it: never sent again; its delivery report settles it."""
    kannel, gate = gateway
    phone = "+6281311110006"
    before = kannel_sent(kannel)
    gate.swallow = True
    gate.reached.clear()
    try:
        with worker_killed(system):
            invite(system, retreat, "198001012005011006", phone="081311110006")
            assert gate.reached.wait(45), system.stack.logs()
    finally:
        gate.swallow = False
        gate.released.set()
    [row] = wait_status(system, db, phone, {"delivered"})
    wait_for(lambda: kannel_sent(kannel) == before + 1, 10, message="Kannel sent it")
    time.sleep(STUCK_SECONDS + 1)  # long past "stuck": still one SMS
    assert kannel_sent(kannel) == before + 1 and rows(db, phone)[0]["attempts"] == 1
    assert rows(db, phone)[0]["status"] == "delivered"


# ------------------------------------------------------------------------------------------ two-way SMS
def test_a_reply_by_sms_confirms_through_the_running_system(system, db, retreat, gateway):
    kannel, _ = gateway
    phone = "+6281311110007"
    invited = invite(system, retreat, "198001012005011007", phone="081311110007")
    wait_status(system, db, phone, {"delivered"})  # the invitation SMS
    kannel.send_from_handset("6281311110007", "YA insya Allah")
    wait_for(lambda: system.api("registration", "get", f"/api/v1/registrations/{invited['id']}")
             .get_json()["status"] == "confirmed", 45, message="registration confirmed by the SMS reply")
    wait_for(lambda: len(rows(db, phone)) == 2, 30, message="the answer SMS")
    found = wait_status(system, db, phone, {"delivered"})
    assert [r["kind"] for r in found] == ["invitation", "sms_reply"]  # the answer, no confirmation SMS as well
    time.sleep(1)
    assert len(rows(db, phone)) == 2


def _waiting_on_a_lock(db) -> bool:
    with db.connect() as conn:
        return bool(conn.execute(text(
            "select count(*) from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()"
        )).scalar())
