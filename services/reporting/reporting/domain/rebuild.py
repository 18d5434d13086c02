"""The projection rebuild's rules: when it is finished, and how a source's end is remembered."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

IDLE, RUNNING, DONE, FAILED = "idle", "running", "done", "failed"


def with_target(targets: Mapping[str, int] | None, source: str, last_sequence: int) -> dict[str, int]:
    """The targets after `source` said its last sequence: never lowered (an older heartbeat may come late)."""
    current = dict(targets or {})
    current[source] = max(int(current.get(source, 0)), int(last_sequence))
    return current


def rebuild_done(followed: Iterable[str], targets: Mapping[str, int] | None,
                 high_water: Mapping[str, int]) -> bool:
    """Done when every followed source has said where it ends and the projection has applied up to there."""
    targets = targets or {}
    return all(source in targets and int(high_water.get(source, 0)) >= int(targets[source]) for source in followed)
