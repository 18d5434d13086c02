"""Sign-in (a staff JWT) and staff accounts."""
from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from retret.auth import ADMIN, OPERATOR, SECRETARIAT
from retret.http.errors import problem
from retret.http.pagination import PageArgs
from retret.http.docs import problems, public, staff

from ..schemas import users as schemas
from ..services import auth, users

blp = Blueprint("auth", __name__, url_prefix="/api/v1", description="Staff sign-in and accounts")

THROTTLED = "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam {seconds} detik."


@blp.route("/auth/token")
class Token(MethodView):
    @public()
    @blp.arguments(schemas.TokenRequest)
    @blp.response(200, schemas.TokenResponse)
    @problems(400, 401, 422, 429)
    def post(self, data):
        """Sign in: a bearer token for a username and password

        Failed attempts slow down per (username, address): after 5 within 15 minutes each further attempt
        waits (429 with Retry-After, growing). The account is never locked."""
        try:
            return auth.sign_in(data["username"], data["password"], request.remote_addr)
        except auth.SignInThrottled as exc:
            return problem(429, THROTTLED.format(seconds=exc.retry_after), code="sign_in_throttled",
                           headers={"Retry-After": str(exc.retry_after)}, retry_after=exc.retry_after)


@blp.route("/users")
class Users(MethodView):
    @staff(ADMIN)
    @blp.arguments(schemas.UserCreate)
    @blp.response(201, schemas.User)
    @problems(400, 409, 422)
    def post(self, data):
        """Create a staff account (admin)"""
        return users.create_user(data)

    @staff(OPERATOR, SECRETARIAT)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, schemas.UserList)
    @problems(422)
    def get(self, args):
        """List staff accounts (admins create them; operators and the secretariat may read the list)"""
        return users.list_users(args)
