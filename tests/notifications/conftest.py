"""Fixtures of the notifications tests: a real SMTP server (aiosmtpd), a real Kannel SMS gateway (bearerbox, smsbox,
fakesmsc), the service on a fresh PostgreSQL, and the service's API on a real HTTP server for Kannel's callbacks."""
from __future__ import annotations

import copy
import email
import email.policy
import threading
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from retret import clock
from retret.auth import issue_token
from retret.events.catalogue import CATALOGUE
from retret.events.envelope import make_envelope
from retret_testing.http import bearer
from retret_testing.infra import free_port, serving
from retret_testing.kannel import KannelGateway, require_kannel

DLR_SECRET = "dlr-secret-for-tests/&+ 123"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: email.message.EmailMessage


@dataclass
class RecordingHandler:
    """Keeps every accepted message; answers per recipient prefix: `reject*` → 550, `later*` → 451."""
    messages: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("reject"):
            return "550 5.1.1 Mailbox does not exist"
        if address.startswith("later"):
            return "451 4.3.0 Mailbox temporarily unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    handler = RecordingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    controller.port = port
    controller.messages = handler.messages
    yield controller
    controller.stop()


@pytest.fixture
def app(make_app, smtp_server):
    return make_app("notifications", SMTP_HOST="127.0.0.1", SMTP_PORT=str(smtp_server.port),
                    NOTIFICATIONS_STUCK_SECONDS="300")


@pytest.fixture
def ctx(app):
    from notifications.context import context
    return context


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def admin_headers():
    token, _ = issue_token("test-jwt-secret-at-least-32-bytes-long", "admin", "admin")
    return bearer(token)


@pytest.fixture
def frozen_clock():
    """Move the one clock by hand: `frozen_clock.advance(seconds=...)`."""
    class Frozen:
        def __init__(self):
            self.value = clock.now()

        def __call__(self):
            return self.value

        def advance(self, **delta):
            from datetime import timedelta
            self.value = self.value + timedelta(**delta)

    frozen = Frozen()
    clock.set_clock(frozen)
    yield frozen
    clock.set_clock(None)


class EnvelopeFactory:
    """Envelopes from the registration source with increasing sequences, data from the catalogue samples."""

    def __init__(self):
        self.sequence = 0

    def __call__(self, type_name: str, sequence: int | None = None, occurred_at=None, **changes) -> dict:
        if sequence is None:
            self.sequence += 1
            sequence = self.sequence
        data = copy.deepcopy(CATALOGUE[type_name].sample)
        for key, value in changes.items():
            if isinstance(value, dict) and isinstance(data.get(key), dict):
                data[key].update(value)
            else:
                data[key] = value
        return make_envelope(type=type_name, source=CATALOGUE[type_name].source, sequence=sequence, data=data,
                             retreat_id=data.get("retreat_id"), occurred_at=occurred_at or clock.now())


@pytest.fixture
def envelope():
    return EnvelopeFactory()


class Db:
    """Small readers and writers of the notifications database for tests."""

    def __init__(self, ctx):
        self.ctx = ctx

    def notifications(self, **filters):
        from notifications.models import Notification
        stmt = select(Notification).order_by(Notification.created_at, Notification.id)
        for name, value in filters.items():
            stmt = stmt.where(getattr(Notification, name) == value)
        with self.ctx.db.session() as session:
            return session.execute(stmt).scalars().all()

    def one(self, **filters):
        rows = self.notifications(**filters)
        assert len(rows) == 1, [(r.kind, r.recipient, r.status) for r in rows]
        return rows[0]

    def history(self, notification_id):
        from notifications.models import NotificationStatus
        with self.ctx.db.session() as session:
            return [h.status for h in session.execute(
                select(NotificationStatus).where(NotificationStatus.notification_id == notification_id)
                .order_by(NotificationStatus.id)).scalars()]

    def events(self, type_name="notification.status_changed"):
        outbox = self.ctx.tables.outbox
        with self.ctx.db.engine.connect() as conn:
            return [dict(r) for r in conn.execute(
                select(outbox).where(outbox.c.type == type_name).order_by(outbox.c.id)).mappings()]

    def update(self, notification_id, **values):
        from notifications.models import Notification
        with self.ctx.db.session() as session:
            session.execute(update(Notification).where(Notification.id == notification_id).values(**values))

    def get(self, model, key):
        with self.ctx.db.session() as session:
            return session.get(model, key)


@pytest.fixture
def db(ctx):
    return Db(ctx)


# ------------------------------------------------------------------------------------------------- SMS
@pytest.fixture(scope="session")
def kannel_gateway():
    """One real Kannel for the session (skipped when not installed, unless CI is set)."""
    require_kannel()
    gateway = KannelGateway(username="retret", password="p&ss/wörd kannel").start()
    yield gateway
    gateway.cleanup()


@dataclass
class ApiServer:
    base_url: str
    calls: list = field(default_factory=list)  # (path, query dict, status code) of every request answered

    def dlr_calls(self):
        return [c for c in list(self.calls) if c[0] == "/api/v1/providers/kannel/dlr"]


def _recording(app, calls):
    from urllib.parse import parse_qsl

    def wsgi(environ, start_response):
        def start(status, headers, exc_info=None):
            calls.append((environ.get("PATH_INFO"), dict(parse_qsl(environ.get("QUERY_STRING", ""))),
                          int(status.split()[0])))
            return start_response(status, headers, exc_info)
        return app(environ, start)
    return wsgi


@pytest.fixture
def api_server(app, service_env):
    """The notifications API on a real HTTP server (werkzeug, threaded): the dlr-url Kannel calls back.
    NOTIFICATIONS_BASE_URL points at it; `calls` records what it answered."""
    calls: list = []
    with serving(_recording(app, calls), name="dlr-api") as base_url:
        service_env.setenv("NOTIFICATIONS_BASE_URL", base_url)
        yield ApiServer(base_url, calls)


@pytest.fixture
def kannel_env(service_env):
    """Settings of a Kannel provider (its URL set by each test or by `kannel`); the DLR secret."""
    service_env.setenv("SMS_PROVIDERS", "kannel")
    service_env.setenv("KANNEL_USERNAME", "retret")
    service_env.setenv("KANNEL_PASSWORD", "p&ss/wörd kannel")
    service_env.setenv("KANNEL_DLR_SECRET", DLR_SECRET)
    service_env.setenv("KANNEL_TIMEOUT_SECONDS", "5")
    service_env.setenv("KANNEL_SENDSMS_URL", f"http://127.0.0.1:{free_port()}/cgi-bin/sendsms")  # nothing there
    return service_env


@pytest.fixture
def kannel(kannel_gateway, kannel_env, api_server):
    """SMS through the real gateway, its delivery reports to the real API server."""
    kannel_env.setenv("KANNEL_SENDSMS_URL", kannel_gateway.sendsms_url)
    return kannel_gateway
