"""Staff accounts: the first admin from the environment, and accounts an admin creates."""
from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from werkzeug.security import generate_password_hash

from retret.auth import ADMIN
from retret.http.errors import ApiError
from retret.http.pagination import keyset_page

from ..context import context
from ..models import User
from ..views import user_view
from .common import created_cursor

log = logging.getLogger(__name__)
USERNAME_TAKEN = "Nama pengguna sudah dipakai."
_state = {"admin_pending": True}


def ensure_first_admin() -> None:
    """Create ADMIN_USERNAME with ADMIN_PASSWORD unless it exists (idempotent; safe when processes race)."""
    config = context.config
    try:
        with context.db.session() as session:
            exists = session.scalar(select(User.id).where(User.username == config.admin_username))
            if exists is None:
                session.add(User(username=config.admin_username, role=ADMIN,
                                 password_hash=generate_password_hash(config.admin_password)))
        _state["admin_pending"] = False
    except IntegrityError:  # another process created it a moment ago
        _state["admin_pending"] = False
    except (OperationalError, ProgrammingError) as exc:  # database down or not migrated yet: retried at sign-in
        log.warning("first admin not ensured yet", extra={"error": str(exc).splitlines()[0]})


def ensure_first_admin_if_pending() -> None:
    if _state["admin_pending"]:
        ensure_first_admin()


def create_user(data: dict) -> dict:
    try:
        with context.db.session() as session:
            if session.scalar(select(User.id).where(User.username == data["username"])) is not None:
                raise ApiError(409, USERNAME_TAKEN, code="username_taken")
            user = User(username=data["username"], role=data["role"],
                        password_hash=generate_password_hash(data["password"]))
            session.add(user)
            session.flush()
            return user_view(user)
    except IntegrityError:
        raise ApiError(409, USERNAME_TAKEN, code="username_taken") from None


def list_users(args: dict) -> dict:
    with context.db.session() as session:
        rows, cursor = keyset_page(session, select(User), [User.created_at, User.id], args, created_cursor)
        return {"items": [user_view(u) for u in rows], "next_cursor": cursor}
