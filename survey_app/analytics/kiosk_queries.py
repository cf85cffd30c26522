"""Aggregating queries over the kiosk roll-ups; pooled over a unit's subtree, flagged ratings excluded.

Pure of Flask and of the kiosk package: callers pass the session and the vocabulary (the configured level
codes, the satisfied ones) and the small-sample minimum.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app.analytics import kiosk_pooled, pooling
from survey_app.analytics.periods import next_month, split_period
from survey_app.analytics.rates import level_shares, satisfaction_rate
from survey_app.models import Unit, UnitClosure
from survey_app.models import kiosk as kiosk_model
from survey_app.models.kiosk import FlagState, KioskRating, KioskUnitDay


def level_counts(session: Session, unit: Unit, start: date, end: date) -> dict[str, int]:
    """Counted ratings per level for the unit's subtree, local days start..end inclusive."""
    rows = session.execute(
        select(KioskUnitDay.level, func.sum(KioskUnitDay.n))
        .join(UnitClosure, UnitClosure.descendant_id == KioskUnitDay.unit_id)
        .where(UnitClosure.ancestor_id == unit.id, KioskUnitDay.day >= start, KioskUnitDay.day <= end)
        .group_by(KioskUnitDay.level)
    ).all()
    return {level: int(n) for level, n in rows}


def excluded_count(session: Session, unit: Unit, start: date, end: date) -> int:
    """Ratings of the subtree in the period set aside by a flag (flagged or confirmed)."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(KioskRating)
            .join(UnitClosure, UnitClosure.descendant_id == KioskRating.unit_id)
            .where(
                UnitClosure.ancestor_id == unit.id,
                KioskRating.local_day >= start,
                KioskRating.local_day <= end,
                KioskRating.flag_state.in_([FlagState.flagged, FlagState.confirmed]),
            )
        )
        or 0
    )


def kiosk_stats(
    session: Session,
    unit: Unit,
    start: date,
    end: date,
    *,
    level_codes: Sequence[str],
    satisfied_levels: Iterable[str],
    min_n: int,
) -> dict:
    """n, counts and shares per level, satisfaction rate (with a 95% Wilson interval) for a subtree.

    Shares, rate and interval are withheld (None, `suppressed` true) below `min_n` ratings, by the rule
    of the dashboards (analytics.rates).
    """
    counts = level_counts(session, unit, start, end)
    codes = list(level_codes)
    for code in counts:  # levels of an earlier level set still count
        if code not in codes:
            codes.append(code)
    full = {code: counts.get(code, 0) for code in codes}
    rate = satisfaction_rate(full, satisfied_levels, min_n)
    interval = rate.interval
    return {
        "n": rate.n,
        "counts": full,
        "shares": level_shares(full, codes, min_n),
        "satisfaction_rate": rate.value,
        "satisfaction_interval": list(interval) if interval else None,
        "suppressed": rate.suppressed,
        "min_n": min_n,
        "excluded_flagged": excluded_count(session, unit, start, end),
    }


# --- dashboard cubes ----------------------------------------------------------------------------
# The kiosk dashboard's reads of the roll-ups.


_fine_days = kiosk_model.KioskRollup.__table__
_fine_months = kiosk_model.KioskRollupMonth.__table__
_unit_days = kiosk_model.KioskUnitDay.__table__
_unit_months = kiosk_model.KioskUnitMonth.__table__
_heat = kiosk_model.KioskHeat.__table__
_reasons = kiosk_model.KioskReasonMonth.__table__

# Built once, with bind parameters (see analytics.pooling).
_CUBE_BY_DAY = pooling.pooled(_unit_days, _unit_days.c.day, _unit_days.c.day)
_CUBE_BY_MONTH = pooling.pooled(_unit_months, _unit_months.c.month, _unit_months.c.month)
_CUBE_BY_ANCESTOR_MONTHS = pooling.by_ancestor(_unit_months, _unit_months.c.month)
_CUBE_BY_ANCESTOR_DAYS = pooling.by_ancestor(_unit_days, _unit_days.c.day)


def _cube_fine(table, period):
    """(counter, staff, field, level, n) of a fine cube pooled over a subtree, between START and END."""
    return pooling.pooled(table, period, table.c.counter_id, table.c.staff_id, table.c.field_id)


_CUBE_FINE_MONTHS = _cube_fine(_fine_months, _fine_months.c.month)
_CUBE_FINE_DAYS = _cube_fine(_fine_days, _fine_days.c.day)
_CUBE_HEAT = pooling.pooled(_heat, _heat.c.month, _heat.c.weekday, _heat.c.hour)
_CUBE_REASON_TOTAL = sa.func.sum(_reasons.c.n)
_CUBE_REASONS = (
    sa.select(_reasons.c.reason, _CUBE_REASON_TOTAL)
    .select_from(_reasons.join(pooling.closure, pooling.under(_reasons.c.unit_id)))
    .where(_reasons.c.month.between(pooling.START, pooling.END))
    .group_by(_reasons.c.reason)
    .order_by(_CUBE_REASON_TOTAL.desc())
)


def kiosk_counts_by_day(
    session: Session, root_id: int, start: date, end: date
) -> list[tuple[date, str, int]]:
    """(day, level, n) pooled over a subtree, per day of the period."""
    rows = session.execute(_CUBE_BY_DAY, {"root_id": root_id, "start": start, "end": end})
    return [(pooling.as_date(d), str(lv), int(n)) for d, lv, n in rows]


def kiosk_counts_by_month(
    session: Session, root_id: int, months: list[date], *, settled_before: date | None = None
) -> list[tuple[date, str, int]]:
    """(month, level, n) pooled over a subtree for whole months.

    With `settled_before`, months before it come from the summaries per ancestor (analytics.kiosk_pooled).
    """
    if not months:
        return []
    if settled_before is not None and kiosk_pooled.summarised(session, [root_id]):
        rows = kiosk_pooled.month_levels(session, [root_id], months, settled_before)
        return [(month, level, n) for _a, month, level, n in rows]
    params = {"root_id": root_id, "start": min(months), "end": max(months)}
    return [(pooling.as_date(m), str(lv), int(n)) for m, lv, n in session.execute(_CUBE_BY_MONTH, params)]


def kiosk_counts_by_period(
    session: Session, root_id: int, start: date, end: date, *, settled_before: date | None = None
) -> list[tuple[date, str, int]]:
    """(day or month start, level, n): whole months from the month roll-up, edge days from the day roll-up."""
    months, edges = split_period(start, end)
    rows = kiosk_counts_by_month(session, root_id, months, settled_before=settled_before)
    for first, last in edges:
        rows += kiosk_counts_by_day(session, root_id, first, last)
    return rows


def kiosk_counts_by_ancestor(
    session: Session, ancestor_ids: list[int], start: date, end: date, *, settled_before: date | None = None
) -> list[tuple[int, str, int]]:
    """(ancestor unit id, level, n): pooled figures of several subtrees at once (e.g. each child unit).

    With `settled_before`, the whole months before it come from the summaries per ancestor.
    """
    if not ancestor_ids:
        return []
    reads = pooling.period_reads(start, end, _CUBE_BY_ANCESTOR_MONTHS, _CUBE_BY_ANCESTOR_DAYS)
    totals: dict[tuple[int, str], int] = {}
    large = kiosk_pooled.summarised(session, ancestor_ids) if settled_before is not None else set()
    small = [unit_id for unit_id in ancestor_ids if unit_id not in large]
    if large:
        months, _edges = split_period(start, end)
        summaries = kiosk_pooled.month_levels(session, sorted(large), months, settled_before)
        for unit_id, _m, level, n in summaries:
            totals[(unit_id, level)] = totals.get((unit_id, level), 0) + n
    for statement, first, last in reads:
        ids = list(ancestor_ids) if statement is not _CUBE_BY_ANCESTOR_MONTHS else small
        if not ids:
            continue
        params = {"ancestor_ids": ids, "start": first, "end": last}
        for unit_id, level, n in session.execute(statement, params):
            key = (int(unit_id), str(level))
            totals[key] = totals.get(key, 0) + int(n)
    return [(unit_id, level, n) for (unit_id, level), n in totals.items()]


def kiosk_fine_counts(
    session: Session, root_id: int, start: date, end: date
) -> list[tuple[int, int, int, str, int]]:
    """(counter_id, staff_id, field_id, level, n) over a subtree; 0 means "none".

    Whole months come from the monthly fine cube, the edge days from the daily one.
    """
    totals: dict[tuple[int, int, int, str], int] = {}
    for statement, first, last in pooling.period_reads(start, end, _CUBE_FINE_MONTHS, _CUBE_FINE_DAYS):
        for c, st, f, lv, n in session.execute(statement, {"root_id": root_id, "start": first, "end": last}):
            key = (int(c or 0), int(st or 0), int(f or 0), str(lv))
            totals[key] = totals.get(key, 0) + int(n)
    return [(*key, n) for key, n in totals.items()]


def kiosk_heat_counts(
    session: Session, root_id: int, first_month: date, last_month: date
) -> list[tuple[int, int, str, int]]:
    """(weekday 0=Monday, hour, level, n) over whole months."""
    rows = session.execute(_CUBE_HEAT, {"root_id": root_id, "start": first_month, "end": last_month})
    return [(int(w), int(h), str(lv), int(n)) for w, h, lv, n in rows]


def kiosk_reason_counts(
    session: Session, root_id: int, first_month: date, last_month: date, *, settled_before: date | None = None
) -> list[tuple[str, int]]:
    """(reason code, n) of dissatisfied ratings over whole months, most frequent first.

    With `settled_before`, months before it come from the summaries per ancestor.
    """
    if settled_before is not None and kiosk_pooled.summarised(session, [root_id]):
        months, month = [], first_month
        while month <= last_month:
            months.append(month)
            month = next_month(month)
        totals: dict[str, int] = {}
        for _a, _m, reason, n in kiosk_pooled.month_reasons(session, [root_id], months, settled_before):
            totals[reason] = totals.get(reason, 0) + n
        return sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    rows = session.execute(_CUBE_REASONS, {"root_id": root_id, "start": first_month, "end": last_month})
    return [(str(r), int(n)) for r, n in rows]


def months_with_data(session: Session, root_id: int) -> tuple[date, date] | None:
    """The first and the last month (their first days) holding kiosk ratings in a unit's subtree."""
    first, last = session.execute(_MONTHS_WITH_DATA, {"root_id": root_id}).one()
    return (pooling.as_date(first), pooling.as_date(last)) if first is not None else None


def _unit_month_edge(edge) -> sa.ScalarSelect:
    """The first or last month of one descendant: an index probe, not a read of all its months."""
    months = kiosk_model.KioskUnitMonth
    return select(edge(months.month)).where(months.unit_id == UnitClosure.descendant_id).scalar_subquery()


# Per descendant the first and last month, then their min and max: at national scale (thousands of
# units, two years of months) two probes per unit instead of reading every row of the subtree.
_MONTHS_WITH_DATA = select(func.min(_unit_month_edge(func.min)), func.max(_unit_month_edge(func.max))).where(
    UnitClosure.ancestor_id == sa.bindparam("root_id")
)
