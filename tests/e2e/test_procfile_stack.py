"""The Procfile's processes exactly as `make run` starts them (gunicorn APIs, Celery workers, beat, the SMTP sink
writing var/mail/, readable log lines), driven over real HTTP through the README's walk-through: invite, follow the
emailed link, confirm, see the confirmation email and the confirmed count in the secretariat's summary. Also what
a newcomer sees: the banner once everything answers, /docs without internet, a console without the routine."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

import pytest
import requests

from retret.devtools.mailbox import LINK, messages, text_of
from retret_testing.env import TEST_ENV
from retret_testing.infra import REPO, SERVICES, RedisServer, create_pg_database, drop_pg_database, wait_for

pytestmark = pytest.mark.integration
PORTS = {"registration": 5001, "notifications": 5002, "reporting": 5003, "smtp-sink": 1025}


def _port_taken(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def procfile_stack():
    taken = [name for name, port in PORTS.items() if _port_taken(port)]
    if taken:
        message = f"ports of {taken} are in use (is `make run` going?)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    workdir = tempfile.mkdtemp(prefix="retret-procfile-")
    redis_server = RedisServer().start()
    urls = {s: create_pg_database(s[:5]) for s in SERVICES}
    env = {**os.environ, **TEST_ENV, "REDIS_URL": redis_server.url, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": "1025",
           "PUBLIC_BASE_URL": "http://127.0.0.1:5001", "BEAT_SCHEDULE_FILE": os.path.join(workdir, "beat"),
           "BUS_RELAY_SECONDS": "1", "BUS_SCAN_SECONDS": "1", "CELERY_QUEUE_PREFIX": "",
           "LOG_FORMAT": "text", "CELERY_QUIET": "1",  # as scripts/dev-run.sh sets them
           "PATH": f"{os.path.dirname(sys.executable)}:{os.environ['PATH']}",
           **{f"{s.upper()}_DATABASE_URL": url for s, url in urls.items()}}
    log = open(os.path.join(workdir, "honcho.log"), "wb")
    for service in SERVICES:  # the migrate step, as scripts/dev-run.sh and compose's `migrate` run it
        subprocess.run([sys.executable, "-m", f"{service}.migrate"], env=env, check=True, cwd=workdir,
                       stdout=log, stderr=subprocess.STDOUT)
    honcho = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "honcho"), "start", "-e", "/dev/null",
                               "-f", os.path.join(REPO, "Procfile"), "-d", workdir], env=env, cwd=workdir,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        for name, port in PORTS.items():
            wait_for(lambda: _port_taken(port), 60, message=f"{name} listening on {port}")
        # As scripts/dev-run.sh runs it next to honcho.
        banner = subprocess.run([sys.executable, "-m", "retret.devtools.banner", "--mail-dir", "var/mail",
                                 "--timeout", "120"], env=env, cwd=workdir, capture_output=True, text=True)
        yield workdir, (banner.returncode, banner.stdout, banner.stderr)
    finally:
        os.killpg(honcho.pid, signal.SIGTERM)
        try:
            honcho.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(honcho.pid, signal.SIGKILL)
        redis_server.cleanup()
        for url in urls.values():
            drop_pg_database(url)


def _mail(workdir: str, count: int) -> list:
    directory = os.path.join(workdir, "var", "mail")
    return wait_for(lambda: len(found := messages(directory)) >= count and found, 60,
                    message=f"{count} message(s) in var/mail")


def test_banner_once_everything_answers(procfile_stack):
    _, (returncode, out, err) = procfile_stack
    assert returncode == 0, err
    for port in (5001, 5002, 5003):
        assert f"http://127.0.0.1:{port}/api/v1   docs: http://127.0.0.1:{port}/docs" in out
    assert "http://127.0.0.1:5001/portal/invitations/<token>" in out
    assert "python -m retret.devtools.mailbox var/mail" in out


def test_docs_load_without_internet(procfile_stack):
    for port in (5001, 5002, 5003):
        page = requests.get(f"http://127.0.0.1:{port}/docs", timeout=10)
        assert page.status_code == 200 and not re.search(r"https?://", page.text)
        for asset in re.findall(r'(?:src|href)="([^"]+)"', page.text):
            answer = requests.get(f"http://127.0.0.1:{port}{asset}", timeout=10)
            assert answer.status_code == 200, asset
            assert answer.headers["Content-Type"].startswith(("text/css", "text/javascript", "application/javascript"))


def test_readme_walk_through_on_the_procfile_processes(procfile_stack):
    procfile_stack, _ = procfile_stack
    api = "http://127.0.0.1:5001/api/v1"
    login = requests.post(f"{api}/auth/token", json={"username": "admin", "password": TEST_ENV["ADMIN_PASSWORD"]})
    assert login.status_code == 200, login.text
    auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
    retreat = requests.post(f"{api}/retreats", headers=auth, json={
        "code": "PROCFILE-1", "title": "Retret Pejabat Struktural Kota Malang", "organizer": "BKPSDM Kota Malang",
        "venue": "Poltekad, Karangploso", "starts_on": "2030-05-15", "ends_on": "2030-05-17",
        "timezone": "Asia/Jakarta"}).json()
    assert requests.post(f"{api}/retreats/{retreat['id']}/publish", headers=auth).json()["status"] == "published"
    invited = requests.post(f"{api}/retreats/{retreat['id']}/registrations", headers=auth, json={"official": {
        "nip": "198609262015051001", "name": "Drs. Budi Santoso, M.Si.", "position": "Camat Lowokwaru",
        "position_kind": "camat", "unit_code": "35.73.05", "unit_name": "Kecamatan Lowokwaru", "rank": "IV/a",
        "echelon": "III.a", "email": "budi.santoso@malangkota.go.id", "phone": "0812-3456-7890"}})
    assert invited.status_code == 201, invited.text

    link = next(url for url in LINK.findall(text_of(_mail(procfile_stack, 1)[0])) if "/portal/invitations/" in url)
    assert link.startswith("http://127.0.0.1:5001/portal/invitations/")
    token = link.rsplit("/", 1)[1]
    confirmed = requests.post(f"{api}/invitations/{token}/confirm", json={"shirt_size": "L"})
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    assert any("Konfirmasi" in str(m["Subject"]) for m in _mail(procfile_stack, 2))

    summary_url = f"http://127.0.0.1:5003/api/v1/reports/retreats/{retreat['id']}/summary"
    summary = wait_for(lambda: (r := requests.get(summary_url, headers=auth)).status_code == 200
                       and r.json()["registrations"]["confirmed"] == 1 and r.json(), 60, message="confirmed in report")
    assert summary["registrations"]["total"] == 1
    for port in (5001, 5002, 5003):
        ready = requests.get(f"http://127.0.0.1:{port}/readyz").json()
        assert ready["database"] == "up" and ready["redis"] == "up"
    _assert_a_readable_console(os.path.join(procfile_stack, "honcho.log"))


def _console(path: str) -> list[str]:
    with open(path, errors="replace") as fh:
        return [line.rstrip("\n").split(" | ", 1)[-1] for line in fh]  # without honcho's prefix


def _assert_no_errors(lines: list[str]) -> None:
    errors = [line for line in lines if "Traceback" in line or re.search(r" (ERROR|CRITICAL) ", line)]
    assert errors == [], errors[:5]


def _assert_a_readable_console(path: str) -> None:
    """Every process wrote short readable lines, none an error, and beat's routine stayed out of them."""
    lines = _console(path)
    _assert_no_errors(lines)
    assert not [line for line in lines if line.startswith("{")], "no JSON lines under make run"
    for process in ("registration-api", "notifications-api", "reporting-api", "registration-worker",
                    "notifications-worker", "reporting-worker", "registration-bulk-worker",
                    "notifications-bulk-worker", "beat"):
        assert any(re.match(rf"\d\d:\d\d:\d\d {process} +INFO ", line) for line in lines), process
    assert any(re.search(r"INFO  POST /api/v1/retreats 201 \d+ms  trace=", line) for line in lines)
    # Beat sent the relay every second all along; only the relays that published something show.
    assert not [line for line in lines if "Sending due task" in line or "] received" in line]
    relays = [line for line in lines if "relay_outbox[" in line]
    idle = [line for line in relays if not re.search(r"succeeded in [0-9.]+s: [1-9]", line)]
    assert relays and idle == [], idle[:5]


def test_make_demo_seeds_the_kota_malang_retreat_and_is_safe_twice(procfile_stack):
    workdir, _banner = procfile_stack
    env = {**os.environ, "PUBLIC_BASE_URL": "http://127.0.0.1:5001", "REPORTING_BASE_URL": "http://127.0.0.1:5003",
           "ADMIN_USERNAME": "admin", "ADMIN_PASSWORD": TEST_ENV["ADMIN_PASSWORD"],
           "DEMO_DIR": os.path.join(workdir, "demo"), "PYTHON": sys.executable}
    runs = [subprocess.run(["make", "--no-print-directory", "-C", REPO, "demo", f"PY={sys.executable}"], env=env,
                           capture_output=True, text=True, timeout=600) for _ in range(2)]
    for run in runs:
        assert run.returncode == 0, run.stdout + run.stderr
    assert "imported" in runs[0].stdout and "rescheduled" in runs[0].stdout
    assert "imported" not in runs[1].stdout and "all 97 registered" in runs[1].stdout
    assert "/portal/invitations/" in runs[1].stdout and "/summary" in runs[1].stdout
    assert "89 officials in platoons" in runs[0].stdout and "0 placement(s) changed" in runs[1].stdout

    api = "http://127.0.0.1:5001/api/v1"
    token = requests.post(f"{api}/auth/token", json={"username": "admin", "password": TEST_ENV["ADMIN_PASSWORD"]})
    auth = {"Authorization": f"Bearer {token.json()['access_token']}"}
    [retreat] = [r for r in requests.get(f"{api}/retreats", headers=auth).json()["items"]
                 if r["code"].startswith("RETRET-MLG-")]
    assert retreat["status"] == "published" and retreat["starts_on"].endswith("-05-15")
    assert retreat["ends_on"].endswith("-05-17")
    sessions = requests.get(f"{api}/retreats/{retreat['id']}/sessions", headers=auth).json()["items"]
    assert len(sessions) == 27 and sessions[0]["starts_at"].startswith(retreat["starts_on"])
    assert sessions[-1]["starts_at"].startswith(retreat["ends_on"]) and sessions[0]["starts_at"].endswith("+07:00")
    speakers = requests.get(f"{api}/retreats/{retreat['id']}/speakers", headers=auth).json()["items"]
    assert sorted(s["status"] for s in speakers) == ["confirmed", "confirmed", "invited"]
    registrations = requests.get(f"{api}/retreats/{retreat['id']}/registrations", headers=auth).json()["items"]
    statuses = [r["status"] for r in registrations]
    assert len(registrations) == 97
    assert (statuses.count("confirmed"), statuses.count("declined"), statuses.count("invited")) == (89, 4, 4)
    assert {r["official"]["position_kind"] for r in registrations} >= {"kepala_opd", "kepala_bagian", "camat",
                                                                       "lurah"}
    assert all(r["official"]["phone"].startswith("+628") for r in registrations)
    confirmed = [r for r in registrations if r["status"] == "confirmed"]
    assert all(r["group"] and r["room"] for r in confirmed)
    assert all(r["room"].startswith("Melati") for r in confirmed if r["health_category"] == "red")
    assert sum(r["health_category"] == "red" for r in confirmed) == 3

    summary_url = f"http://127.0.0.1:5003/api/v1/reports/retreats/{retreat['id']}/summary"
    summary = wait_for(lambda: (r := requests.get(summary_url, headers=auth)).status_code == 200
                       and r.json()["registrations"]["confirmed"] == 89 and r.json(), 120,
                       message="the demo's answers in the secretariat's summary")
    assert summary["registrations"] == {"total": 97, "invited": 4, "confirmed": 89, "declined": 4,
                                        "cancelled": 0, "waitlisted": 0}
    _assert_the_first_wave_is_under_way(api, auth, runs)
    _assert_no_errors(_console(os.path.join(workdir, "honcho.log")))


def _assert_the_first_wave_is_under_way(api: str, auth: dict, runs: list) -> None:
    """The second retreat (began yesterday): permits, platoons, and the stations' check-ins in the reports."""
    assert "officials in 3 platoons" in runs[0].stdout and "sick permit approved" in runs[0].stdout
    assert "offline batch" in runs[0].stdout and "permit approved" not in runs[1].stdout
    [wave] = [r for r in requests.get(f"{api}/retreats", headers=auth).json()["items"]
              if r["code"].startswith("GELOMBANG1-MLG-")]
    assert wave["status"] == "running"
    permits = requests.get(f"{api}/retreats/{wave['id']}/permits", headers=auth).json()["items"]
    assert sorted((p["kind"], p["status"]) for p in permits) == [("duty", "approved"), ("sick", "approved")]
    checkins = requests.get(f"{api}/retreats/{wave['id']}/checkins", headers=auth, params={"limit": 500}).json()
    devices = {c["device_id"] for c in checkins["items"]}
    assert {"lapangan-1", "aula-1"} <= devices and checkins["items"]

    summary_url = f"http://127.0.0.1:5003/api/v1/reports/retreats/{wave['id']}/summary"
    seen = []

    def settled():  # the stations' scans are hundreds of events: wait until the summary stops moving
        seen.append(requests.get(summary_url, headers=auth).json().get("attendance"))
        time.sleep(2)
        return len(seen) > 1 and seen[-1] == seen[-2] and seen[-1]["late"] > 0 and seen[-1]

    attendance = wait_for(settled, 180, message="the first wave's attendance in the summary")
    assert attendance["sessions"] >= 7 and attendance["records"] == 60 * attendance["sessions"]  # 60 confirmed
    assert attendance["present"] > attendance["late"] > 0 and attendance["absent"] > 0
    assert 0.8 < attendance["rate"] < 1
    units = requests.get(f"{summary_url.rsplit('/', 1)[0]}/units", headers=auth).json()["items"]
    assert len(units) == 62 and sum(u["late"] for u in units) == attendance["late"]
