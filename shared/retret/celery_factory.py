"""The Celery factory: the reliable settings of DESIGN §3, the same for every service."""
from __future__ import annotations

from celery import Celery
from celery.signals import setup_logging
from kombu import Queue

from .config import CommonSettings
from .logs import configure_logging
from .queues import queue_name


def restore_sweep(visibility_timeout: int) -> dict:
    """How often workers sweep for messages whose consumer died: about every half visibility timeout, at most
    every 100 s (kombu's default), so a short timeout in tests also means a quick redelivery."""
    interval = max(1, min(10, visibility_timeout // 2))
    throttle = max(1, min(10, visibility_timeout // (2 * interval)))
    return {"unacked_restore_interval": interval, "unacked_restore_throttle": throttle}


def celery_config(settings: CommonSettings, service: str | None) -> dict:
    conf = {
        "broker_url": settings.redis_url,
        "task_serializer": "json",
        "accept_content": ["json"],
        "result_serializer": "json",
        "task_ignore_result": True,
        "result_backend": None,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "worker_hijack_root_logger": False,
        "broker_connection_retry_on_startup": True,
        "broker_connection_timeout": 2,
        "broker_transport_options": {
            "visibility_timeout": settings.celery_visibility_timeout,
            "socket_connect_timeout": 2,
            "socket_timeout": 10,
            **restore_sweep(settings.celery_visibility_timeout),
        },
        "task_create_missing_queues": True,
        "enable_utc": True,
    }
    if service:
        conf["task_default_queue"] = queue_name(service)
        conf["task_queues"] = (Queue(queue_name(service)), Queue(queue_name(service, bulk=True)))
    return conf


def make_celery(service: str | None, settings: CommonSettings) -> Celery:
    """A Celery app for `service`: it knows both of its queues, `<service>` and `<service>.bulk`; which one a worker
    consumes its worker module says (`consume`)."""
    app = Celery(service or "retret")
    app.conf.update(celery_config(settings, service))

    @setup_logging.connect(weak=False)
    def _our_logs(loglevel=None, **_kwargs):
        # Connecting this signal tells Celery not to set up logging itself: its own loggers (task received and
        # succeeded, beat's sends) reach our handler, in LOG_FORMAT, at the --loglevel of the command line.
        configure_logging(service or "beat", level=loglevel or "INFO",
                          process=app.conf.get("retret_process") or (f"{service}-worker" if service else "beat"))

    return app


def consume(app: Celery, service: str, bulk: bool) -> Celery:
    """Let `app`'s worker consume only `<service>` (events) or only `<service>.bulk` (long jobs). Two processes,
    because one worker cannot keep slots for one queue: a 10,000-recipient fan-out or a 100,000-row import on
    the bulk worker never takes the slot an event needs (`celery worker --queues` still overrides, for tests)."""
    app.conf.update(task_queues=(Queue(queue_name(service, bulk=bulk)),),
                    retret_process=f"{service}-bulk-worker" if bulk else f"{service}-worker")  # names its log lines
    return app
