"""What a dashboard shows: the unit (checked against the user's scope), the period, its time buckets, the
SIPAS channel and campaign; with the defaults used when a value is missing or does not hold together."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from survey_app.analytics import dialogue_queries, kiosk_queries
from survey_app.analytics.periods import months_back, next_month
from survey_app.auth.permissions import in_scope, scope_root
from survey_app.core import clock
from survey_app.extensions import db
from survey_app.models import Unit, User
from survey_app.org.services import get_unit_by_code, unit_picker_rows

GRANULARITIES = ("day", "week", "month")
DEFAULT_GRANULARITY = "month"


class DashboardError(ValueError):
    """A dashboard request that cannot be answered; the message is translated."""


class UnitNotFound(DashboardError):
    """An unknown unit, or one outside the user's subtree (both are "not found": no hint of what exists)."""


@dataclass
class Filters:
    """What a dashboard shows: a unit, a period, a time bucket and (SIPAS) a channel and campaign."""

    unit: Unit
    start: date
    end: date
    granularity: str = DEFAULT_GRANULARITY
    channel: str = ""
    campaign: str = ""

    def args(self, **changes) -> dict[str, str]:
        """The query string of these filters (for links and downloads)."""
        values = {
            "unit": self.unit.code,
            "start": self.start.strftime("%d/%m/%Y"),
            "end": self.end.strftime("%d/%m/%Y"),
            "granularity": self.granularity,
        }
        if self.channel:
            values["channel"] = self.channel
        if self.campaign:
            values["campaign"] = self.campaign
        values.update(changes)
        return values


def default_period(today: date, data_months: tuple[date, date] | None = None) -> tuple[date, date]:
    """The period a dashboard opens on: the last twelve full months, narrowed to the months holding data.

    `data_months` are the first and the last month (first days) with data for the unit. Months before the
    first are left out (no column of "not enough sample"); when the data stopped earlier, the twelve months
    end with its last month; when the only data is this month's, the period is this month up to today.
    """
    this_month = today.replace(day=1)
    end = this_month - timedelta(days=1)
    if data_months is not None:
        first, last = data_months
        if first >= this_month:
            return this_month, today
        if last < end.replace(day=1):
            end = next_month(last) - timedelta(days=1)
        return max(months_back(end, 11), first), end
    return months_back(end, 11), end


def kiosk_data_months(unit: Unit) -> tuple[date, date] | None:
    """The first and last month with kiosk ratings under the unit (the kiosk view and the report)."""
    return kiosk_queries.months_with_data(db.session, unit.id)


def dialogue_data_months(unit: Unit) -> tuple[date, date] | None:
    """The first and last month with dialogue conferences under the unit."""
    return dialogue_queries.months_with_data(db.session, unit.id, clock.local_zone())


_TOP_UNIT = sa.select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.code).limit(1)


def default_unit(user: User) -> Unit:
    """The unit a user's dashboards open on: their own, or the top of the tree for admins."""
    root = scope_root(user)
    if root is not None:
        return db.session.get(Unit, root)
    return db.session.scalar(_TOP_UNIT) or db.session.get(Unit, user.unit_id)


def resolve_unit(code: str | None, user: User) -> Unit:
    """The unit of a code (the user's default unit when none is given); UnitNotFound outside their scope."""
    code = (code or "").strip()
    unit = get_unit_by_code(code) if code else default_unit(user)
    if unit is None or not in_scope(user, unit.id):
        raise UnitNotFound(_("No unit %(code)s in your scope.", code=code))
    return unit


def unit_choices(user: User, current: Unit) -> list[tuple[str, str]]:
    """The filter's unit picker around the current unit, indented, as (code, label)."""
    rows = unit_picker_rows(scope_root(user), current)
    return [(code, "\u2003" * min(level, 6) + name) for code, name, level in rows]


def resolve_filters(
    unit: Unit,
    *,
    start: date | None = None,
    end: date | None = None,
    granularity: str | None = None,
    channel: str | None = None,
    campaign: str | None = None,
    data_months: tuple[date, date] | None = None,
) -> Filters:
    """The filters of a view from checked values; a missing or backward period is the default one (which
    holds the view's data, given as the first and last month with data)."""
    default_start, default_end = default_period(clock.today(), data_months)
    start, end = start or default_start, end or default_end
    if end < start:
        start, end = default_start, default_end
    return Filters(
        unit=unit,
        start=start,
        end=end,
        granularity=granularity if granularity in GRANULARITIES else DEFAULT_GRANULARITY,
        channel=channel or "",
        campaign=campaign or "",
    )


# --- time buckets of the trend charts --------------------------------------------------------


def bucket_of(day: date, granularity: str) -> date:
    """The first day of the bucket (day, ISO week or month) that a day falls in."""
    if granularity == "week":
        return day - timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    return day


def bucket_label(first: date, granularity: str) -> str:
    """How a bucket is named on the axis."""
    if granularity == "month":
        return first.strftime("%m/%Y")
    if granularity == "week":
        return _("Week of %(day)s", day=first.strftime("%d/%m/%Y"))
    return first.strftime("%d/%m/%Y")


def buckets(start: date, end: date, granularity: str) -> list[date]:
    """Every bucket of the period, empty ones included (so gaps show as gaps)."""
    out: list[date] = []
    cursor = bucket_of(start, granularity)
    while cursor <= end:
        out.append(cursor)
        if granularity == "month":
            cursor = next_month(cursor)
        elif granularity == "week":
            cursor += timedelta(days=7)
        else:
            cursor += timedelta(days=1)
    return out
