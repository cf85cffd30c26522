"""Expiring counters that every app server shares: Redis in production, memory on one process.

They live in the rate limits' storage (`RATELIMIT_STORAGE_URI`, the `limits` library), each app with its
own connection, under their own key prefix. Sign-in lock-outs count failures here, so several app
servers (and every worker of one) see the same counts.
"""

from __future__ import annotations

import logging
import time

from flask import Flask, current_app
from limits.storage import MemoryStorage, Storage, storage_from_string

logger = logging.getLogger(__name__)

EXTENSION_KEY = "survey_app.counters"
KEY_PREFIX = "survey_app"


def init_counters(app: Flask) -> None:
    """Open the app's counter storage (the same place as its rate limits)."""
    uri = app.config["RATELIMIT_STORAGE_URI"]
    options = {} if uri.startswith("memory") else {"key_prefix": KEY_PREFIX}
    app.extensions[EXTENSION_KEY] = storage_from_string(uri, **options)


def _storage() -> Storage:
    return current_app.extensions[EXTENSION_KEY]


def increment(key: str, expiry_seconds: float) -> int:
    """Add one to a counter and return it; a new counter expires after `expiry_seconds`."""
    return _storage().incr(key, max(1, int(expiry_seconds)))


def value(key: str) -> int:
    """A counter's value (0 when absent or expired)."""
    return _storage().get(key)


def seconds_left(key: str) -> float:
    """Seconds until a counter expires (0 when absent)."""
    if not value(key):
        return 0.0
    return max(0.0, _storage().get_expiry(key) - time.time())


def clear(key: str) -> None:
    """Remove a counter."""
    _storage().clear(key)


def reset_memory_counters(app: Flask) -> None:
    """Forget every counter of an app whose counters are in memory (tests start each case clean)."""
    storage = app.extensions.get(EXTENSION_KEY)
    if isinstance(storage, MemoryStorage):
        storage.reset()
