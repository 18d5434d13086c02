"""The whole system for integration tests: three databases, a private Redis, an SMTP server, the three
Celery workers and beat as real processes (the same commands as the Procfile), the APIs in-process.

On 2 cores the stack saves processes: each service's worker also consumes its `.bulk` queue, unless a test asks
for the Procfile's separate bulk workers (`bulk_workers=True`, processes `<service>-bulk`)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager

from retret.queues import WITH_BULK_WORKER

from .infra import REPO, SERVICES, RedisServer, create_pg_database, drop_pg_database, migrate, wait_for
from .smtp import SmtpServer

FAST_BUS = {
    "BUS_RELAY_SECONDS": "1", "BUS_HEARTBEAT_SECONDS": "2", "BUS_SCAN_SECONDS": "1", "BUS_GAP_GRACE_SECONDS": "2",
    "CELERY_VISIBILITY_TIMEOUT": "10", "NOTIFICATIONS_STUCK_SECONDS": "30",
}


class Stack:
    def __init__(self, base_env: dict, backend: str = "postgresql", overrides: dict | None = None,
                 bulk_workers: bool = False):
        self.backend = backend
        self.bulk_workers = bulk_workers
        self.tmp = tempfile.mkdtemp(prefix="retret-stack-")
        self.redis = RedisServer()
        self.smtp = SmtpServer()
        self.urls: dict[str, str] = {}
        self.procs: dict[str, subprocess.Popen] = {}
        self.env = {**base_env, **FAST_BUS, "CELERY_QUEUE_PREFIX": f"it{uuid.uuid4().hex[:6]}-",
                    "BEAT_SCHEDULE_FILE": os.path.join(self.tmp, "beat-schedule"), **(overrides or {})}

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> "Stack":
        self.redis.start()
        self.smtp.start()
        for service in SERVICES:
            url = (create_pg_database(service[:5]) if self.backend == "postgresql"
                   else f"sqlite:///{os.path.join(self.tmp, service + '.db')}")
            migrate(service, url)
            self.urls[service] = url
            self.env[f"{service.upper()}_DATABASE_URL"] = url
        self.env.update(REDIS_URL=self.redis.url, SMTP_HOST="127.0.0.1", SMTP_PORT=str(self.smtp.port))
        for service in SERVICES:
            self.start_worker(service)
        if self.bulk_workers:
            for service in WITH_BULK_WORKER:
                self.start_worker(f"{service}-bulk")
        self.start_process("beat", ["--app", "retret.beat", "beat", "--loglevel", "INFO"])
        return self

    def start_process(self, name: str, celery_args: list[str]) -> None:
        log = open(os.path.join(self.tmp, f"{name}.log"), "ab")
        env = {**os.environ, **self.env}
        self.procs[name] = subprocess.Popen([sys.executable, "-m", "celery", *celery_args], env=env,
                                            stdout=log, stderr=subprocess.STDOUT, cwd=REPO,
                                            start_new_session=True)

    def start_worker(self, name: str) -> None:
        """`name` is a service (its worker) or `<service>-bulk` (its bulk worker). As in the Procfile, but one
        process each: 2 cores must carry the workers, beat and the tests."""
        service, bulk = name.removesuffix("-bulk"), name.endswith("-bulk")
        args = ["--app", f"{service}.bulk_worker" if bulk else f"{service}.worker", "worker", "--loglevel", "INFO",
                "--concurrency", "1", "--without-gossip", "--without-mingle", "--hostname", f"{name}@%h"]
        if not bulk and not self.bulk_workers and service in WITH_BULK_WORKER:
            args += ["--queues", f"{self.queue(service)},{self.queue(service)}.bulk"]
        self.start_process(name, args)

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        self.smtp.stop()
        self.redis.cleanup()
        if self.backend == "postgresql":
            for url in self.urls.values():
                drop_pg_database(url)

    def log_text(self, name: str) -> str:
        with open(os.path.join(self.tmp, f"{name}.log"), errors="replace") as fh:
            return fh.read()

    def logs(self) -> str:
        out = []
        for name in self.procs:
            path = os.path.join(self.tmp, f"{name}.log")
            with open(path, errors="replace") as fh:
                out.append(f"===== {name}\n" + fh.read()[-6000:])
        return "\n".join(out)

    # ------------------------------------------------------------------ controls
    @contextmanager
    def stopped(self, service: str):
        """Stop a worker (warm shutdown) so that messages wait in its queue, then start it again.

        (SIGSTOP is not enough: a frozen worker's pending BRPOP still takes the next message off the queue.)"""
        proc = self.procs[service]
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
        log_path = os.path.join(self.tmp, f"{service}.log")
        offset = os.path.getsize(log_path)
        try:
            yield
        finally:
            self.start_worker(service)
            wait_for(lambda: b"ready." in open(log_path, "rb").read()[offset:], 60,
                     message=f"{service} worker restarted\n{self.logs()}")

    def kill(self, service: str) -> None:
        """SIGKILL a worker and its pool children (no warm shutdown, nothing recorded)."""
        proc = self.procs[service]
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(30)

    def restart(self, service: str) -> None:
        """Start a stopped or killed worker again (with the stack's environment as it is now) and wait until ready."""
        log_path = os.path.join(self.tmp, f"{service}.log")
        offset = os.path.getsize(log_path)
        self.start_worker(service)
        wait_for(lambda: b"ready." in open(log_path, "rb").read()[offset:], 60,
                 message=f"{service} worker restarted\n{self.logs()}")

    def queue(self, service: str) -> str:
        return f"{self.env['CELERY_QUEUE_PREFIX']}{service}"

    def wait_ready(self, timeout: float = 60) -> None:
        """Every worker has registered with the broker (it consumes its queue)."""
        def ready():
            for name in self.procs.keys() - {"beat"}:
                path = os.path.join(self.tmp, f"{name}.log")
                if not os.path.exists(path) or b"ready." not in open(path, "rb").read():
                    return False
            return True
        wait_for(ready, timeout, message=f"workers ready\n{self.logs()}")

    def idle(self, service: str, timeout: float = 30) -> None:
        """The queue is drained and nothing is in flight (kombu keeps in-flight messages in `unacked`)."""
        client = self.redis.client()
        def drained():
            return client.llen(self.queue(service)) == 0 and client.hlen("unacked") == 0
        wait_for(drained, timeout, message=f"{service} idle")
        time.sleep(0.3)
