"""retret.devtools.banner: `make run`'s welcome, printed once the APIs answer /readyz and their workers consume
their queues; a clear message naming what never came up otherwise."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from celery import Celery

from retret.devtools.banner import main, render, workers_not_ready
from retret_testing.infra import free_port, serving, wait_for


@pytest.fixture
def registration_worker(make_app, tmp_path):
    """Factory: start a real registration worker or bulk worker (the app's environment: its database, the private
    Redis)."""
    procs = []

    def start(app: str = "registration.worker"):
        log = open(tmp_path / f"{app}.log", "wb")
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "celery", "--app", app, "worker", "--pool", "solo",
             "--without-mingle", "--without-gossip", "--hostname", f"{app}@%h", "--loglevel", "WARNING"],
            env=dict(os.environ), stdout=log, stderr=subprocess.STDOUT, start_new_session=True))

    yield start
    for proc in procs:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)


def test_banner_waits_for_the_worker_then_shows_where_everything_is(make_app, redis_server, registration_worker,
                                                                    capsys):
    with serving(make_app("registration")) as url:
        args = ["--api", f"registration={url}", "--redis-url", redis_server.url, "--mail-dir", "var/mail"]
        # The API answers, its worker is not there yet: no banner, a message naming the worker.
        assert main([*args, "--timeout", "2"]) == 1
        out, err = capsys.readouterr()
        assert out == ""
        assert "still not answering after 2 s: registration-worker, registration-bulk-worker." in err
        assert "registration-api (/readyz)" not in err

        registration_worker()  # the events worker alone is not enough: the bulk worker is still awaited
        celery = Celery("banner-test", broker=redis_server.url)
        wait_for(lambda: workers_not_ready(celery, ["registration"]) == ["registration-bulk-worker"], 90,
                 message="the registration worker consumes its queue")

        registration_worker("registration.bulk_worker")
        assert main([*args, "--timeout", "90"]) == 0
    out, err = capsys.readouterr()
    assert "still not answering" not in err
    assert f"registration  {url}/api/v1   docs: {url}/docs" in out
    assert f"{url}/portal/invitations/<token>" in out
    assert "var/mail/" in out and ".venv/bin/python -m retret.devtools.mailbox var/mail" in out
    # The test environment's admin password is not the development one: the banner does not print it.
    assert f"admin / your ADMIN_PASSWORD   (POST {url}/api/v1/auth/token)" in out
    assert "make demo" in out


def test_banner_gives_up_naming_an_api_that_does_not_answer(redis_server, capsys):
    closed = f"http://127.0.0.1:{free_port()}"
    assert main(["--api", f"registration={closed}", "--redis-url", redis_server.url, "--timeout", "1"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "registration-api (/readyz), registration-worker, registration-bulk-worker" in err


def test_banner_stops_quietly_when_make_run_is_gone(redis_server, capsys):
    finished = subprocess.Popen(["true"])
    finished.wait()
    closed = f"http://127.0.0.1:{free_port()}"
    assert main(["--api", f"registration={closed}", "--redis-url", redis_server.url, "--timeout", "30",
                 "--parent-pid", str(finished.pid)]) == 0
    out, err = capsys.readouterr()
    assert out == "" and "still not answering" not in err


def test_banner_text_for_make_run_defaults():
    apis = {"registration": "http://127.0.0.1:5001", "notifications": "http://127.0.0.1:5002",
            "reporting": "http://127.0.0.1:5003"}
    text = render(apis, "var/mail", {"ADMIN_USERNAME": "admin", "ADMIN_PASSWORD": "admin"})
    for port in (5001, 5002, 5003):
        assert f"http://127.0.0.1:{port}/docs" in text
    assert "admin / admin" in text
    own_smtp = render(apis, None, {"SMTP_HOST": "smtp.malangkota.go.id", "SMTP_PORT": "587"})
    assert "sent through smtp.malangkota.go.id:587" in own_smtp and "var/mail" not in own_smtp


def test_banner_refuses_an_unknown_service():
    with pytest.raises(SystemExit):
        main(["--api", "billing=http://127.0.0.1:5009"])
