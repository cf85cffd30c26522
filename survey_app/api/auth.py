"""Bearer-token authentication for the JSON API."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import g, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_smorest import abort

from survey_app.auth.permissions import Capability, has_capability
from survey_app.auth.services import user_for_token
from survey_app.models import User


def bearer_token() -> str | None:
    """The token of an `Authorization: Bearer …` header, if any."""
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def unauthorized() -> None:
    """Answer 401 with a JSON body and the challenge header."""
    abort(
        401,
        message=_("A valid API token is required (Authorization: Bearer <token>)."),
        headers={"WWW-Authenticate": 'Bearer realm="survey_app"'},
    )


def token_required(capability: Capability | None = None) -> Callable:
    """View decorator: a valid personal token (401), then the capability (403)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            token = bearer_token()
            user = user_for_token(token) if token else None
            if user is None:
                unauthorized()
            if capability is not None and not has_capability(user, capability):
                abort(403, message=_("Your role does not allow this."))
            g.api_user = user
            return view(*args, **kwargs)

        return wrapped

    return decorator


def api_user() -> User:
    """The user of the current API request."""
    return g.api_user


class ApiIgnoresCookieSession(SecureCookieSessionInterface):
    """The signed cookie session, except on the JSON API: it authenticates by bearer token alone.

    API requests neither read nor set the cookie (a signed-in browser gets no access there, and every
    kiosk rating is spared opening a session it never uses).
    """

    def open_session(self, app, request):
        """A null session on the API (nothing read, nothing saved); else the cookie's session."""
        if request.path.startswith(app.config["OPENAPI_URL_PREFIX"] + "/"):
            return self.make_null_session(app)
        return super().open_session(app, request)
