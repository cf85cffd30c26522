"""HTML error pages, and the 503 of a database too busy to answer in time."""

from __future__ import annotations

import logging
import sqlite3

import psycopg
from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

from survey_app.core.http import error_headers
from survey_app.core.text import UnstorableInput

logger = logging.getLogger(__name__)

SQLITE_BUSY, SQLITE_LOCKED = 5, 6  # primary result codes (the low byte of an extended code)
# PostgreSQL SQLSTATEs of a database that is busy or away for a moment: serialization failure and deadlock
# (class 40), lock_timeout (55P03), statement_timeout (57014), shutting down or starting (57P01-57P03).
POSTGRESQL_BUSY_STATES = ("40", "55P03", "57014", "57P01", "57P02", "57P03", "08")


def error_title(code: int) -> str:
    """A short translated explanation of an HTTP status."""
    titles = {
        400: _("The request could not be understood."),
        403: _("You do not have permission to open this page."),
        404: _("This page does not exist."),
        405: _("This action is not allowed here."),
        413: _("What you sent is too large."),
        429: _("Too many requests. Please wait a moment and try again."),
        500: _("Something went wrong on our side. Please try again."),
        503: _("The service is busy. Please try again in a moment."),
    }
    return titles.get(code, _("The request could not be completed."))


def render_error_page(error: HTTPException):
    """Render the error page for an HTTP error."""
    code = error.code or 500
    message = error_title(code)
    if isinstance(error, CSRFError):
        message = _("The form expired or was sent from elsewhere. Reload the page and try again.")
    elif isinstance(error, UnstorableInput):
        message = error.description  # which characters, and that nothing was saved
    return render_template("error.html", code=code, message=message), code, error_headers(error)


def is_database_busy(error: BaseException) -> bool:
    """Whether a database error means "busy or away, try again soon" rather than a fault of ours.

    SQLite: the write lock was not granted within the busy timeout ("database is locked"). PostgreSQL:
    a serialization failure or deadlock, a lock or statement timeout, a lost or refused connection.
    Also the connection pool's own timeout. The error may be SQLAlchemy's or the driver's own (the
    prepared statements of core/prepared.py run on the driver's cursor).
    """
    if isinstance(error, sa_exc.TimeoutError):
        return True
    invalidated = False
    if isinstance(error, sa_exc.DBAPIError):
        if not isinstance(error, sa_exc.OperationalError):
            return False
        invalidated, error = error.connection_invalidated, error.orig
    if isinstance(error, sqlite3.OperationalError):
        code = getattr(error, "sqlite_errorcode", None)
        if code is not None:
            return code & 0xFF in (SQLITE_BUSY, SQLITE_LOCKED)
        return "locked" in str(error) or "busy" in str(error)
    if isinstance(error, psycopg.OperationalError):
        state = error.sqlstate
        # Without a SQLSTATE the error never reached the server: the connection failed.
        return state is None or invalidated or state.startswith(POSTGRESQL_BUSY_STATES)
    return False


def busy_headers() -> dict[str, str]:
    """The Retry-After of a 503 answered because the database was busy."""
    return {"Retry-After": str(current_app.config["DATABASE_RETRY_AFTER_SECONDS"])}


def busy_message() -> str:
    """The translated message of that 503."""
    return _("The database is busy. Nothing was saved; please try again in a moment.")


def render_database_busy(error: Exception):
    """503 with Retry-After for a database too busy to answer in time: JSON under /api, a page otherwise.

    Nothing of the request was stored (its transaction is rolled back when the request ends). Any other
    database error is raised again, as the 500 it is.
    """
    if not is_database_busy(error):
        raise error
    current_app.extensions["sqlalchemy"].session.rollback()  # the failed transaction, at once
    logger.warning("database busy, answered 503: %s %s (%s)", request.method, request.path, error)
    if request.path.startswith("/api/"):
        body = {"code": 503, "status": "Service Unavailable", "message": busy_message()}
        return jsonify(body), 503, busy_headers()
    page = render_template("error.html", code=503, message=busy_message())
    return page, 503, busy_headers()


def register_error_handlers(app: Flask) -> None:
    """Install the error handlers that the API's handler leaves to the site."""
    app.register_error_handler(CSRFError, render_error_page)
    app.register_error_handler(sa_exc.OperationalError, render_database_busy)
    app.register_error_handler(sa_exc.TimeoutError, render_database_busy)
    app.register_error_handler(sqlite3.OperationalError, render_database_busy)
    app.register_error_handler(psycopg.OperationalError, render_database_busy)
