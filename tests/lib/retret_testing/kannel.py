"""A real Kannel SMS gateway for tests: deploy/kannel/entrypoint.sh + kannel.conf (bearerbox, smsbox and
fakesmsc from Debian's kannel / kannel-extras) on free ports in a temporary directory.

fakesmsc plays the operator: every message bearerbox hands it is "delivered", and with a dlr-mask asking for
them the gateway calls the message's dlr-url with DLR 8 (accepted by the SMSC) and 1 (delivered), in either order.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from .infra import REPO, free_port

ENTRYPOINT = Path(REPO) / "deploy" / "kannel" / "entrypoint.sh"
FAKESMSC = Path("/usr/lib/kannel/test/fakesmsc")
INSTALL_HINT = "Kannel is not installed (apt-get install -y kannel kannel-extras)"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def kannel_installed() -> bool:
    return bool(shutil.which("bearerbox") or Path("/usr/sbin/bearerbox").exists()) and FAKESMSC.exists()


def require_kannel() -> None:
    """Skip the calling test when Kannel is missing, unless CI is set: there a missing gateway is a failure."""
    import pytest
    if not kannel_installed():
        if in_ci():
            pytest.fail(INSTALL_HINT)
        pytest.skip(INSTALL_HINT)


class KannelGateway:
    """One gateway (three processes in their own session, stopped together)."""

    def __init__(self, username: str = "retret", password: str = "rahasia-kannel", run_dir: str | None = None,
                 mo_url: str = "http://127.0.0.1:9/api/v1/providers/kannel/mo", mo_secret: str = ""):
        self.username, self.password = username, password
        self.mo_url, self.mo_secret = mo_url, mo_secret  # where replies from handsets go (two-way SMS)
        self.run_dir = Path(run_dir or tempfile.mkdtemp(prefix="retret-kannel-"))
        self._own_dir = run_dir is None
        self.sendsms_port, self.admin_port = free_port(), free_port()
        self.smsbox_port, self.fakesmsc_port, self.fakesmsc_mo_port = free_port(), free_port(), free_port()
        self.admin_password = "admin-" + os.urandom(6).hex()
        self.proc: subprocess.Popen | None = None
        self._log = None

    @property
    def sendsms_url(self) -> str:
        return f"http://127.0.0.1:{self.sendsms_port}/cgi-bin/sendsms"

    @property
    def log_path(self) -> Path:
        return self.run_dir / "kannel.log"

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def env(self) -> dict:
        return dict(os.environ, KANNEL_USERNAME=self.username, KANNEL_PASSWORD=self.password,
                    KANNEL_RUN_DIR=str(self.run_dir), KANNEL_SENDSMS_PORT=str(self.sendsms_port),
                    KANNEL_ADMIN_PORT=str(self.admin_port), KANNEL_SMSBOX_PORT=str(self.smsbox_port),
                    KANNEL_FAKESMSC_PORT=str(self.fakesmsc_port), KANNEL_ADMIN_PASSWORD=self.admin_password,
                    KANNEL_FAKESMSC_MO_PORT=str(self.fakesmsc_mo_port), KANNEL_MO_URL=self.mo_url,
                    KANNEL_MO_SECRET=self.mo_secret)

    def start(self, timeout: float = 20.0) -> "KannelGateway":
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([str(ENTRYPOINT)], env=self.env(), stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        try:
            self.wait_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def status(self) -> str | None:
        """bearerbox's status page, or None while it does not answer."""
        url = f"http://127.0.0.1:{self.admin_port}/status.txt?password={self.admin_password}"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read().decode("utf-8", "replace")
        except (OSError, urllib.error.URLError):
            return None

    def wait_ready(self, timeout: float = 20.0) -> None:
        """Until smsbox is connected, fakesmsc is online and sendsms answers (so nothing is queued for later)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the Kannel gateway exited ({self.proc.returncode}):\n{self.log_text()}")
            status = self.status() or ""
            if "smsbox:" in status and "(online" in status and self._sendsms_answers():
                return
            time.sleep(0.1)
        raise RuntimeError(f"the Kannel gateway was not ready after {timeout} s:\n{self.log_text()}")

    def _sendsms_answers(self) -> bool:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{self.sendsms_port}/", timeout=2).close()
        except urllib.error.HTTPError:
            return True  # any HTTP answer: smsbox listens
        except (OSError, urllib.error.URLError):
            return False
        return True

    def replies_received(self) -> int:
        """How many handset messages bearerbox took in on the replies-only SMSC (its status page)."""
        for line in (self.status() or "").splitlines():
            if line.strip().startswith("REPLIES[") and "rcvd: sms " in line:
                return int(line.split("rcvd: sms ", 1)[1].split()[0])
        return 0

    def send_from_handset(self, sender: str, text: str, receiver: str = "1234", timeout: float = 15.0) -> None:
        """A handset sends `text`: a fakesmsc on the replies-only SMSC hands one MO message to bearerbox (fakesmsc
        stays connected after its message, so it is stopped once bearerbox counted the message)."""
        before = self.replies_received()
        command = [str(FAKESMSC), "-H", "127.0.0.1", "-r", str(self.fakesmsc_mo_port), "-m", "1",
                   f"{sender} {receiver} text {text}"]
        with open(self.run_dir / "handset.log", "ab") as log:
            proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            try:
                deadline = time.monotonic() + timeout
                while self.replies_received() <= before:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"bearerbox did not take the handset's message:\n{self.log_text()}")
                    time.sleep(0.05)
            finally:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=5)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def cleanup(self) -> None:
        self.stop()
        if self._own_dir:
            shutil.rmtree(self.run_dir, ignore_errors=True)

    def __enter__(self) -> "KannelGateway":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.cleanup()
