"""Aggregating queries over dossiers: pooled subtree figures from the count cubes, the rating link by code.

Every function takes a SQLAlchemy session first and plain values (unit ids, dates, level codes), so a
dashboard view calls them directly with its filters. Pooled figures join `unit_closure` on
descendant_id = unit_id and filter (or group by) ancestor_id: a parent's figures are sums over its
subtree's dossiers, never averages of its children's averages.

Periods: whole months are read from `dossier_month` (`dossier_procedure_month` for procedure figures),
edge days from `dossier_day`; with a procedure or field filter the edge days come from the dossiers
themselves (the day cube has neither: a commune's day would be split into cells of one or two). Kiosk ratings
are linked to dossiers by code when a figure is asked for, starting from the dossiers some rating carries
the code of (`dossier.rated`, kept by a trigger and by the import, so a rating that arrived before its
dossier counts as soon as the dossier is imported); flagged ratings (not counted by the kiosk) are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from survey_app.analytics.dossier_scoring import add_measures
from survey_app.analytics.periods import split_period
from survey_app.models import Unit, UnitClosure
from survey_app.models.dossiers import (
    INDICATORS,
    MEASURES,
    Dossier,
    DossierDay,
    DossierMonth,
    DossierProcedure,
    DossierProcedureMonth,
)
from survey_app.models.kiosk import FlagState, KioskRating

closure = UnitClosure.__table__
dossier = Dossier.__table__
day_cube = DossierDay.__table__
month_cube = DossierMonth.__table__
procedure_cube = DossierProcedureMonth.__table__
rating = KioskRating.__table__
COUNTED = (FlagState.none.value, FlagState.cleared.value)


def _as_date(value) -> date:
    """SQLite hands dates back as text in aggregate queries."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _sums(table) -> list:
    """SUM of every measure column of a cube."""
    return [sa.func.sum(table.c[m]) for m in MEASURES]


def _raw_sums() -> list:
    """The cube measures computed from dossiers themselves (returned ones)."""
    d = dossier.c
    when = [
        sa.func.sum(sa.case((d.returned_day < d.due_day, 1), else_=0)),
        sa.func.sum(sa.case((d.returned_day == d.due_day, 1), else_=0)),
        sa.func.sum(sa.case((d.returned_day > d.due_day, 1), else_=0)),
    ]
    return [
        sa.func.count(),
        *when,
        *(sa.func.coalesce(sa.func.sum(d[f"s{i}"]), 0) for i in INDICATORS),
        *(sa.func.count(d[f"s{i}"]) for i in INDICATORS),
    ]


def _under(table, ancestor_ids: Sequence[int]):
    """Join condition: facts of units in the subtrees of the ancestors."""
    condition = closure.c.descendant_id == table.c.unit_id
    if len(ancestor_ids) == 1:
        return sa.and_(condition, closure.c.ancestor_id == ancestor_ids[0])
    return sa.and_(condition, closure.c.ancestor_id.in_(list(ancestor_ids)))


def _reads(start: date, end: date, procedure_id: int | None, field_id: int | None = None):
    """(source, first, last) parts covering [start, end]: whole months from 'month' ('procedure' with a
    procedure filter), edge days from 'day' ('raw' with a procedure or field filter)."""
    months, edges = split_period(start, end)
    parts = [("procedure" if procedure_id else "month", min(months), max(months))] if months else []
    return parts + [("raw" if procedure_id or field_id else "day", first, last) for first, last in edges]


def _measures_query(source: str, ancestor_ids, first: date, last: date, field_id, procedure_id, keys):
    """One read of the measures grouped by `keys` (callables of the table giving columns)."""
    if source == "raw":
        table, period, sums = dossier, dossier.c.returned_day, _raw_sums()
    elif source == "day":
        table, period, sums = day_cube, day_cube.c.day, _sums(day_cube)
    elif source == "procedure":
        table, period, sums = procedure_cube, procedure_cube.c.month, _sums(procedure_cube)
    else:
        table, period, sums = month_cube, month_cube.c.month, _sums(month_cube)
    columns = [key(table) for key in keys]
    query = (
        sa.select(*columns, *sums)
        .select_from(table.join(closure, _under(table, ancestor_ids)))
        .where(period.between(first, last))
    )
    if field_id:
        query = query.where(table.c.field_id == field_id)
    if procedure_id:
        query = query.where(table.c.procedure_id == procedure_id)
    return query.group_by(*columns) if columns else query


def _collect(
    session: Session, start, end, ancestor_ids, field_id, procedure_id, keys, by_field: bool = False
) -> dict[tuple, dict]:
    """{key tuple: measures} over the period, parts added up (by_field: keys name the field)."""
    out: dict[tuple, dict[str, int]] = {}
    for source, first, last in _reads(start, end, procedure_id, field_id or by_field):
        query = _measures_query(source, ancestor_ids, first, last, field_id, procedure_id, keys)
        for row in session.execute(query):
            key = tuple(row[: len(keys)])
            if row[len(keys)] is None:
                continue
            add_measures(out.setdefault(key, {}), row[len(keys) :], MEASURES)
    return out


def period_measures(
    session: Session,
    root_id: int,
    start: date,
    end: date,
    *,
    field_id: int | None = None,
    procedure_id: int | None = None,
) -> dict[str, int]:
    """Pooled measures of a subtree's dossiers returned in [start, end] (see models.dossiers.MEASURES)."""
    return _collect(session, start, end, [root_id], field_id, procedure_id, []).get((), {})


def measures_by_ancestor(
    session: Session, ancestor_ids: Sequence[int], start: date, end: date, *, field_id: int | None = None
) -> dict[int, dict[str, int]]:
    """{unit id: pooled measures} of several subtrees at once (a unit and each of its children)."""
    if not ancestor_ids:
        return {}
    found = _collect(
        session, start, end, list(ancestor_ids), field_id, None, [lambda t: closure.c.ancestor_id]
    )
    return {int(key[0]): measures for key, measures in found.items()}


def measures_by_month(
    session: Session,
    root_id: int,
    start: date,
    end: date,
    *,
    field_id: int | None = None,
    procedure_id: int | None = None,
) -> dict[date, dict[str, int]]:
    """{first day of month: pooled measures}: timeliness and scores over time (edge months partial)."""
    out: dict[date, dict[str, int]] = {}
    for source, first, last in _reads(start, end, procedure_id, field_id):
        if source in ("month", "procedure"):
            key = [lambda t: t.c.month]
        else:
            column = dossier.c.returned_day if source == "raw" else day_cube.c.day
            key = [lambda t, column=column: column]
        query = _measures_query(source, [root_id], first, last, field_id, procedure_id, key)
        for row in session.execute(query):
            if row[1] is None:
                continue
            add_measures(out.setdefault(_as_date(row[0]).replace(day=1), {}), row[1:], MEASURES)
    return dict(sorted(out.items()))


def measures_by_day(
    session: Session, root_id: int, start: date, end: date, *, field_id: int | None = None
) -> dict[date, dict[str, int]]:
    """{local day: pooled measures}: daily and weekly series (from the dossiers with a field filter)."""
    source = "raw" if field_id else "day"
    key = dossier.c.returned_day if field_id else day_cube.c.day
    query = _measures_query(source, [root_id], start, end, field_id, None, [lambda t: key])
    out: dict[date, dict[str, int]] = {}
    for row in session.execute(query):
        add_measures(out.setdefault(_as_date(row[0]), {}), row[1:], MEASURES)
    return dict(sorted(out.items()))


def measures_by_procedure(
    session: Session, root_id: int, start: date, end: date, *, field_id: int | None = None
) -> dict[int, dict[str, int]]:
    """{procedure id: pooled measures} over the months the period touches (exact for whole months)."""
    first, last = start.replace(day=1), end.replace(day=1)
    query = _measures_query("procedure", [root_id], first, last, field_id, None, [lambda t: t.c.procedure_id])
    return {
        int(row[0]): dict(zip(MEASURES, (int(v or 0) for v in row[1:]), strict=True))
        for row in session.execute(query)
    }


def measures_by_field(session: Session, root_id: int, start: date, end: date) -> dict[int, dict[str, int]]:
    """{procedure field id: pooled measures} over the period."""
    found = _collect(session, start, end, [root_id], None, None, [lambda t: t.c.field_id], by_field=True)
    return {int(key[0]): measures for key, measures in found.items()}


# --- in progress now -----------------------------------------------------------------------------------


def open_counts(
    session: Session,
    ancestor_ids: Sequence[int],
    received_by: date,
    today: date,
    *,
    field_id: int | None = None,
    procedure_id: int | None = None,
) -> dict[int, tuple[int, int]]:
    """{ancestor id: (in progress, overdue)}: dossiers received by `received_by` and not returned now,
    and those of them whose due day is before today (read from the partial index of open dossiers)."""
    if not ancestor_ids:
        return {}
    d = dossier.c
    query = (
        sa.select(
            closure.c.ancestor_id,
            sa.func.count(),
            sa.func.sum(sa.case((d.due_day < today, 1), else_=0)),
        )
        .select_from(dossier.join(closure, _under(dossier, ancestor_ids)))
        .where(d.returned_at.is_(None), d.received_day <= received_by)
        .group_by(closure.c.ancestor_id)
    )
    if field_id:
        query = query.where(d.field_id == field_id)
    if procedure_id:
        query = query.where(d.procedure_id == procedure_id)
    return {int(a): (int(n), int(late or 0)) for a, n, late in session.execute(query)}


# --- citizens' voice: kiosk ratings linked by dossier code ----------------------------------------------


def _linked(ancestor_ids: Sequence[int], start: date, end: date, field_id, procedure_id):
    """Returned dossiers of the subtrees in the period joined to their counted kiosk ratings."""
    d = dossier.c
    query = dossier.join(closure, _under(dossier, ancestor_ids)).join(
        rating, sa.and_(rating.c.dossier_code == d.code, rating.c.dossier_code.is_not(None))
    )
    # only rated dossiers (partial index ix_dossier_rated): joining every returned dossier of a province's
    # quarter to every rating carrying a code took seconds at ten million dossiers
    conditions = [d.rated, d.returned_day.between(start, end), rating.c.flag_state.in_(COUNTED)]
    if field_id:
        conditions.append(d.field_id == field_id)
    if procedure_id:
        conditions.append(d.procedure_id == procedure_id)
    return query, conditions


def rating_link(
    session: Session,
    ancestor_ids: Sequence[int],
    start: date,
    end: date,
    satisfied_levels: Iterable[str],
    *,
    field_id: int | None = None,
    procedure_id: int | None = None,
    by: str = "ancestor",
) -> dict[int, tuple[int, int, int]]:
    """{ancestor id (or procedure id with by="procedure"): (rated dossiers, ratings, satisfied ratings)}
    over the dossiers returned in [start, end]."""
    if not ancestor_ids:
        return {}
    join, conditions = _linked(ancestor_ids, start, end, field_id, procedure_id)
    key = closure.c.ancestor_id if by == "ancestor" else dossier.c.procedure_id
    satisfied = sa.func.sum(sa.case((rating.c.level.in_(sorted(satisfied_levels)), 1), else_=0))
    query = (
        sa.select(key, sa.func.count(sa.distinct(dossier.c.code)), sa.func.count(), satisfied)
        .select_from(join)
        .where(*conditions)
        .group_by(key)
    )
    return {int(k): (int(rated), int(n), int(happy or 0)) for k, rated, n, happy in session.execute(query)}


def ratings_of_dossier(session: Session, code: str) -> list[tuple]:
    """(rated_at, level, flag_state, unit_id, comment) of every kiosk rating carrying a dossier code."""
    query = (
        sa.select(rating.c.rated_at, rating.c.level, rating.c.flag_state, rating.c.unit_id, rating.c.comment)
        .where(rating.c.dossier_code == code, rating.c.dossier_code.is_not(None))
        .order_by(rating.c.rated_at)
    )
    return list(session.execute(query))


# --- lists ---------------------------------------------------------------------------------------------


def procedure_names(session: Session, ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """{procedure id: (code, name)}."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    table = DossierProcedure.__table__
    query = sa.select(table.c.id, table.c.code, table.c.name).where(table.c.id.in_(wanted))
    return {int(i): (str(c), str(n)) for i, c, n in session.execute(query)}


def late_dossiers(session: Session, root_id: int, start: date, end: date, limit: int = 50) -> list[tuple]:
    """(code, unit name, procedure name, due_day, returned_day) of dossiers returned after their due day
    in the period, latest first (at most `limit`)."""
    d = dossier.c
    units, procedures = Unit.__table__, DossierProcedure.__table__
    query = (
        sa.select(d.code, units.c.name, procedures.c.name, d.due_day, d.returned_day)
        .select_from(
            dossier.join(closure, _under(dossier, [root_id]))
            .join(units, units.c.id == d.unit_id)
            .join(procedures, procedures.c.id == d.procedure_id)
        )
        .where(d.returned_day.between(start, end), d.returned_day > d.due_day)
        .order_by(d.returned_day.desc(), d.code)
        .limit(limit)
    )
    return [(c, u, p, _as_date(due), _as_date(ret)) for c, u, p, due, ret in session.execute(query)]


def raw_period_measures(session: Session, root_id: int, start: date, end: date) -> dict[str, int]:
    """The same figures as period_measures, by a GROUP BY over the dossiers themselves (checks, benches)."""
    query = _measures_query("raw", [root_id], start, end, None, None, [])
    row = session.execute(query).one()
    return (
        {} if row[0] is None or not row[0] else dict(zip(MEASURES, (int(v or 0) for v in row), strict=True))
    )


# --- the dossiers dashboard ----------------------------------------------------------------------------


def months_with_data(session: Session, root_id: int) -> tuple[date, date] | None:
    """The first and last month (first days) with returned dossiers under a unit, from the month cube."""
    query = (
        sa.select(sa.func.min(month_cube.c.month), sa.func.max(month_cube.c.month))
        .select_from(month_cube.join(closure, _under(month_cube, [root_id])))
        .where(month_cube.c.n_returned > 0)
    )
    first, last = session.execute(query).one()
    if first is None:
        return None
    return _as_date(first), _as_date(last)


def measures_by_procedure_exact(
    session: Session, root_id: int, start: date, end: date
) -> dict[int, dict[str, int]]:
    """{procedure id: pooled measures} of the dossiers returned in [start, end] exactly (whole months from
    the procedure cube, edge days from the dossiers)."""
    out: dict[int, dict[str, int]] = {}
    for source, first, last in _reads(start, end, procedure_id=1):
        query = _measures_query(source, [root_id], first, last, None, None, [lambda t: t.c.procedure_id])
        for row in session.execute(query):
            if row[1] is None:
                continue
            add_measures(out.setdefault(int(row[0]), {}), row[1:], MEASURES)
    return out


def open_at(session: Session, root_id: int, days: Sequence[date]) -> dict[date, tuple[int, int]]:
    """{day: (in progress, overdue)} at the end of each day: dossiers of the subtree received by it and not
    returned by it, and those of them whose due day was before it (one query for every day)."""
    if not days:
        return {}
    d = dossier.c
    columns = []
    for day in days:
        still_open = sa.and_(d.received_day <= day, sa.or_(d.returned_day.is_(None), d.returned_day > day))
        columns.append(sa.func.sum(sa.case((still_open, 1), else_=0)))
        columns.append(sa.func.sum(sa.case((sa.and_(still_open, d.due_day < day), 1), else_=0)))
    query = (
        sa.select(*columns)
        .select_from(dossier.join(closure, _under(dossier, [root_id])))
        .where(
            d.received_day <= max(days),
            sa.or_(d.returned_day.is_(None), d.returned_day > min(days)),
        )
    )
    row = session.execute(query).one()
    return {day: (int(row[2 * i] or 0), int(row[2 * i + 1] or 0)) for i, day in enumerate(days)}
