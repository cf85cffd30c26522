"""Test data for the dashboards: kiosk counts written into every roll-up of the data contract at once."""

from __future__ import annotations

from datetime import date

from survey_app.extensions import db
from survey_app.models.kiosk import (
    KioskHeat,
    KioskReasonMonth,
    KioskRollup,
    KioskRollupMonth,
    KioskUnitDay,
    KioskUnitMonth,
)


def _bump(model, n: int, **key) -> None:
    row = db.session.get(model, key)
    if row is None:
        db.session.add(model(n=n, **key))
    else:
        row.n += n
    db.session.flush()


def add_ratings(
    unit,
    day: date,
    level: str,
    n: int,
    *,
    counter=None,
    staff=None,
    field=None,
    hour: int = 9,
    reasons: tuple[str, ...] = (),
) -> None:
    """n counted ratings of one level, kept in step in the six roll-ups as the kiosk module keeps them."""
    month = day.replace(day=1)
    uid = unit.id
    fine = {
        "unit_id": uid,
        "counter_id": counter.id if counter else 0,
        "staff_id": staff.id if staff else 0,
        "field_id": field.id if field else 0,
        "level": level,
    }
    _bump(KioskRollup, n, day=day, **fine)
    _bump(KioskRollupMonth, n, month=month, **fine)
    _bump(KioskUnitDay, n, day=day, unit_id=uid, level=level)
    _bump(KioskUnitMonth, n, month=month, unit_id=uid, level=level)
    _bump(KioskHeat, n, month=month, unit_id=uid, weekday=day.weekday(), hour=hour, level=level)
    for reason in reasons:
        _bump(KioskReasonMonth, n, month=month, unit_id=uid, reason=reason)


def add_sipas(
    campaign, unit, responses: dict[str, int], answers: dict[str, dict[int, int]], channel: str | None = None
) -> None:
    """A unit's SIPAS responses per channel and answer counts (of `channel`, else the first) in the cube."""
    from survey_app.models.sipas import SipasCount, SipasUnitN

    for each, n in responses.items():
        _bump(SipasUnitN, n, campaign_id=campaign.id, unit_id=unit.id, channel=each)
    answered_on = channel or next(iter(responses))
    for code, per_value in answers.items():
        for value, n in per_value.items():
            _bump(
                SipasCount,
                n,
                campaign_id=campaign.id,
                unit_id=unit.id,
                channel=answered_on,
                question_code=code,
                value=value,
            )


WARD_SHORT = ("S01", "S02", "S03", "S04v2", "S05", "S06", "S07", "S08", "S09")


def same_answers(counts: dict[int, int], **overrides: dict[int, int]) -> dict[str, dict[int, int]]:
    """Every ward-short criterion answered alike, except the ones given."""
    return {code: dict(overrides.get(code, counts)) for code in WARD_SHORT}
