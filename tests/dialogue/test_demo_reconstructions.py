"""Demo reconstructions of the seed articles' conferences: the articles' facts, marked where invented."""

from datetime import UTC, date, datetime

import time_machine
from sqlalchemy import select

from survey_app.core.clock import local_date
from survey_app.demo.seed import seed_organisation
from survey_app.dialogue import demo, demo_reconstructions
from survey_app.extensions import db
from survey_app.models import Role
from survey_app.models.dialogue import CommentStatus, ConferenceState, DialogueConference
from survey_app.org.services import get_unit_by_code
from tests.conftest import make_user
from tests.dialogue.helpers import signed_in


def conferences_of(code: str) -> list[DialogueConference]:
    host = get_unit_by_code(code)
    return list(
        db.session.scalars(select(DialogueConference).where(DialogueConference.host_unit_id == host.id))
    )


def on_day(code: str, day: date) -> list[DialogueConference]:
    return [c for c in conferences_of(code) if local_date(c.held_at) == day]


def test_the_demo_rebuilds_the_articles_conferences_with_their_facts(app):
    list(seed_organisation())
    with time_machine.travel(datetime(2026, 11, 20, 3, 0, tzinfo=UTC), tick=False):
        lines = list(demo.seed_history())
        db.session.commit()
        assert list(demo.seed_history()) == []  # seeded once
    assert "dialogue: Đối thoại về thủ tục hành chính 9 tháng năm 2020 (Quận Thanh Xuân, 30/09/2020), " in (
        "\n".join(lines)
    )

    # Tây Hồ, 01/6/2018: chaired by the vice-chair, the Front's committee attends (it does not co-organise),
    # 12 departments, the wards, 30 organisations and people, 11 comments all answered on the spot.
    (tay_ho,) = on_day("003", date(2018, 6, 1))
    assert "Nguyễn Đình Khuyến" in tay_ho.chair and tay_ho.co_organiser == ""
    assert tay_ho.guests == "Đại diện Ủy ban Mặt trận Tổ quốc Việt Nam quận Tây Hồ"
    assert sum(i.unit.kind.value == "department" for i in tay_ho.invitees) == 12
    assert tay_ho.expected_participants == 30 and len(tay_ho.comments) == 11
    assert all(c.status == CommentStatus.answered_on_spot for c in tay_ho.comments)
    assert "dựng lại" in tay_ho.reconstruction_note and "11 lượt ý kiến" in tay_ho.reconstruction_note

    # Thanh Xuân, afternoon of 30/9/2020: the report's figures, the citizens' praise as the article sums it
    # up, no answer (the article gives none), no chair or venue (not given).
    (thanh_xuan,) = on_day("009", date(2020, 9, 30))
    assert thanh_xuan.title == "Đối thoại về thủ tục hành chính 9 tháng năm 2020"
    assert thanh_xuan.held_at.astimezone(UTC).hour == 7  # 14:00 in Hà Nội: "chiều"
    assert thanh_xuan.state == ConferenceState.closed and (thanh_xuan.chair, thanh_xuan.venue) == ("", "")
    for figure in ("4.716", "4.704", "23.428", "23.398", "7.072", "98,9%", "98,71%", "1 thư cảm ơn"):
        assert figure in thanh_xuan.scope
    (praise,) = thanh_xuan.comments
    assert praise.category == "praise" and praise.status == CommentStatus.received and praise.answer == ""
    assert "khai sinh, khai tử, đăng ký kết hôn, trợ cấp chính sách" in praise.content
    assert "không nêu người chủ trì" in thanh_xuan.reconstruction_note

    # The other articles report no dialogue conference: none is made up on their dates.
    data = demo_reconstructions.load()
    skipped = {(item["host"], item["article_date"]) for item in data["not_reconstructed"]}
    assert skipped == {("003", "2023-11-30"), ("308", "2020-05-21"), ("274", "2019-06-28")}
    for code, day in skipped:
        assert on_day(code, date.fromisoformat(day)) == []
    assert all(item["reason"] for item in data["not_reconstructed"])

    # The note is on the conference's page, and on its public page once published.
    make_user("reviewer", Role.official, get_unit_by_code("01"))
    db.session.commit()
    client = signed_in(app, "reviewer")
    for conference in (tay_ho, thanh_xuan):
        page = client.get(f"/dialogue/{conference.id}").get_data(as_text=True)
        assert 'id="reconstruction-note"' in page and "Nội dung dựng lại cho bản trình diễn:" in page
    public = app.test_client().get(f"/dialogue/public/{tay_ho.id}").get_data(as_text=True)
    assert 'id="reconstruction-note"' in public
