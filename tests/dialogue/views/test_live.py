"""The live-logging screen: comments recorded one by one, bad ones refused without losing what was typed."""

from datetime import date

from survey_app.dialogue.deadlines import forward_deadline
from survey_app.extensions import db
from survey_app.models.dialogue import CommentChannel, DialogueComment
from tests.conftest import post_form
from tests.dialogue.helpers import comment_count, live_form, signed_in
from tests.factories import add_departments, make_conference

JSON = {"Accept": "application/json"}


def test_live_logging_records_comments_and_refuses_bad_ones(app, org):
    add_departments(org)
    conference = make_conference(org)
    client = signed_in(app, org.users["official"].username)
    url = f"/dialogue/{conference.id}/comments"
    live = f"/dialogue/{conference.id}/live"
    response = post_form(client, url, live_form(client_key="abc-1"), token_from=live, headers=JSON)
    assert response.status_code == 201
    assert response.json["number"] == 1 and response.json["status"] == "answered_on_spot"
    # The same draft resent after a network drop is stored once.
    response = post_form(client, url, live_form(client_key="abc-1"), token_from=live, headers=JSON)
    assert response.json["number"] == 1
    written = live_form(outcome="written", department_id=str(org.dept_tp.id), answered_by="", answer="")
    response = post_form(client, url, written, token_from=live, headers=JSON)
    assert response.status_code == 201 and response.json["due_on"] == "15/06/2018"  # 10 working days
    bad = [
        (live_form(content="   "), "Hãy nhập nội dung ý kiến."),
        (live_form(content="x" * 4001), "4000"),
        ({**written, "due_on": "31/05/2018"}, "Hạn trả lời không được trước ngày hội nghị."),
        ({**written, "department_id": "999999"}, ""),
        (live_form(answer=""), "Hãy nhập nội dung đã trả lời tại hội nghị."),
        (live_form(category="nope"), ""),
        (live_form(category=""), "Hãy chọn nhóm nội dung của ý kiến."),  # no category chosen for the user
    ]
    for data, message in bad:
        response = post_form(client, url, data, token_from=live, headers=JSON)
        assert response.status_code == 400, data
        assert message in str(response.json["errors"])
    assert comment_count() == 2
    # The category starts empty: the form offers no default to fall into.
    page = client.get(live).get_data(as_text=True)
    select = page.split('id="category"', 1)[1].split("</select>", 1)[0]
    assert '><option value="">— chọn —</option>' in select and "selected" not in select
    # Without the script, the form re-renders with the message and keeps what was typed.
    response = post_form(client, url, live_form(content="Nội dung giữ lại", answer=""), token_from=live)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Hãy nhập nội dung đã trả lời tại hội nghị." in page and "Nội dung giữ lại" in page
    assert comment_count() == 2


def test_a_written_comment_without_a_department_says_why_beside_the_department_field(app, org):
    add_departments(org)
    conference = make_conference(org)
    client = signed_in(app, org.users["official"].username)
    url = f"/dialogue/{conference.id}/comments"
    live = f"/dialogue/{conference.id}/live"
    why = "Hãy chọn phòng, ban trả lời bằng văn bản (hoặc chọn đơn vị được hỏi)."
    # Alt+2 with both department pickers left on their defaults: the reason, under the department field.
    written = live_form(outcome="written", answered_by="", answer="")
    response = post_form(client, url, written, token_from=live, headers=JSON)
    assert response.status_code == 400
    assert response.json["errors"] == {"department_id": [why]}
    assert comment_count() == 0
    # Without the script, the page shows it beside the field, which is marked invalid.
    page = post_form(client, url, written, token_from=live).get_data(as_text=True)
    assert f'<div class="errors" id="department_id-err" role="alert"><ul><li>{why}</li></ul></div>' in page
    assert '<select aria-describedby="department_id-err" aria-invalid="true"' in page
    assert comment_count() == 0
    # The department the comment was addressed to answers by default ("— same as addressed —").
    addressed = {**written, "addressed_department_id": str(org.dept_qldt.id)}
    response = post_form(client, url, addressed, token_from=live, headers=JSON)
    assert response.status_code == 201
    assert response.json["department"] == "Phòng Quản lý đô thị quận Tây Hồ"


def test_the_department_pickers_offer_a_search_box(app, org):
    add_departments(org)
    conference = make_conference(org)
    client = signed_in(app, org.users["official"].username)
    page = client.get(f"/dialogue/{conference.id}/live").get_data(as_text=True)
    for name in ("addressed_department_id", "department_id"):
        select = page.split(f'id="{name}"', 1)[0].rsplit("<select", 1)[1] + page.split(f'id="{name}"', 1)[1]
        select = select.split(">", 1)[0]
        assert 'data-filter-label="Tìm trong tên"' in select
        assert 'data-filter-count="{n} đơn vị phù hợp"' in select
    assert "js/select_filter." in page  # its content-hashed URL


def test_a_refusal_about_the_answer_on_the_spot_names_its_field(app, org):
    conference = make_conference(org)
    client = signed_in(app, org.users["official"].username)
    url, live = f"/dialogue/{conference.id}/comments", f"/dialogue/{conference.id}/live"
    response = post_form(client, url, live_form(answered_by=" "), token_from=live, headers=JSON)
    assert response.status_code == 400
    assert response.json["errors"] == {"answered_by": ["Hãy nhập người đã trả lời tại hội nghị."]}
    response = post_form(client, url, live_form(answer=""), token_from=live, headers=JSON)
    assert response.json["errors"] == {"answer": ["Hãy nhập nội dung đã trả lời tại hội nghị."]}
    assert comment_count() == 0


def test_comments_by_telephone_and_on_a_comment_form_are_logged_with_their_channel(app, org):
    """NĐ 20/2008 Art. 6 forms: văn bản, điện thoại, phiếu lấy ý kiến."""
    conference = make_conference(org)
    client = signed_in(app, org.users["official"].username)
    live = f"/dialogue/{conference.id}/live"
    select = client.get(live).get_data(as_text=True).split('id="channel"', 1)[1].split("</select>", 1)[0]
    assert ">Điện thoại<" in select and ">Phiếu lấy ý kiến<" in select
    url = f"/dialogue/{conference.id}/comments"
    for channel in ("phone", "form"):
        response = post_form(client, url, live_form(channel=channel), token_from=live, headers=JSON)
        assert response.status_code == 201
    assert response.json["number"] == 2
    channels = db.session.scalars(db.select(DialogueComment.channel).order_by(DialogueComment.number)).all()
    assert channels == [CommentChannel.phone, CommentChannel.form]
    page = client.get(f"/dialogue/comments/{response.json['id']}").get_data(as_text=True)
    assert "Phiếu lấy ý kiến" in page


def test_a_comment_sent_in_writing_is_logged_with_its_receipt_date(app, org):
    """Received on Mon 21/5/2018 before the conference of 01/6: stored with that date (its 5 working days to
    forward end on 28/5); a date after the conference day, or on a comment spoken there, is refused beside
    the field and stores nothing."""
    conference = make_conference(org)
    client = signed_in(app, org.users["official"].username)
    url, live = f"/dialogue/{conference.id}/comments", f"/dialogue/{conference.id}/live"
    page = client.get(live).get_data(as_text=True)
    assert '<label for="received_on">Ngày nhận (ý kiến gửi trước hội nghị)</label>' in page
    bad = [
        (live_form(channel="written", received_on="02/06/2018"), "vào hoặc trước ngày hội nghị"),
        (live_form(channel="spoken", received_on="21/05/2018"), "không ghi ngày tiếp nhận"),
        (live_form(channel="written", received_on="31/02/2018"), ""),
    ]
    for data, message in bad:
        response = post_form(client, url, data, token_from=live, headers=JSON)
        assert response.status_code == 400, data
        assert message in " ".join(response.json["errors"]["received_on"]), response.json
    plain = post_form(client, url, live_form(channel="written", received_on="02/06/2018"), token_from=live)
    assert 'id="received_on-err"' in plain.get_data(as_text=True)
    assert comment_count() == 0
    sent = live_form(channel="written", received_on="21/05/2018")
    response = post_form(client, url, sent, token_from=live, headers=JSON)
    assert response.status_code == 201
    comment = db.session.get(DialogueComment, response.json["id"])
    assert comment.received_on == date(2018, 5, 21) and comment.channel == CommentChannel.written
    assert forward_deadline(comment) == date(2018, 5, 28)


def test_the_recorded_list_shows_the_outcome_and_who_answers_in_writing_by_when(app, org):
    add_departments(org)
    conference = make_conference(org)
    client = signed_in(app, org.users["official"].username)
    url, live = f"/dialogue/{conference.id}/comments", f"/dialogue/{conference.id}/live"
    regulation = live_form(category="unsuitable_rules", handling_outcome="keep_explain")
    response = post_form(client, url, regulation, token_from=live, headers=JSON)
    assert response.status_code == 201
    outcome = "Kết quả xử lý: Giữ nguyên, giải thích"
    assert response.json["detail"] == outcome  # what the script adds to the list
    written = live_form(outcome="written", department_id=str(org.dept_tp.id), answered_by="", answer="")
    response = post_form(client, url, written, token_from=live, headers=JSON)
    due = "Phòng Tư pháp quận Tây Hồ, hạn trả lời 15/06/2018"  # 10 working days after 01/06/2018
    assert response.json["detail"] == due
    plain = post_form(client, url, live_form(), token_from=live, headers=JSON)
    assert plain.json["detail"] == ""
    # a reload of the screen lists the same, newest first
    page = client.get(live).get_data(as_text=True)
    listed = page.split('id="logged"', 1)[1].split("</ol>", 1)[0]
    assert listed.index(due) < listed.index(outcome)
    assert listed.count('class="detail"') == 2
