"""Reporting's Celery tasks: it consumes the registration and notifications sources (thin bus wrappers)."""
from __future__ import annotations

from retret.bus import register_bus_tasks

from .context import context
from .handlers import HANDLERS
from .services import event_taken_in, source_reached

TASKS = register_bus_tasks(
    context.celery, lambda: context.bus, handlers=HANDLERS,
    on_replay_finished=source_reached, on_heartbeat=source_reached, on_event=event_taken_in,
)
