"""Helpers of the dialogue tests (tokens, signed-in clients, form data, PDF text) and committed builders.

The builders themselves are in tests/factories.py; the browser tests' live server reads the database
through its own connection, so `tests/browser/test_dialogue_journey.py` takes committed ones from here.
"""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import func, select

from survey_app.auth.services import issue_token
from survey_app.extensions import db
from survey_app.models.dialogue import DialogueComment
from tests import factories
from tests.conftest import login


def add_departments(org) -> None:
    """factories.add_departments, committed."""
    factories.add_departments(org)
    db.session.commit()


def make_conference(org, **overrides):
    """factories.make_conference, committed."""
    conference = factories.make_conference(org, **overrides)
    db.session.commit()
    return conference


def bearer(user) -> dict:
    """Headers carrying a new API token of the user."""
    _token, plain = issue_token(user, "test")
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def comment_count() -> int:
    """How many comments are stored."""
    return db.session.scalar(select(func.count()).select_from(DialogueComment))


def signed_in(app, username: str):
    """A test client signed in as the user."""
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


def live_form(**overrides) -> dict:
    """What the live-logging form posts for a comment answered on the spot."""
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


def pdf_text(data: bytes) -> str:
    """The text of a PDF, lines joined with spaces (a sentence may wrap anywhere on the page)."""
    assert data.startswith(b"%PDF")
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)
