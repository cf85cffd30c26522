"""Kiosk demo data: working hours and days only, roll-ups in step, complaints followed up, idempotent."""

from __future__ import annotations

from sqlalchemy import func, select

from survey_app.analytics.kiosk_queries import kiosk_stats
from survey_app.demo.seed import seed_organisation, seed_users
from survey_app.extensions import db
from survey_app.kiosk.demo import seed
from survey_app.kiosk.levels import level_codes, satisfied_levels
from survey_app.kiosk.rollups import rebuild_rollups
from survey_app.models.kiosk import FollowUpState, KioskDevice, KioskFollowUp, KioskRating
from survey_app.org.services import get_unit_by_code


def test_demo_ratings_follow_opening_hours_and_stay_in_step(app):
    for step in (seed_organisation, seed_users):
        list(step())
    db.session.commit()
    lines = list(seed())
    db.session.commit()
    assert lines[0].startswith("kiosk devices: ")
    n = db.session.scalar(select(func.count()).select_from(KioskRating))
    assert n > 1000
    assert db.session.scalar(select(func.count()).select_from(KioskDevice)) >= 60  # one per counter
    hours = set(db.session.scalars(select(KioskRating.local_hour).distinct()))
    assert hours <= {8, 9, 10, 11, 13, 14, 15, 16}  # 08:00–11:30 and 13:30–17:00
    sundays = [d for d in db.session.scalars(select(KioskRating.local_day).distinct()) if d.weekday() == 6]
    assert sundays == []
    assert not rebuild_rollups().drifted

    tay_ho = get_unit_by_code("003")
    days = sorted(db.session.scalars(select(KioskRating.local_day).distinct()))
    stats = kiosk_stats(
        db.session,
        tay_ho,
        days[0],
        days[-1],
        level_codes=level_codes(),
        satisfied_levels=satisfied_levels(),
        min_n=app.config["SMALL_SAMPLE_MIN"],
    )
    assert not stats["suppressed"]
    assert 80 < stats["satisfaction_rate"] < 100
    assert (
        stats["counts"]["very_satisfied"] > stats["counts"]["satisfied"] > stats["counts"]["dissatisfied"] > 0
    )

    with_comment = db.session.scalar(
        select(func.count()).where(KioskRating.level == "dissatisfied", KioskRating.comment.is_not(None))
    )
    assert db.session.scalar(select(func.count()).select_from(KioskFollowUp)) == with_comment > 0
    states = set(db.session.scalars(select(KioskFollowUp.state).distinct()))
    assert FollowUpState.done in states and FollowUpState.open in states

    assert list(seed()) == ["kiosk ratings: already there"]
    assert db.session.scalar(select(func.count()).select_from(KioskRating)) == n
