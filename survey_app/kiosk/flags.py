"""Why a new rating is stored but set aside (a flag); flagged ratings count once an admin clears them.

The rules: an unknown civil servant, a time in the future or too far in the past, a press too soon
after another of the same device. Reviews of flags are in kiosk.review.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app

from survey_app.kiosk.items import Candidate
from survey_app.models.kiosk import Flag

FUTURE_TOLERANCE = timedelta(minutes=5)  # how far a device clock may run ahead of the server's


def min_interval() -> timedelta:
    """Presses of one device closer together than this are flagged (KIOSK_MIN_INTERVAL_SECONDS)."""
    return timedelta(seconds=float(current_app.config["KIOSK_MIN_INTERVAL_SECONDS"]))


def max_age() -> timedelta:
    """Ratings older than this when they arrive are flagged (KIOSK_MAX_AGE_DAYS)."""
    return timedelta(days=float(current_app.config["KIOSK_MAX_AGE_DAYS"]))


@dataclass(frozen=True, slots=True)
class FlagRules:
    """The flag rules at the moment a batch is written."""

    latest: datetime  # later than this: from the future
    oldest: datetime  # earlier than this: implausibly old

    @classmethod
    def at(cls, now: datetime) -> FlagRules:
        """The rules for ratings arriving at `now`."""
        return cls(latest=now + FUTURE_TOLERANCE, oldest=now - max_age())

    def flag(self, rated_at: datetime, *, staff_known: bool, too_close: bool) -> Flag | None:
        """The flag of a new rating, if any: the first of the rules that applies."""
        if not staff_known:
            return Flag.unknown_staff
        if rated_at > self.latest:
            return Flag.future
        if rated_at < self.oldest:
            return Flag.too_old
        if too_close:
            return Flag.too_close
        return None


def too_close(stored: list[datetime], candidates: list[Candidate]) -> set[str]:
    """UUIDs of one device's candidates pressed too soon after (or before) another press of it.

    `stored` holds the device's stored presses around the candidates' times; candidates are judged
    by rated_at, against the stored ones and each other.
    """
    gap = min_interval()
    if gap <= timedelta(0):
        return set()
    stored = sorted(stored)
    flagged: set[str] = set()
    for candidate in sorted(candidates, key=lambda c: c.rated_at):
        moment = candidate.rated_at
        index = bisect.bisect_left(stored, moment - gap)
        if index < len(stored) and stored[index] < moment + gap and abs(stored[index] - moment) < gap:
            flagged.add(candidate.uuid)
        bisect.insort(stored, moment)
    return flagged
