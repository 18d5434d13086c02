"""The bus tasks every service registers: explicit names `<service>.<verb>`, thin wrappers around `Bus`."""
from __future__ import annotations

from typing import Callable, Mapping

from celery import Celery
from celery.signals import worker_process_init

from ..events.catalogue import sources
from ..events.subscriptions import SUBSCRIPTIONS
from ..queues import queue_name
from .bus import Bus, ConsumeResult, Handler


SourceHook = Callable[[str, int], None]


def register_bus_tasks(celery: Celery, get_bus: Callable[[], Bus], handlers: Mapping[str, Handler] | None = None,
                       on_replay_finished: SourceHook | None = None, on_heartbeat: SourceHook | None = None,
                       on_event: SourceHook | None = None) -> dict:
    """Define relay/replay/heartbeat (sources) and handle_event/heartbeat/replays (consumers) on `celery`, whose name
    is the service's: the catalogue says whether it is a source, the subscriptions whether it is a consumer.

    `on_replay_finished(source, last_sequence)` runs after a source answered the final page of a replay from a
    sequence, `on_heartbeat(source, last_sequence)` after each heartbeat (both after the gaps are noted),
    `on_event(source, sequence)` after each event taken in (applied or a stub, not a duplicate), once committed."""
    service = celery.main
    tasks = {}

    @worker_process_init.connect(weak=False)
    def _fresh_connections(**_kwargs):
        # A forked child must not share the parent's pooled database connections.
        get_bus().db.engine.dispose(close=False)

    if service in sources():
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

    if service in SUBSCRIPTIONS:
        @celery.task(name=f"{service}.handle_event", queue=queue_name(service))
        def handle_event(envelope: dict):
            result = get_bus().consume(envelope, handlers or {})
            if on_event is not None and result != ConsumeResult.DUPLICATE:
                on_event(envelope["source"], int(envelope["sequence"]))
            return result.value

        @celery.task(name=f"{service}.handle_heartbeat", queue=queue_name(service))
        def handle_heartbeat(beat: dict):
            source, last_sequence = beat["source"], int(beat["last_sequence"])
            get_bus().note_heartbeat(source, last_sequence)
            if on_heartbeat is not None:
                on_heartbeat(source, last_sequence)

        @celery.task(name=f"{service}.handle_replay_finished", queue=queue_name(service))
        def handle_replay_finished(message: dict):
            source, last_sequence = message["source"], int(message["last_sequence"])
            get_bus().note_heartbeat(source, last_sequence)  # anything still missing opens gaps and is repaired
            if on_replay_finished is not None:
                on_replay_finished(source, last_sequence)

        @celery.task(name=f"{service}.request_replays", queue=queue_name(service))
        def request_replays():
            return {source: len(seqs) for source, seqs in get_bus().request_replays().items()}

        tasks.update(handle_event=handle_event, handle_heartbeat=handle_heartbeat, request_replays=request_replays,
                     handle_replay_finished=handle_replay_finished)
    return tasks
