"""The bus tasks every service registers: explicit names `<service>.<verb>`, thin wrappers around `Bus`."""
from __future__ import annotations

from typing import Callable, Mapping

from celery import Celery
from celery.signals import worker_process_init

from ..queues import queue_name
from .bus import Bus, Handler


def register_bus_tasks(celery: Celery, get_bus: Callable[[], Bus], handlers: Mapping[str, Handler] | None = None,
                       is_source: bool = False, is_consumer: bool = False) -> dict:
    """Define relay/replay/heartbeat (sources) and handle_event/heartbeat/replays (consumers) on `celery`."""
    service = celery.main
    tasks = {}

    @worker_process_init.connect(weak=False)
    def _fresh_connections(**_kwargs):
        # A forked child must not share the parent's pooled database connections.
        get_bus().db.engine.dispose(close=False)

    if is_source:
        @celery.task(name=f"{service}.relay_outbox", queue=queue_name(service))
        def relay_outbox():
            return get_bus().relay()

        @celery.task(name=f"{service}.replay_events", queue=queue_name(service))
        def replay_events(request: dict):
            return get_bus().replay(request["consumer"], sequences=request.get("sequences"),
                                    from_sequence=request.get("from_sequence"))

        @celery.task(name=f"{service}.publish_heartbeat", queue=queue_name(service))
        def publish_heartbeat():
            return get_bus().publish_heartbeat()

        tasks.update(relay_outbox=relay_outbox, replay_events=replay_events, publish_heartbeat=publish_heartbeat)

    if is_consumer:
        @celery.task(name=f"{service}.handle_event", queue=queue_name(service))
        def handle_event(envelope: dict):
            return get_bus().consume(envelope, handlers or {}).value

        @celery.task(name=f"{service}.handle_heartbeat", queue=queue_name(service))
        def handle_heartbeat(beat: dict):
            get_bus().note_heartbeat(beat["source"], int(beat["last_sequence"]))

        @celery.task(name=f"{service}.request_replays", queue=queue_name(service))
        def request_replays():
            return {source: len(seqs) for source, seqs in get_bus().request_replays().items()}

        tasks.update(handle_event=handle_event, handle_heartbeat=handle_heartbeat, request_replays=request_replays)
    return tasks
