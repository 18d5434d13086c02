"""Celery tasks of the notifications service (thin): the bus tasks (consumer of registration, source of
notification.status_changed) and the sending of due messages."""
from __future__ import annotations

from retret.bus import register_bus_tasks
from retret.queues import NOTIFICATIONS, queue_name

from . import fanouts, replies, sending
from .context import context
from .handlers import HANDLERS

celery = context.celery

BUS_TASKS = register_bus_tasks(celery, lambda: context.bus, handlers=HANDLERS)


@celery.task(name=f"{NOTIFICATIONS}.send_due", queue=queue_name(NOTIFICATIONS))
def send_due() -> dict:
    """Send the messages events caused (nudged after events); fan-outs' bulk messages wait for scan_due."""
    return sending.send_due(include_bulk=False)


@celery.task(name=f"{NOTIFICATIONS}.scan_due", queue=queue_name(NOTIFICATIONS, bulk=True))
def scan_due() -> dict:
    """Beat's scan of due work on the bulk queue (never ahead of events): fan out due reminders, schedule changes
    and announcements into messages, answer the SMS replies registration applied nothing for, then send what is
    due (retries included). One at a time."""
    with fanouts.one_scan_at_a_time() as mine:
        if not mine:  # another worker scans already
            return {}
        counts = {f"fanout_{k}": v for k, v in fanouts.scan_due().items()}
        if unapplied := replies.answer_unapplied():
            counts["replies_unapplied"] = unapplied
        counts.update(sending.send_due())
        return counts


@celery.task(name=f"{NOTIFICATIONS}.send_notification", queue=queue_name(NOTIFICATIONS))
def send_notification(notification_id: str) -> str | None:
    """Send one message now, if it is due."""
    return sending.send_one(str(notification_id))
