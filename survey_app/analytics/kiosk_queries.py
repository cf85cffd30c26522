"""Aggregating queries over the kiosk roll-ups; pooled over a unit's subtree, flagged ratings excluded.

Pure of Flask and of the kiosk package: callers pass the session and the vocabulary (the configured level
codes, the satisfied ones) and the small-sample minimum.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app.analytics.rates import level_shares, satisfaction_rate
from survey_app.models import Unit, UnitClosure
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
