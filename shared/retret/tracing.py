"""The trace id that follows a request through every event it causes."""
from __future__ import annotations

import contextvars
import uuid
from contextlib import contextmanager
from typing import Iterator

_trace_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("trace_id", default=None)


def new_trace_id() -> str:
    return uuid.uuid4().hex


def current_trace_id() -> str:
    """The active trace id; a fresh one if nothing set it (a beat-started task, a script)."""
    value = _trace_id.get()
    if value is None:
        value = new_trace_id()
        _trace_id.set(value)
    return value


def set_trace_id(value: str | None) -> contextvars.Token:
    return _trace_id.set(value or new_trace_id())


def reset_trace_id(token: contextvars.Token) -> None:
    _trace_id.reset(token)


@contextmanager
def traced(value: str | None) -> Iterator[str]:
    """Run a block under `value` (work resumed later for a request, e.g. sending its message)."""
    token = set_trace_id(value)
    try:
        yield current_trace_id()
    finally:
        reset_trace_id(token)
