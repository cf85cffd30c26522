"""Printable documents: the minutes and the conclusion notice in HTML, DOCX and PDF."""

import io
import re

from docx import Document

from survey_app.dialogue.comments import add_comment
from survey_app.extensions import db
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
