"""Every environment variable the code reads is documented in .env.example (configuration only through the
environment, DESIGN §9), so an operator copying that file sees every knob."""
from __future__ import annotations

import pathlib
import re

REPO = pathlib.Path(__file__).resolve().parents[1]
READ = re.compile(r'(?:env_(?:str|int|float|bool|list)|secret_setting)\(\s*"([A-Z][A-Z0-9_]+)"')
# Read through a computed name (`<SERVICE>_DATABASE_URL`) or by libraries, listed here by hand.
COMPUTED = {"REGISTRATION_DATABASE_URL", "NOTIFICATIONS_DATABASE_URL", "REPORTING_DATABASE_URL"}


def _documented() -> set[str]:
    text = (REPO / ".env.example").read_text()
    return set(re.findall(r"^([A-Z][A-Z0-9_]+)=", text, re.M))


def _read_by_code() -> set[str]:
    names = set(COMPUTED)
    for path in list((REPO / "shared").rglob("*.py")) + list((REPO / "services").rglob("*.py")):
        names.update(READ.findall(path.read_text()))
    return names


def test_every_variable_the_code_reads_is_in_env_example():
    read = _read_by_code()
    assert {"REDIS_URL", "JWT_SECRET", "SMTP_HOST", "KANNEL_DLR_SECRET", "BUS_GAP_GRACE_SECONDS"} <= read
    missing = read - _documented()
    assert not missing, f"add to .env.example with a comment: {sorted(missing)}"


def test_each_documented_variable_has_a_comment_line_above_it():
    lines = (REPO / ".env.example").read_text().splitlines()
    for index, line in enumerate(lines):
        if re.match(r"^[A-Z][A-Z0-9_]+=", line):
            assert index > 0 and lines[index - 1].startswith("#"), line
