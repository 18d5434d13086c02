import pytest

from retret.celery_factory import celery_config, consume, make_celery
from retret.config import ConfigError, env_bool, load_common


def test_production_requires_secrets(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.delenv("JWT_SECRET", raising=False)
    with pytest.raises(ConfigError, match="JWT_SECRET"):
        load_common("registration")


def test_bool_values(monkeypatch):
    monkeypatch.setenv("SMTP_STARTTLS", "True")
    assert env_bool("SMTP_STARTTLS", False) is True
    monkeypatch.setenv("SMTP_STARTTLS", "maybe")
    with pytest.raises(ConfigError):
        env_bool("SMTP_STARTTLS", False)


def test_celery_settings_are_the_reliable_ones(monkeypatch):
    monkeypatch.setenv("CELERY_VISIBILITY_TIMEOUT", "42")
    monkeypatch.setenv("CELERY_QUEUE_PREFIX", "ci7-")
    conf = celery_config(load_common("reporting"), "reporting")
    assert conf["accept_content"] == ["json"] and conf["task_serializer"] == "json"
    assert conf["task_acks_late"] and conf["task_reject_on_worker_lost"]
    assert conf["worker_prefetch_multiplier"] == 1 and conf["task_ignore_result"]
    assert conf["broker_transport_options"]["visibility_timeout"] == 42
    assert conf["task_default_queue"] == "ci7-reporting"
    assert [q.name for q in conf["task_queues"]] == ["ci7-reporting", "ci7-reporting.bulk"]


def test_a_worker_consumes_either_its_events_queue_or_its_bulk_queue(monkeypatch):
    monkeypatch.setenv("CELERY_QUEUE_PREFIX", "ci7-")
    events = consume(make_celery("notifications", load_common("notifications")), "notifications", bulk=False)
    bulk = consume(make_celery("notifications", load_common("notifications")), "notifications", bulk=True)
    assert [q.name for q in events.conf.task_queues] == ["ci7-notifications"]
    assert [q.name for q in bulk.conf.task_queues] == ["ci7-notifications.bulk"]
    assert (events.conf.retret_process, bulk.conf.retret_process) == ("notifications-worker",
                                                                       "notifications-bulk-worker")


def test_beat_schedules_relays_heartbeats_and_gap_scans():
    from retret.beat import beat_schedule
    schedule = beat_schedule(load_common("beat"))
    tasks = {entry["task"] for entry in schedule.values()}
    assert {"registration.relay_outbox", "notifications.relay_outbox", "registration.publish_heartbeat",
            "reporting.request_replays", "notifications.request_replays", "notifications.scan_due"} <= tasks
    assert all("countdown" not in e.get("options", {}) and "eta" not in e.get("options", {})
               for e in schedule.values())


def test_every_beat_entry_expires_and_due_work_is_on_the_bulk_queue():
    from retret.beat import beat_schedule
    schedule = beat_schedule(load_common("beat"))
    assert [name for name, e in schedule.items() if not e["options"].get("expires")] == []
    assert all(0 < e["options"]["expires"] <= e["schedule"] * 4 for e in schedule.values())
    assert schedule["notifications-due"]["options"]["queue"].endswith("notifications.bulk")


def test_beat_moves_retreats_on_every_minute_on_the_registration_queue():
    from retret.beat import beat_schedule
    entry = beat_schedule(load_common("beat"))["registration-advance-retreats"]
    assert entry["task"] == "registration.advance_retreats" and entry["schedule"] == 60
    assert entry["options"]["queue"].endswith("registration") and entry["options"]["expires"] == 60


def test_production_refuses_a_short_secret(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("JWT_SECRET", "too-short")
    with pytest.raises(ConfigError, match="at least 32"):
        load_common("registration")
    monkeypatch.setenv("JWT_SECRET", "x" * 32)
    assert load_common("registration").jwt_secret == "x" * 32


def test_the_restore_sweep_follows_the_visibility_timeout():
    from retret.celery_factory import restore_sweep
    assert restore_sweep(3600) == {"unacked_restore_interval": 10, "unacked_restore_throttle": 10}
    assert restore_sweep(5) == {"unacked_restore_interval": 2, "unacked_restore_throttle": 1}
    assert restore_sweep(1) == {"unacked_restore_interval": 1, "unacked_restore_throttle": 1}
