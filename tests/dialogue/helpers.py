"""Builders shared by the dialogue tests."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from survey_app.dialogue import services
from survey_app.extensions import db
from survey_app.models import Role, UnitKind
from survey_app.org.services import create_unit
from tests.conftest import make_user

# 01/6/2018 08:00 in Hà Nội (UTC+7), a Friday, as the Tây Hồ conference.
HELD_AT = datetime(2018, 6, 1, 1, 0, tzinfo=UTC)


def add_departments(org) -> None:
    """Two departments of the test district and an official of one of them (`org.users['dept']`)."""
    org.dept_tp = create_unit(
        code="003-TP", name="Phòng Tư pháp quận Tây Hồ", kind=UnitKind.department, parent=org.district
    )
    org.dept_qldt = create_unit(
        code="003-QLDT",
        name="Phòng Quản lý đô thị quận Tây Hồ",
        kind=UnitKind.department,
        parent=org.district,
    )
    org.users["dept"] = make_user("tuphap1", Role.official, org.dept_tp)
    org.users["dept2"] = make_user("qldt1", Role.official, org.dept_qldt)
    db.session.commit()


def make_conference(org, **overrides):
    """A planned conference of the test district."""
    values = {
        "title": "Hội nghị đối thoại về thủ tục hành chính lần thứ nhất năm 2018",
        "held_at": HELD_AT,
        "chair": "Nguyễn Đình Khuyến – Phó Chủ tịch UBND quận",
        "co_organiser": "Ủy ban MTTQ quận",
        "venue": "Hội trường UBND quận Tây Hồ",
        **overrides,
    }
    data = services.ConferenceData(**values)
    conference = services.create_conference(data, org.district, org.users["official"])
    db.session.commit()
    return conference


def comment_input(**overrides) -> services.CommentInput:
    """A valid comment as typed at the conference."""
    values = {
        "content": "Thủ tục cấp giấy phép xây dựng còn phải đi lại nhiều lần.",
        "category": "procedure_questions",
    }
    values.update(overrides)
    return services.CommentInput(**values)


def pdf_text(data: bytes) -> str:
    """The text of a PDF, lines joined with spaces (a sentence may wrap anywhere on the page)."""
    from pypdf import PdfReader

    assert data.startswith(b"%PDF")
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)
