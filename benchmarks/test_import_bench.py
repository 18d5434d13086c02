"""Benchmark: a 100,000-row CSV import (`make bench`, RETRET_LONG=1; 2,000 rows otherwise) through the job path a
worker runs — the file kept in the database, read back, every row checked and registered in one transaction in a
published retreat (one participant.invited each) — with its time and peak memory. Side by side in the same run:
the same rows only read and checked (no database), and an import of a tenth of the rows, so that the ratios show
what the database work costs and that time grows linearly while memory stays bounded. Asserts only the outcome."""
from __future__ import annotations

import csv
import os
import resource
import time
from datetime import date

import pytest

from retret_testing.env import TEST_ENV
from retret_testing.files import COLUMNS, official_row
from retret_testing.infra import RedisServer, create_pg_database, drop_pg_database, migrate

ROWS = 100_000 if os.environ.get("RETRET_LONG") else 2_000


@pytest.fixture
def registration(monkeypatch):
    """The registration service's context on a fresh migrated database and a private Redis."""
    from registration.context import context
    redis_server, url = RedisServer().start(), create_pg_database("bench")
    migrate("registration", url)
    for key, value in {**TEST_ENV, "REDIS_URL": redis_server.url, "REGISTRATION_DATABASE_URL": url,
                       "CELERY_QUEUE_PREFIX": "bench-"}.items():
        monkeypatch.setenv(key, value)
    context.reset()
    yield context
    context.reset()
    drop_pg_database(url)
    redis_server.cleanup()


def _write_csv(path, first: int, count: int) -> None:
    with open(path, "w", newline="", encoding="utf-8") as file:  # row by row: the file is never in memory
        writer = csv.writer(file, delimiter=";")
        writer.writerow(COLUMNS)
        for i in range(first, first + count):
            row = official_row(i)
            writer.writerow([row[name] for name in COLUMNS])


def _retreat(context, code: str) -> str:
    from registration.models import Retreat
    with context.bus.unit_of_work() as session:
        retreat = Retreat(code=code, title="Retret Benchmark", starts_on=date(2025, 5, 15),
                          ends_on=date(2025, 5, 17), status="published")
        session.add(retreat)
        session.flush()
        return retreat.id


class PeakMemory:
    """The process's peak resident memory during a block, above what it held before (Linux: the high-water mark
    is reset through /proc/self/clear_refs; elsewhere the lifetime maximum is the bound reported)."""

    def __enter__(self):
        self.reset = _reset_peak()
        self.before = _rss_kib()
        return self

    def __exit__(self, *exc):
        self.peak_mib = (_peak_kib(self.reset) - self.before) / 1024
        return False


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as file:
            file.write("5")
        return True
    except OSError:
        return False


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _rss_kib() -> int:
    return _status_kib("VmRSS")


def _peak_kib(reset: bool) -> int:
    return _status_kib("VmHWM") if reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _only_checked(path) -> tuple[float, float, int]:
    """The baseline: read and check every row by the API's rules, nothing written."""
    from registration.domain import importing
    from registration.schemas.imports import validate_official_row
    with PeakMemory() as memory, open(path, "rb") as file:
        started = time.perf_counter()
        tally = importing.Tally()
        for row in importing.check_rows(importing.open_sheet(file, importing.CSV).rows, validate_official_row, ()):
            tally.add(row)
        elapsed = time.perf_counter() - started
    assert tally.valid == tally.total
    return elapsed, memory.peak_mib, tally.total


def _imported(context, path, code: str) -> tuple[float, float, dict]:
    """The whole job: the upload stored in the database, then the worker's task body."""
    from registration.services import imports
    retreat_id = _retreat(context, code)
    with PeakMemory() as memory:
        started = time.perf_counter()
        with open(path, "rb") as file:
            job = imports.create_job(retreat_id, file, os.path.basename(path), dry_run=False)
        imports.run_job(job["id"])
        elapsed = time.perf_counter() - started
    return elapsed, memory.peak_mib, imports.read_job(job["id"])


def test_import_of_many_rows_against_only_checking_them(registration, tmp_path, capsys):
    small, large = tmp_path / "small.csv", tmp_path / "large.csv"
    _write_csv(small, ROWS, ROWS // 10)  # other NIPs than the large file's
    _write_csv(large, 0, ROWS)

    checked_s, checked_mib, checked_rows = _only_checked(large)
    small_s, small_mib, small_job = _imported(registration, small, "BENCH-KECIL")
    large_s, large_mib, large_job = _imported(registration, large, "BENCH-BESAR")

    for job, rows in ((small_job, ROWS // 10), (large_job, ROWS)):
        assert job["state"] == "done", job
        assert (job["result"]["created"], job["result"]["invalid"]) == (rows, 0)
    assert checked_rows == ROWS
    size_mib = os.path.getsize(large) / 2**20
    with capsys.disabled():
        print(f"\nimport of {ROWS} rows ({size_mib:.1f} MiB CSV), one transaction, one participant.invited each:"
              f"\n  baseline, rows only read and checked: {checked_s:7.1f} s {ROWS / checked_s:7.0f} rows/s"
              f"   peak +{checked_mib:6.1f} MiB"
              f"\n  import of {ROWS // 10:>7} rows:            {small_s:7.1f} s {ROWS / 10 / small_s:7.0f} rows/s"
              f"   peak +{small_mib:6.1f} MiB"
              f"\n  import of {ROWS:>7} rows:            {large_s:7.1f} s {ROWS / large_s:7.0f} rows/s"
              f"   peak +{large_mib:6.1f} MiB"
              f"\n  ratio import/only checked (time):  {large_s / checked_s:7.2f}"
              f"\n  ratio {ROWS} rows/{ROWS // 10} rows: time {large_s / small_s:5.2f} (linear: 10),"
              f" peak memory {large_mib / max(small_mib, 0.1):5.2f}")
