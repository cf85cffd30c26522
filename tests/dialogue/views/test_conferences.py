"""Conference pages: planning (and its invitation), refused plans, the ledger's bulk assignment."""

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.models.dialogue import CommentStatus, ConferenceState, DialogueConference
from tests.conftest import post_form
from tests.dialogue.helpers import signed_in
from tests.factories import add_departments, make_comment, make_conference


def test_official_plans_a_conference_and_prints_the_invitation(app, org):
    client = signed_in(app, org.users["official"].username)
    response = post_form(
        client,
        "/dialogue/new",
        {
            "title": "Hội nghị đối thoại về TTHC lần thứ nhất năm 2018",
            "host_unit_id": org.district.id,
            "held_on": "01/06/2018",
            "held_time": "08:00",
            "form": "conference",
            "venue": "Hội trường UBND quận",
            "chair": "Nguyễn Đình Khuyến",
            "co_organiser": "Ủy ban MTTQ quận",
            "invitee_ids": [org.ward.id, org.ward2.id],
            "expected_participants": "30",
        },
    )
    assert response.status_code == 302
    conference = db.session.scalar(select(DialogueConference))
    assert conference.held_at == datetime(2018, 6, 1, 1, 0, tzinfo=UTC)  # 08:00 in Hà Nội
    assert sorted(i.unit_id for i in conference.invitees) == sorted([org.ward.id, org.ward2.id])
    page = client.get(f"/dialogue/{conference.id}/invitation").get_data(as_text=True)
    assert "GIẤY MỜI" in page and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page
    assert "Phường Bưởi" in page and "Phường Thụy Khuê" in page
    assert "01/06/2018 08:00" in page
    # NĐ 30/2020, Phụ lục I, mục II.4.b: a 0 before a day under 10 and the months 1 and 2 only.
    assert (
        "Tây Hồ, ngày 01 tháng 6 năm 2018" in page and "Số: …/GM-UBND" in page
    )  # NĐ 30/2020: no 0 before month 6


def test_bad_plan_is_refused_with_translated_messages(app, org):
    client = signed_in(app, org.users["official"].username)
    response = post_form(
        client,
        "/dialogue/new",
        {
            "title": "",
            "host_unit_id": org.district.id,
            "held_on": "31/02/2018",
            "held_time": "25:00",
            "form": "seminar",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Hãy nhập tên hội nghị." in page
    assert "Hãy nhập giờ theo dạng hh:mm." in page
    assert db.session.scalar(select(func.count()).select_from(DialogueConference)) == 0
    response = post_form(
        client,
        "/dialogue/new",
        {
            "title": "X",
            "host_unit_id": org.district.id,
            "held_on": "01/01/0001",
            "held_time": "00:00",
            "form": "seminar",
        },
    )
    assert (
        response.status_code == 200
        and "Hãy nhập ngày trong khoảng từ năm 2000 đến năm 2100." in response.get_data(as_text=True)
    )
    # A host outside the official's district is not offered, so it is refused.
    response = post_form(
        client,
        "/dialogue/new",
        {
            "title": "X",
            "host_unit_id": org.sibling.id,
            "held_on": "01/06/2018",
            "held_time": "08:00",
            "form": "seminar",
        },
    )
    assert response.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(DialogueConference)) == 0


def test_bulk_assignment_and_forwarding(app, org):
    add_departments(org)
    conference = make_conference(org)
    first = make_comment(conference)
    second = make_comment(conference)
    db.session.commit()
    client = signed_in(app, org.users["official"].username)
    url = f"/dialogue/{conference.id}/assign"
    page = f"/dialogue/{conference.id}"
    response = post_form(client, url, {"department_id": org.dept_qldt.id, "due_on": ""}, token_from=page)
    assert "Hãy chọn ít nhất một ý kiến." in client.get(page).get_data(as_text=True)
    response = post_form(
        client,
        url,
        {"comment_ids": [first.id, second.id], "department_id": org.dept_qldt.id, "due_on": "22/06/2018"},
        token_from=page,
    )
    assert response.status_code == 302
    db.session.refresh(first)
    db.session.refresh(second)
    assert {first.status, second.status} == {CommentStatus.assigned}
    assert first.due_on == second.due_on == date(2018, 6, 22)
    assert "Đã giao 2 ý kiến." in client.get(page).get_data(as_text=True)
    dept = signed_in(app, "qldt1")
    response = post_form(
        dept, f"/dialogue/comments/{first.id}", {"kind": "forward", "f-body": "Sở Xây dựng Hà Nội"}
    )
    assert response.status_code == 302
    db.session.refresh(first)
    assert first.status == CommentStatus.forwarded and first.forwarded_to == "Sở Xây dựng Hà Nội"


def test_close_and_publish_ask_first_and_say_how_many_comments_are_unanswered(app, org):
    add_departments(org)
    conference = make_conference(org)
    conference.state = ConferenceState.in_session
    spot = {"outcome": "on_spot", "answered_by": "Trưởng phòng", "answer": "Đã trả lời."}
    make_comment(conference, org.users["official"], **spot)
    make_comment(conference, org.users["official"], outcome="none", answered_by="", answer="")
    make_comment(conference, org.users["official"], outcome="none", answered_by="", answer="")
    db.session.commit()
    client = signed_in(app, org.users["official"].username)
    url, page = f"/dialogue/{conference.id}/state", f"/dialogue/{conference.id}"
    asked = post_form(client, url, {"action": "close"}, token_from=page)
    assert asked.status_code == 200
    text = asked.get_data(as_text=True)
    assert "Kết thúc hội nghị?" in text and "2 trong số 3 ý kiến chưa được trả lời." in text
    db.session.refresh(conference)
    assert conference.state == ConferenceState.in_session  # nothing happened yet
    assert post_form(client, url, {"action": "close", "confirmed": "yes"}, token_from=page).status_code == 302
    db.session.refresh(conference)
    assert conference.state == ConferenceState.closed
    asked = post_form(client, url, {"action": "publish"}, token_from=page).get_data(as_text=True)
    assert "Công bố kết quả trả lời?" in asked and "2 trong số 3 ý kiến chưa được trả lời." in asked
    db.session.refresh(conference)
    assert conference.state == ConferenceState.closed
