"""Text no database can store, and the request guard that refuses it before any view runs.

Two kinds of character reach the platform but cannot be kept: NUL (PostgreSQL's `text` cannot hold it:
DataError) and a lone surrogate, U+D800 to U+DFFF (it has no UTF-8 encoding: UnicodeEncodeError on
either database). Werkzeug turns undecodable bytes of a URL, a query string or a form body into U+FFFD
or leaves them percent-encoded, so a lone surrogate only arrives through JSON's `\\ud800` escapes; a NUL
arrives everywhere (`%00`, a JSON `\\u0000`, a multipart field).

Every request's path parameters, query string and form fields are checked here
(`refuse_unstorable_input`, run before every view): a page answers 400 saying so, the API 422 with a
JSON error naming the field.
JSON bodies are checked by the API's argument parser (`survey_app.api.blueprint`), which walks the body;
the kiosk's ratings reject such an item on its own (`kiosk.validation`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from flask import jsonify, request
from flask_babel import gettext as _
from flask_smorest import abort
from werkzeug.exceptions import BadRequest

logger = logging.getLogger(__name__)

# A NUL (PostgreSQL's text cannot hold it) or a lone surrogate (no UTF-8 encoding exists for it).
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def is_unstorable(text: str) -> bool:
    """Whether the text holds a character no database can store."""
    return UNSTORABLE.search(text) is not None


def unstorable_message() -> str:
    """The translated refusal shown to whoever sent such text."""
    return _("Contains characters that cannot be stored.")


def unstorable_paths(data, skip: Iterable[str] = ()) -> list[str]:
    """Where in a JSON document unstorable text sits ('dossiers.3.note'), keys included; top-level keys in
    `skip` are left to whoever reads them. Iterative: a document nested deep does not exhaust the stack.
    """
    skipped = set(skip)
    found: list[str] = []
    pending: list[tuple[str, object]] = [("", data)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, str):
            if is_unstorable(value):
                found.append(path or "json")
        elif isinstance(value, dict):
            for key, item in value.items():
                if not path and key in skipped:
                    continue
                name = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and is_unstorable(key):
                    found.append(name)
                    continue
                pending.append((name, item))
        elif isinstance(value, list):
            pending.extend(
                (f"{path}.{index}" if path else str(index), item) for index, item in enumerate(value)
            )
    return sorted(found)


class UnstorableInput(BadRequest):
    """400 for a page: the request carried text no database can store; its description says so."""


def _bad_names(pairs: Iterable[tuple[str, str]]) -> list[str]:
    """The names among (name, value) pairs whose name or value holds unstorable text."""
    return sorted({name for name, value in pairs if is_unstorable(name) or is_unstorable(value)})


def refuse_unstorable_input():
    """Before every view: refuse path parameters, query parameters and form fields with unstorable text.

    Returns None to let the view run, or the JSON refusal a page's script asked for; raises otherwise.
    Nothing is read or written by the view, so nothing changes. Files are left to their importers,
    which refuse a NUL in their own words (a file is not a field the user typed).
    """
    errors: dict[str, dict[str, list[str]]] = {}
    message = unstorable_message()
    found = {
        "path": _bad_names(
            (name, value) for name, value in (request.view_args or {}).items() if isinstance(value, str)
        ),
        "query": _bad_names(request.args.items(multi=True)),
        "form": _bad_names(request.form.items(multi=True)) if request.mimetype in _FORM_TYPES else [],
    }
    for location, names in found.items():
        if names:
            errors[location] = {name: [message] for name in names}
    if not errors:
        return
    logger.info("unstorable text refused at %s: %s", request.path, ", ".join(sorted(errors)))
    if request.path.startswith("/api/"):
        abort(422, message=message, errors=errors)
    if request.accept_mimetypes.best == "application/json":  # a page's script (live logging) shows it
        fields = {name: messages for found_here in errors.values() for name, messages in found_here.items()}
        return jsonify({"message": message, "errors": fields}), 400
    raise UnstorableInput(
        description=_(
            "Nothing was saved: the text sent contains a character that cannot be stored (such as NUL)."
        )
    )
