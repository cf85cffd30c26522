"""Aggregating queries over dialogue conferences and their comments, pooled over a unit's subtree."""

from __future__ import annotations

from collections import Counter
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
    DialogueComment,
    DialogueConference,
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


def dialogue_stats(
    session: Session, unit: Unit, start: date, end: date, *, today: date, zone: ZoneInfo
) -> dict:
    """Conferences held in the unit's subtree between local days start..end and what became of their comments.

    Returns conferences held, comments by category and by department, the share answered on the spot,
    the share of written answers given by the deadline (of those answered or already due), overdue counts,
    and the comments forwarded to a competent body (outside every department's figures);
    `today` decides what is overdue, `zone` where local days begin.
    """
    low, high = utc_bounds(start, end, zone)
    held = (
        select(DialogueConference.id)
        .join(UnitClosure, UnitClosure.descendant_id == DialogueConference.host_unit_id)
        .where(
            UnitClosure.ancestor_id == unit.id,
            DialogueConference.state.in_(HELD_STATES),
            DialogueConference.held_at >= low,
            DialogueConference.held_at < high,
        )
    )
    conference_ids = list(session.scalars(held))
    rows = session.execute(
        select(
            DialogueComment.category,
            DialogueComment.department_id,
            DialogueComment.status,
            DialogueComment.due_on,
            DialogueComment.answered_on_spot,
            DialogueComment.answered_at,
            DialogueComment.forwarded_on,
        ).where(DialogueComment.conference_id.in_(conference_ids))
    ).all()
    by_category: Counter[str] = Counter()
    departments: dict[int, Counter[str]] = {}
    on_spot = written = answered = on_time = due = overdue = forwarded = forwarded_open = forwarded_late = 0
    for category, department_id, status, due_on, spot, answered_at, forwarded_on in rows:
        by_category[category] += 1
        if spot:
            on_spot += 1
            continue
        if forwarded_on is not None:  # the competent body's to answer, not the host department's
            forwarded += 1
            forwarded_open += status in OPEN_STATUSES
            forwarded_late += status in OPEN_STATUSES and due_on is not None and due_on < today
            continue
        if department_id is None:
            continue
        figures = departments.setdefault(department_id, Counter())
        written += 1
        figures["assigned"] += 1
        is_answered = status in WRITTEN_ANSWER_STATUSES
        answered_day = _local_day(answered_at, zone)
        timely = is_answered and due_on is not None and answered_day is not None and answered_day <= due_on
        is_due = is_answered or (due_on is not None and due_on < today)
        late_open = status in HOST_DUE_STATUSES and due_on is not None and due_on < today
        answered += is_answered
        on_time += timely
        due += is_due
        overdue += late_open
        figures["answered"] += is_answered
        figures["answered_on_time"] += timely
        figures["due"] += is_due
        figures["overdue"] += late_open
    units = {
        unit_id: (code, name)
        for unit_id, code, name in session.execute(
            select(Unit.id, Unit.code, Unit.name).where(Unit.id.in_(list(departments)))
        )
    }
    comments = len(rows)
    return {
        "conferences": len(conference_ids),
        "comments": comments,
        "by_category": dict(sorted(by_category.items())),
        "by_department": [
            {
                "unit": units[department_id][0],
                "name": units[department_id][1],
                "assigned": f["assigned"],
                "answered": f["answered"],
                "answered_on_time": f["answered_on_time"],
                "due": f["due"],
                "overdue": f["overdue"],
                "on_time_share": percent(f["answered_on_time"], f["due"]),
            }
            for department_id, f in sorted(departments.items(), key=lambda item: units[item[0]][0])
        ],
        "answered_on_spot": on_spot,
        "on_spot_share": percent(on_spot, comments),
        "written": written,
        "answered_in_writing": answered,
        "answered_in_writing_on_time": on_time,
        "written_due": due,
        "on_time_share": percent(on_time, due),
        "overdue": overdue,
        "forwarded": forwarded,
        "forwarded_awaiting_answer": forwarded_open,
        "forwarded_overdue": forwarded_late,
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
