"""The running system: real Redis, real worker processes for all three services, beat, a real SMTP server."""
from __future__ import annotations

import pytest

from retret_testing.system import run_system


@pytest.fixture(scope="module")
def system():
    yield from run_system("postgresql")


@pytest.fixture(scope="module")
def sqlite_system():
    yield from run_system("sqlite")
