"""The JSON API's blueprint: flask-smorest with one argument parser refusing input the same way everywhere.

Every feature's API is an `ApiBlueprint`. Its parser reads `@blp.arguments` schemas with webargs and
answers what it refuses in the API's error body `{"code", "status", "message", "errors"}`, translated:
- a body that is not JSON: 400; over the blueprint's size limit: 413 (not read);
- JSON that is not an object: 422 with the schema's first summary, else "Send a JSON object.";
- text no database can store (a NUL, a lone surrogate) anywhere in the body: 422 naming the fields;
- invalid fields or parameters (unknown query parameters included): 422, the message being the schema's
  summary of the first failing field (`summaries = {field: lazy text}` on the schema) or a general one,
  and `errors` naming every failing field with plain-text messages.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import marshmallow as ma
from flask import current_app, request
from flask_babel import gettext as _
from flask_smorest import Blueprint, abort
from webargs import core
from webargs.flaskparser import FlaskParser

from survey_app.core.text import unstorable_message, unstorable_paths

logger = logging.getLogger(__name__)


def plain_texts(errors) -> dict | list:
    """Validation messages as lists of plain text (marshmallow keeps lazily translated ones as they are)."""
    if isinstance(errors, dict):
        return {key: plain_texts(value) for key, value in errors.items()}
    return [str(message) for message in errors] if isinstance(errors, list) else [str(errors)]


def _not_an_object(schema) -> None:
    """422: the body is JSON, but not an object; the message is the schema's summary of what to send."""
    summaries = getattr(schema, "summaries", {})
    message = str(next(iter(summaries.values()), None) or _("Send a JSON object."))
    abort(422, message=message, errors={"json": [message]})


def refuse_unstorable_json(data, skip=()) -> None:
    """422 naming every field of a JSON body whose text (or key) no database can store.

    `skip` names top-level fields whose reader refuses such text itself (the kiosk rejects one rating
    of a batch, not the batch: its schema lists `checks_own_text = ("ratings",)`).
    """
    paths = unstorable_paths(data, skip)
    if paths:
        message = unstorable_message()
        logger.info("API input refused at %s: unstorable text in %s", request.path, ", ".join(paths[:5]))
        abort(422, message=message, errors={"json": {path: [message] for path in paths}})


class ArgumentsParser(FlaskParser):
    """webargs' Flask parser with the platform's translated refusals (see the module's docstring)."""

    DEFAULT_UNKNOWN_BY_LOCATION = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": ma.RAISE,
        "querystring": ma.RAISE,
    }

    def __init__(self, *args, max_body_setting: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_body_setting = max_body_setting  # a config key: this blueprint's own body size limit

    def _raw_load_json(self, req):
        """The body as JSON, read only up to the blueprint's limit when it has one (413 beyond)."""
        if self.max_body_setting:
            req.max_content_length = current_app.config[self.max_body_setting]
        try:
            return super()._raw_load_json(req)
        except RecursionError as error:  # JSON nested deeper than the decoder can follow
            return self._handle_invalid_json_error(error, req)

    def load_json(self, req, schema):
        """The JSON body, which must be an object holding no text a database cannot store."""
        data = super().load_json(req, schema)
        if data is not core.missing and not isinstance(data, dict):
            _not_an_object(schema)
        if data is not core.missing:
            refuse_unstorable_json(data, skip=getattr(schema, "checks_own_text", ()))
        return data

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        """400 with a translated message."""
        message = _("The request body is not valid JSON.")
        abort(400, message=message, errors={"json": [message]})

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        """422 with the schema's summary of the first failing field, naming every failing field."""
        failed = [name for errors in error.messages.values() if isinstance(errors, dict) for name in errors]
        summaries = getattr(schema, "summaries", {})
        summary = next((summaries[name] for name in failed if name in summaries), None)
        in_query = "query" in error.messages or "querystring" in error.messages
        general = _("Some parameters are not valid.") if in_query else _("Some fields are not valid.")
        logger.info("API input refused at %s: %s", req.path, ", ".join(map(str, failed)) or "body")
        abort(
            error_status_code or self.DEFAULT_VALIDATION_STATUS,
            message=str(summary or general),
            errors=plain_texts(error.messages),
            **({"headers": error_headers} if error_headers else {}),
        )


def _document_only(document: Callable) -> Callable:
    """Apply a flask-smorest decorator that only documents (doc, alt_response) without its wrapper.

    Its wrapper merely calls the view through current_app.ensure_sync: 1.3 µs a layer, and the kiosk's
    ingest of one rating would pass five (1% of its time). The view keeps the documentation.
    """

    def decorator(view: Callable) -> Callable:
        view._apidoc = document(view)._apidoc
        return view

    return decorator


class ApiBlueprint(Blueprint):
    """A flask-smorest blueprint of the JSON API: the shared parser, documentation without wrappers."""

    def __init__(self, *args, max_body_setting: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.ARGUMENTS_PARSER = ArgumentsParser(max_body_setting=max_body_setting)

    def alt_response(self, *args, **kwargs) -> Callable:
        """Document an alternative response (flask-smorest's), without a wrapper around the view."""
        return _document_only(super().alt_response(*args, **kwargs))

    def built_response(self, *args, **kwargs) -> Callable:
        """Document the answer of a view that builds its own Response, without flask-smorest's wrapper."""
        return _document_only(super().response(*args, **kwargs))

    @staticmethod
    def doc(**kwargs) -> Callable:
        """Add to the view's documentation (flask-smorest's), without a wrapper around the view."""
        return _document_only(Blueprint.doc(**kwargs))
