"""retret.logs: JSON lines (production) or short readable lines without the routine (`make run`), for our own
loggers, Celery's (tasks, beat) and gunicorn's (its own lines and the access log)."""
from __future__ import annotations

import contextvars
import functools
import io
import json
import logging
import os
import re
import socket
import subprocess
import sys
import textwrap
import urllib.request

import pytest
from celery import Celery
from celery.app.trace import LOG_RECEIVED
from celery.beat import ScheduleEntry, Scheduler

from retret.config import ConfigError
from retret.logs import ROUTINE_TASKS, log_format, log_handler
from retret.tracing import traced
from retret_testing.infra import free_port, wait_for

TRACE = "ab12cd34ef56ab12cd34ef56ab12cd34"
TEXT_LINE = re.compile(r"^\d\d:\d\d:\d\d (?P<process>\S+) +(?P<level>[A-Z]+) +(?P<message>.*)$")


@pytest.fixture
def capture():
    """Attach a handler of the given format to the root logger; yields a function returning what it wrote."""
    attached = []
    saved_level = logging.getLogger().level

    def attach(fmt: str, process: str = "registration-worker"):
        stream = io.StringIO()
        handler = log_handler("registration", process=process, stream=stream, fmt=fmt)
        logging.getLogger().addHandler(handler)
        logging.getLogger().setLevel(logging.INFO)
        attached.append(handler)
        return lambda: stream.getvalue()

    yield attach
    for handler in attached:
        logging.getLogger().removeHandler(handler)
    logging.getLogger().setLevel(saved_level)


@functools.cache
def _celery_app() -> Celery:
    """Tasks with the bus's verbs under a service name of their own (Celery keeps one callable per task name in a
    process, and the real bus tasks may be registered already)."""
    app = Celery("testsvc", broker="memory://")

    @app.task(shared=False, name="testsvc.relay_outbox")
    def relay_outbox(published):
        return published

    @app.task(shared=False, name="testsvc.publish_heartbeat")
    def publish_heartbeat():
        return 41

    @app.task(shared=False, name="testsvc.send_due")
    def send_due(counts):
        return counts

    @app.task(shared=False, name="testsvc.handle_event")
    def handle_event():
        return "applied"

    return app


def _beat_sends(app: Celery) -> None:
    entry = ScheduleEntry(name="testsvc-relay", task="testsvc.relay_outbox", schedule=1, args=(0,), app=app)
    Scheduler(app, lazy=True).apply_entry(entry)


def _worker_receives(name: str) -> None:
    """The line Celery's worker logs on taking a message (celery.worker.strategy, its exact call)."""
    context = {"id": "0f3a1b2c-1111-2222-3333-444455556666", "name": name, "args": "()", "kwargs": "{}", "eta": None}
    logging.getLogger("celery.worker.strategy").info(LOG_RECEIVED, context, extra={"data": context})


# --- the setting ------------------------------------------------------------------------------------------------

def test_log_format_defaults_to_json_and_refuses_others(monkeypatch):
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    assert log_format() == "json"
    monkeypatch.setenv("LOG_FORMAT", "Text")
    assert log_format() == "text"
    monkeypatch.setenv("LOG_FORMAT", "pretty")
    with pytest.raises(ConfigError, match="LOG_FORMAT"):
        log_format()


# --- JSON -------------------------------------------------------------------------------------------------------

def test_json_lines_carry_the_service_trace_and_extra_fields(capture):
    written = capture("json")
    with traced(TRACE):
        logging.getLogger("retret.bus.bus").info("event %s", "applied", extra={"event_type": "retreat.published"})
    record = json.loads(written().strip())
    assert record["message"] == "event applied"
    assert record["levelname"] == "INFO" and record["name"] == "retret.bus.bus"
    assert record["service"] == "registration" and record["trace_id"] == TRACE
    assert record["event_type"] == "retreat.published"


def test_json_keeps_the_routine(capture):
    """Production's lines are complete: the filter belongs to the readable format only."""
    written = capture("json")
    app = _celery_app()
    _beat_sends(app)
    app.tasks["testsvc.relay_outbox"].apply(args=(0,))
    messages = [json.loads(line)["message"] for line in written().splitlines()]
    assert any(m.startswith("Scheduler: Sending due task testsvc-relay") for m in messages)
    assert any(m.startswith("Task testsvc.relay_outbox[") and m.endswith(": 0") for m in messages)


# --- text -------------------------------------------------------------------------------------------------------

def test_text_is_one_short_line_with_the_trace_shortened(capture):
    written = capture("text")
    with traced(TRACE):
        logging.getLogger("retret.bus.bus").info("event %s", "applied", extra={
            "event_type": "retreat.published", "sequence": 3, "event_id": "3453b6a9-d1e8-424e-b3ad-0f135d586c20",
            "note": "two words"})
    line = written().rstrip("\n")
    assert "\n" not in line
    match = TEXT_LINE.match(line)
    assert match, line
    assert match["process"] == "registration-worker" and match["level"] == "INFO"
    assert match["message"] == ('event applied  trace=ab12cd34… event_type=retreat.published sequence=3 '
                                'event_id=3453b6a9… note="two words"')


def test_text_shows_a_traceback_and_no_trace_when_there_is_none(capture):
    written = capture("text")

    def fail():
        try:
            raise ValueError("Tanggal selesai tidak boleh sebelum tanggal mulai.")
        except ValueError:
            logging.getLogger("registration.tasks").exception("import failed")
    contextvars.Context().run(fail)  # a context where nothing set a trace id
    first, *rest = written().splitlines()
    assert TEXT_LINE.match(first)["message"] == "import failed"
    assert "trace=" not in first
    assert rest[0].startswith("Traceback") and rest[-1].startswith("ValueError: Tanggal selesai")


def test_text_drops_the_routine_that_did_nothing(capture):
    written = capture("text")
    app = _celery_app()
    _beat_sends(app)
    _worker_receives("testsvc.relay_outbox")
    _worker_receives("testsvc.handle_event")
    app.tasks["testsvc.relay_outbox"].apply(args=(0,))
    app.tasks["testsvc.publish_heartbeat"].apply()
    app.tasks["testsvc.send_due"].apply(args=({},))
    logging.getLogger("alembic.runtime.migration").info("Context impl %s.", "PostgresqlImpl")
    # A relay that expired in the queue while the workers were busy: beat sends the next one in a second.
    logging.getLogger("celery.worker.request").info("Discarding revoked task: %s[%s]", "testsvc.relay_outbox",
                                                    "e5aac4a4-f926-47bb-90af-b6edcf8af01b")
    assert written() == ""


def test_text_keeps_real_work_warnings_and_errors(capture):
    written = capture("text")
    app = _celery_app()
    app.tasks["testsvc.relay_outbox"].apply(args=(3,))
    app.tasks["testsvc.send_due"].apply(args=({"sent": 2},))
    app.tasks["testsvc.handle_event"].apply()
    logging.getLogger("celery.beat").warning("Scheduler: Sending due task %s (%s) failed", "x", "y")
    logging.getLogger("retret.bus.bus").warning("relay could not publish: %s", "Connection refused")
    logging.getLogger("alembic.runtime.migration").info("Running upgrade  -> 0001, initial")
    logging.getLogger("celery.worker.request").info("Discarding revoked task: %s[%s]", "testsvc.import_rows",
                                                    "723ef78d-1531-4f70-9079-8ab1304a08ef")  # real work lost: shown
    # (without the trace id an earlier test may have left in this thread's context)
    messages = [re.sub(r"  trace=\S+$", "", TEXT_LINE.match(line)["message"]) for line in written().splitlines()]
    assert len(messages) == 7, messages
    assert re.fullmatch(r"Task testsvc\.relay_outbox\[[0-9a-f]{8}…\] succeeded in \d+\.\d{3}s: 3", messages[0])
    assert re.fullmatch(r"Task testsvc\.send_due\[[0-9a-f]{8}…\] succeeded in \d+\.\d{3}s: \{'sent': 2\}",
                        messages[1])
    assert messages[2].endswith(": 'applied'")
    assert messages[3].startswith("Scheduler: Sending due task x (y) failed")
    assert messages[4] == "relay could not publish: Connection refused"
    assert messages[5].startswith("Running upgrade")
    assert messages[6] == "Discarding revoked task: testsvc.import_rows[723ef78d-1531-4f70-9079-8ab1304a08ef]"


def test_every_task_beat_sends_counts_as_routine():
    from retret.beat import beat_schedule
    from retret.config import load_common
    verbs = {entry["task"].rpartition(".")[2] for entry in beat_schedule(load_common("beat")).values()}
    assert verbs - ROUTINE_TASKS == set(), "add beat's new task to retret.logs.ROUTINE_TASKS (make run's console)"


# --- gunicorn, for real -----------------------------------------------------------------------------------------

WSGI_APP = textwrap.dedent('''
    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain"), ("X-Request-ID", "feedc0de" * 4)])
        return [b"ok"]
''')


@pytest.fixture
def gunicorn(tmp_path):
    """The Procfile's gunicorn options around a tiny WSGI app `tinyapp:app`; yields start(fmt) → base URL."""
    procs = []

    def start(fmt: str) -> tuple[str, str]:
        (tmp_path / "tinyapp.py").write_text(WSGI_APP)
        port = free_port()
        log_path = tmp_path / f"gunicorn-{fmt}.log"
        command = [os.path.join(os.path.dirname(sys.executable), "gunicorn"), "--bind", f"127.0.0.1:{port}",
                   "--workers", "1", "--no-control-socket", "--logger-class", "retret.logs.GunicornLogger",
                   "--access-logfile", "-", "tinyapp:app"]
        with open(log_path, "wb") as log:
            procs.append(subprocess.Popen(command, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT,
                                          env={**os.environ, "LOG_FORMAT": fmt}))

        def listening():
            with socket.socket() as sock:
                return sock.connect_ex(("127.0.0.1", port)) == 0
        wait_for(listening, 30, message="gunicorn listening")
        return f"http://127.0.0.1:{port}", str(log_path)

    yield start
    for proc in procs:
        proc.terminate()
        proc.wait(15)


def _get(url: str) -> None:
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.status == 200


def test_gunicorn_logs_json_lines_with_the_access_log(gunicorn):
    url, log_path = gunicorn("json")
    _get(f"{url}/api/v1/retreats?limit=5")
    access = wait_for(lambda: [r for r in map(json.loads, open(log_path).read().splitlines())
                               if r["name"] == "gunicorn.access"], 10, message="an access line")
    records = [json.loads(line) for line in open(log_path).read().splitlines()]  # every line is JSON
    assert any(r["message"].startswith("Listening at:") and r["service"] == "tinyapp" for r in records)
    assert access[0]["message"].startswith("GET /api/v1/retreats?limit=5 200 ")
    assert access[0]["trace_id"] == "feedc0de" * 4
    assert access[0]["http_status"] == 200 and access[0]["http_path"] == "/api/v1/retreats"


def test_gunicorn_text_lines_leave_out_health_probes(gunicorn):
    url, log_path = gunicorn("text")
    _get(f"{url}/readyz")
    _get(f"{url}/docs")
    lines = wait_for(lambda: [line for line in open(log_path).read().splitlines() if "GET " in line], 10,
                     message="an access line")
    assert len(lines) == 1, lines
    match = TEXT_LINE.match(lines[0])
    assert match["process"] == "tinyapp-api" and match["level"] == "INFO"
    assert re.fullmatch(r"GET /docs 200 \d+ms  trace=feedc0de…", match["message"]), match["message"]
    started = [TEXT_LINE.match(line) for line in open(log_path).read().splitlines()]
    assert all(started), "every line is a readable line"


def test_access_lines_mask_invitation_tokens_and_callback_secrets(gunicorn):
    url, log_path = gunicorn("json")
    token = "eyJyIjoiMGY4ZSIsInYiOjF9.c2lnbmF0dXJlLW9mLXRoZS1saW5r"
    _get(f"{url}/portal/invitations/{token}")
    _get(f"{url}/api/v1/invitations/{token}/confirm")
    _get(f"{url}/api/v1/providers/kannel/dlr?secret=kannel-dlr-secret&id=42&status=1")
    _get(f"{url}/api/v1/providers/kannel/mo?secret=kannel-mo-secret&from=%2B6281234567890&to=1234"
         "&text=TIDAK%20sakit%20tifus&id=7")
    access = wait_for(lambda: len(found := [r for r in map(json.loads, open(log_path).read().splitlines())
                                            if r["name"] == "gunicorn.access"]) == 4 and found, 10,
                      message="four access lines")
    assert [r["message"].split(" 200 ")[0] for r in access] == [
        "GET /portal/invitations/***", "GET /api/v1/invitations/***/confirm",
        "GET /api/v1/providers/kannel/dlr?secret=***&id=42&status=1",
        "GET /api/v1/providers/kannel/mo?secret=***&from=***&to=***&text=***&id=7"]
    assert access[1]["http_path"] == "/api/v1/invitations/***/confirm"
    text = open(log_path).read()
    assert token not in text and "kannel-dlr-secret" not in text
    assert "6281234567890" not in text and "tifus" not in text
