"""`flask seed-demo` gives the demo's one-stop centres dossiers consistent with their kiosk ratings."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from survey_app.analytics.dossier_scoring import timing
from survey_app.core import clock
from survey_app.demo.seed import module_seeders, seed_organisation, seed_reform, seed_users
from survey_app.dossiers import recompute
from survey_app.dossiers.demo import seed as dossiers_seed
from survey_app.dossiers.reports import figures
from survey_app.extensions import db
from survey_app.kiosk import demo as kiosk_demo
from survey_app.models import Unit, UnitKind
from survey_app.models.dossiers import Dossier, DossierAssessment
from survey_app.models.kiosk import FlagState, KioskRating

TODAY = datetime(2026, 10, 20, 3, 0, tzinfo=UTC)  # Tuesday 20/10/2026, 10:00 in Hà Nội


@pytest.fixture
def demo(app, monkeypatch):
    """Today's demo organisation, its kiosk ratings (a month, from 20/09) and dossiers, seeded on 20/10/2026,
    so that 2026Q3 has ended. What `flask seed-demo` runs, without the history, SIPAS and dialogue data."""
    monkeypatch.setattr(kiosk_demo, "TEST_DAYS", 30)
    assert dossiers_seed in module_seeders()
    lines = []
    with time_machine.travel(TODAY, tick=False):
        for seeder in (seed_organisation, seed_reform, seed_users, kiosk_demo.seed, dossiers_seed):
            lines += list(seeder())
            db.session.commit()
    return lines


def _dossiers() -> list[Dossier]:
    return list(db.session.scalars(select(Dossier)))


def _counted_ratings() -> dict[str, list[KioskRating]]:
    out: dict[str, list[KioskRating]] = defaultdict(list)
    query = (
        select(KioskRating)
        .join(Unit, Unit.id == KioskRating.unit_id)
        .where(
            KioskRating.dossier_code.is_not(None),
            KioskRating.flag_state == FlagState.none,
            Unit.kind == UnitKind.centre,
        )
    )
    for rating in db.session.scalars(query):
        out[rating.dossier_code].append(rating)
    return out


def test_every_kiosk_code_names_a_dossier_returned_just_before_its_rating_none_after_today(demo):
    ratings, dossiers = _counted_ratings(), {d.code: d for d in _dossiers()}
    assert ratings and set(ratings) <= set(dossiers)
    for code, found in ratings.items():
        dossier, first = dossiers[code], min(r.rated_at for r in found)
        assert dossier.returned_at is not None and dossier.returned_at <= first, code
        assert (first - dossier.returned_at).total_seconds() <= 45 * 60  # rated when collecting it
        assert dossier.unit_id == found[0].unit_id  # handled by the centre where it was rated

    # received, due and returned in order; nothing returned after today; some open, some of them overdue
    dossiers = _dossiers()
    with time_machine.travel(TODAY, tick=False):
        now, today = clock.now(), clock.today()
    assert len(dossiers) > 100
    for d in dossiers:
        assert d.received_at <= d.due_at and d.received_day <= d.due_day
        if d.returned_at is not None:
            assert d.received_at <= d.returned_at <= now and d.returned_day <= today
    open_ = [d for d in dossiers if d.returned_at is None]
    assert open_ and any(d.due_day < today for d in open_) and any(d.due_day >= today for d in open_)
    centres = {u.id for u in db.session.scalars(select(Unit).where(Unit.kind == UnitKind.centre))}
    assert {d.unit_id for d in dossiers} <= centres
    assert len({d.procedure_id for d in dossiers}) >= 5 and len({d.field_id for d in dossiers}) >= 3
    # every code, rated or not, reads like the one-stop system's: the province's prefix (Hà Nội H26,
    # Hải Phòng H27), then the receiving commune or branch of the centre that handled it
    units = {u.id: u for u in db.session.scalars(select(Unit))}
    prefixes = {"01": "H26.", "31": "H27."}
    for d in dossiers:
        centre = units[d.unit_id]
        province = centre
        while province.kind != UnitKind.province:
            province = units[province.parent_id]
        body = centre.code.removesuffix("-TT")
        assert d.code.startswith(prefixes[province.code] + body + "-"), (d.code, centre.code)


def test_mostly_on_time_late_far_more_often_when_the_citizen_was_dissatisfied_rated_share_realistic(demo):
    ratings = _counted_ratings()
    returned = [d for d in _dossiers() if d.returned_day is not None]
    late_of = {d.code: timing(d.returned_day, d.due_day) == "after" for d in returned}
    assert 0.02 < sum(late_of.values()) / len(late_of) < 0.2  # mostly on time, some late
    unhappy = [late_of[c] for c, rs in ratings.items() if any(r.level == "dissatisfied" for r in rs)]
    happy = [late_of[c] for c, rs in ratings.items() if all(r.level != "dissatisfied" for r in rs)]
    assert unhappy and happy
    assert sum(unhappy) / len(unhappy) > 3 * sum(happy) / len(happy)
    # a third to a half of the returned dossiers are rated, at every centre; the cubes are in step
    root = db.session.scalar(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.code))
    centres = list(db.session.scalars(select(Unit).where(Unit.id.in_(select(Dossier.unit_id)))))
    found = figures([root, *centres], date(2026, 9, 20), date(2026, 10, 20))
    assert 25 <= found[root.id].rated_share <= 60
    for centre in centres:
        assert 15 <= found[centre.id].rated_share <= 75, centre.code
    assert found[root.id].timeliness.in_progress > 0 and found[root.id].timeliness.overdue > 0
    assert recompute.cube_drift() == {"day": 0, "month": 0, "procedure": 0}


def test_ended_quarters_are_self_assessed_and_mostly_verified_and_seeding_again_adds_nothing(demo):
    rows = list(db.session.scalars(select(DossierAssessment)))
    assert rows and {r.quarter for r in rows} == {date(2026, 7, 1)}  # 2026Q3; 2026Q4 has not ended
    by_unit = defaultdict(list)
    for row in rows:
        by_unit[row.unit_id].append(row)
    assert all(sorted(r.indicator for r in unit_rows) == list(range(1, 10)) for unit_rows in by_unit.values())
    assert all(0 <= r.self_score <= 2 for r in rows)
    verified = [r for r in rows if r.verified_score is not None]
    assert verified and all(r.verified_score <= r.self_score for r in verified)
    assert all(r.verified_at > r.self_at for r in verified)

    # seeding again adds nothing
    before = db.session.scalar(select(func.count()).select_from(Dossier))
    with time_machine.travel(TODAY, tick=False):
        assert list(dossiers_seed()) == ["dossiers: already there"]
    assert db.session.scalar(select(func.count()).select_from(Dossier)) == before
