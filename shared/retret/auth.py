"""Staff JWTs (signed with JWT_SECRET, verified by every service) and role checks."""
from __future__ import annotations

import functools
from datetime import timedelta

import jwt
from flask import current_app, g, request

from . import clock
from .http.errors import ApiError

ADMIN, OPERATOR, SECRETARIAT = "admin", "operator", "secretariat"
ROLES = (ADMIN, OPERATOR, SECRETARIAT)
ALGORITHM = "HS256"
TOKEN_TTL = timedelta(hours=12)


def issue_token(secret: str, username: str, role: str, ttl: timedelta = TOKEN_TTL) -> tuple[str, int]:
    """A signed token and its lifetime in seconds."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    issued = clock.now()
    claims = {"sub": username, "role": role, "iat": int(issued.timestamp()),
              "exp": int((issued + ttl).timestamp()), "iss": "retret"}
    return jwt.encode(claims, secret, algorithm=ALGORITHM), int(ttl.total_seconds())


def decode_token(secret: str, token: str) -> dict:
    try:
        return jwt.decode(token, secret, algorithms=[ALGORITHM], issuer="retret",
                          options={"require": ["exp", "sub", "role"]},
                          leeway=0)
    except jwt.ExpiredSignatureError:
        raise ApiError(401, "Sesi Anda sudah berakhir. Silakan masuk kembali.", code="token_expired") from None
    except jwt.PyJWTError:
        raise ApiError(401, "Token tidak valid. Silakan masuk kembali.", code="token_invalid") from None


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def current_claims() -> dict:
    """The verified claims of this request's staff token (401 without one)."""
    if "claims" not in g:
        token = bearer_token()
        if token is None:
            raise ApiError(401, "Sertakan header Authorization: Bearer <token>.", code="token_missing")
        g.claims = decode_token(current_app.config["JWT_SECRET"], token)
    return g.claims


def is_admin() -> bool:
    """Whether this request's staff token is an admin's: some fields are for admins only (DESIGN §5)."""
    return current_claims()["role"] == ADMIN


def check_role(*allowed: str) -> dict:
    claims = current_claims()
    if claims["role"] != ADMIN and claims["role"] not in allowed:
        raise ApiError(403, "Peran Anda tidak memiliki akses ke fitur ini.", code="forbidden")
    return claims


def roles_required(*allowed: str):
    """Decorator: a staff token with one of `allowed` (admin always passes)."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            check_role(*allowed)
            return view(*args, **kwargs)
        return wrapper
    return decorate
