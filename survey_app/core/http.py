"""HTTP plumbing: trusted proxy hops, request bodies bounded even when chunked, error headers."""

from __future__ import annotations

import logging
import typing as t

from flask import Flask, Request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.utils import cached_property
from werkzeug.wsgi import LimitedStream, get_input_stream

logger = logging.getLogger(__name__)

# Headers an error carries that the client needs (405 → Allow, 401 → WWW-Authenticate, 429/503 →
# Retry-After); the body and its type are the error page's own.
_ERROR_HEADERS_KEPT = {"allow", "www-authenticate", "retry-after"}


class _StrictLimitedStream(LimitedStream):
    """A body read up to a maximum that answers 413 when more was sent, also when read all at once.

    Werkzeug's LimitedStream raises 413 when a reader asks for more after the maximum, but `read()` of
    the whole body stops silently at the maximum: a chunked body (no Content-Length) over the limit
    came out truncated, and the JSON parser then answered 400 for what is a 413.
    """

    def __init__(self, stream: t.IO[bytes], limit: int) -> None:
        super().__init__(stream, limit, is_max=True)
        self._source = stream

    def readall(self) -> bytes:
        """Everything up to the maximum; 413 if the client sent a byte more."""
        data = super().readall()
        if self.is_exhausted and self._source.read(1):
            raise RequestEntityTooLarge()
        return data


class BoundedRequest(Request):
    """Flask's request whose body stream enforces `max_content_length` for chunked bodies as well."""

    @cached_property
    def stream(self) -> t.IO[bytes]:
        """The WSGI input, at most `max_content_length` bytes whether or not a length was declared."""
        if self.shallow:
            raise RuntimeError(
                "This request was created with 'shallow=True', reading from the input stream is disabled."
            )
        limit = self.max_content_length
        # Raises 413 at once when a declared Content-Length is over the limit.
        stream = get_input_stream(self.environ, max_content_length=limit)
        if limit is not None and "wsgi.input_terminated" in self.environ:
            # The server ends the stream itself (chunked bodies): werkzeug wrapped it with the maximum.
            return _StrictLimitedStream(self.environ["wsgi.input"], limit)
        return stream


def error_headers(error: HTTPException) -> dict[str, str]:
    """The headers of an HTTP error that its answer must keep (Allow on a 405, say)."""
    return {name: value for name, value in error.get_headers() if name.lower() in _ERROR_HEADERS_KEPT}


def trust_proxies(app: Flask) -> None:
    """Believe X-Forwarded-For/-Proto/-Host from the configured number of proxies in front, no more.

    With 0 hops (the default) no forwarded header is believed: a client could name any address.
    """
    hops = {key: int(app.config[f"PROXY_FIX_X_{key.upper()}"]) for key in ("for", "proto", "host")}
    if any(hops.values()):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops["for"], x_proto=hops["proto"], x_host=hops["host"])
        logger.info("trusting proxy hops: for=%(for)d proto=%(proto)d host=%(host)d", hops)


def configure_http(app: Flask) -> None:
    """Bounded request bodies and trusted proxy hops."""
    app.request_class = BoundedRequest
    trust_proxies(app)
