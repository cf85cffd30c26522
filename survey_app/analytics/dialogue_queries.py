"""Aggregating queries over dialogue conferences and their comments, pooled over a unit's subtree."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.analytics import pooling
from survey_app.models import Unit, UnitClosure
from survey_app.models import dialogue as dialogue_model
from survey_app.models.base import UTCDateTime
from survey_app.models.dialogue import (
    HOST_DUE_STATUSES,
    OPEN_STATUSES,
    CommentStatus,
    ConferenceState,
)

# A conference counts as held once it has opened.
HELD_STATES = (ConferenceState.in_session, ConferenceState.closed, ConferenceState.published)
WRITTEN_ANSWER_STATUSES = (CommentStatus.answered, CommentStatus.published)


def percent(part: int, whole: int) -> float | None:
    """part / whole × 100 rounded to one decimal; None when there is nothing to count."""
    return round(part * 100 / whole, 1) if whole else None


def utc_bounds(start: date, end: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants of local midnight at `start` and after `end` (end inclusive)."""
    low = datetime.combine(start, time(), zone)
    high = datetime.combine(end + timedelta(days=1), time(), zone)
    return low, high


def _local_day(moment: datetime | None, zone: ZoneInfo) -> date | None:
    if moment is None:
        return None
    if moment.tzinfo is None:  # naive values are UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).date()


@dataclass
class DepartmentTally:
    """Written answers a department owes: assigned, answered, answered by the deadline, due (answered or
    past the deadline) and overdue (still owed past the deadline)."""

    assigned: int = 0
    answered: int = 0
    answered_on_time: int = 0
    due: int = 0
    overdue: int = 0


@dataclass
class CommentTally:
    """What became of the comments of a period: the one count behind the API's stats and the dashboard."""

    comments: int = 0
    by_category: Counter = field(default_factory=Counter)
    # Key None: written answers the host owes with no department recorded (comments forwarded before the
    # forwarding day was kept, then marked in progress, are such); they count in every total, overdue too.
    departments: dict[int | None, DepartmentTally] = field(default_factory=dict)
    on_spot: int = 0
    written: int = 0
    answered: int = 0
    answered_on_time: int = 0
    due: int = 0
    overdue: int = 0
    forwarded: int = 0
    forwarded_open: int = 0
    forwarded_overdue: int = 0


def tally_comments(facts: Iterable[tuple], today: date, zone: ZoneInfo) -> CommentTally:
    """Count comment facts (those of `comment_facts`) by category, answer on the spot, written answer per
    department (due, on time, overdue on `today`) and forward to a competent body (against its own
    deadline, outside every department's figures); `zone` decides the local day of an answer."""
    tally = CommentTally()
    for category, department_id, status, due_on, spot, answered_at, forwarded_on in facts:
        tally.comments += 1
        tally.by_category[category] += 1
        if spot:
            tally.on_spot += 1
            continue
        past_due = due_on is not None and pooling.as_date(due_on) < today
        if forwarded_on is not None:  # the competent body's to answer, not the host department's
            tally.forwarded += 1
            tally.forwarded_open += status in OPEN_STATUSES
            tally.forwarded_overdue += status in OPEN_STATUSES and past_due
            continue
        if department_id is None and due_on is None:  # the response is still to be decided
            continue
        figures = tally.departments.setdefault(department_id, DepartmentTally())
        is_answered = status in WRITTEN_ANSWER_STATUSES
        answered_day = _local_day(answered_at, zone)
        timely = (
            is_answered
            and due_on is not None
            and answered_day is not None
            and answered_day <= pooling.as_date(due_on)
        )
        is_due = is_answered or past_due
        late_open = status in HOST_DUE_STATUSES and past_due
        figures.assigned += 1
        figures.answered += is_answered
        figures.answered_on_time += timely
        figures.due += is_due
        figures.overdue += late_open
        tally.written += 1
        tally.answered += is_answered
        tally.answered_on_time += timely
        tally.due += is_due
        tally.overdue += late_open
    return tally


def dialogue_stats(
    session: Session, unit: Unit, start: date, end: date, *, today: date, zone: ZoneInfo
) -> dict:
    """Conferences held in the unit's subtree between local days start..end and what became of their comments.

    Returns conferences held, comments by category and by department, the share answered on the spot,
    the share of written answers given by the deadline (of those answered or already due), overdue counts,
    and the comments forwarded to a competent body (outside every department's figures); `today` decides
    what is overdue, `zone` where local days begin. The counts are `tally_comments`', as the dashboard's.
    """
    low, high = utc_bounds(start, end, zone)
    tally = tally_comments(comment_facts(session, unit.id, low, high), today, zone)
    units = {
        unit_id: (code, name)
        for unit_id, code, name in session.execute(
            select(Unit.id, Unit.code, Unit.name).where(Unit.id.in_([d for d in tally.departments if d]))
        )
    }
    # the departments by code, then the answers owed with no department recorded (unit null)
    ordered = sorted(
        tally.departments.items(), key=lambda item: (item[0] is None, units.get(item[0], ("",))[0])
    )
    return {
        "conferences": subtree_conference_count(session, unit.id, low, high),
        "comments": tally.comments,
        "by_category": dict(sorted(tally.by_category.items())),
        "by_department": [
            {
                "unit": units[department_id][0] if department_id else None,
                "name": units[department_id][1] if department_id else None,
                "assigned": f.assigned,
                "answered": f.answered,
                "answered_on_time": f.answered_on_time,
                "due": f.due,
                "overdue": f.overdue,
                "on_time_share": percent(f.answered_on_time, f.due),
            }
            for department_id, f in ordered
        ],
        "answered_on_spot": tally.on_spot,
        "on_spot_share": percent(tally.on_spot, tally.comments),
        "written": tally.written,
        "answered_in_writing": tally.answered,
        "answered_in_writing_on_time": tally.answered_on_time,
        "written_due": tally.due,
        "on_time_share": percent(tally.answered_on_time, tally.due),
        "overdue": tally.overdue,
        "forwarded": tally.forwarded,
        "forwarded_awaiting_answer": tally.forwarded_open,
        "forwarded_overdue": tally.forwarded_overdue,
    }


# --- dashboard cubes ----------------------------------------------------------------------------


_conferences = dialogue_model.DialogueConference.__table__
_comments = dialogue_model.DialogueComment.__table__
_closure = pooling.closure
_FROM_UTC = sa.bindparam("start_utc", type_=UTCDateTime)
_UNTIL_UTC = sa.bindparam("end_utc", type_=UTCDateTime)
_TODAY = sa.bindparam("today", type_=sa.Date)
_HELD_IN_PERIOD = sa.and_(
    _conferences.c.state.in_(HELD_STATES),
    _conferences.c.held_at >= _FROM_UTC,
    _conferences.c.held_at < _UNTIL_UTC,
)
_HELD_UNDER_ROOT = sa.and_(pooling.under(_conferences.c.host_unit_id), _HELD_IN_PERIOD)
_HELD_UNDER_EACH = sa.and_(pooling.under_each(_conferences.c.host_unit_id), _HELD_IN_PERIOD)
_COMMENTS_OF_CONFERENCES = _comments.join(_conferences, _conferences.c.id == _comments.c.conference_id)

# Built once, with bind parameters (see analytics.pooling).
_CUBE_HELD_BY_HOST = sa.select(_conferences.c.host_unit_id, _conferences.c.held_at).where(
    _conferences.c.host_unit_id.in_(pooling.IDS), _HELD_IN_PERIOD
)
_CUBE_HELD_IN_SUBTREE = sa.select(sa.func.count()).select_from(_conferences.join(_closure, _HELD_UNDER_ROOT))
_CUBE_COMMENT_FACTS = sa.select(
    _comments.c.category,
    _comments.c.department_id,
    _comments.c.status,
    _comments.c.due_on,
    _comments.c.answered_on_spot,
    _comments.c.answered_at,
    _comments.c.forwarded_on,
).select_from(_COMMENTS_OF_CONFERENCES.join(_closure, _HELD_UNDER_ROOT))
_CUBE_OVERDUE = (
    sa.select(
        _conferences.c.title,
        pooling.units.c.name,
        _comments.c.number,
        _comments.c.category,
        _comments.c.department_id,
        _comments.c.due_on,
        _comments.c.forwarded_to,
    )
    .select_from(
        _COMMENTS_OF_CONFERENCES.join(_closure, _HELD_UNDER_ROOT).join(
            pooling.units, pooling.units.c.id == _conferences.c.host_unit_id
        )
    )
    .where(
        _comments.c.due_on < _TODAY,
        sa.or_(
            # the host's department is late …
            sa.and_(_comments.c.status.in_(HOST_DUE_STATUSES), _comments.c.forwarded_on.is_(None)),
            # … or the competent body a comment was forwarded to, against its own deadline
            sa.and_(_comments.c.status.in_(OPEN_STATUSES), _comments.c.forwarded_on.is_not(None)),
        ),
    )
    .order_by(_comments.c.due_on, _comments.c.number)
    .limit(500)
)
_CUBE_HELD_BY_ANCESTOR = (
    sa.select(_closure.c.ancestor_id, sa.func.count())
    .select_from(_conferences.join(_closure, _HELD_UNDER_EACH))
    .group_by(_closure.c.ancestor_id)
)
_CUBE_PUBLISHED_BY_ANCESTOR = (
    sa.select(_closure.c.ancestor_id, sa.func.count())
    .select_from(_COMMENTS_OF_CONFERENCES.join(_closure, _HELD_UNDER_EACH))
    .where(_comments.c.status == dialogue_model.CommentStatus.published)
    .group_by(_closure.c.ancestor_id)
)


def conferences_held(
    session: Session, unit_ids: list[int], start_utc: datetime, end_utc: datetime
) -> list[tuple[int, datetime]]:
    """(host unit id, held_at) of the conferences the given units held themselves in [start_utc, end_utc)."""
    if not unit_ids:
        return []
    params = {"ids": list(unit_ids), "start_utc": start_utc, "end_utc": end_utc}
    return [(int(u), h) for u, h in session.execute(_CUBE_HELD_BY_HOST, params)]


def subtree_conference_count(session: Session, root_id: int, start_utc: datetime, end_utc: datetime) -> int:
    """Conferences held anywhere in the subtree in [start_utc, end_utc)."""
    params = {"root_id": root_id, "start_utc": start_utc, "end_utc": end_utc}
    return int(session.scalar(_CUBE_HELD_IN_SUBTREE, params) or 0)


def comment_facts(session: Session, root_id: int, start_utc: datetime, end_utc: datetime) -> list[tuple]:
    """(category, department id, status, due_on, answered_on_spot, answered_at, forwarded_on) of the comments
    raised at conferences of the subtree in the period (no text: only what the figures need)."""
    params = {"root_id": root_id, "start_utc": start_utc, "end_utc": end_utc}
    return list(session.execute(_CUBE_COMMENT_FACTS, params))


def overdue_comments(
    session: Session, root_id: int, today: date, start_utc: datetime, end_utc: datetime
) -> list[tuple]:
    """(conference title, host unit name, number, category, department id, due_on, competent body) of open
    comments past their due date, oldest due first (at most 500); the competent body is "" unless the
    comment was forwarded and that body is late."""
    params = {"root_id": root_id, "today": today, "start_utc": start_utc, "end_utc": end_utc}
    return [
        (t, u, int(n), c, d, pooling.as_date(due), body or "")
        for t, u, n, c, d, due, body in session.execute(_CUBE_OVERDUE, params)
    ]


def dialogue_counts_by_ancestor(
    session: Session, ancestor_ids: list[int], start_utc: datetime, end_utc: datetime
) -> dict[int, tuple[int, int]]:
    """{ancestor id: (conferences held, written answers published)} over each subtree in the period."""
    if not ancestor_ids:
        return {}
    params = {"ancestor_ids": list(ancestor_ids), "start_utc": start_utc, "end_utc": end_utc}
    out: dict[int, list[int]] = {}
    for index, statement in enumerate((_CUBE_HELD_BY_ANCESTOR, _CUBE_PUBLISHED_BY_ANCESTOR)):
        for unit_id, n in session.execute(statement, params):
            out.setdefault(int(unit_id), [0, 0])[index] = int(n)
    return {unit_id: (held, published) for unit_id, (held, published) in out.items()}


def months_with_data(session: Session, root_id: int, zone: ZoneInfo) -> tuple[date, date] | None:
    """The first and the last local month (their first days) when the subtree's units held conferences."""
    conference = dialogue_model.DialogueConference
    first, last = session.execute(
        select(sa.func.min(conference.held_at), sa.func.max(conference.held_at))
        .join(UnitClosure, UnitClosure.descendant_id == conference.host_unit_id)
        .where(UnitClosure.ancestor_id == root_id)
    ).one()
    if first is None:
        return None
    return tuple(  # type: ignore[return-value]
        (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(zone).date().replace(day=1)
        for moment in (first, last)
    )
