"""Staff sign-in: a JWT for a correct password; failures slow down per (username, address), never lock."""
from __future__ import annotations

import math
from functools import lru_cache

from sqlalchemy import delete, select
from werkzeug.security import check_password_hash, generate_password_hash

from retret import clock
from retret.auth import issue_token
from retret.db import insert_ignore
from retret.http.errors import ApiError

from ..context import context
from ..domain import throttle
from ..models import SignInThrottle, User
from .users import ensure_first_admin_if_pending

BAD_CREDENTIALS = "Nama pengguna atau kata sandi salah."


class SignInThrottled(Exception):
    """Too many recent failures for this (username, address): try again in `retry_after` seconds."""

    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Checked for unknown users too, so a wrong username costs the same time as a wrong password.
    return generate_password_hash("retret-unknown-user")


def _password_ok(user: User | None, password: str) -> bool:
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return False
    return check_password_hash(user.password_hash, password)


def _state(row: SignInThrottle) -> throttle.ThrottleState | None:
    if row.failures == 0:
        return None
    return throttle.ThrottleState(row.failures, clock.as_utc(row.last_failure_at),
                                  clock.as_utc(row.blocked_until) if row.blocked_until else None)


def _locked_row(session, username: str, address: str) -> SignInThrottle:
    insert_ignore(session, SignInThrottle,
                  {"username": username, "address": address, "failures": 0, "last_failure_at": clock.now()},
                  ["username", "address"])
    return session.scalars(select(SignInThrottle).where(
        SignInThrottle.username == username, SignInThrottle.address == address).with_for_update()).one()


def _check(username: str, password: str, address: str) -> User | None:
    """Check the password under the throttle row's lock; failures are committed before anyone is told."""
    key, now = username.strip().lower()[:64], clock.now()
    with context.db.session() as session:
        row = _locked_row(session, key, address[:64])
        wait = throttle.wait_remaining(_state(row), now)
        if wait is not None:
            raise SignInThrottled(max(1, math.ceil(wait.total_seconds())))
        user = session.scalar(select(User).where(User.username == username.strip()))
        if _password_ok(user, password):
            session.execute(delete(SignInThrottle).where(SignInThrottle.username == key,
                                                         SignInThrottle.address == row.address))
            return user
        state = throttle.after_failure(_state(row), now)
        row.failures, row.last_failure_at, row.blocked_until = state.failures, state.last_failure_at, \
            state.blocked_until
    return None


def sign_in(username: str, password: str, address: str | None) -> dict:
    ensure_first_admin_if_pending()
    user = _check(username, password, address or "unknown")
    if user is None:
        raise ApiError(401, BAD_CREDENTIALS, code="bad_credentials")
    token, expires_in = issue_token(context.settings.jwt_secret, user.username, user.role)
    return {"access_token": token, "token_type": "Bearer", "expires_in": expires_in, "role": user.role}
