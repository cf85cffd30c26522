"""Logging, configured once: one line per event with the request id on lines written during a request.

Modules log through `logging.getLogger(__name__)`; every such logger sits under the `survey_app` logger
(Flask's `app.logger`), which gets the one handler. A request takes its id from the `X-Request-ID`
header a proxy set (when it looks like an id) or a new random one, and answers with it, so a line in the
log can be matched with the proxy's access log and with what a user reports.
"""

from __future__ import annotations

import logging
import re
import uuid

from flask import Flask, Response, g, has_request_context, request

LOGGER_NAME = "survey_app"
REQUEST_ID_HEADER = "X-Request-ID"
LINE_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
_ACCEPTED_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class RequestIdFilter(logging.Filter):
    """Adds the current request's id to every record (`-` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Attach request_id; never drops a record."""
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def current_request_id() -> str:
    """The id of the request being served."""
    return g.get("request_id", "-")


def _assign_request_id() -> None:
    """Take the proxy's request id when it looks like one, else make one."""
    offered = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = offered if _ACCEPTED_REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex


def _echo_request_id(response: Response) -> Response:
    """Answer with the request's id."""
    if "request_id" in g:
        response.headers.setdefault(REQUEST_ID_HEADER, g.request_id)
    return response


def configure_logging(app: Flask) -> None:
    """Give the survey_app logger one handler with the house format, and ids to requests."""
    logger = logging.getLogger(LOGGER_NAME)
    level = app.config["LOG_LEVEL"]
    logger.setLevel(level)
    if not any(getattr(handler, "_survey_app", False) for handler in logger.handlers):
        handler = logging.StreamHandler()
        handler._survey_app = True  # type: ignore[attr-defined] - several apps in one process share it
        handler.setFormatter(logging.Formatter(LINE_FORMAT))
        handler.addFilter(RequestIdFilter())
        for existing in list(logger.handlers):  # Flask's default handler would print every line twice
            logger.removeHandler(existing)
        logger.addHandler(handler)
    app.before_request(_assign_request_id)
    app.after_request(_echo_request_id)
