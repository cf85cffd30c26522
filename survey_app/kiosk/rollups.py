"""The six kiosk roll-ups: increments from rating rows, updates on a flag change, and the rebuild with drift.

The database trigger `kiosk_rating_rollups` (migration 0006) adds every counted rating as it is
inserted; a flag review moves a rating in or out here (apply_to_rollups), and `flask kiosk
rebuild-rollup` recomputes every table from the raw ratings, reporting any drift.
"""

from __future__ import annotations

import logging
from collections import Counter as Tally
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import String, and_, cast, delete, func, select

from survey_app.analytics import kiosk_pooled
from survey_app.extensions import db
from survey_app.kiosk import statements
from survey_app.models.kiosk import (
    FlagState,
    KioskHeat,
    KioskRating,
    KioskReasonMonth,
    KioskRollup,
    KioskRollupMonth,
    KioskUnitDay,
    KioskUnitMonth,
)

logger = logging.getLogger(__name__)

COUNTED_STATES = (FlagState.none, FlagState.cleared)
ROLLUP_KEYS = {
    KioskRollup: ("day", "unit_id", "counter_id", "staff_id", "field_id", "level"),
    KioskRollupMonth: ("month", "unit_id", "counter_id", "staff_id", "field_id", "level"),
    KioskUnitDay: ("day", "unit_id", "level"),
    KioskUnitMonth: ("month", "unit_id", "level"),
    KioskHeat: ("month", "unit_id", "weekday", "hour", "level"),
    KioskReasonMonth: ("month", "unit_id", "reason"),
}


def rollup_counts(rows: Iterable[dict]) -> dict[type, Tally]:
    """The roll-up increments a set of rating rows makes, per roll-up table (`n` ratings per row, else 1)."""
    tallies: dict[type, Tally] = {model: Tally() for model in ROLLUP_KEYS}
    for row in rows:
        n = row.get("n", 1)
        day: date = row["local_day"]
        month = day.replace(day=1)
        unit, level = row["unit_id"], row["level"]
        fine = (unit, row["counter_id"] or 0, row["staff_id"] or 0, row["field_id"] or 0, level)
        tallies[KioskRollup][(day, *fine)] += n
        tallies[KioskRollupMonth][(month, *fine)] += n
        tallies[KioskUnitDay][(day, unit, level)] += n
        tallies[KioskUnitMonth][(month, unit, level)] += n
        tallies[KioskHeat][(month, unit, day.weekday(), row["local_hour"], level)] += n
        for reason in row["reasons"] or ():
            tallies[KioskReasonMonth][(month, unit, reason)] += n
    return tallies


def _upsert(model, keys: tuple[str, ...]):
    """INSERT … ON CONFLICT (keys) DO UPDATE SET n = n + excluded.n."""
    statement = statements.dialect_insert(model)
    return statement.on_conflict_do_update(
        index_elements=list(keys), set_={"n": model.__table__.c.n + statement.excluded.n}
    )


def apply_to_rollups(rows: list[dict], sign: int) -> None:
    """Add (sign +1) or remove (sign -1) rating rows from every roll-up, by upsert."""
    if not rows:
        return
    tallies = rollup_counts(rows)
    # Whatever its month, the summaries per ancestor above it no longer hold (analytics.kiosk_pooled).
    kiosk_pooled.touch(db.session, {(unit, month) for month, unit, _level in tallies[KioskUnitMonth]})
    for model, tally in tallies.items():
        if not tally:
            continue
        keys = ROLLUP_KEYS[model]
        table = model.__table__
        # Sorted keys give concurrent transactions the same lock order (no deadlocks on PostgreSQL).
        values = [dict(zip(keys, key, strict=True), n=sign * n) for key, n in sorted(tally.items())]
        statements.run(
            f"upsert_{table.name}",
            lambda model=model, keys=keys: _upsert(model, keys),
            values if len(values) > 1 else values[0],
        )
        if sign < 0:
            for key in tally:
                db.session.execute(
                    delete(table).where(
                        and_(*(table.c[k] == v for k, v in zip(keys, key, strict=True))), table.c.n <= 0
                    )
                )


def rating_row(rating: KioskRating) -> dict:
    """The roll-up-relevant values of a stored rating."""
    return {
        "local_day": rating.local_day,
        "local_hour": rating.local_hour,
        "unit_id": rating.unit_id,
        "counter_id": rating.counter_id,
        "staff_id": rating.staff_id,
        "field_id": rating.field_id,
        "level": rating.level,
        "reasons": rating.reasons,
    }


def counted_rows_from_database() -> list:
    """Roll-up-relevant values of every counted rating, aggregated in SQL where it can be."""
    table = KioskRating.__table__
    grouped = (
        table.c.local_day,
        table.c.local_hour,
        table.c.unit_id,
        table.c.counter_id,
        table.c.staff_id,
        table.c.field_id,
        table.c.level,
    )
    counted = table.c.flag_state.in_([s.value for s in COUNTED_STATES])
    return db.session.execute(
        select(*grouped, func.count().label("n")).where(counted).group_by(*grouped)
    ).all()


def expected_rollups() -> dict[type, Tally]:
    """What every roll-up table should hold, computed from the raw ratings."""
    table = KioskRating.__table__
    tallies = rollup_counts({**g._mapping, "reasons": None} for g in counted_rows_from_database())
    # Reasons live in a JSON list; only ratings that carry some are read.
    with_reasons = db.session.execute(
        select(table.c.local_day, table.c.unit_id, table.c.reasons).where(
            table.c.flag_state.in_([s.value for s in COUNTED_STATES]),
            func.length(cast(table.c.reasons, String)) > 2,
        )
    )
    for day, unit_id, reasons in with_reasons:
        for reason in reasons or ():
            tallies[KioskReasonMonth][(day.replace(day=1), unit_id, reason)] += 1
    return tallies


def current_rollups() -> dict[type, Tally]:
    """What the roll-up tables hold now."""
    tallies: dict[type, Tally] = {}
    for model, keys in ROLLUP_KEYS.items():
        table = model.__table__
        tallies[model] = Tally(
            {
                tuple(row[:-1]): row[-1]
                for row in db.session.execute(select(*(table.c[k] for k in keys), table.c.n))
            }
        )
    return tallies


@dataclass
class RebuildReport:
    """What a roll-up rebuild found and did."""

    drift: dict[str, int]  # table -> number of keys whose count differed
    rows: dict[str, int]  # table -> rows written

    @property
    def drifted(self) -> bool:
        """Whether any roll-up was out of step."""
        return any(self.drift.values())


def rebuild_rollups() -> RebuildReport:
    """Recompute every roll-up from the raw ratings, reporting any drift; the caller commits."""
    expected = expected_rollups()
    current = current_rollups()
    drift, written = {}, {}
    for model, keys in ROLLUP_KEYS.items():
        want, have = expected[model], current[model]
        drift[model.__tablename__] = sum(
            1 for key in set(want) | set(have) if want.get(key, 0) != have.get(key, 0)
        )
        db.session.execute(delete(model.__table__))
        rows = [dict(zip(keys, key, strict=True), n=n) for key, n in want.items() if n]
        statements.bulk_insert(model.__table__, rows)
        written[model.__tablename__] = len(rows)
    kiosk_pooled.clear(db.session)
    report = RebuildReport(drift=drift, rows=written)
    for table, keys in report.drift.items():
        if keys:
            logger.warning(
                "kiosk roll-up %s was out of step in %d keys; rebuilt from the ratings", table, keys
            )
    if not report.drifted:
        logger.info("kiosk roll-ups rebuilt, all in step")
    return report
