"""Demo data: Tây Hồ's 2018 conference as in the article, the old units' conferences up to 30/6/2025 and
the new communes' since, with their departments as assignees and today's bodies for forwards."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import select

from survey_app.analytics.dialogue_queries import dialogue_stats
from survey_app.core.clock import local_date
from survey_app.demo.seed import seed_organisation, seed_reform
from survey_app.dialogue import demo
from survey_app.extensions import db
from survey_app.models.dialogue import (
    CommentStatus,
    Competence,
    ConferenceState,
    DialogueComment,
    DialogueConference,
    HandlingBasis,
    HandlingOutcome,
    NoticeMeans,
)
from survey_app.org.services import get_unit_by_code

REFORM = date(2025, 7, 1)


def test_demo_conferences(app):
    list(seed_organisation())
    with time_machine.travel(datetime(2026, 11, 20, 3, 0, tzinfo=UTC), tick=False):  # 10:00 in Hà Nội
        lines = list(demo.seed_history())
        db.session.commit()
        list(seed_reform())
        db.session.commit()
        lines += list(demo.seed())
        db.session.commit()
        assert list(demo.seed_history()) == [] and list(demo.seed()) == []
    # the 2018 conference, the old units', the articles' reconstructions (Tây Hồ 2018 marked, Thanh Xuân
    # 2020 rebuilt), the inbox user, the new communes'
    assert len(lines) == 6
    tay_ho = get_unit_by_code("003")  # Quận Tây Hồ, closed since 1/7/2025
    first = db.session.scalar(select(DialogueConference).order_by(DialogueConference.held_at))
    assert first.host_unit_id == tay_ho.id and first.title.endswith("lần thứ nhất năm 2018")
    assert local_date(first.held_at) == date(2018, 6, 1) and first.state == ConferenceState.published
    assert first.expected_participants == 30
    invited = [i.unit for i in first.invitees]
    assert (
        sum(u.kind.value == "department" for u in invited) == 12
        and sum(u.kind.value == "ward" for u in invited) == 8
    )
    assert len(first.comments) == 11
    assert all(c.status == CommentStatus.answered_on_spot for c in first.comments)
    assert all(c.answered_by.startswith(("Trưởng phòng", "Chánh Văn phòng")) for c in first.comments)
    assert {c.category for c in first.comments} == {
        "praise",
        "attitude",
        "online_services",
        "procedure_questions",
    }
    # Before the reform: Tây Hồ 2018, 3 conferences per district in 2024–2025, 1 per ward or commune, and
    # the Thanh Xuân 2020 reconstruction; all by old units.
    conferences = db.session.scalars(select(DialogueConference)).all()
    before = [c for c in conferences if local_date(c.held_at) < REFORM]
    assert len(before) == 1 + 4 * 3 + 6 + 1
    assert all(not c.host_unit.is_active and c.host_unit.active_to == REFORM for c in before)
    # Since: the new communes, twice a year for the four areas, once for their neighbours, one to come.
    since = [c for c in conferences if local_date(c.held_at) >= REFORM]
    assert len(since) == 4 * 2 + 4 + 1
    assert all(c.host_unit.is_active and c.host_unit.active_from == REFORM for c in since)
    upcoming = [c for c in conferences if c.state == ConferenceState.planned]
    assert len(upcoming) == 1 and local_date(upcoming[0].held_at) > date(2026, 11, 20)
    assert upcoming[0].host_unit.name == "Phường Tây Hồ"
    # Written answers are due from the new communes' departments (or the commune itself).
    assigned = {c.department.code for conf in since for c in conf.comments if c.department is not None}
    assert assigned and all(
        code.split("-")[-1] in {"VP", "KT", "VHXH"} or "-" not in code for code in assigned
    )
    assert any(code.endswith("-KT") for code in assigned)
    # Forwards: the bodies of their day; since the reform, today's.
    forwards = {
        (c.forwarded_on, c.forwarded_to) for conf in conferences for c in conf.comments if c.forwarded_to
    }
    recent = {body for on, body in forwards if on >= REFORM}
    assert recent and not any("quận" in body or "huyện" in body or "Tài nguyên" in body for body in recent)
    # the Sở of the host's own city, named with it (Đồ Sơn's go to Hải Phòng's)
    sos = {
        f"{so} thành phố {city}"
        for so in demo.FORWARD_BODIES.values()
        if so
        for city in ("Hà Nội", "Hải Phòng")
    }
    assert all(body in sos or body.startswith(("Công an phường", "Công an xã")) for body in recent)
    for conf in since:
        city = "Hải Phòng" if conf.host_unit.parent.code == "31" else "Hà Nội"
        assert all(c.forwarded_to.endswith(city) for c in conf.comments if c.forwarded_to.startswith("Sở"))
    stats = dialogue_stats(
        db.session,
        get_unit_by_code("01"),
        date(2025, 11, 21),
        date(2026, 11, 20),
        today=date(2026, 11, 20),
        zone=ZoneInfo("Asia/Ho_Chi_Minh"),
    )
    # Hà Nội: Tây Hồ, Thanh Xuân, Hoài Đức twice, three neighbours once (Đồ Sơn is in Hải Phòng).
    assert stats["conferences"] == 3 * 2 + 3
    assert stats["comments"] > 60 and 40 < stats["on_spot_share"] < 80
    assert stats["overdue"] > 0 and 60 < stats["on_time_share"] < 100
    statuses = set(db.session.scalars(select(DialogueComment.status).distinct()))
    assert {CommentStatus.published, CommentStatus.answered_on_spot, CommentStatus.assigned} <= statuses
    # Written answers follow NĐ 20/2008: a comment about a regulation is classified and ends in an outcome;
    # a business or organisation that raised a comment answered in writing is sent the result.
    written = db.session.scalars(
        select(DialogueComment).where(
            DialogueComment.status.in_((CommentStatus.answered, CommentStatus.published)),
            DialogueComment.answered_on_spot.is_(False),
            DialogueComment.forwarded_to == "",
        )
    ).all()
    rules = [c for c in written if c.category in ("unsuitable_rules", "conflicting_rules", "proposals")]
    assert rules and all(
        (c.competence, c.basis, c.handling_outcome)
        == (Competence.within, HandlingBasis.sufficient, HandlingOutcome.recommend)
        for c in rules
    )
    assert all(c.handling_outcome is None for c in written if c not in rules)
    assert any(c.speaker_organisation for c in written) and all(
        c.notified_on == local_date(c.answered_at) and c.notice_means == NoticeMeans.letter
        for c in written
        if c.speaker_organisation
    )
