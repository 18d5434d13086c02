"""The one beat for all services: it only knows task names and queues (`celery --app retret.beat beat`).

Every entry expires: while workers are down, beat's sends do not pile up into a burst of stale runs."""
from __future__ import annotations

import os
import tempfile

from .celery_factory import make_celery
from .config import env_str, load_common
from .events.catalogue import sources
from .events.subscriptions import SUBSCRIPTIONS
from .queues import NOTIFICATIONS, REGISTRATION, queue_name

ADVANCE_RETREATS_SECONDS = 60  # a retreat starts and finishes at midnight in its zone: a minute late is fine


def beat_schedule(settings) -> dict:
    bus = settings.bus
    schedule = {}
    for source in sorted(sources()):
        schedule[f"{source}-relay"] = {"task": f"{source}.relay_outbox", "schedule": bus.relay_seconds,
                                       "options": {"queue": queue_name(source), "expires": bus.relay_seconds * 4}}
        schedule[f"{source}-heartbeat"] = {"task": f"{source}.publish_heartbeat", "schedule": bus.heartbeat_seconds,
                                           "options": {"queue": queue_name(source),
                                                       "expires": bus.heartbeat_seconds * 4}}
    for consumer in sorted(SUBSCRIPTIONS):
        schedule[f"{consumer}-replays"] = {"task": f"{consumer}.request_replays", "schedule": bus.scan_seconds,
                                           "options": {"queue": queue_name(consumer),
                                                       "expires": bus.scan_seconds * 4}}
    # Due work is rows with a due time; beat scans for them (no countdown/eta inside Celery) on the bulk queue,
    # so retries, reminders and announcements never wait ahead of events on the main queue.
    schedule["notifications-due"] = {"task": f"{NOTIFICATIONS}.scan_due", "schedule": bus.scan_seconds,
                                     "options": {"queue": queue_name(NOTIFICATIONS, bulk=True),
                                                 "expires": bus.scan_seconds * 4}}
    schedule["registration-advance-retreats"] = {
        "task": f"{REGISTRATION}.advance_retreats", "schedule": ADVANCE_RETREATS_SECONDS,
        "options": {"queue": queue_name(REGISTRATION), "expires": ADVANCE_RETREATS_SECONDS}}
    # An import job whose task message was lost (the broker was down when the API sent it) is sent again.
    schedule["registration-import-jobs"] = {"task": f"{REGISTRATION}.resend_import_jobs", "schedule": bus.scan_seconds,
                                            "options": {"queue": queue_name(REGISTRATION),
                                                        "expires": bus.scan_seconds * 4}}
    return schedule


settings = load_common("beat")
celery = make_celery(None, settings)
celery.conf.beat_schedule = beat_schedule(settings)
celery.conf.beat_schedule_filename = env_str(
    "BEAT_SCHEDULE_FILE", os.path.join(tempfile.gettempdir(), "retret-celerybeat-schedule"))
app = celery
