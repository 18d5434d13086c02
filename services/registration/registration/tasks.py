"""Registration's Celery tasks: the bus tasks of a source (relay_outbox, replay_events, publish_heartbeat)."""
from retret.bus.tasks import register_bus_tasks

from .context import context
from .handlers import HANDLERS

TASKS = register_bus_tasks(context.celery, lambda: context.bus, handlers=HANDLERS)
