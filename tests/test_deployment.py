"""The deployment files agree with each other and with DESIGN.md (§1, §5, §9).

docker-compose.yml, Procfile, deploy/nginx/nginx.conf, deploy/kannel/, .env.example and scripts/dev-run.sh are
checked as files: no Docker engine runs here, so `docker-compose config -q` (Debian's docker-compose package) is
the strongest check of the compose file; the Kannel gateway of deploy/kannel/ is run for real when installed.
"""
from __future__ import annotations

import http.server
import os
import re
import shlex
import shutil
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

# The fixed process commands (shared by Procfile and docker-compose.yml).
COMMANDS = {
    "registration-api": 'gunicorn --bind 0.0.0.0:5001 --workers 2 --no-control-socket --logger-class retret.logs.GunicornLogger --access-logfile - "registration:create_app()"',
    "notifications-api": 'gunicorn --bind 0.0.0.0:5002 --workers 2 --no-control-socket --logger-class retret.logs.GunicornLogger --access-logfile - "notifications:create_app()"',
    "reporting-api": 'gunicorn --bind 0.0.0.0:5003 --workers 2 --no-control-socket --logger-class retret.logs.GunicornLogger --access-logfile - "reporting:create_app()"',
    "registration-worker": "celery --app registration.worker worker --loglevel INFO --concurrency 2",
    "notifications-worker": "celery --app notifications.worker worker --loglevel INFO --concurrency 2",
    "reporting-worker": "celery --app reporting.worker worker --loglevel INFO --concurrency 2",
    "registration-bulk-worker": "celery --app registration.bulk_worker worker --loglevel INFO --concurrency 1",
    "notifications-bulk-worker": "celery --app notifications.bulk_worker worker --loglevel INFO --concurrency 1",
    "beat": "celery --app retret.beat beat --loglevel INFO",
    "smtp-sink": "python -m retret.devtools.smtp_sink --host 127.0.0.1 --port 1025 --directory var/mail",
}
MIGRATE = "python -m registration.migrate && python -m notifications.migrate && python -m reporting.migrate"

# DESIGN.md §9 plus the bus timings and beat's schedule file.
ENV_VARIABLES = """
REDIS_URL REGISTRATION_DATABASE_URL NOTIFICATIONS_DATABASE_URL REPORTING_DATABASE_URL JWT_SECRET PUBLIC_BASE_URL
SMTP_HOST SMTP_PORT SMTP_USERNAME SMTP_PASSWORD SMTP_STARTTLS MAIL_FROM SMS_SENDER_ID SMS_PROVIDERS
NOTIFICATIONS_BASE_URL KANNEL_SENDSMS_URL KANNEL_USERNAME KANNEL_PASSWORD KANNEL_DLR_SECRET ADMIN_USERNAME
ADMIN_PASSWORD INVITATION_SECRET APP_ENV CELERY_VISIBILITY_TIMEOUT CELERY_QUEUE_PREFIX CORS_ORIGINS
BUS_RELAY_SECONDS BUS_HEARTBEAT_SECONDS BUS_SCAN_SECONDS BUS_GAP_GRACE_SECONDS BEAT_SCHEDULE_FILE
""".split()

REGISTRATION, NOTIFICATIONS, REPORTING = "registration-api:5001", "notifications-api:5002", "reporting-api:5003"
# Path → upstream (DESIGN.md §5: notifications and reporting own their prefixes, registration the rest of
# /api/v1 and the portal and station pages; reporting serves the dashboard).
ROUTES = {
    "/api/v1/notifications": NOTIFICATIONS,
    "/api/v1/notifications/stats": NOTIFICATIONS,
    "/api/v1/notifications/3f0c/": NOTIFICATIONS,
    "/api/v1/announcements": NOTIFICATIONS,
    "/api/v1/announcements/3f0c": NOTIFICATIONS,
    "/api/v1/templates": NOTIFICATIONS,
    "/api/v1/templates/invitation/preview": NOTIFICATIONS,
    "/api/v1/providers/kannel/dlr?secret=s&status=1": NOTIFICATIONS,
    "/api/v1/reports/retreats/3f0c/summary": REPORTING,
    "/api/v1/reports/verify/ABC123": REPORTING,
    "/api/v1/reports/projection": REPORTING,
    "/dashboard/": REPORTING,
    "/dashboard/retreats/3f0c": REPORTING,
    "/api/v1/auth/token": REGISTRATION,
    "/api/v1/retreats": REGISTRATION,
    "/api/v1/retreats/3f0c/registrations/import?dry_run=true": REGISTRATION,
    "/api/v1/officials/199001012015011001": REGISTRATION,
    "/api/v1/invitations/tok/confirm": REGISTRATION,
    "/api/v1/events?after=0": REGISTRATION,
    # Not a notifications or reporting prefix, only a look-alike: registration owns it.
    "/api/v1/templatesx": REGISTRATION,
    "/api/v1/reportsx": REGISTRATION,
    "/portal/": REGISTRATION,
    "/portal/invitations/tok": REGISTRATION,
    "/station/": REGISTRATION,
    "/station/app.js": REGISTRATION,
}
NOT_ROUTED = ["/metrics", "/metrics/", "/healthz", "/readyz", "/openapi.json", "/docs", "/", "/favicon.ico"]


def read(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


def compose() -> dict:
    return yaml.safe_load(read("docker-compose.yml"))


def procfile() -> dict[str, str]:
    processes = {}
    for line in read("Procfile").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, _, command = line.partition(":")
        processes[name.strip()] = command.strip()
    return processes


def env_example() -> dict[str, str]:
    return dict(re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", read(".env.example"), flags=re.M))


def as_argv(command: str | list[str]) -> list[str]:
    return shlex.split(command) if isinstance(command, str) else list(command)


# --- (a) docker-compose config -q -----------------------------------------------------------------------------

def test_compose_config_is_valid_with_env_example(tmp_path):
    """`cp .env.example .env` is the only step before `docker compose up`: the file then validates."""
    if shutil.which("docker-compose") is None:
        message = "docker-compose is not installed (apt-get install -y docker-compose)"
        if IN_CI:
            pytest.fail(message + "; CI must run this check")
        pytest.skip(message)
    # A temporary project directory (so a developer's .env stays untouched) linking the real files, so build
    # contexts and mounted files resolve as in the repository.
    for entry in ROOT.iterdir():
        if not entry.name.startswith("."):
            (tmp_path / entry.name).symlink_to(entry)
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    # Variables exported in this shell would take precedence over .env in ${VAR} substitution.
    env = {k: v for k, v in os.environ.items() if k not in env_example()}
    result = subprocess.run(
        ["docker-compose", "--project-directory", str(tmp_path), "-f", str(ROOT / "docker-compose.yml"),
         "config", "-q"],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_compose_services_and_files_exist():
    services = compose()["services"]
    expected = {"redis", "postgres", "migrate", "registration-api", "notifications-api", "reporting-api",
                "registration-worker", "notifications-worker", "reporting-worker", "registration-bulk-worker",
                "notifications-bulk-worker", "beat", "mailpit", "kannel", "nginx"}
    assert expected <= set(services)
    for name, service in services.items():
        build = service.get("build")
        if build:
            context = ROOT / build["context"]
            assert context.is_dir(), name
            assert (context / build.get("dockerfile", "Dockerfile")).is_file(), name
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (ROOT / source).exists(), f"{name}: {source}"
    for svc in ("registration", "notifications", "reporting"):
        assert services[f"{svc}-api"]["build"]["dockerfile"] == f"services/{svc}/Dockerfile"
        assert services[f"{svc}-worker"]["build"]["dockerfile"] == f"services/{svc}/Dockerfile"
    for svc in ("registration", "notifications"):
        assert services[f"{svc}-bulk-worker"]["build"]["dockerfile"] == f"services/{svc}/Dockerfile"


def test_compose_wiring():
    services = compose()["services"]
    assert as_argv(services["migrate"]["command"])[-1] == MIGRATE
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name, service in services.items():
        if service.get("env_file"):  # the Python processes
            if name != "migrate":
                assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully", name
    redis_command = " ".join(as_argv(services["redis"]["command"]))
    assert "--appendonly yes" in redis_command and "--maxmemory-policy noeviction" in redis_command
    for svc, port in (("registration", 5001), ("notifications", 5002), ("reporting", 5003)):
        check = " ".join(services[f"{svc}-api"]["healthcheck"]["test"])
        assert f"http://127.0.0.1:{port}/healthz" in check and "urllib" in check


def test_service_images_hold_only_their_service():
    for svc in ("registration", "notifications", "reporting"):
        dockerfile = read(f"services/{svc}/Dockerfile")
        assert "FROM python:3.11-slim" in dockerfile
        assert f"pip install ./shared ./services/{svc}" in dockerfile
        others = {"registration", "notifications", "reporting"} - {svc}
        assert not any(f"services/{other}" in dockerfile for other in others), svc
        assert re.search(r"^USER (?!root)\S+", dockerfile, flags=re.M), svc


# --- (b) the same commands in Procfile and docker-compose.yml ------------------------------------------------

def test_procfile_has_the_fixed_commands():
    processes = procfile()
    assert list(processes) == list(COMMANDS)
    for name, command in COMMANDS.items():
        assert shlex.split(processes[name]) == shlex.split(command), name


def test_compose_runs_the_procfile_commands():
    services = compose()["services"]
    for name, command in procfile().items():
        if name == "smtp-sink":  # compose uses mailpit instead
            continue
        assert name in services, name
        assert as_argv(services[name]["command"]) == shlex.split(command), name


def test_dev_run_starts_the_procfile_processes():
    script = read("scripts/dev-run.sh")
    assert MIGRATE in script
    listed = re.search(r"^processes=\(([^)]*)\)", script, flags=re.M)
    assert listed, "scripts/dev-run.sh lists its processes in processes=(...)"
    assert listed.group(1).split() == [name for name in COMMANDS if name != "smtp-sink"]
    assert "processes+=(smtp-sink)" in script
    assert "honcho" in script and "-f Procfile" in script


# --- (c) nginx routes by prefix ------------------------------------------------------------------------------

def nginx_routes() -> tuple[list[tuple[str, str, str | None]], dict[str, str]]:
    """The server's locations as (modifier, pattern, upstream address or None) and the upstream blocks."""
    text = re.sub(r"#[^\n]*", "", read("deploy/nginx/nginx.conf"))
    upstreams = {
        name: re.search(r"\bserver\s+([^\s;]+)", body).group(1)
        for name, body in re.findall(r"\bupstream\s+(\S+)\s*\{([^{}]*)\}", text)
    }
    locations = []
    for modifier, pattern, body in re.findall(r"\blocation\s+(?:(=|~\*|~|\^~)\s+)?(\S+)\s*\{([^{}]*)\}", text):
        proxy = re.search(r"\bproxy_pass\s+https?://([^/;\s]+)", body)
        upstream = upstreams.get(proxy.group(1), proxy.group(1)) if proxy else None
        locations.append((modifier, pattern, upstream))
    return locations, upstreams


def nginx_select(locations, uri: str):
    """nginx's choice: an exact match; else the longest prefix, unless a regex (in order) matches first."""
    path = urllib.parse.urlsplit(uri).path
    for modifier, pattern, upstream in locations:
        if modifier == "=" and path == pattern:
            return upstream
    prefixes = [loc for loc in locations if loc[0] in ("", "^~") and path.startswith(loc[1])]
    longest = max(prefixes, key=lambda loc: len(loc[1]), default=None)
    if longest and longest[0] == "^~":
        return longest[2]
    for modifier, pattern, upstream in locations:
        if modifier in ("~", "~*") and re.search(pattern, path, flags=re.I if modifier == "~*" else 0):
            return upstream
    return longest[2] if longest else None


def test_nginx_routes_each_prefix_to_its_service():
    locations, upstreams = nginx_routes()
    for uri, upstream in ROUTES.items():
        assert nginx_select(locations, uri) == upstream, uri
    # The upstreams are the compose services on their gunicorn ports.
    services = compose()["services"]
    for address in upstreams.values():
        host, port = address.split(":")
        assert f"0.0.0.0:{port}" in as_argv(services[host]["command"]), address


def test_nginx_does_not_route_metrics_or_anything_else():
    locations, _ = nginx_routes()
    for uri in NOT_ROUTED:
        assert nginx_select(locations, uri) is None, uri
    assert not any("metrics" in pattern for _, pattern, _ in locations)
    assert not re.search(r"^\s*(root|alias)\s", read("deploy/nginx/nginx.conf"), flags=re.M), "serves no files"


# --- (d) .env.example ----------------------------------------------------------------------------------------

def test_env_example_names_every_variable():
    values = env_example()
    assert [name for name in ENV_VARIABLES if name not in values] == []
    assert values["APP_ENV"] == "production"
    assert values["SMS_PROVIDERS"] == "kannel"


def test_env_example_documents_each_variable():
    lines = read(".env.example").splitlines()
    for number, line in enumerate(lines):
        if re.match(r"^[A-Z][A-Z0-9_]*=", line):
            assert number > 0 and lines[number - 1].startswith("#"), f"no comment above {line!r}"


def test_env_example_covers_compose_substitutions():
    """Every ${VAR} that docker-compose.yml substitutes is set by .env.example (cp is the only step)."""
    text = read("docker-compose.yml")
    used = set(re.findall(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)", text))
    assert used - set(env_example()) == set()


# --- deploy/kannel: the gateway delivers and reports ---------------------------------------------------------

@pytest.mark.integration
def test_kannel_gateway_accepts_sendsms_and_reports_delivery(tmp_path):
    """deploy/kannel/entrypoint.sh + kannel.conf: sendsms is accepted, DLR 8 and 1 reach the dlr-url."""
    from retret_testing.kannel import KannelGateway, require_kannel
    require_kannel()

    reports: list[dict] = []

    class DlrHandler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            reports.append(dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query)))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    dlr_server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), DlrHandler)
    threading.Thread(target=dlr_server.serve_forever, daemon=True).start()
    gateway = KannelGateway(username="retret", password="p&ss/wörd", run_dir=str(tmp_path))
    try:
        gateway.start()
        query = urllib.parse.urlencode({
            "username": "retret", "password": "p&ss/wörd", "from": "RETRET", "to": "+6281234567890",
            "text": "Undangan retret ASN", "dlr-mask": "31",
            "dlr-url": f"http://127.0.0.1:{dlr_server.server_port}/dlr?id=n1&status=%d",
        })
        with urllib.request.urlopen(f"{gateway.sendsms_url}?{query}", timeout=5) as response:
            assert response.status == 202
        deadline = time.monotonic() + 20
        while len(reports) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        # fakesmsc reports both; the gateway may call back in either order.
        assert sorted((r["id"], r["status"]) for r in reports) == [("n1", "1"), ("n1", "8")], gateway.log_text()
    finally:
        gateway.stop()
        dlr_server.shutdown()
