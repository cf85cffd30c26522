"""How the dialogue API reads request arguments: webargs with the API's translated refusals.

flask-smorest parses `@blp.arguments` with webargs; this parser keeps what the API answered before it
used them: 422 with `{"message", "errors": {"json"|"query": …}}` in the user's language, a body that is
no JSON object refused as such, and unknown query parameters refused like unknown body fields.
"""

from __future__ import annotations

import logging

import marshmallow as ma
from flask_babel import gettext as _
from flask_smorest import abort
from webargs import core
from webargs.flaskparser import FlaskParser

logger = logging.getLogger(__name__)


def _not_an_object() -> None:
    logger.info("dialogue API input refused: the body is not a JSON object")
    abort(422, message=_("Send a JSON object."), errors={"json": [_("Send a JSON object.")]})


class ArgumentsParser(FlaskParser):
    """webargs' Flask parser answering invalid input with the API's translated 422 bodies."""

    DEFAULT_UNKNOWN_BY_LOCATION = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": ma.RAISE,
        "querystring": ma.RAISE,
    }

    def load_json(self, req, schema):
        """The JSON body, which must be an object."""
        data = super().load_json(req, schema)
        if data is core.missing or not isinstance(data, dict):
            _not_an_object()
        return data

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        _not_an_object()

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        """422 naming the fields (body) or parameters (query string) that are not valid."""
        in_query = "query" in error.messages or "querystring" in error.messages
        fields = sorted(name for errors in error.messages.values() for name in errors)
        logger.info("dialogue API input refused at %s: %s", req.path, ", ".join(map(str, fields)))
        abort(
            error_status_code or self.DEFAULT_VALIDATION_STATUS,
            message=_("Some parameters are not valid.") if in_query else _("Some fields are not valid."),
            errors=error.messages,
        )
