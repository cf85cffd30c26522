"""Printable documents: the minutes and the conclusion notice in HTML, DOCX and PDF."""

import html
import io
import re
from datetime import date

from docx import Document

from survey_app.dialogue.comments import add_comment, answer_in_writing
from survey_app.dialogue.documents import decree30_day_month
from survey_app.extensions import db
from survey_app.models.dialogue import SignerCapacity
from tests.conftest import csrf_token
from tests.dialogue.helpers import pdf_text, signed_in
from tests.factories import add_departments, comment_input, make_conference


def list_numbers(text: str) -> list[str]:
    """The numbers of a document's numbered list items ("2. "), in order."""
    return re.findall(r"(?<![\d/])(\d{1,3})\.(?=\s|$)", text)


def test_minutes_list_every_comment_with_its_answer_or_assignment(app, org):
    add_departments(org)
    conference = make_conference(org, participant_organisations=30)
    add_comment(
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
    add_comment(
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


def docx_text(data: bytes) -> str:
    """The text of a Word document: its paragraphs, then its tables' cells (the heading, the signatures)."""
    document = Document(io.BytesIO(data))
    cells = [p.text for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def texts(client, conference_id: int, kind: str) -> dict[str, str]:
    """The page, the DOCX and the PDF of a document, as text."""
    page = client.get(f"/dialogue/{conference_id}/{kind}").get_data(as_text=True)
    return {
        "html": html.unescape(page),
        "docx": docx_text(client.get(f"/dialogue/{conference_id}/{kind}.docx").data),
        "pdf": pdf_text(client.get(f"/dialogue/{conference_id}/{kind}.pdf").data),
    }


def test_decree_30_date_writes_a_leading_zero_for_days_below_10_and_months_1_and_2_only():
    assert decree30_day_month(date(2018, 6, 1)) == ("01", "6")
    assert decree30_day_month(date(2020, 2, 5)) == ("05", "02")
    assert decree30_day_month(date(2021, 1, 31)) == ("31", "01")
    assert decree30_day_month(date(2023, 12, 10)) == ("10", "12")


def test_documents_carry_the_decree_30_fields_in_html_docx_and_pdf(app, org):
    """Motto, issuing body, number and symbol, place and date, signature block and recipients; the minutes
    give the answers of the conference with who gave them, the notice the answers given in writing later."""
    add_departments(org)
    conference = make_conference(
        org,
        guests="Đại diện Ủy ban MTTQ Việt Nam quận Tây Hồ",
        notice_number="17",
        signer_name="Nguyễn Đình Khuyến",
        signer_capacity=SignerCapacity.vice_chair,
    )
    add_comment(
        conference,
        comment_input(
            content="Đề nghị rút ngắn thời gian chứng thực.",
            outcome="on_spot",
            answered_by="Ông Lê Văn Bình – Trưởng phòng Tư pháp",
            answer="Phòng Tư pháp tiếp thu, chứng thực trong ngày.",
        ),
        org.users["official"],
    )
    later = add_comment(
        conference,
        comment_input(content="Cấp phép xây dựng chậm.", outcome="written", department_id=org.dept_qldt.id),
        org.users["official"],
    )
    answer_in_writing(later, "Phòng đã cấp phép ngày 12/6/2018.", org.users["official"])
    db.session.commit()
    client = signed_in(app, org.users["official"].username)
    common = [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ỦY BAN NHÂN DÂN",
        "QUẬN TÂY HỒ",
        "Tây Hồ, ngày 01 tháng 6 năm 2018",
        "Nơi nhận:",
        "- Các cơ quan, đơn vị được mời dự hội nghị;",
        "- Lưu: VT.",
    ]
    for name, text in texts(client, conference.id, "minutes").items():
        for expected in [*common, "BIÊN BẢN", "Số: …/BB-UBND", "THƯ KÝ", "CHỦ TRÌ"]:
            assert expected in text, (name, expected)
        assert "tháng 06" not in text
        assert "Tham dự: Đại diện Ủy ban MTTQ Việt Nam quận Tây Hồ" in text, name
        assert (
            "Ông Lê Văn Bình – Trưởng phòng Tư pháp trả lời tại hội nghị: "
            "Phòng Tư pháp tiếp thu, chứng thực trong ngày." in text
        ), name
        # The written answer came after the conference: the minutes give the assignment, not the answer.
        assert "Giao Phòng Quản lý đô thị quận Tây Hồ trả lời bằng văn bản" in text, name
        assert "Phòng đã cấp phép ngày 12/6/2018." not in text and "Quản trị" not in text, name
        assert "KT. CHỦ TỊCH" not in text, name
    for name, text in texts(client, conference.id, "conclusion").items():
        for expected in [*common, "THÔNG BÁO KẾT LUẬN", "Số: 17/TB-UBND", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]:
            assert expected in text, (name, expected)
        assert "Nguyễn Đình Khuyến" in text and "Phòng đã cấp phép ngày 12/6/2018." in text, name
        assert "Phòng Tư pháp tiếp thu" not in text, name  # answered on the spot: the minutes' business
        assert "TM. ỦY BAN NHÂN DÂN" not in text, name
    conference.signer_capacity = SignerCapacity.chair
    conference.signer_name = "Trần Văn Hùng"
    conference.minutes_number = "9"
    conference.recipients = "Thường trực Quận ủy (để b/c);\nLưu: VT, VP."
    db.session.commit()
    for name, text in texts(client, conference.id, "conclusion").items():
        assert "TM. ỦY BAN NHÂN DÂN" in text and "Trần Văn Hùng" in text, name
        assert "KT. CHỦ TỊCH" not in text and "PHÓ CHỦ TỊCH" not in text, name
        assert "- Thường trực Quận ủy (để b/c);" in text and "- Lưu: VT, VP." in text, name
        assert "- Các cơ quan, đơn vị được mời dự hội nghị;" not in text, name
    for name, text in texts(client, conference.id, "minutes").items():
        assert "Số: 9/BB-UBND" in text, name


def test_the_plan_form_takes_the_document_fields_and_refuses_a_number_not_in_digits(app, org):
    conference = make_conference(org)
    db.session.commit()
    client = signed_in(app, org.users["official"].username)
    page = client.get(f"/dialogue/{conference.id}/edit").get_data(as_text=True)
    assert "Số biên bản (do văn thư cấp)" in page and "Thẩm quyền ký" in page
    form = {
        "csrf_token": csrf_token(client, f"/dialogue/{conference.id}/edit"),
        "title": conference.title,
        "held_on": "01/06/2018",
        "held_time": "08:00",
        "form": "conference",
        "host_unit_id": str(org.district.id),
        "notice_number": "12a",
        "signer_capacity": "chair",
    }
    refused = client.post(f"/dialogue/{conference.id}/edit", data=form)
    assert "Hãy nhập số bằng chữ số." in refused.get_data(as_text=True)
    db.session.refresh(conference)
    assert conference.notice_number == ""
    saved = client.post(
        f"/dialogue/{conference.id}/edit",
        data={**form, "notice_number": "12", "signer_name": "Trần Văn Hùng", "guests": "Đại diện MTTQ"},
    )
    assert saved.status_code == 302
    db.session.refresh(conference)
    assert (conference.notice_number, conference.signer_capacity) == ("12", SignerCapacity.chair)
    assert conference.signer_name == "Trần Văn Hùng" and conference.guests == "Đại diện MTTQ"
