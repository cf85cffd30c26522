"""Sign-in lock-out, counted per (client address, user name) and per address, the same for every name.

Whether a name exists changes nothing here: unknown names are counted and locked exactly like known
ones, so the answers tell no names apart. A lock holds for one address and name only, so a stranger
cannot lock a colleague out of their own desk, and it lasts at most LOGIN_LOCKOUT_MAX_SECONDS; an
address that fails too often whatever the names is locked as a whole (LOGIN_ADDRESS_MAX_ATTEMPTS).
The counts live in the shared counters (Redis in production), so every app server sees them.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from flask import current_app

from survey_app.core import counters

logger = logging.getLogger(__name__)

ROUNDS_MEMORY_SECONDS = 86400  # how long back-off remembers earlier lock rounds of a name
GENERATION_SECONDS = 2 * 86400  # outlives every counter it keys, so an unlock is never undone


@dataclass(frozen=True)
class Lock:
    """A refusal to check a password: how long it still holds."""

    seconds: float

    @property
    def minutes(self) -> int:
        """Whole minutes to wait, rounded up, at least 1."""
        return max(1, int(-(-self.seconds // 60)))


def _name_digest(username: str) -> str:
    """A fixed-length key part for a name (case-folded: Admin and admin are one name)."""
    return hashlib.sha256(username.strip().casefold().encode()).hexdigest()[:24]


def _keys(address: str | None, username: str) -> dict[str, str]:
    name = _name_digest(username)
    generation = counters.value(f"login:generation:{name}")  # bumped by an administrator's unlock
    pair = f"{generation}:{address or '-'}:{name}"
    return {
        "failures": f"login:failures:{pair}",
        "lock": f"login:lock:{pair}",
        "rounds": f"login:rounds:{pair}",
        "address": f"login:address-failures:{address or '-'}",
    }


def current_lock(address: str | None, username: str) -> Lock | None:
    """The lock on this address and name, or on the address as a whole, if one holds."""
    config = current_app.config
    keys = _keys(address, username)
    held = counters.seconds_left(keys["lock"])
    if counters.value(keys["address"]) >= config["LOGIN_ADDRESS_MAX_ATTEMPTS"]:
        held = max(held, counters.seconds_left(keys["address"]))
    return Lock(held) if held > 0 else None


def register_failure(address: str | None, username: str) -> Lock | None:
    """Count a failed sign-in; the lock it starts, if this failure was one too many."""
    config = current_app.config
    keys = _keys(address, username)
    window = config["LOGIN_LOCKOUT_SECONDS"]
    ceiling = config["LOGIN_LOCKOUT_MAX_SECONDS"]
    counters.increment(keys["address"], config["LOGIN_ADDRESS_WINDOW_SECONDS"])
    failures = counters.increment(keys["failures"], ceiling)
    if failures < config["LOGIN_MAX_ATTEMPTS"]:
        return None
    counters.clear(keys["failures"])
    rounds = counters.increment(keys["rounds"], ROUNDS_MEMORY_SECONDS)
    # Back-off doubles with every further round, up to the ceiling.
    seconds = min(window * 2 ** (rounds - 1), ceiling)
    counters.clear(keys["lock"])
    counters.increment(keys["lock"], seconds)
    logger.warning("sign-in locked for %d s for one address and name (round %d)", seconds, rounds)
    return Lock(seconds)


def register_success(address: str | None, username: str) -> None:
    """Forget this address and name's failures after a good sign-in."""
    keys = _keys(address, username)
    for kind in ("failures", "rounds", "lock"):
        counters.clear(keys[kind])


def lift(username: str) -> None:
    """An administrator's unlock: every lock and count of this name, from every address, ends."""
    counters.increment(f"login:generation:{_name_digest(username)}", GENERATION_SECONDS)
