"""Several SMS providers (`kannel`, `kannel2`, ... each with its own prefix of settings), failover across all of
them through a real Kannel, rate limits per provider shared through the database (a throttled SMS waits as a due
row), and the `log` provider refused at start-up in production (API and worker)."""
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from notifications import sending
from notifications.config import load_settings
from notifications.domain import rate_limit
from notifications.handlers import HANDLERS
from notifications.models import SmsRateLimit
from notifications.providers import sms_providers
from retret import clock
from retret.config import ConfigError
from retret.events.catalogue import CATALOGUE
from retret_testing.infra import REPO, free_port, wait_for

from .test_sms import StubGateway

OFFICIAL = CATALOGUE["participant.invited"].sample["official"]
T0 = datetime(2026, 5, 1, 8, 0, tzinfo=timezone.utc)


def invite(ctx, envelope, phone="+6281234567890"):
    ctx.bus.consume(envelope("participant.invited", official={**OFFICIAL, "email": None, "phone": phone}), HANDLERS)


@pytest.fixture
def two_kannels(kannel_env):
    """`kannel` (KANNEL_*, from kannel_env: nothing listens at its URL) and `kannel2` (KANNEL2_*)."""
    kannel_env.setenv("SMS_PROVIDERS", "kannel,kannel2")
    kannel_env.setenv("KANNEL2_USERNAME", "retret")
    kannel_env.setenv("KANNEL2_PASSWORD", "p&ss/wörd kannel")
    kannel_env.setenv("KANNEL2_SENDSMS_URL", f"http://127.0.0.1:{free_port()}/cgi-bin/sendsms")
    kannel_env.setenv("KANNEL2_TIMEOUT_SECONDS", "15")  # a loaded CI machine can keep a real Kannel busy for seconds
    return kannel_env


@pytest.fixture
def stubs():
    made = []

    def make(**kwargs):
        made.append(StubGateway(**kwargs))
        return made[-1]

    yield make
    for stub in made:
        stub.close()


# ------------------------------------------------------------------------------------------ settings
def test_each_kannel_reads_its_own_prefix(two_kannels):
    two_kannels.setenv("KANNEL2_SENDSMS_URL", "http://kannel-b:13013/cgi-bin/sendsms")
    two_kannels.setenv("KANNEL2_RATE_PER_SECOND", "2.5")
    settings = load_settings()
    assert list(settings.kannels) == ["kannel", "kannel2"]
    assert settings.kannels["kannel2"].sendsms_url == "http://kannel-b:13013/cgi-bin/sendsms"
    assert (settings.kannels["kannel2"].rate_per_second, settings.kannels["kannel"].rate_per_second) == (2.5, 0)
    assert [p.name for p in sms_providers(settings)] == ["kannel", "kannel2"]


def test_a_second_kannel_without_its_account_is_refused_naming_its_settings(two_kannels):
    two_kannels.delenv("KANNEL2_USERNAME")
    with pytest.raises(ConfigError, match="KANNEL2_USERNAME and KANNEL2_PASSWORD"):
        sms_providers(load_settings())


@pytest.mark.parametrize("value, message", [("-1", "KANNEL_RATE_PER_SECOND"), ("fast", "KANNEL_RATE_PER_SECOND")])
def test_a_bad_rate_is_refused(two_kannels, value, message):
    two_kannels.setenv("KANNEL_RATE_PER_SECOND", value)
    with pytest.raises(ConfigError, match=message):
        load_settings()


def test_unknown_provider_names_are_refused(service_env):
    for name in ("kannel1", "kannelx", "twilio"):
        service_env.setenv("SMS_PROVIDERS", name)
        with pytest.raises(ConfigError, match="unknown provider"):
            sms_providers(load_settings())


# ------------------------------------------------------------------------------------------ start-up
def test_the_api_refuses_to_start_with_the_log_provider_in_production(make_app):
    with pytest.raises(ConfigError, match="SMS_PROVIDERS: the log provider .* APP_ENV=production"):
        make_app("notifications", APP_ENV="production", SMS_PROVIDERS="log")


def test_the_api_starts_in_production_with_a_kannel(make_app, kannel_env):
    app = make_app("notifications", APP_ENV="production", KANNEL_DLR_SECRET="a-long-enough-dlr-secret")
    assert app.test_client().get("/healthz").status_code == 200


def _import_worker(module, **env):
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), **env}
    return subprocess.run([sys.executable, "-c", f"import {module}"], env=environment, cwd=REPO,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("module", ["notifications.worker", "notifications.bulk_worker"])
def test_the_worker_refuses_to_start_with_the_log_provider_in_production(module):
    secrets = {"JWT_SECRET": "x" * 40, "INVITATION_SECRET": "y" * 40}
    refused = _import_worker(module, APP_ENV="production", SMS_PROVIDERS="log", **secrets)
    assert refused.returncode != 0
    assert "ConfigError: SMS_PROVIDERS: the log provider" in refused.stderr
    started = _import_worker(module, APP_ENV="development", SMS_PROVIDERS="log", **secrets)
    assert started.returncode == 0, started.stderr


# ------------------------------------------------------------------------------------------ failover
def test_kannel_down_fails_over_to_the_second_kannel(ctx, db, envelope, two_kannels, kannel_gateway, api_server):
    """The first gateway refuses connections; the second (a real Kannel) sends it and reports delivery."""
    two_kannels.setenv("KANNEL2_SENDSMS_URL", kannel_gateway.sendsms_url)
    invite(ctx, envelope)
    outcome = sending.send_due()
    assert outcome in ({"sent": 1}, {"delivered": 1}), (outcome, db.one(channel="sms").error)
    row = wait_for(lambda: (r := db.one(channel="sms")).status == "delivered" and r, 20,
                   message=f"delivered through kannel2\n{kannel_gateway.log_text()[-2000:]}")
    assert (row.provider, row.attempts) == ("kannel2", 1)
    history = sending.services.get_notification(row.id)["history"]
    sent = [h for h in history if h["status"] == "sent"]  # none when the delivery report beat Kannel's answer
    assert not sent or "after kannel: Kannel unreachable" in sent[0]["detail"]


def test_every_kannel_down_is_one_temporary_failure_naming_each(ctx, db, envelope, two_kannels):
    invite(ctx, envelope)
    assert sending.send_due() == {"temporary-failure": 1}
    error = db.one(channel="sms").error
    assert "kannel: Kannel unreachable" in error and "kannel2: Kannel unreachable" in error


# ------------------------------------------------------------------------------------------ rate limits
def test_rate_rule_allows_a_one_second_burst_then_spaces_messages():
    slot = rate_limit.take(None, T0, 2)  # 2/s: an interval of 0.5 s, a burst of 2
    assert slot.allowed and slot.next_at == T0 + timedelta(seconds=0.5)
    slot = rate_limit.take(slot.next_at, T0, 2)
    assert slot.allowed and slot.next_at == T0 + timedelta(seconds=1)
    refused = rate_limit.take(slot.next_at, T0, 2)
    assert not refused.allowed and refused.retry_at == T0 + timedelta(seconds=0.5)
    assert refused.next_at == slot.next_at  # a refusal takes nothing
    assert rate_limit.take(slot.next_at, refused.retry_at, 2).allowed
    assert rate_limit.take(T0, T0 + timedelta(hours=1), 2).next_at == T0 + timedelta(hours=1, seconds=0.5)


def test_rate_rule_below_one_per_second_and_unlimited():
    first = rate_limit.take(None, T0, 0.5)  # one every 2 s, no burst
    assert first.allowed and first.next_at == T0 + timedelta(seconds=2)
    assert rate_limit.take(first.next_at, T0 + timedelta(seconds=1), 0.5).retry_at == T0 + timedelta(seconds=2)
    assert rate_limit.take(None, T0, 0).allowed and rate_limit.take(T0 + timedelta(days=1), T0, 0).allowed


def test_a_throttled_sms_waits_as_a_due_row(ctx, db, envelope, kannel_env, stubs, frozen_clock):
    gateway = stubs()
    kannel_env.setenv("KANNEL_SENDSMS_URL", gateway.url)
    kannel_env.setenv("KANNEL_RATE_PER_SECOND", "2")
    for n in range(5):
        invite(ctx, envelope, phone=f"+62812345678{n:02d}")
    assert sending.send_due() == {"sent": 2, "throttled": 1}
    waiting = [r for r in db.notifications() if r.status == "created"]
    assert len(waiting) == 3 and len(gateway.requests) == 2
    throttled = max(waiting, key=lambda r: clock.as_utc(r.due_at))
    assert clock.as_utc(throttled.due_at) == frozen_clock.value + timedelta(seconds=0.5)
    assert (throttled.attempts, db.history(throttled.id)) == (0, ["created"])  # no attempt used, no history
    frozen_clock.advance(seconds=0.5)
    assert sending.send_due() == {"sent": 1, "throttled": 1}
    frozen_clock.advance(seconds=1)
    assert sending.send_due() == {"sent": 2}
    assert len(gateway.requests) == 5 and {r.status for r in db.notifications()} == {"sent"}


def test_the_limit_is_shared_by_every_worker(ctx, db, envelope, kannel_env, stubs, frozen_clock):
    """The bucket is a database row: what one process took, another cannot take again."""
    gateway = stubs()
    kannel_env.setenv("KANNEL_SENDSMS_URL", gateway.url)
    kannel_env.setenv("KANNEL_RATE_PER_SECOND", "1")
    for n in range(2):
        invite(ctx, envelope, phone=f"+62812345679{n:02d}")
    script = ("from notifications import sending; import json; print(json.dumps(sending.send_due()))")
    other = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                           env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}, cwd=REPO)
    assert other.returncode == 0, other.stderr
    assert '"sent": 1' in other.stdout and '"throttled": 1' in other.stdout
    with ctx.db.session() as session:
        assert session.get(SmsRateLimit, "kannel") is not None
    frozen_clock.value = clock.as_utc(max(r.due_at for r in db.notifications() if r.due_at)) + timedelta(0)
    assert sending.send_due() == {"sent": 1}


def test_a_throttled_first_provider_hands_over_to_the_next(ctx, db, envelope, two_kannels, stubs, frozen_clock):
    first, second = stubs(), stubs()
    two_kannels.setenv("KANNEL_SENDSMS_URL", first.url)
    two_kannels.setenv("KANNEL2_SENDSMS_URL", second.url)
    two_kannels.setenv("KANNEL_RATE_PER_SECOND", "1")
    for n in range(3):
        invite(ctx, envelope, phone=f"+62812345677{n:02d}")
    assert sending.send_due() == {"sent": 3}
    assert (len(first.requests), len(second.requests)) == (1, 2)
    assert sorted(r.provider for r in db.notifications()) == ["kannel", "kannel2", "kannel2"]


@pytest.mark.parametrize("secret, env, message", [
    ("has space", "development", "letters, digits"), ("a&b=c", "development", "letters, digits"),
    ("short-secret", "production", "at least 16"),
])
def test_a_reply_secret_kannel_cannot_carry_is_refused_at_start_up(make_app, kannel_env, secret, env, message):
    with pytest.raises(ConfigError, match=f"KANNEL_MO_SECRET .*{message}"):
        make_app("notifications", APP_ENV=env, KANNEL_MO_SECRET=secret, KANNEL_DLR_SECRET="a-long-enough-dlr-secret")
