"""Aggregating queries over dialogue conferences and their comments, pooled over a unit's subtree."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.models import Unit, UnitClosure
from survey_app.models.dialogue import (
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
    the share of written answers given by the deadline (of those answered or already due) and overdue counts;
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
        ).where(DialogueComment.conference_id.in_(conference_ids))
    ).all()
    by_category: Counter[str] = Counter()
    departments: dict[int, Counter[str]] = {}
    on_spot = written = answered = on_time = due = overdue = 0
    for category, department_id, status, due_on, spot, answered_at in rows:
        by_category[category] += 1
        if spot:
            on_spot += 1
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
        late_open = status in OPEN_STATUSES and due_on is not None and due_on < today
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
    }
