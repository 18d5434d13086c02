"""Property-based fuzzing of every endpoint from the services' own OpenAPI documents (schemathesis, in-process
WSGI, with an admin token): nothing a client can send may produce a 500, and every error is problem+json.
The suite runs a few examples per operation; `make fuzz` (RETRET_LONG=1) runs many more."""
from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from retret.auth import issue_token
from retret_testing.env import TEST_ENV

EXAMPLES = 300 if os.environ.get("RETRET_LONG") else 15
ADMIN = {"Authorization": f"Bearer {issue_token(TEST_ENV['JWT_SECRET'], 'admin', 'admin')[0]}"}


def _check(case) -> None:
    response = case.call(headers=ADMIN)
    where = (case.method, case.formatted_path, case.query, case.body)
    assert response.status_code < 500, (where, response.text[:500])
    if response.status_code >= 400:
        content_type = {k.lower(): v for k, v in response.headers.items()}.get("content-type", [""])
        content_type = content_type[0] if isinstance(content_type, list) else content_type
        assert content_type.startswith("application/problem+json"), (where, response.status_code, response.text[:200])


def _fuzz(operation) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
              database=None)
    def run(case):
        _check(case)

    run()


@pytest.mark.parametrize("service", ["registration", "notifications", "reporting"])
def test_no_request_makes_a_server_error(service, make_app):
    schema = schemathesis.openapi.from_wsgi("/openapi.json", make_app(service))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 3
    for operation in operations:
        _fuzz(operation)
