"""Aggregating SQL behind the dashboards: every figure comes from the roll-up tables of the data contract.

The roll-ups are read through lightweight table descriptions (names fixed by CONVENTIONS.md) so this
module depends on the contract, not on another feature's classes. Pooled subtree figures join
`unit_closure` on descendant_id = unit_id and filter or group by ancestor_id.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from survey_app.models.base import UTCDateTime

closure = sa.table("unit_closure", sa.column("ancestor_id"), sa.column("descendant_id"), sa.column("depth"))
unit_t = sa.table("unit", sa.column("id"), sa.column("parent_id"), sa.column("code"), sa.column("name"))

kiosk_rollup = sa.table(
    "kiosk_rollup",
    *(sa.column(c) for c in ("day", "unit_id", "counter_id", "staff_id", "field_id", "level", "n")),
)
kiosk_rollup_month = sa.table(
    "kiosk_rollup_month",
    *(sa.column(c) for c in ("month", "unit_id", "counter_id", "staff_id", "field_id", "level", "n")),
)
kiosk_unit_day = sa.table("kiosk_unit_day", *(sa.column(c) for c in ("day", "unit_id", "level", "n")))
kiosk_unit_month = sa.table("kiosk_unit_month", *(sa.column(c) for c in ("month", "unit_id", "level", "n")))
kiosk_heat = sa.table(
    "kiosk_heat", *(sa.column(c) for c in ("month", "unit_id", "weekday", "hour", "level", "n"))
)
kiosk_reason_month = sa.table(
    "kiosk_reason_month", *(sa.column(c) for c in ("month", "unit_id", "reason", "n"))
)
kiosk_rating = sa.table(
    "kiosk_rating",
    *(
        sa.column(c)
        for c in ("unit_id", "counter_id", "staff_id", "field_id", "level", "rated_at", "flag_state")
    ),
)


# Statements on a dashboard's path are built once, here, with bind parameters: building a SELECT and its
# cache key costs SQLAlchemy 0.2–0.5 ms, more than most of these queries take in the database.
ROOT = sa.bindparam("root_id", type_=sa.Integer)
ANCESTORS = sa.bindparam("ancestor_ids", expanding=True, type_=sa.Integer)
START = sa.bindparam("start", type_=sa.Date)
END = sa.bindparam("end", type_=sa.Date)


# --- periods --------------------------------------------------------------------------------


def month_start(day: date) -> date:
    """The first day of a date's month."""
    return day.replace(day=1)


def next_month(day: date) -> date:
    """The first day of the following month."""
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def split_period(start: date, end: date) -> tuple[list[date], list[tuple[date, date]]]:
    """Whole months inside [start, end] (read from the month roll-up) and the edge day ranges left over."""
    months: list[date] = []
    edges: list[tuple[date, date]] = []
    cursor = start
    while cursor <= end:
        following = next_month(cursor)
        if cursor.day == 1 and following - timedelta(days=1) <= end:
            months.append(cursor)
            cursor = following
        else:
            stop = min(end, following - timedelta(days=1))
            edges.append((cursor, stop))
            cursor = stop + timedelta(days=1)
    return months, edges


def months_touching(start: date, end: date) -> tuple[date, date]:
    """The first days of the first and last months the period touches (monthly roll-ups)."""
    return month_start(start), month_start(end)


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of the same length just before [start, end]."""
    length = (end - start).days + 1
    return start - timedelta(days=length), start - timedelta(days=1)


# --- kiosk ----------------------------------------------------------------------------------


def _under(table, root=ROOT):
    """Join condition + filter: facts of the units in the subtree of the root_id parameter."""
    return sa.and_(closure.c.descendant_id == table.c.unit_id, closure.c.ancestor_id == root)


def _pooled(table, period, *keys):
    """(*keys, level, n) of a roll-up pooled over the subtree of ROOT, for periods between START and END."""
    return (
        sa.select(*keys, table.c.level, sa.func.sum(table.c.n))
        .select_from(table.join(closure, _under(table)))
        .where(period.between(START, END))
        .group_by(*keys, table.c.level)
    )


_COUNTS_BY_DAY = _pooled(kiosk_unit_day, kiosk_unit_day.c.day, kiosk_unit_day.c.day)
_COUNTS_BY_MONTH = _pooled(kiosk_unit_month, kiosk_unit_month.c.month, kiosk_unit_month.c.month)


def kiosk_counts_by_day(
    session: Session, root_id: int, start: date, end: date
) -> list[tuple[date, str, int]]:
    """(day, level, n) pooled over a subtree, per day of the period."""
    rows = session.execute(_COUNTS_BY_DAY, {"root_id": root_id, "start": start, "end": end})
    return [(_as_date(d), str(lv), int(n)) for d, lv, n in rows]


def kiosk_counts_by_month(
    session: Session, root_id: int, months: Sequence[date]
) -> list[tuple[date, str, int]]:
    """(month, level, n) pooled over a subtree for whole months."""
    if not months:
        return []
    rows = session.execute(_COUNTS_BY_MONTH, {"root_id": root_id, "start": min(months), "end": max(months)})
    return [(_as_date(m), str(lv), int(n)) for m, lv, n in rows]


def kiosk_counts_by_period(
    session: Session, root_id: int, start: date, end: date
) -> list[tuple[date, str, int]]:
    """(day or month start, level, n): whole months from the month roll-up, edge days from the day roll-up."""
    months, edges = split_period(start, end)
    rows = kiosk_counts_by_month(session, root_id, months)
    for first, last in edges:
        rows += kiosk_counts_by_day(session, root_id, first, last)
    return rows


def _period_reads(start: date, end: date, by_month, by_day) -> list[tuple]:
    """(statement, first, last) reads covering [start, end]: whole months by month, the edge days by day."""
    months, edges = split_period(start, end)
    reads = [(by_month, min(months), max(months))] if months else []
    return reads + [(by_day, first, last) for first, last in edges]


def _by_ancestor(table, period):
    """(ancestor id, level, n) of a unit roll-up for each of ANCESTORS' subtrees, between START and END."""
    return (
        sa.select(closure.c.ancestor_id, table.c.level, sa.func.sum(table.c.n))
        .select_from(table.join(closure, closure.c.descendant_id == table.c.unit_id))
        .where(closure.c.ancestor_id.in_(ANCESTORS), period.between(START, END))
        .group_by(closure.c.ancestor_id, table.c.level)
    )


_BY_ANCESTOR_MONTHS = _by_ancestor(kiosk_unit_month, kiosk_unit_month.c.month)
_BY_ANCESTOR_DAYS = _by_ancestor(kiosk_unit_day, kiosk_unit_day.c.day)


def kiosk_counts_by_ancestor(
    session: Session, ancestor_ids: Sequence[int], start: date, end: date
) -> list[tuple[int, str, int]]:
    """(ancestor unit id, level, n): pooled figures of several subtrees at once (e.g. each child unit)."""
    if not ancestor_ids:
        return []
    parts = _period_reads(start, end, _BY_ANCESTOR_MONTHS, _BY_ANCESTOR_DAYS)
    totals: dict[tuple[int, str], int] = {}
    for statement, first, last in parts:
        params = {"ancestor_ids": list(ancestor_ids), "start": first, "end": last}
        for unit_id, level, n in session.execute(statement, params):
            key = (int(unit_id), str(level))
            totals[key] = totals.get(key, 0) + int(n)
    return [(unit_id, level, n) for (unit_id, level), n in totals.items()]


def _fine(table, period):
    """(counter, staff, field, level, n) of a fine cube pooled over a subtree, between START and END."""
    return _pooled(table, period, table.c.counter_id, table.c.staff_id, table.c.field_id)


_FINE_MONTHS = _fine(kiosk_rollup_month, kiosk_rollup_month.c.month)
_FINE_DAYS = _fine(kiosk_rollup, kiosk_rollup.c.day)


def kiosk_fine_counts(
    session: Session, root_id: int, start: date, end: date
) -> list[tuple[int, int, int, str, int]]:
    """(counter_id, staff_id, field_id, level, n) over a subtree; 0 means "none".

    Whole months come from the monthly fine cube, the edge days from the daily one.
    """
    parts = _period_reads(start, end, _FINE_MONTHS, _FINE_DAYS)
    totals: dict[tuple[int, int, int, str], int] = {}
    for statement, first, last in parts:
        for c, st, f, lv, n in session.execute(statement, {"root_id": root_id, "start": first, "end": last}):
            key = (int(c or 0), int(st or 0), int(f or 0), str(lv))
            totals[key] = totals.get(key, 0) + int(n)
    return [(*key, n) for key, n in totals.items()]


_SUBTREE_SIZE = sa.select(sa.func.count()).where(closure.c.ancestor_id == ROOT)


def subtree_size(session: Session, root_id: int) -> int:
    """Units in a subtree, the root included."""
    return int(session.scalar(_SUBTREE_SIZE, {"root_id": root_id}) or 0)


_HEAT = _pooled(kiosk_heat, kiosk_heat.c.month, kiosk_heat.c.weekday, kiosk_heat.c.hour)


def kiosk_heat_counts(
    session: Session, root_id: int, first_month: date, last_month: date
) -> list[tuple[int, int, str, int]]:
    """(weekday 0=Monday, hour, level, n) over whole months."""
    rows = session.execute(_HEAT, {"root_id": root_id, "start": first_month, "end": last_month})
    return [(int(w), int(h), str(lv), int(n)) for w, h, lv, n in rows]


_REASON_TOTAL = sa.func.sum(kiosk_reason_month.c.n)
_REASONS = (
    sa.select(kiosk_reason_month.c.reason, _REASON_TOTAL)
    .select_from(kiosk_reason_month.join(closure, _under(kiosk_reason_month)))
    .where(kiosk_reason_month.c.month.between(START, END))
    .group_by(kiosk_reason_month.c.reason)
    .order_by(_REASON_TOTAL.desc())
)


def kiosk_reason_counts(
    session: Session, root_id: int, first_month: date, last_month: date
) -> list[tuple[str, int]]:
    """(reason code, n) of dissatisfied ratings over whole months, most frequent first."""
    rows = session.execute(_REASONS, {"root_id": root_id, "start": first_month, "end": last_month})
    return [(str(r), int(n)) for r, n in rows]


_CHILDREN = (
    sa.select(unit_t.c.id, unit_t.c.code, unit_t.c.name)
    .where(unit_t.c.parent_id == ROOT)
    .order_by(unit_t.c.name)
)


def child_units(session: Session, unit_id: int) -> list[tuple[int, str, str]]:
    """(id, code, name) of a unit's direct children, by name."""
    return [(int(i), str(c), str(n)) for i, c, n in session.execute(_CHILDREN, {"root_id": unit_id})]


def _as_date(value) -> date:
    """SQLite hands dates back as text in some aggregate queries."""
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


# --- SIPAS ----------------------------------------------------------------------------------

sipas_campaign = sa.table(
    "sipas_campaign",
    *(sa.column(c) for c in ("id", "code", "name", "questionnaire", "start_on", "end_on", "state")),
)
sipas_campaign_unit = sa.table(
    "sipas_campaign_unit", *(sa.column(c) for c in ("campaign_id", "unit_id", "target"))
)
sipas_count = sa.table(
    "sipas_count",
    *(sa.column(c) for c in ("campaign_id", "unit_id", "channel", "question_code", "value", "n")),
)
sipas_unit_n = sa.table("sipas_unit_n", *(sa.column(c) for c in ("campaign_id", "unit_id", "channel", "n")))


def sipas_campaigns_for(session: Session, root_id: int) -> list[tuple[int, str, str, str, date, str]]:
    """(id, code, name, version, start_on, state) of the campaigns of units in the subtree, newest first."""
    in_subtree = (
        sa.select(sipas_campaign_unit.c.campaign_id)
        .select_from(sipas_campaign_unit.join(closure, _under(sipas_campaign_unit, root_id)))
        .union(
            sa.select(sipas_unit_n.c.campaign_id).select_from(
                sipas_unit_n.join(closure, _under(sipas_unit_n, root_id))
            )
        )
    )
    q = (
        sa.select(
            sipas_campaign.c.id,
            sipas_campaign.c.code,
            sipas_campaign.c.name,
            sipas_campaign.c.questionnaire,
            sipas_campaign.c.start_on,
            sipas_campaign.c.state,
        )
        .where(sipas_campaign.c.id.in_(in_subtree))
        .order_by(sipas_campaign.c.start_on.desc(), sipas_campaign.c.id.desc())
    )
    return [
        (int(i), str(c), str(n), str(v), _as_date(s), str(st)) for i, c, n, v, s, st in session.execute(q)
    ]


def sipas_counts_by_ancestor(
    session: Session,
    campaign_ids: Sequence[int],
    ancestor_ids: Sequence[int],
    codes: Sequence[str] | None = None,
    channel: str = "",
) -> dict[tuple[int, int], dict[str, dict[int, int]]]:
    """{(campaign id, ancestor id): {question: {value: n}}}: answer counts pooled over each subtree."""
    if not campaign_ids or not ancestor_ids:
        return {}
    q = (
        sa.select(
            sipas_count.c.campaign_id,
            closure.c.ancestor_id,
            sipas_count.c.question_code,
            sipas_count.c.value,
            sa.func.sum(sipas_count.c.n),
        )
        .select_from(sipas_count.join(closure, closure.c.descendant_id == sipas_count.c.unit_id))
        .where(
            sipas_count.c.campaign_id.in_(list(campaign_ids)), closure.c.ancestor_id.in_(list(ancestor_ids))
        )
        .group_by(
            sipas_count.c.campaign_id, closure.c.ancestor_id, sipas_count.c.question_code, sipas_count.c.value
        )
    )
    if codes is not None:
        q = q.where(sipas_count.c.question_code.in_(list(codes)))
    if channel:
        q = q.where(sipas_count.c.channel == channel)
    out: dict[tuple[int, int], dict[str, dict[int, int]]] = {}
    for campaign_id, unit_id, code, value, n in session.execute(q):
        if n:
            out.setdefault((int(campaign_id), int(unit_id)), {}).setdefault(str(code), {})[int(value)] = int(
                n
            )
    return out


def sipas_responses_by_ancestor(
    session: Session, campaign_ids: Sequence[int], ancestor_ids: Sequence[int], channel: str = ""
) -> dict[tuple[int, int], dict[str, int]]:
    """{(campaign id, ancestor id): {channel: responses}} pooled over each subtree."""
    if not campaign_ids or not ancestor_ids:
        return {}
    q = (
        sa.select(
            sipas_unit_n.c.campaign_id,
            closure.c.ancestor_id,
            sipas_unit_n.c.channel,
            sa.func.sum(sipas_unit_n.c.n),
        )
        .select_from(sipas_unit_n.join(closure, closure.c.descendant_id == sipas_unit_n.c.unit_id))
        .where(
            sipas_unit_n.c.campaign_id.in_(list(campaign_ids)), closure.c.ancestor_id.in_(list(ancestor_ids))
        )
        .group_by(sipas_unit_n.c.campaign_id, closure.c.ancestor_id, sipas_unit_n.c.channel)
    )
    if channel:
        q = q.where(sipas_unit_n.c.channel == channel)
    out: dict[tuple[int, int], dict[str, int]] = {}
    for campaign_id, unit_id, ch, n in session.execute(q):
        out.setdefault((int(campaign_id), int(unit_id)), {})[str(ch)] = int(n or 0)
    return out


def sipas_targets_by_ancestor(
    session: Session, campaign_id: int, ancestor_ids: Sequence[int]
) -> dict[int, int]:
    """{ancestor id: summed sample target of the campaign's participating units in its subtree}."""
    if not ancestor_ids:
        return {}
    q = (
        sa.select(closure.c.ancestor_id, sa.func.sum(sipas_campaign_unit.c.target))
        .select_from(
            sipas_campaign_unit.join(closure, closure.c.descendant_id == sipas_campaign_unit.c.unit_id)
        )
        .where(
            sipas_campaign_unit.c.campaign_id == campaign_id, closure.c.ancestor_id.in_(list(ancestor_ids))
        )
        .group_by(closure.c.ancestor_id)
    )
    return {int(u): int(t or 0) for u, t in session.execute(q)}


# --- dialogue -------------------------------------------------------------------------------

dialogue_conference = sa.table(
    "dialogue_conference",
    *(sa.column(c) for c in ("id", "host_unit_id", "title", "state")),
    sa.column("held_at", UTCDateTime),
)
dialogue_comment = sa.table(
    "dialogue_comment",
    *(
        sa.column(c)
        for c in (
            "id",
            "conference_id",
            "number",
            "category",
            "department_id",
            "status",
            "answered_on_spot",
        )
    ),
    sa.column("due_on", sa.Date),
    sa.column("answered_at", UTCDateTime),
)
HELD_STATES = ("in_session", "closed", "published")
OPEN_COMMENT_STATES = ("assigned", "forwarded", "in_progress")
ANSWERED_STATES = ("answered", "published")


def _held_in(root_id: int, start_utc, end_utc):
    """Conferences held by units of the subtree in [start_utc, end_utc)."""
    return sa.and_(
        closure.c.descendant_id == dialogue_conference.c.host_unit_id,
        closure.c.ancestor_id == root_id,
        dialogue_conference.c.state.in_(HELD_STATES),
        dialogue_conference.c.held_at >= start_utc,
        dialogue_conference.c.held_at < end_utc,
    )


def conferences_held(
    session: Session, unit_ids: Sequence[int], start_utc, end_utc
) -> list[tuple[int, object]]:
    """(host unit id, held_at) of the conferences the given units held themselves in the period."""
    if not unit_ids:
        return []
    q = sa.select(dialogue_conference.c.host_unit_id, dialogue_conference.c.held_at).where(
        dialogue_conference.c.host_unit_id.in_(list(unit_ids)),
        dialogue_conference.c.state.in_(HELD_STATES),
        dialogue_conference.c.held_at >= start_utc,
        dialogue_conference.c.held_at < end_utc,
    )
    return [(int(u), h) for u, h in session.execute(q)]


def subtree_conference_count(session: Session, root_id: int, start_utc, end_utc) -> int:
    """Conferences held anywhere in the subtree in the period."""
    q = sa.select(sa.func.count()).select_from(
        dialogue_conference.join(closure, _held_in(root_id, start_utc, end_utc))
    )
    return int(session.scalar(q) or 0)


def comment_facts(session: Session, root_id: int, start_utc, end_utc) -> list[tuple]:
    """(category, department id, status, due_on, answered_on_spot, answered_at) of the comments raised at
    conferences of the subtree in the period (no text: only what the figures need)."""
    q = sa.select(
        dialogue_comment.c.category,
        dialogue_comment.c.department_id,
        dialogue_comment.c.status,
        dialogue_comment.c.due_on,
        dialogue_comment.c.answered_on_spot,
        dialogue_comment.c.answered_at,
    ).select_from(
        dialogue_comment.join(
            dialogue_conference, dialogue_conference.c.id == dialogue_comment.c.conference_id
        ).join(closure, _held_in(root_id, start_utc, end_utc))
    )
    return list(session.execute(q))


def overdue_comments(session: Session, root_id: int, today: date, start_utc, end_utc) -> list[tuple]:
    """(conference title, host unit name, number, category, department id, due_on) of open comments past
    their due date, oldest due first."""
    q = (
        sa.select(
            dialogue_conference.c.title,
            unit_t.c.name,
            dialogue_comment.c.number,
            dialogue_comment.c.category,
            dialogue_comment.c.department_id,
            dialogue_comment.c.due_on,
        )
        .select_from(
            dialogue_comment.join(
                dialogue_conference, dialogue_conference.c.id == dialogue_comment.c.conference_id
            )
            .join(closure, _held_in(root_id, start_utc, end_utc))
            .join(unit_t, unit_t.c.id == dialogue_conference.c.host_unit_id)
        )
        .where(dialogue_comment.c.status.in_(OPEN_COMMENT_STATES), dialogue_comment.c.due_on < today)
        .order_by(dialogue_comment.c.due_on, dialogue_comment.c.number)
        .limit(500)
    )
    return [(t, u, int(n), c, d, _as_date(due)) for t, u, n, c, d, due in session.execute(q)]


def unit_names(session: Session, ids: Sequence[int]) -> dict[int, str]:
    """{id: name} of some units."""
    if not ids:
        return {}
    q = sa.select(unit_t.c.id, unit_t.c.name).where(unit_t.c.id.in_(list(ids)))
    return {int(i): str(n) for i, n in session.execute(q)}


def dialogue_counts_by_ancestor(
    session: Session, ancestor_ids: Sequence[int], start_utc, end_utc
) -> dict[int, tuple[int, int]]:
    """{ancestor id: (conferences held, written answers published)} over each subtree in the period."""
    if not ancestor_ids:
        return {}
    held = sa.and_(
        closure.c.descendant_id == dialogue_conference.c.host_unit_id,
        closure.c.ancestor_id.in_(list(ancestor_ids)),
        dialogue_conference.c.state.in_(HELD_STATES),
        dialogue_conference.c.held_at >= start_utc,
        dialogue_conference.c.held_at < end_utc,
    )
    conferences = sa.select(closure.c.ancestor_id, sa.func.count()).select_from(
        dialogue_conference.join(closure, held)
    )
    answers = (
        sa.select(closure.c.ancestor_id, sa.func.count())
        .select_from(
            dialogue_comment.join(
                dialogue_conference, dialogue_conference.c.id == dialogue_comment.c.conference_id
            ).join(closure, held)
        )
        .where(dialogue_comment.c.status == "published")
    )
    out: dict[int, list[int]] = {}
    for index, query in enumerate((conferences, answers)):
        for unit_id, n in session.execute(query.group_by(closure.c.ancestor_id)):
            out.setdefault(int(unit_id), [0, 0])[index] = int(n)
    return {unit_id: (c, a) for unit_id, (c, a) in out.items()}
