"""`make run`'s welcome: once the APIs answer /readyz and their workers consume their queues, print where things
are (APIs and their /docs, the official's portal, the mail folder, the sign-in), once.

    python -m retret.devtools.banner [--api registration=http://127.0.0.1:5001 ...] [--mail-dir var/mail]

scripts/dev-run.sh runs it in the background next to honcho; it gives up with a message naming what never came
up after --timeout seconds, and stops quietly if `--parent-pid` (honcho) goes away first.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
import urllib.error
import urllib.request
from typing import Callable

from celery import Celery

from ..config import env_str
from ..queues import SERVICES, WITH_BULK_WORKER, queue_name

DEFAULT_APIS = {"registration": "http://127.0.0.1:5001", "notifications": "http://127.0.0.1:5002",
                "reporting": "http://127.0.0.1:5003"}
DEV_PASSWORD = "admin"  # registration's development default (registration/config.py)
RULE = "─" * 78


def apis_not_ready(apis: dict[str, str]) -> list[str]:
    """The services whose API does not answer /readyz with its database up."""
    down = []
    for service, url in apis.items():
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=2) as response:
                ready = response.status == 200
        except (OSError, urllib.error.URLError):  # refused, timed out, or 503 (HTTPError)
            ready = False
        if not ready:
            down.append(service)
    return down


def workers_not_ready(celery: Celery, services: list[str]) -> list[str]:
    """The Procfile workers (`<service>-worker`, `<service>-bulk-worker`) whose queue nobody consumes yet (asked
    over Celery's broadcast, which keeps one reply per worker even when, as under make run, they share a node
    name)."""
    wanted = {f"{service}-worker": queue_name(service) for service in services}
    wanted |= {f"{service}-bulk-worker": queue_name(service, bulk=True)
               for service in services if service in WITH_BULK_WORKER}
    try:
        replies = celery.control.broadcast("active_queues", reply=True, timeout=1.0)
    except Exception:  # noqa: BLE001 - the broker not answering yet is the same as no worker yet
        return list(wanted)
    consumed = {queue["name"] for reply in replies for queues in reply.values() for queue in queues or ()}
    return [process for process, queue in wanted.items() if queue not in consumed]


def wait_until_up(apis: dict[str, str], redis_url: str, timeout: float,
                  keep_waiting: Callable[[], bool] = lambda: True) -> list[str]:
    """Poll until everything answers; returns what still did not after `timeout` (empty: all up)."""
    celery = Celery("retret-banner", broker=redis_url)
    celery.conf.update(broker_connection_timeout=2, broker_connection_retry_on_startup=False,
                       broker_transport_options={"socket_connect_timeout": 2, "socket_timeout": 5})
    deadline = time.monotonic() + timeout
    missing: list[str] = []
    while keep_waiting():
        missing = [f"{service}-api (/readyz)" for service in apis_not_ready(apis)]
        missing += workers_not_ready(celery, list(apis))
        if not missing or time.monotonic() >= deadline:
            break
        time.sleep(1)
    return missing


def render(apis: dict[str, str], mail_dir: str | None, env: dict[str, str]) -> str:
    registration = apis.get("registration", DEFAULT_APIS["registration"])
    username = env.get("ADMIN_USERNAME") or "admin"
    password = env.get("ADMIN_PASSWORD") or DEV_PASSWORD
    shown_password = password if password == DEV_PASSWORD else "your ADMIN_PASSWORD"
    width = max(len(service) for service in apis)
    lines = [RULE, " Retret is up.", ""]
    for service, url in apis.items():
        lines.append(f"   {service:<{width}}  {url}/api/v1   docs: {url}/docs")
    lines += [
        "",
        f"   Official's portal  {registration}/portal/invitations/<token>",
        "                      (the personal link each invitation email carries)",
    ]
    if mail_dir:
        lines += [f"   Mail               {mail_dir.rstrip('/')}/  one .eml file per message; list it with",
                  f"                      .venv/bin/python -m retret.devtools.mailbox {mail_dir.rstrip('/')}"]
    else:
        lines.append(f"   Mail               sent through {env.get('SMTP_HOST')}:{env.get('SMTP_PORT', '25')}")
    lines += [
        f"   Sign in            {username} / {shown_password}   (POST {registration}/api/v1/auth/token)",
        "   Demo data          make demo — seeds the Kota Malang retreat",
        "",
        " Stop everything with Ctrl+C.",
        RULE,
    ]
    return "\n".join(lines)


def _parent_alive(pid: int | None) -> Callable[[], bool]:
    def alive() -> bool:
        if pid is None:
            return True
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    return alive


def _api_arg(text: str) -> tuple[str, str]:
    service, sep, url = text.partition("=")
    if not sep or service not in SERVICES or not url.startswith(("http://", "https://")):
        raise argparse.ArgumentTypeError(f"expected SERVICE=URL with SERVICE one of {', '.join(SERVICES)}")
    return service, url.rstrip("/")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--api", action="append", type=_api_arg, metavar="SERVICE=URL",
                        help="an API to wait for (default: the three of make run on ports 5001-5003)")
    parser.add_argument("--redis-url", default=env_str("REDIS_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument("--mail-dir", help="the SMTP sink's folder (omit when mail goes to a real server)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds before giving up (default 120)")
    parser.add_argument("--parent-pid", type=int, help="stop quietly once this process is gone")
    args = parser.parse_args(argv)
    apis = dict(args.api) if args.api else dict(DEFAULT_APIS)
    try:
        missing = wait_until_up(apis, args.redis_url, args.timeout, _parent_alive(args.parent_pid))
    except KeyboardInterrupt:  # Ctrl+C reaches the whole make run, this process too
        return 130
    if not _parent_alive(args.parent_pid)():
        return 0
    if missing:
        print(f"{RULE}\n dev-run: still not answering after {args.timeout:.0f} s: {', '.join(missing)}.\n"
              " Look for its lines above (a port already in use? a failed start?).\n"
              f"{RULE}", file=sys.stderr, flush=True)
        return 1
    print(render(apis, args.mail_dir, dict(os.environ)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
