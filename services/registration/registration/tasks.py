"""Registration's Celery tasks (thin): the bus tasks of a source (relay_outbox, replay_events, publish_heartbeat)
and the retreats' life cycle by the clock (advance_retreats, from beat)."""
from retret.bus.tasks import register_bus_tasks
from retret.queues import REGISTRATION, queue_name

from .context import context
from .handlers import HANDLERS
from .services import retreats

TASKS = register_bus_tasks(context.celery, lambda: context.bus, handlers=HANDLERS)


@context.celery.task(name=f"{REGISTRATION}.advance_retreats", queue=queue_name(REGISTRATION))
def advance_retreats() -> int:
    """published → running → finished for every retreat whose day has come (beat, every minute)."""
    return retreats.advance_retreats()


TASKS["advance_retreats"] = advance_retreats
