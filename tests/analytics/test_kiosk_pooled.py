"""Kiosk summaries per ancestor for settled months: equal to the live pooled figures, and never stale.

Hand-built data at the test org's one-stop centre (under Phường Bưởi, Quận Tây Hồ, Thành phố Hà Nội) and
at Phường Khương Đình (Quận Thanh Xuân), ingested through the kiosk API path while the clock stands in
each month; "today" is then 10 March 2026: January and February are settled, March is read live.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import delete, func, select

from survey_app.analytics import kiosk_pooled
from survey_app.analytics.kiosk_queries import (
    kiosk_counts_by_ancestor,
    kiosk_counts_by_month,
    kiosk_reason_counts,
)
from survey_app.extensions import db
from survey_app.kiosk.review import review_flag
from survey_app.kiosk.rollups import rebuild_rollups
from survey_app.models.kiosk import (
    FlagState,
    KioskDevice,
    KioskPooledState,
    KioskRating,
    KioskUnitMonth,
)
from survey_app.org import services
from tests.factories import kiosk_rating, make_kiosk_device, store_kiosk_ratings

JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)
MONTHS = [JAN, FEB, MAR]
TODAY = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)  # 10:00 in Hà Nội


@pytest.fixture(autouse=True)
def every_subtree_summarised(monkeypatch):
    """The test org is small: every ancestor gets summaries (the default needs 100 units below)."""
    monkeypatch.setattr(kiosk_pooled, "MIN_UNITS", 1)


def at(day: int, month: int, hour: int = 2) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


def build(org) -> tuple:
    """Kiosks at the centre and at Phường Khương Đình; January and February rated in their own month."""
    centre, _t = make_kiosk_device(org.centre, name="Kiosk Bưởi")
    other, _t = make_kiosk_device(org.sibling_ward, name="Kiosk Khương Đình")
    db.session.commit()
    with time_machine.travel(at(20, 1), tick=False):
        store_kiosk_ratings(
            centre,
            [
                kiosk_rating("very_satisfied", at=at(10, 1)),
                kiosk_rating("very_satisfied", at=at(11, 1)),
                kiosk_rating("dissatisfied", at=at(12, 1)),  # reason long_wait
            ],
        )
        store_kiosk_ratings(other, [kiosk_rating("satisfied", at=at(12, 1))])
    with time_machine.travel(at(20, 2), tick=False):
        store_kiosk_ratings(centre, [kiosk_rating("satisfied", at=at(15, 2))])
    with time_machine.travel(TODAY, tick=False):
        store_kiosk_ratings(centre, [kiosk_rating("very_satisfied", at=at(9, 3))])
    return centre, other


def by_month(rows) -> dict:
    out: dict = {}
    for month, level, n in rows:
        out.setdefault(month, {})[level] = out.get(month, {}).get(level, 0) + n
    return out


def pooled(unit_id: int) -> dict:
    """The unit's months through the summaries, as the dashboards read them today."""
    before = kiosk_pooled.settled_before(TODAY.date())
    return by_month(kiosk_counts_by_month(db.session, unit_id, MONTHS, settled_before=before))


def live(unit_id: int) -> dict:
    return by_month(kiosk_counts_by_month(db.session, unit_id, MONTHS))


def valid_months(unit_id: int) -> set[date]:
    db.session.rollback()  # a fresh read of what the fill committed
    rows = db.session.scalars(select(KioskPooledState).where(KioskPooledState.ancestor_id == unit_id))
    return {row.month for row in rows if row.filled_epoch == row.epoch}


CITY = {
    JAN: {"very_satisfied": 2, "dissatisfied": 1, "satisfied": 1},
    FEB: {"satisfied": 1},
    MAR: {"very_satisfied": 1},
}


@time_machine.travel(TODAY, tick=False)
def test_settled_months_come_from_the_summaries_equal_to_the_live_figures(app, org):
    build(org)
    assert kiosk_pooled.settled_before(TODAY.date()) == MAR
    assert live(org.city.id) == CITY
    assert pooled(org.city.id) == CITY  # live this time, and the summaries filled
    assert valid_months(org.city.id) == {JAN, FEB}  # March is the current month: always live
    assert pooled(org.city.id) == CITY  # from the summaries now

    # Proof that they are read: the month roll-up loses January behind their back …
    db.session.execute(delete(KioskUnitMonth).where(KioskUnitMonth.month == JAN))
    db.session.commit()
    assert live(org.city.id)[FEB] == CITY[FEB] and JAN not in live(org.city.id)
    assert pooled(org.city.id) == CITY
    # … and `kiosk rebuild-rollup` repairs the roll-up and drops every summary.
    rebuild_rollups()
    db.session.commit()
    assert valid_months(org.city.id) == set()
    assert pooled(org.city.id) == live(org.city.id) == CITY

    # Child units at once (the dashboard's "by unit" chart) and the reasons, both ways.
    districts = [org.district.id, org.sibling.id]
    before = kiosk_pooled.settled_before(TODAY.date())
    for _round in range(2):  # filling, then from the summaries
        assert sorted(
            kiosk_counts_by_ancestor(db.session, districts, JAN, date(2026, 3, 31), settled_before=before)
        ) == [
            (org.district.id, "dissatisfied", 1),
            (org.district.id, "satisfied", 1),
            (org.district.id, "very_satisfied", 3),
            (org.sibling.id, "satisfied", 1),
        ]
        assert kiosk_reason_counts(db.session, org.city.id, JAN, MAR, settled_before=before) == [
            ("long_wait", 1)
        ]
    assert valid_months(org.sibling.id) == {JAN, FEB}


def idle(device: KioskDevice) -> KioskDevice:
    """The device, loaded, and the session left without a transaction: the ingest then writes alone in
    autocommit (kiosk.group_commit), each statement committed on its own."""
    device = db.session.get(KioskDevice, device.id)
    assert device.token_hash
    db.session.expunge(device)
    db.session.commit()
    assert not db.session().in_transaction()
    return device


@pytest.mark.parametrize("autocommit", [True, False], ids=["ingest alone", "in a transaction"])
@time_machine.travel(TODAY, tick=False)
def test_a_late_rating_makes_its_month_live_again_above_its_unit_only(app, org, autocommit):
    centre, _other = build(org)
    pooled(org.city.id)
    pooled(org.sibling.id)
    assert valid_months(org.city.id) == valid_months(org.sibling.id) == {JAN, FEB}
    if autocommit:
        centre = idle(centre)

    # An offline tablet sends a February rating on 10 March; a March rating changes nothing settled.
    store_kiosk_ratings(
        centre, [kiosk_rating("dissatisfied", at=at(25, 2)), kiosk_rating("satisfied", at=at(10, 3))]
    )
    assert valid_months(org.city.id) == {JAN}
    assert valid_months(org.sibling.id) == {JAN, FEB}  # not above the centre: still valid
    assert db.session.scalar(select(func.count()).where(KioskPooledState.month == MAR)) == 0
    expected = {
        JAN: CITY[JAN],
        FEB: {"satisfied": 1, "dissatisfied": 1},
        MAR: {"very_satisfied": 1, "satisfied": 1},
    }
    assert pooled(org.city.id) == live(org.city.id) == expected
    assert valid_months(org.city.id) == {JAN, FEB}  # filled again
    assert pooled(org.city.id) == expected
    before = kiosk_pooled.settled_before(TODAY.date())
    assert kiosk_reason_counts(db.session, org.city.id, JAN, FEB, settled_before=before) == [("long_wait", 2)]


@time_machine.travel(TODAY, tick=False)
def test_a_flag_review_of_a_settled_month_makes_it_live_again(app, org):
    centre, _other = build(org)
    # Two presses two seconds apart in February: the second is flagged and not counted.
    store_kiosk_ratings(
        centre,
        [
            kiosk_rating("satisfied", at=at(26, 2)),
            kiosk_rating("satisfied", at=datetime(2026, 2, 26, 2, 0, 2, tzinfo=UTC)),
        ],
    )
    flagged = db.session.scalars(select(KioskRating).where(KioskRating.flag_state == FlagState.flagged)).all()
    assert flagged
    counted = 1 + 2 - len(flagged)
    assert pooled(org.city.id)[FEB] == {"satisfied": counted}
    assert valid_months(org.city.id) == {JAN, FEB}
    rating = db.session.get(KioskRating, flagged[0].id)
    review_flag(rating, decision="clear", reviewer=org.users["admin"])
    db.session.commit()
    assert valid_months(org.city.id) == {JAN}
    assert pooled(org.city.id)[FEB] == live(org.city.id)[FEB] == {"satisfied": counted + 1}


@time_machine.travel(TODAY, tick=False)
def test_a_move_and_a_merge_drop_the_summaries_pooled_through_the_old_tree(app, org):
    build(org)
    for unit in (org.district, org.sibling, org.ward2):
        pooled(unit.id)
    assert valid_months(org.district.id) == valid_months(org.ward2.id) == {JAN, FEB}

    # Phường Bưởi (with its centre and its ratings) moves to Quận Thanh Xuân.
    services.update_unit(
        org.ward, name=org.ward.name, kind=org.ward.kind, parent=org.sibling, active_from=org.ward.active_from
    )
    db.session.commit()
    assert valid_months(org.district.id) == set()
    assert pooled(org.district.id) == live(org.district.id) == {}
    sibling = {JAN: CITY[JAN], FEB: CITY[FEB], MAR: CITY[MAR]}
    assert pooled(org.sibling.id) == live(org.sibling.id) == sibling

    # Back under Tây Hồ, then merged into Phường Thụy Khuê on 1 March: its history rolls up into it.
    services.update_unit(
        org.ward,
        name=org.ward.name,
        kind=org.ward.kind,
        parent=org.district,
        active_from=org.ward.active_from,
    )
    db.session.commit()
    pooled(org.ward2.id)
    assert valid_months(org.ward2.id) == {JAN, FEB}
    services.merge_unit(org.ward, into=org.ward2, on=MAR)
    db.session.commit()
    assert valid_months(org.ward2.id) == set()
    centre_only = {
        JAN: {"very_satisfied": 2, "dissatisfied": 1},
        FEB: {"satisfied": 1},
        MAR: {"very_satisfied": 1},
    }
    assert pooled(org.ward2.id) == live(org.ward2.id) == centre_only
    assert pooled(org.ward2.id) == centre_only  # from the summaries filled through the new tree
    assert valid_months(org.ward2.id) == {JAN, FEB}


@time_machine.travel(TODAY, tick=False)
def test_small_subtrees_are_always_read_live(app, org, monkeypatch):
    build(org)
    monkeypatch.setattr(kiosk_pooled, "MIN_UNITS", 8)  # the city has 7 units, Tây Hồ 4
    assert pooled(org.city.id) == CITY
    assert db.session.scalar(select(func.count()).select_from(KioskPooledState)) == 0
