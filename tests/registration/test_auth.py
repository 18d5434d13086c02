"""Sign-in, the first admin, the slow-down after failed sign-ins, staff accounts."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from retret import clock
from retret.config import ConfigError
from retret_testing.http import assert_problem, bearer

TOKEN = "/api/v1/auth/token"
ADMIN_LOGIN = {"username": "admin", "password": "rahasia-admin-123"}


def sign_in(client, username="admin", password="rahasia-admin-123", address="10.0.0.1"):
    return client.post(TOKEN, json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_sign_in_gives_a_bearer_token_that_works(client):
    response = sign_in(client)
    assert response.status_code == 200
    body = response.get_json()
    assert body["token_type"] == "Bearer" and body["role"] == "admin" and body["expires_in"] > 0
    assert client.get("/api/v1/retreats", headers=bearer(body["access_token"])).status_code == 200


@pytest.mark.parametrize("username, password", [("admin", "salah-sekali"), ("nobody", "rahasia-admin-123")])
def test_bad_credentials_are_401(client, username, password):
    assert_problem(sign_in(client, username, password), 401, code="bad_credentials")


BAD_SIGN_IN = [
    ({"password": "x"}, "username"), ({"username": "admin"}, "password"),
    ({"username": 5, "password": "x"}, "username"), ({"username": "admin", "password": ["x"]}, "password"),
    ({"username": "", "password": "x"}, "username"), ({"username": "a" * 201, "password": "x"}, "username"),
    ({"username": "ad\x00min", "password": "x"}, "username"),
]


def test_bad_sign_in_input_is_422(client):
    for body, field in BAD_SIGN_IN:
        assert_problem(client.post(TOKEN, json=body), 422, field=field)


def test_invalid_json_is_400(client):
    assert_problem(client.post(TOKEN, data="{nope", content_type="application/json"), 400)


# --------------------------------------------------------------------------- slow-down, never a lock
def test_after_five_failures_sign_in_waits_with_growing_retry_after(client, frozen_clock, app):
    start = clock.now()
    frozen_clock(start)
    for _ in range(5):
        assert sign_in(client, password="salah").status_code == 401
    waiting = assert_problem(sign_in(client, password="salah"), 429, code="sign_in_throttled")
    first_wait = int(sign_in(client).headers["Retry-After"])  # even the right password waits
    assert 0 < first_wait <= 60 and waiting["retry_after"] == first_wait

    frozen_clock(start + timedelta(seconds=61))
    assert sign_in(client, password="salah").status_code == 401  # checked again after the wait
    second = sign_in(client)
    assert second.status_code == 429 and int(second.headers["Retry-After"]) > first_wait

    frozen_clock(start + timedelta(seconds=61 + 121))
    assert sign_in(client).status_code == 200  # the account was never locked


def test_the_slow_down_is_per_username_and_address(client, frozen_clock):
    frozen_clock(clock.now())
    for _ in range(5):
        sign_in(client, password="salah", address="10.0.0.1")
    assert sign_in(client, address="10.0.0.1").status_code == 429
    assert sign_in(client, address="10.0.0.2").status_code == 200  # someone else at another desk
    assert sign_in(client, "nobody", "x", address="10.0.0.1").status_code == 401


def test_failures_are_kept_in_the_database_and_cleared_by_success(client):
    from registration.context import context
    from registration.models import SignInThrottle
    for _ in range(3):
        sign_in(client, password="salah")
    with context.db.session() as session:
        row = session.scalars(select(SignInThrottle)).one()
        assert (row.username, row.address, row.failures) == ("admin", "10.0.0.1", 3)
    assert sign_in(client).status_code == 200
    with context.db.session() as session:
        assert session.scalar(select(func.count()).select_from(SignInThrottle)) == 0


# --------------------------------------------------------------------------- the first admin
def test_the_first_admin_is_ensured_once(app, make_app):
    from registration import create_app
    from registration.context import context
    from registration.models import User
    create_app()
    create_app()
    with context.db.session() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 1


def test_production_refuses_to_start_without_admin_password(make_app, service_env):
    service_env.delenv("ADMIN_PASSWORD")
    with pytest.raises(ConfigError, match="ADMIN_PASSWORD"):
        make_app("registration", APP_ENV="production")


def test_production_refuses_to_start_without_invitation_secret(make_app, service_env):
    service_env.delenv("INVITATION_SECRET")
    with pytest.raises(ConfigError, match="INVITATION_SECRET"):
        make_app("registration", APP_ENV="production")


def test_development_defaults_to_admin_admin_when_unset(make_app, service_env):
    service_env.delenv("ADMIN_PASSWORD")
    service_env.delenv("ADMIN_USERNAME")
    client = make_app("registration", APP_ENV="development").test_client()
    assert sign_in(client, "admin", "admin").status_code == 200


# --------------------------------------------------------------------------- staff accounts
def test_admin_creates_a_user_who_can_sign_in(client, admin):
    response = client.post("/api/v1/users", json={"username": "sekretariat1", "password": "kata-sandi-8",
                                                  "role": "secretariat"}, headers=admin)
    assert response.status_code == 201
    assert response.get_json()["role"] == "secretariat" and "password" not in str(response.get_json())
    signed = sign_in(client, "sekretariat1", "kata-sandi-8")
    assert signed.status_code == 200 and signed.get_json()["role"] == "secretariat"
    users = client.get("/api/v1/users", headers=admin).get_json()
    assert sorted(u["username"] for u in users["items"]) == ["admin", "sekretariat1"]


def test_duplicate_username_is_409(client, admin):
    body = {"username": "operator1", "password": "kata-sandi-8", "role": "operator"}
    assert client.post("/api/v1/users", json=body, headers=admin).status_code == 201
    assert_problem(client.post("/api/v1/users", json=body, headers=admin), 409, code="username_taken")


BAD_USERS = [
    ({"username": "op", "password": "kata-sandi-8", "role": "operator"}, "username"),
    ({"username": "op er", "password": "kata-sandi-8", "role": "operator"}, "username"),
    ({"username": "operator1", "password": "pendek", "role": "operator"}, "password"),
    ({"username": "operator1", "password": "kata-sandi-8", "role": "root"}, "role"),
    ({"username": "operator1", "password": "kata-sandi-8"}, "role"),
    ({"username": "operator1", "password": 12345678, "role": "operator"}, "password"),
    ({"username": "operator1", "password": "x" * 201, "role": "operator"}, "password"),
]


def test_bad_user_input_is_422(client, admin):
    for body, field in BAD_USERS:
        assert_problem(client.post("/api/v1/users", json=body, headers=admin), 422, field=field)


def test_only_admins_create_users_and_every_staff_role_reads_them(client, admin, operator, secretariat):
    body = {"username": "operator1", "password": "kata-sandi-8", "role": "operator"}
    assert_problem(client.post("/api/v1/users", json=body), 401)
    assert_problem(client.post("/api/v1/users", json=body, headers=bearer("not-a-jwt")), 401)
    assert_problem(client.post("/api/v1/users", json=body, headers=operator), 403)
    assert_problem(client.post("/api/v1/users", json=body, headers=secretariat), 403)
    assert client.post("/api/v1/users", json=body, headers=admin).status_code == 201
    assert_problem(client.get("/api/v1/users"), 401)
    for headers in (operator, secretariat):
        listed = client.get("/api/v1/users", headers=headers).get_json()["items"]
        assert "operator1" in [user["username"] for user in listed]
        assert all("password" not in key for user in listed for key in user)


def test_users_list_limits(client, admin):
    assert_problem(client.get("/api/v1/users?limit=0", headers=admin), 422, field="limit")
    assert_problem(client.get("/api/v1/users?cursor=bad!", headers=admin), 422, field="cursor")
