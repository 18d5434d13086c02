"""One logger setup for every process (APIs, gunicorn itself, Celery workers, beat), chosen by LOG_FORMAT:

- `json` (the default; compose and production): one JSON object per line with the service and the trace id;
- `text` (`make run`): one short line a person reads, `08:21:07 registration-worker INFO  Task … trace=ab12cd34…`,
  without the routine (beat's due-task sends, the relays, scans and heartbeats that did nothing, "task received"
  lines whose outcome line follows, health probes, Alembic's preamble). Anything at WARNING or above, and every
  task that did work, always shows.
"""
from __future__ import annotations

import json
import logging
import re
import sys

from celery.app.trace import LOG_RECEIVED, LOG_SUCCESS
from gunicorn.glogging import Logger as _GunicornBaseLogger
from pythonjsonlogger.json import JsonFormatter

from .config import ConfigError, env_str
from .tracing import _trace_id

FORMATS = ("json", "text")


def log_format() -> str:
    """LOG_FORMAT, read once per process by `configure_logging`."""
    value = (env_str("LOG_FORMAT", "json") or "json").strip().lower()
    if value not in FORMATS:
        raise ConfigError(f"LOG_FORMAT must be json or text, got {value!r}")
    return value


class _ContextFilter(logging.Filter):
    def __init__(self, service: str, process: str):
        super().__init__()
        self.service = service
        self.process = process

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        record.process_label = self.process
        if getattr(record, "trace_id", None) is None:  # a record may bring its own (gunicorn's access line)
            record.trace_id = _trace_id.get()
        return True


# --- the routine that `text` leaves out -------------------------------------------------------------------------

# Tasks beat sends on a clock, and the heartbeat they cause: their lines say nothing unless they did something
# (a task added to beat's schedule belongs here, returning an idle result below when it found nothing to do;
# tests/shared/test_logs.py checks it).
ROUTINE_TASKS = frozenset({"relay_outbox", "publish_heartbeat", "handle_heartbeat", "request_replays", "send_due",
                           "advance_retreats", "resend_import_jobs", "scan_due"})
# A heartbeat's result is a position in the event log, never work done.
HEARTBEAT_TASKS = frozenset({"publish_heartbeat", "handle_heartbeat"})
# How Celery shows a result that means "nothing to do" (it logs repr() of the return value).
IDLE_RESULTS = frozenset({"None", "0", "{}", "[]", "()", "''", "False"})
# Celery's line for a task that expired before a worker took it (celery.worker.request).
LOG_DISCARDED = "Discarding revoked task: %s[%s]"
HEALTH_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
ALEMBIC_PREAMBLE = ("Context impl", "Will assume")


class RoutineFilter(logging.Filter):
    """Drops the INFO lines that say nothing happened; keeps everything else."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.INFO:
            return True
        if record.name == "celery.beat":
            return not str(record.msg).startswith("Scheduler: Sending due task")
        if record.msg == LOG_RECEIVED:  # the outcome line (succeeded, failed, retry) follows with the run time
            return False
        if record.msg == LOG_SUCCESS and isinstance(record.args, dict):
            return not _idle_routine_task(record.args)
        if record.msg == LOG_DISCARDED and isinstance(record.args, tuple) and record.args:
            # A beat entry that expired in the queue while the workers were busy: the next one is seconds away.
            return str(record.args[0]).rpartition(".")[2] not in ROUTINE_TASKS
        if record.name == "gunicorn.access":
            status = getattr(record, "http_status", None)
            return not (getattr(record, "http_path", None) in HEALTH_PATHS and isinstance(status, int) and status < 400)
        if record.name == "alembic.runtime.migration":
            return not str(record.msg).startswith(ALEMBIC_PREAMBLE)
        return True


def _idle_routine_task(context: dict) -> bool:
    verb = str(context.get("name", "")).rpartition(".")[2]
    if verb not in ROUTINE_TASKS:
        return False
    return verb in HEARTBEAT_TASKS or str(context.get("return_value")) in IDLE_RESULTS


# --- the two formats --------------------------------------------------------------------------------------------

_STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}
# Ours, or details a machine reads from the JSON lines (a person at the console has them in the message).
_NOT_SHOWN_AS_TEXT = frozenset({"service", "process_label", "trace_id", "data", "remote_addr", "user_agent"})
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
SHORT = 8  # characters kept of a trace or task id
MAX_VALUE = 60  # characters kept of an extra field's value


class TextFormatter(logging.Formatter):
    """`HH:MM:SS process LEVEL message  trace=… key=value …` (+ the traceback, if any)."""

    def format(self, record: logging.LogRecord) -> str:
        message = _message(record)
        tail = []
        trace = getattr(record, "trace_id", None)
        if trace:
            tail.append(f"trace={_short(str(trace))}")
        tail.extend(f"{key}={_compact(value)}" for key, value in vars(record).items()
                    if key not in _STANDARD and key not in _NOT_SHOWN_AS_TEXT and not key.startswith("http_"))
        line = (f"{self.formatTime(record, '%H:%M:%S')} {getattr(record, 'process_label', record.name):<21} "
                f"{record.levelname:<5} {message}")
        if tail:
            line += "  " + " ".join(tail)
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        if record.stack_info:
            line += "\n" + self.formatStack(record.stack_info)
        return line


def _message(record: logging.LogRecord) -> str:
    """The message, with a Celery task's id shortened and its run time in milliseconds' precision."""
    context = record.args
    if isinstance(context, dict) and _UUID.match(str(context.get("id", ""))):
        shorter = {**context, "id": _short(context["id"])}
        if isinstance(context.get("runtime"), float):
            shorter["runtime"] = f"{context['runtime']:.3f}"
        try:
            return str(record.msg) % shorter
        except (KeyError, TypeError, ValueError):
            pass
    return record.getMessage()


def _short(value: str) -> str:
    return value if len(value) <= SHORT else value[:SHORT] + "…"


def _compact(value) -> str:
    if isinstance(value, str) and _UUID.match(value):
        return _short(value)
    text = value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False)
    if isinstance(value, str) and (not text or any(c.isspace() for c in text)):
        text = json.dumps(text, ensure_ascii=False)
    return text if len(text) <= MAX_VALUE else text[:MAX_VALUE] + "…"


def log_handler(service: str, process: str | None = None, stream=None, fmt: str | None = None) -> logging.Handler:
    """A handler writing `fmt` (default: LOG_FORMAT) to `stream` (default: stderr).

    `process` names the process in text lines (`registration-api`, `registration-worker`, `beat`)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(_ContextFilter(service, process or service))
    if (fmt or log_format()) == "text":
        handler.setFormatter(TextFormatter())
        handler.addFilter(RoutineFilter())
    else:
        handler.setFormatter(
            JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s %(service)s %(trace_id)s")
        )
    return handler


def configure_logging(service: str, level: str | int = "INFO", process: str | None = None) -> None:
    """Idempotent (the first call in a process wins): route the root logger to stderr in LOG_FORMAT."""
    root = logging.getLogger()
    if any(getattr(h, "_retret", False) for h in root.handlers):
        return
    handler = log_handler(service, process)
    handler._retret = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)


# --- gunicorn ---------------------------------------------------------------------------------------------------

# A URL can carry a key: an official's invitation token (it acts as the official), a provider callback's secret;
# or personal data: the phone number and the words of an SMS reply the gateway hands over (from, to, text).
# Logs are read by more people than those are for, so access lines show them masked.
_TOKEN_IN_PATH = re.compile(r"(/invitations/)[^/?#]+")
_SECRET_IN_QUERY = re.compile(r"([?&](?:secret|token|password|from|to|text)=)[^&#]*", re.IGNORECASE)
MASK = "***"


def redact_target(target: str) -> str:
    """A request path and query as logged: invitation tokens, secret and personal parameters masked."""
    return _SECRET_IN_QUERY.sub(rf"\g<1>{MASK}", _TOKEN_IN_PATH.sub(rf"\g<1>{MASK}", target))


class GunicornLogger(_GunicornBaseLogger):
    """`gunicorn --logger-class retret.logs.GunicornLogger`: gunicorn's own lines (start-up, worker boots,
    errors) and its access log (`--access-logfile -` turns it on) go through `configure_logging` like every
    other line, instead of gunicorn's formats on stdout/stderr."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in list(log.handlers):
                if getattr(handler, "_gunicorn", False):
                    log.removeHandler(handler)
            log.propagate = True
        service = _service_of(cfg)
        configure_logging(service, process=f"{service}-api")

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = str(resp.status).split(None, 1)[0]
        headers = {name.lower(): value for name, value in resp.headers}
        millis = request_time.total_seconds() * 1000
        target = redact_target(environ.get("RAW_URI") or environ.get("PATH_INFO", ""))
        self.access_log.info("%s %s %s %.0fms", environ.get("REQUEST_METHOD"), target, status, millis, extra={
            "trace_id": headers.get("x-request-id"), "http_method": environ.get("REQUEST_METHOD"),
            "http_path": redact_target(environ.get("PATH_INFO", "")), "http_status": int(status) if status.isdigit() else status,
            "http_duration_ms": round(millis, 1), "http_response_bytes": getattr(resp, "sent", None),
            "remote_addr": environ.get("REMOTE_ADDR"), "user_agent": environ.get("HTTP_USER_AGENT")})


def _service_of(cfg) -> str:
    """`registration` from the app gunicorn serves (`registration:create_app()`)."""
    app_uri = cfg.proc_name or "gunicorn"
    return re.split(r"[:.]", app_uri, maxsplit=1)[0] or "gunicorn"
