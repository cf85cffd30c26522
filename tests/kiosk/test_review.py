"""Review: clearing or confirming a flag moves the rating in or out of the roll-ups; the follow-up list."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.kiosk.errors import KioskError
from survey_app.kiosk.review import follow_up_counts, follow_ups, review_flag, update_follow_up
from survey_app.kiosk.rollups import rebuild_rollups
from survey_app.models.kiosk import (
    FlagState,
    FollowUpState,
    KioskFollowUp,
    KioskRating,
    KioskReasonMonth,
    KioskUnitDay,
)
from tests.factories import kiosk_rating
from tests.kiosk.conftest import post_ratings


def counted() -> int:
    return db.session.scalar(select(func.coalesce(func.sum(KioskUnitDay.n), 0)))


def test_clearing_a_flag_counts_the_rating_and_confirming_keeps_it_out(client, shop, caplog):
    now = datetime.now(UTC)
    items = [
        kiosk_rating(at=now - timedelta(hours=1)),
        kiosk_rating(
            "dissatisfied", at=now - timedelta(hours=1) + timedelta(seconds=1), reasons=["attitude"]
        ),
    ]
    post_ratings(client, shop, items)
    assert counted() == 1
    flagged = db.session.scalar(select(KioskRating).where(KioskRating.uuid == items[1]["id"]))
    admin = shop.org.users["admin"]
    with caplog.at_level(logging.INFO, logger="survey_app.kiosk"):
        review_flag(flagged, decision="clear", reviewer=admin)
    db.session.commit()
    assert f"kiosk rating {flagged.id} (too_close): flag cleared by user {admin.id}" in caplog.messages
    assert flagged.flag_state == FlagState.cleared and counted() == 2
    assert db.session.scalar(select(func.sum(KioskReasonMonth.n))) == 1
    review_flag(flagged, decision="confirm", reviewer=admin)
    db.session.commit()
    assert counted() == 1
    assert db.session.scalar(select(func.count()).select_from(KioskReasonMonth)) == 0  # emptied rows go
    assert not rebuild_rollups().drifted
    with pytest.raises(KioskError):
        review_flag(flagged, decision="confirm", reviewer=admin)


def test_dissatisfied_with_comment_lands_in_follow_ups(client, shop, caplog):
    items = [
        kiosk_rating("dissatisfied", reasons=["late_result"], comment="Trả kết quả trễ 3 ngày"),
        kiosk_rating("dissatisfied", reasons=["other"], at=datetime.now(UTC) - timedelta(hours=2)),
        kiosk_rating("satisfied", comment="Cảm ơn", at=datetime.now(UTC) - timedelta(hours=3)),
    ]
    post_ratings(client, shop, items)
    listed = follow_ups(shop.org.district.id)
    assert [f.rating.comment for f in listed] == ["Trả kết quả trễ 3 ngày"]
    assert follow_up_counts(shop.org.district.id) == {"open": 1, "acknowledged": 0, "done": 0}
    official = shop.org.users["official"]
    with caplog.at_level(logging.INFO, logger="survey_app.kiosk"):
        update_follow_up(listed[0], action="acknowledge", note="", user=official)
        with pytest.raises(KioskError):
            update_follow_up(listed[0], action="done", note="  ", user=official)
        update_follow_up(listed[0], action="done", note="Đã nhắc nhở bộ phận trả kết quả", user=official)
    db.session.commit()
    stored = db.session.scalar(select(KioskFollowUp))
    assert stored.state == FollowUpState.done and stored.action_note == "Đã nhắc nhở bộ phận trả kết quả"
    assert [m for m in caplog.messages if m.startswith("kiosk follow-up")] == [
        f"kiosk follow-up {stored.id}: open -> acknowledged by user {official.id}",
        f"kiosk follow-up {stored.id}: acknowledged -> done by user {official.id}",
    ]
    assert follow_ups(shop.org.sibling.id) == []
