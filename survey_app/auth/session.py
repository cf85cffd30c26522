"""Flask-Login wiring: loading users from the session cookie."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager

from survey_app.extensions import db
from survey_app.models import User


def configure_login(app: Flask, manager: LoginManager) -> None:
    """Configure Flask-Login for the site."""
    manager.init_app(app)
    manager.login_view = "auth.login"
    manager.login_message = _l("Please sign in to open this page.")
    manager.login_message_category = "info"
    manager.session_protection = app.config["SESSION_PROTECTION"]

    @manager.user_loader
    def load_user(session_id: str) -> User | None:
        """The session's user, unless the password changed or the account was disabled since."""
        user_id, _, version = session_id.partition(".")
        if not user_id.isdigit() or not version.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        if user is None or user.session_version != int(version) or not user.active:
            return None
        return user
