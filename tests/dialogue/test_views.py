"""Pages of the dialogue feature: planning, live logging, follow-up ledger, inbox, documents, public page."""

import io
import re
import zipfile
from datetime import UTC, date, datetime

from docx import Document
from sqlalchemy import func, select

from survey_app.dialogue import services
from survey_app.extensions import db
from survey_app.models import Role
from survey_app.models.dialogue import CommentStatus, DialogueComment, DialogueConference
from tests.conftest import login, make_user, post_form
from tests.dialogue.helpers import add_departments, comment_input, make_conference, pdf_text

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
JSON = {"Accept": "application/json"}


def signed_in(app, username):
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


def comment_count() -> int:
    return db.session.scalar(select(func.count()).select_from(DialogueComment))


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
    assert "Tây Hồ, ngày 01 tháng 06 năm 2018" in page


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


def _comment_form(**overrides) -> dict:
    data = {
        "content": "Thủ tục cấp biển số nhà còn chậm.",
        "category": "procedure_questions",
        "speaker_kind": "individual",
        "channel": "spoken",
        "field_id": "0",
        "addressed_department_id": "0",
        "outcome": "on_spot",
        "answered_by": "Trưởng phòng Quản lý đô thị",
        "answer": "Phòng sẽ cấp biển số trong 5 ngày làm việc.",
        "department_id": "0",
        "due_on": "",
    }
    data.update(overrides)
    return data


def test_live_logging_records_comments_and_refuses_bad_ones(app, org):
    add_departments(org)
    conference = make_conference(org)
    client = signed_in(app, org.users["official"].username)
    url = f"/dialogue/{conference.id}/comments"
    live = f"/dialogue/{conference.id}/live"
    response = post_form(client, url, _comment_form(client_key="abc-1"), token_from=live, headers=JSON)
    assert response.status_code == 201
    assert response.json["number"] == 1 and response.json["status"] == "answered_on_spot"
    # The same draft resent after a network drop is stored once.
    response = post_form(client, url, _comment_form(client_key="abc-1"), token_from=live, headers=JSON)
    assert response.json["number"] == 1
    written = _comment_form(outcome="written", department_id=str(org.dept_tp.id), answered_by="", answer="")
    response = post_form(client, url, written, token_from=live, headers=JSON)
    assert response.status_code == 201 and response.json["due_on"] == "15/06/2018"  # 10 working days
    bad = [
        (_comment_form(content="   "), "Hãy nhập nội dung ý kiến."),
        (_comment_form(content="x" * 4001), "4000"),
        ({**written, "due_on": "31/05/2018"}, "Hạn trả lời không được trước ngày hội nghị."),
        ({**written, "department_id": "999999"}, ""),
        (_comment_form(answer=""), "Hãy nhập nội dung đã trả lời tại hội nghị."),
        (_comment_form(category="nope"), ""),
    ]
    for data, message in bad:
        response = post_form(client, url, data, token_from=live, headers=JSON)
        assert response.status_code == 400, data
        assert message in str(response.json["errors"])
    assert comment_count() == 2
    # Without the script, the form re-renders with the message and keeps what was typed.
    response = post_form(client, url, _comment_form(content="Nội dung giữ lại", answer=""), token_from=live)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Hãy nhập nội dung đã trả lời tại hội nghị." in page and "Nội dung giữ lại" in page
    assert comment_count() == 2


def test_hostile_text_is_escaped_everywhere(app, org):
    add_departments(org)
    conference = make_conference(org, title=HOSTILE, venue=HOSTILE, scope=HOSTILE, conclusion=HOSTILE)
    conference.chair = HOSTILE
    services.add_comment(
        conference,
        comment_input(
            content=HOSTILE + "\x01",
            speaker_name=HOSTILE,
            speaker_organisation=HOSTILE,
            name_consent=True,
            outcome="on_spot",
            answered_by=HOSTILE,
            answer=HOSTILE,
        ),
        None,
    )
    written = services.add_comment(
        conference, comment_input(content=HOSTILE, outcome="written", department_id=org.dept_tp.id), None
    )
    services.forward(written, HOSTILE, None, HOSTILE)
    for action in ("start", "close", "publish"):
        services.change_state(conference, action, None)
    db.session.commit()
    client = signed_in(app, org.users["official"].username)
    pages = [f"/dialogue/{conference.id}{p}" for p in ("", "/live", "/invitation", "/minutes", "/conclusion")]
    pages += ["/dialogue/", f"/dialogue/comments/{written.id}", f"/dialogue/public/{conference.id}"]
    for url in pages:
        response = client.get(url)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert "<script>alert" not in page and "<img src=x" not in page, url
        assert "&lt;script&gt;" in page, url
    inbox = signed_in(app, "tuphap1").get("/dialogue/inbox").get_data(as_text=True)
    assert "<script>alert" not in inbox and "&lt;script&gt;" in inbox
    for kind in ("minutes", "conclusion"):
        data = client.get(f"/dialogue/{conference.id}/{kind}.docx").data
        xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
        assert "<script>" not in xml and "&lt;script&gt;" in xml
        text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
        assert HOSTILE in text  # shown literally, as typed
        assert HOSTILE in pdf_text(client.get(f"/dialogue/{conference.id}/{kind}.pdf").data)


def test_department_sees_only_its_assigned_comments(app, org):
    add_departments(org)
    conference = make_conference(org)
    mine = services.add_comment(
        conference,
        comment_input(content="Ý kiến cho Tư pháp", outcome="written", department_id=org.dept_tp.id),
        None,
    )
    other = services.add_comment(
        conference,
        comment_input(content="Ý kiến cho Quản lý đô thị", outcome="written", department_id=org.dept_qldt.id),
        None,
    )
    sibling_official = make_user("khuongdinh1", Role.official, org.sibling_ward)
    db.session.commit()
    dept = signed_in(app, "tuphap1")
    inbox = dept.get("/dialogue/inbox").get_data(as_text=True)
    assert "Ý kiến cho Tư pháp" in inbox and "Ý kiến cho Quản lý đô thị" not in inbox
    assert dept.get(f"/dialogue/comments/{mine.id}").status_code == 200
    assert dept.get(f"/dialogue/comments/{other.id}").status_code == 404
    assert dept.get(f"/dialogue/{conference.id}").status_code == 404
    assert dept.get(f"/dialogue/{conference.id}/minutes.docx").status_code == 404
    assert dept.get(f"/dialogue/{conference.id}/minutes.pdf").status_code == 404
    sibling = signed_in(app, sibling_official.username)
    page = sibling.get("/dialogue/inbox").get_data(as_text=True)
    assert "Ý kiến cho" not in page
    assert "lần thứ nhất năm 2018" not in sibling.get("/dialogue/").get_data(as_text=True)
    for url in (
        f"/dialogue/comments/{mine.id}",
        f"/dialogue/{conference.id}",
        f"/dialogue/{conference.id}/live",
    ):
        assert sibling.get(url).status_code == 404
    response = post_form(
        sibling, f"/dialogue/{conference.id}/comments", _comment_form(), token_from="/dialogue/"
    )
    assert response.status_code == 404 and comment_count() == 2


def test_answer_from_the_inbox_is_held_then_published_without_names(app, org):
    add_departments(org)
    conference = make_conference(org)
    anonymous = services.add_comment(
        conference,
        comment_input(
            content="Hồ sơ đất đai bị trả lại nhiều lần.",
            speaker_name="Trần Văn Bình",
            outcome="written",
            department_id=org.dept_tp.id,
        ),
        None,
    )
    consenting = services.add_comment(
        conference,
        comment_input(
            speaker_name="Lê Thị Hoa",
            name_consent=True,
            outcome="on_spot",
            answered_by="Phó Chủ tịch UBND quận",
            answer="Đã tiếp thu.",
        ),
        None,
    )
    services.change_state(conference, "start", None)
    services.change_state(conference, "close", None)
    db.session.commit()
    dept = signed_in(app, "tuphap1")
    url = f"/dialogue/comments/{anonymous.id}"
    response = post_form(dept, url, {"kind": "answer", "a-answer": ""})
    assert "Hãy nhập nội dung trả lời." in response.get_data(as_text=True)
    response = post_form(
        dept, url, {"kind": "answer", "a-answer": "Phòng Tư pháp đã rà soát và hướng dẫn bổ sung."}
    )
    assert response.status_code == 302
    db.session.refresh(anonymous)
    assert anonymous.status == CommentStatus.answered
    assert anonymous.events[-1].actor_label == "Tuphap1"
    history = dept.get(url).get_data(as_text=True)
    assert "Đã trả lời bằng văn bản" in history and "Tuphap1" in history
    client = app.test_client()
    assert client.get(f"/dialogue/public/{conference.id}").status_code == 404  # held until published
    official = signed_in(app, org.users["official"].username)
    response = post_form(
        official,
        f"/dialogue/{conference.id}/state",
        {"action": "publish"},
        token_from=f"/dialogue/{conference.id}",
    )
    assert response.status_code == 302
    page = client.get(f"/dialogue/public/{conference.id}").get_data(as_text=True)
    assert "Phòng Tư pháp đã rà soát và hướng dẫn bổ sung." in page
    assert "Trần Văn Bình" not in page  # no consent, no name
    assert "Lê Thị Hoa" in page
    db.session.refresh(anonymous)
    assert anonymous.status == CommentStatus.published
    assert consenting.status == CommentStatus.answered_on_spot


def test_overdue_comments_stand_out(app, org):
    add_departments(org)
    conference = make_conference(org)
    services.add_comment(
        conference, comment_input(content="Quá hạn", outcome="written", department_id=org.dept_tp.id), None
    )
    services.add_comment(
        conference,
        comment_input(
            content="Còn hạn", outcome="written", department_id=org.dept_tp.id, due_on=date(2018, 6, 29)
        ),
        None,
    )
    db.session.commit()
    dept = signed_in(app, "tuphap1")
    app.config["DIALOGUE_TODAY"] = date(2018, 6, 15)  # the last day of the 10 working days
    try:
        assert "Quá hạn</span>" not in dept.get("/dialogue/inbox").get_data(as_text=True)
        app.config["DIALOGUE_TODAY"] = date(2018, 6, 18)
        page = dept.get("/dialogue/inbox").get_data(as_text=True)
    finally:
        del app.config["DIALOGUE_TODAY"]
    rows = page.split("<tr")
    late = next(r for r in rows if "Quá hạn</a>" in r)
    on_time = next(r for r in rows if "Còn hạn</a>" in r)
    assert 'class="overdue"' in late and "overdue-badge" in late
    assert 'class="overdue"' not in on_time and "29/06/2018" in on_time


def test_bulk_assignment_and_forwarding(app, org):
    add_departments(org)
    conference = make_conference(org)
    first = services.add_comment(conference, comment_input(), None)
    second = services.add_comment(conference, comment_input(), None)
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


def list_numbers(text: str) -> list[str]:
    """The numbers of a document's numbered list items ("2. "), in order."""
    return re.findall(r"(?<![\d/])(\d{1,3})\.(?=\s|$)", text)


def test_minutes_list_every_comment_with_its_answer_or_assignment(app, org):
    add_departments(org)
    conference = make_conference(org, participant_organisations=30)
    services.add_comment(
        conference,
        comment_input(
            content="Cán bộ một cửa niềm nở, tận tình.",
            category="praise",
            outcome="on_spot",
            answered_by="Chánh Văn phòng",
            answer="Cảm ơn ý kiến ghi nhận.",
        ),
        None,
    )
    services.add_comment(
        conference,
        comment_input(content="Cấp phép xây dựng chậm.", outcome="written", department_id=org.dept_qldt.id),
        None,
    )
    db.session.commit()
    client = signed_in(app, org.users["official"].username)
    html = client.get(f"/dialogue/{conference.id}/minutes").get_data(as_text=True)
    data = client.get(f"/dialogue/{conference.id}/minutes.docx")
    assert data.headers["Content-Disposition"].endswith(f'bien-ban-{conference.id}.docx"')
    text = "\n".join(p.text for p in Document(io.BytesIO(data.data)).paragraphs)
    assert f'href="/dialogue/{conference.id}/minutes.pdf"' in html
    ledger = client.get(f"/dialogue/{conference.id}").get_data(as_text=True)
    assert f'id="minutes-pdf" href="/dialogue/{conference.id}/minutes.pdf">Biên bản (PDF)' in ledger
    pdf = client.get(f"/dialogue/{conference.id}/minutes.pdf")
    assert pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"].endswith(f'bien-ban-{conference.id}.pdf"')
    for document in (html, text, pdf_text(pdf.data)):
        assert "BIÊN BẢN" in document
        assert "Cán bộ một cửa niềm nở, tận tình." in document
        assert "Chánh Văn phòng trả lời tại hội nghị: Cảm ơn ý kiến ghi nhận." in document
        assert "Giao Phòng Quản lý đô thị quận Tây Hồ trả lời bằng văn bản trước ngày 15/06/2018." in document
        assert "Tổ chức, doanh nghiệp: 30" in document
        assert "Hội nghị đã nhận được 2 ý kiến:" in document
    # The list markers carry the comments' numbers in the ledger (the PDF's text has them apart).
    assert list_numbers(pdf_text(pdf.data)) == ["1", "2"]
    conclusion_pdf = pdf_text(client.get(f"/dialogue/{conference.id}/conclusion.pdf").data)
    assert list_numbers(conclusion_pdf) == ["2"]  # only the comment answered in writing


def test_without_weasyprint_the_pdf_link_falls_back_to_the_printable_page(app, org, monkeypatch):
    conference = make_conference(org)
    db.session.commit()
    monkeypatch.setattr("survey_app.core.pdf.html_to_pdf", lambda html, base_url: None)
    client = signed_in(app, org.users["official"].username)
    response = client.get(f"/dialogue/{conference.id}/conclusion.pdf", follow_redirects=True)
    assert response.request.path == f"/dialogue/{conference.id}/conclusion"
    assert "hãy dùng nút In để lưu văn bản" in response.get_data(as_text=True)


def test_pages_render_in_english_too(app, org):
    add_departments(org)
    conference = make_conference(org)
    comment = services.add_comment(
        conference, comment_input(outcome="written", department_id=org.dept_tp.id), org.users["official"]
    )
    db.session.commit()
    client = signed_in(app, org.users["official"].username)
    client.get("/lang/en")
    expected = {
        "/dialogue/": "Plan a conference",
        f"/dialogue/{conference.id}": "Comments and follow-up",
        f"/dialogue/{conference.id}/live": "Ctrl+Enter records the comment",
        f"/dialogue/{conference.id}/minutes": "MINUTES",
        f"/dialogue/{conference.id}/invitation": "INVITATION",
        f"/dialogue/comments/{comment.id}": "Status history",
        "/dialogue/inbox": "Comments to answer",
    }
    for url, text in expected.items():
        page = client.get(url).get_data(as_text=True)
        assert text in page, url
    assert "Questions about procedures" in client.get(f"/dialogue/{conference.id}").get_data(as_text=True)
