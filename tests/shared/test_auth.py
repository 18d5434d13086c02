from datetime import timedelta

import pytest
from flask import Flask, jsonify

from retret import clock
from retret.auth import ADMIN, OPERATOR, SECRETARIAT, issue_token, roles_required
from retret.http.errors import install_error_handlers

SECRET = "a-test-secret-of-at-least-32-bytes!"


@pytest.fixture
def client():
    app = Flask("t")
    app.config["JWT_SECRET"] = SECRET
    install_error_handlers(app)

    @app.get("/reports")
    @roles_required(SECRETARIAT)
    def reports():
        return jsonify(ok=True)

    return app.test_client()


def _get(client, token):
    return client.get("/reports", headers={"Authorization": f"Bearer {token}"} if token else {})


def test_roles(client):
    for role, status in ((SECRETARIAT, 200), (ADMIN, 200), (OPERATOR, 403)):
        token, ttl = issue_token(SECRET, "u", role)
        assert _get(client, token).status_code == status
        assert ttl > 0


def test_missing_bad_and_expired_tokens_are_401(client):
    assert _get(client, None).get_json()["code"] == "token_missing"
    assert _get(client, "abc.def.ghi").get_json()["code"] == "token_invalid"
    forged, _ = issue_token("other-secret", "u", ADMIN)
    assert _get(client, forged).status_code == 401
    past = clock.now() - timedelta(days=1)
    clock.set_clock(lambda: past)
    try:
        old, _ = issue_token(SECRET, "u", ADMIN, ttl=timedelta(hours=1))
    finally:
        clock.set_clock(None)
    response = _get(client, old)
    assert response.status_code == 401 and response.get_json()["code"] == "token_expired"
