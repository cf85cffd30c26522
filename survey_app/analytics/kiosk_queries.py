"""Aggregating queries over the kiosk roll-ups; pooled over a unit's subtree, flagged ratings excluded."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from survey_app.analytics.rates import level_shares, satisfaction_rate, total, wilson_interval
from survey_app.extensions import db
from survey_app.kiosk.levels import level_codes, satisfied_levels
from survey_app.models import Unit, UnitClosure
from survey_app.models.kiosk import FlagState, KioskRating, KioskUnitDay


def level_counts(unit: Unit, start: date, end: date) -> dict[str, int]:
    """Counted ratings per level for the unit's subtree, local days start..end inclusive."""
    rows = db.session.execute(
        select(KioskUnitDay.level, func.sum(KioskUnitDay.n))
        .join(UnitClosure, UnitClosure.descendant_id == KioskUnitDay.unit_id)
        .where(UnitClosure.ancestor_id == unit.id, KioskUnitDay.day >= start, KioskUnitDay.day <= end)
        .group_by(KioskUnitDay.level)
    ).all()
    return {level: int(n) for level, n in rows}


def excluded_count(unit: Unit, start: date, end: date) -> int:
    """Ratings of the subtree in the period set aside by a flag (flagged or confirmed)."""
    return int(
        db.session.scalar(
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


def kiosk_stats(unit: Unit, start: date, end: date) -> dict:
    """n, counts and shares per level, satisfaction rate (with a 95% Wilson interval) for a subtree."""
    counts = level_counts(unit, start, end)
    codes = level_codes()
    for code in counts:  # levels of an earlier level set still count
        if code not in codes:
            codes.append(code)
    full = {code: counts.get(code, 0) for code in codes}
    n = total(full)
    satisfied = satisfied_levels()
    rate = satisfaction_rate(full, satisfied, min_n=1)
    interval = wilson_interval(rate.satisfied, n)
    return {
        "n": n,
        "counts": full,
        "shares": level_shares(full, codes, min_n=1),
        "satisfaction_rate": rate.value,
        "satisfaction_interval": list(interval) if interval else None,
        "excluded_flagged": excluded_count(unit, start, end),
    }
