"""Rules for signing in, managing users and issuing API tokens."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from survey_app.audit.service import record, snapshot
from survey_app.auth import lockout
from survey_app.core import clock
from survey_app.extensions import db
from survey_app.models import ApiToken, Role, Unit, User

logger = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 10
TOKEN_PREFIX = "sat_"  # noqa: S105 - a prefix that names the token kind, not a secret


class AuthError(ValueError):
    """A sign-in or account change that is refused; the message is user-facing."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field  # the form field the message belongs to, if any


@dataclass
class LoginOutcome:
    """The result of a sign-in attempt."""

    user: User | None
    error: str | None = None


def _locked_message(lock: lockout.Lock) -> str:
    return _("Too many failed attempts. Try again in %(minutes)d minutes.", minutes=lock.minutes)


def authenticate(username: str, password: str, address: str | None = None) -> LoginOutcome:
    """Check credentials from a client address; too many failures lock that address and name a while.

    Unknown names go through the same steps as known ones (a password check against a hash of the same
    method, the same counting and locking, the same messages), so no answer tells them apart.
    """
    generic = _("Wrong username or password.")
    name = username.strip()
    lock = lockout.current_lock(address, name)
    if lock is not None:
        return LoginOutcome(None, _locked_message(lock))
    user = db.session.scalar(select(User).where(User.username == name))
    known = user is not None and user.check_password(password)
    if user is None:
        # Spend the same time as a real check so usernames cannot be probed by timing.
        User(password_hash=_dummy_hash()).check_password(password)
    if not known:
        lock = lockout.register_failure(address, name)
        if lock is not None:
            record("user.locked", user, summary=f"{name[:64]} ({lock.minutes} min)", actor_label="system")
            if user is not None:  # shown to administrators, who can lift it
                user.locked_until = clock.now() + timedelta(seconds=lock.seconds)
            return LoginOutcome(None, _locked_message(lock))
        return LoginOutcome(None, generic)
    if not user.active:
        return LoginOutcome(None, _("This account is disabled."))
    lockout.register_success(address, name)
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, clock.now()
    return LoginOutcome(user)


_DUMMY_HASHES: dict[str, str] = {}


def _dummy_hash() -> str:
    """A hash of the configured method (so it costs what a real check costs) for names that do not exist."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash(secrets.token_hex(8), method=method)
    return _DUMMY_HASHES[method]


def check_password_strength(password: str) -> None:
    """Refuse passwords that are too short or too simple."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(
            _("The password must have at least %(n)d characters.", n=MIN_PASSWORD_LENGTH), field="new"
        )
    if password.isdigit() or password.isalpha():
        raise AuthError(_("The password must mix letters with digits or symbols."), field="new")


def generate_password() -> str:
    """A random password that passes the strength rules."""
    # token_urlsafe can come out all letters (about 1 time in 30); draw again rather than weaken it.
    while True:
        password = secrets.token_urlsafe(12)
        if not (password.isdigit() or password.isalpha()):
            return password


def create_user(
    *, username: str, full_name: str, role: Role, unit: Unit, password: str | None = None
) -> tuple[User, str]:
    """Create a user; returns the user and the password (generated when none is given)."""
    username = username.strip()
    if not username or len(username) > 64:
        raise AuthError(_("The username must have 1 to 64 characters."))
    if db.session.scalar(select(User).where(User.username == username)):
        raise AuthError(_("The username %(name)s is taken.", name=username))
    password = password or generate_password()
    check_password_strength(password)
    user = User(username=username, full_name=full_name.strip(), role=role, unit=unit)
    user.set_password(password)
    db.session.add(user)
    record("user.create", user, summary=f"{username} ({role.value})")
    return user, password


def update_user(user: User, *, full_name: str, role: Role, unit: Unit, active: bool) -> User:
    """Change a user's name, role, unit or active flag."""
    before = snapshot(user)
    user.full_name, user.role, user.unit, user.active = full_name.strip(), role, unit, active
    if not active:
        user.session_version += 1  # end the sessions of a disabled account at once
    record("user.update", user, before=before, summary=user.username)
    return user


def reset_password(user: User) -> str:
    """Give a user a new random password (shown once to the administrator).

    A reset is what one does when an account may be in the wrong hands: every session of the user ends
    (the password's new session version) and every API token of theirs is revoked.
    """
    password = generate_password()
    user.set_password(password)
    for token in user.tokens:
        revoke_token(token)
    user.failed_logins, user.locked_until = 0, None
    lockout.lift(user.username)
    record("user.reset_password", user, summary=user.username)
    return password


def unlock(user: User) -> None:
    """Lift every lock-out of this user's name, from every address."""
    user.failed_logins, user.locked_until = 0, None
    lockout.lift(user.username)
    record("user.unlock", user, summary=user.username)


def end_sessions(user: User) -> None:
    """End every session of the user, on every device (sign-out): cookies captured before stop working."""
    user.session_version = (user.session_version or 0) + 1


def change_password(user: User, *, current: str, new: str) -> None:
    """Change one's own password after checking the current one."""
    if not user.check_password(current):
        raise AuthError(_("The current password is wrong."), field="current")
    check_password_strength(new)
    user.set_password(new)
    record("user.change_password", user, summary=user.username)


def token_digest(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, name: str = "") -> tuple[ApiToken, str]:
    """Create a personal API token; the plain token is returned once and never stored."""
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name.strip()[:80], token_hash=token_digest(plain), prefix=plain[:10])
    db.session.add(token)
    record("token.create", token, summary=f"{user.username}: {name}")
    return token, plain


def revoke_token(token: ApiToken) -> None:
    """Revoke a personal API token."""
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        record("token.revoke", token, summary=token.prefix)


def user_for_token(plain: str) -> User | None:
    """The active user behind a valid, unrevoked personal token."""
    if not plain.startswith(TOKEN_PREFIX):
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(plain)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    now = clock.now()
    # Writing last-used on every call would turn reads into writes; once a minute is enough.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = now
        db.session.commit()
    return token.user
