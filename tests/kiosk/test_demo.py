"""Kiosk demo data: the old shops until 30/6/2025, today's centres since; working hours only, roll-ups in
step, complaints followed up, idempotent."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from survey_app.analytics.kiosk_queries import kiosk_stats
from survey_app.core import clock
from survey_app.demo.seed import seed_organisation, seed_reform, seed_users
from survey_app.extensions import db
from survey_app.kiosk.demo import seed, seed_history
from survey_app.kiosk.levels import level_codes, satisfied_levels
from survey_app.kiosk.rollups import rebuild_rollups
from survey_app.models.kiosk import FollowUpState, KioskDevice, KioskFollowUp, KioskRating
from survey_app.org.services import get_unit_by_code


def test_demo_ratings_follow_opening_hours_and_stay_in_step(app):
    list(seed_organisation())
    db.session.commit()
    history = list(seed_history())
    db.session.commit()
    for step in (seed_reform, seed_users):
        list(step())
    db.session.commit()
    lines = list(seed())
    db.session.commit()
    assert history[0].startswith("kiosk devices: ") and lines[0].startswith("kiosk devices: ")
    n = db.session.scalar(select(func.count()).select_from(KioskRating))
    assert n > 1000
    # One kiosk per counter: the old shops' (Tây Hồ's district shop has four counters) and today's centres'.
    assert db.session.scalar(select(func.count()).select_from(KioskDevice)) >= 60 + 30
    hours = set(db.session.scalars(select(KioskRating.local_hour).distinct()))
    assert hours <= {8, 9, 10, 11, 13, 14, 15, 16}  # 08:00–11:30 and 13:30–17:00
    days = sorted(db.session.scalars(select(KioskRating.local_day).distinct()))
    assert [d for d in days if d.weekday() == 6] == []
    # Testing mode: three weeks before the reform and three weeks before today.
    reform, today = date(2025, 7, 1), clock.today()
    assert {d for d in days if d < reform} and max(d for d in days if d < reform) == date(2025, 6, 30)
    assert min(d for d in days if d >= reform) >= date(2026, 1, 1) and days[-1] <= today
    assert not rebuild_rollups().drifted

    # Phường Tây Hồ's figures hold its centre's ratings and, before 1/7/2025, its predecessors'.
    ward = get_unit_by_code("00103")
    stats = kiosk_stats(
        db.session,
        ward,
        days[0],
        days[-1],
        level_codes=level_codes(),
        satisfied_levels=satisfied_levels(),
        min_n=app.config["SMALL_SAMPLE_MIN"],
    )
    centre = get_unit_by_code("00103-TT")
    at_centre = db.session.scalar(select(func.count()).where(KioskRating.unit_id == centre.id))
    assert 0 < at_centre < sum(stats["counts"].values())
    assert not stats["suppressed"]
    assert 80 < stats["satisfaction_rate"] < 100
    assert (
        stats["counts"]["very_satisfied"] > stats["counts"]["satisfied"] > stats["counts"]["dissatisfied"] > 0
    )
    codes = db.session.scalars(
        select(KioskRating.dossier_code).where(
            KioskRating.unit_id == centre.id, KioskRating.dossier_code.is_not(None)
        )
    ).all()
    assert codes and all(code.startswith("H26.00103-") for code in codes)

    with_comment = db.session.scalar(
        select(func.count()).where(KioskRating.level == "dissatisfied", KioskRating.comment.is_not(None))
    )
    assert db.session.scalar(select(func.count()).select_from(KioskFollowUp)) == with_comment > 0
    states = set(db.session.scalars(select(KioskFollowUp.state).distinct()))
    assert FollowUpState.done in states and FollowUpState.open in states

    assert list(seed()) == ["kiosk ratings: already there"]
    assert list(seed_history()) == ["kiosk ratings before 1/7/2025: already there"]
    assert db.session.scalar(select(func.count()).select_from(KioskRating)) == n
