"""One logger setup: JSON lines on stderr, each carrying the service and the trace id."""
from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from .tracing import _trace_id


class _ContextFilter(logging.Filter):
    def __init__(self, service: str):
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        record.trace_id = _trace_id.get()
        return True


def configure_logging(service: str, level: str = "INFO") -> None:
    """Idempotent: route the root logger to stderr as JSON."""
    root = logging.getLogger()
    if any(getattr(h, "_retret", False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler._retret = True  # type: ignore[attr-defined]
    handler.setFormatter(
        JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s %(service)s %(trace_id)s")
    )
    handler.addFilter(_ContextFilter(service))
    root.addHandler(handler)
    root.setLevel(level)
