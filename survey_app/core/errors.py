"""HTML error pages."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from survey_app.core.http import error_headers
from survey_app.core.text import UnstorableInput


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


def register_error_handlers(app: Flask) -> None:
    """Install the error handlers that the API's handler leaves to the site."""
    app.register_error_handler(CSRFError, render_error_page)
