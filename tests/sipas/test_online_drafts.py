"""The public form's answers so far live on the server: the cookie on a shared device shows none of them."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime

import time_machine
from sqlalchemy import func, select

from survey_app.core import drafts
from survey_app.extensions import db
from survey_app.models.drafts import FormDraft
from survey_app.models.sipas import SipasResponse
from tests.conftest import csrf_token, login

FORM_URL = "/sipas/s/TH-2026/00109"
IN_THE_PERIOD = datetime(2026, 3, 10, 3, tzinfo=UTC)
COMMENT = "Chị Lan ở quầy số 3 rất tận tình"


def answer_page(client, page: int, data: dict):
    url = f"{FORM_URL}?p={page}"
    return client.post(url, data={**data, "go": "next", "csrf_token": csrf_token(client, url)})


def session_of(app, client) -> dict:
    """What anyone at the device can read from the signed session cookie."""
    cookie = client.get_cookie("session")
    return app.session_interface.get_signing_serializer(app).loads(cookie.value) if cookie else {}


def draft_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(FormDraft))


@time_machine.travel(IN_THE_PERIOD, tick=False)
def test_answers_and_comment_stay_on_the_server_until_submit_then_are_gone(app, org, open_campaign):
    client = app.test_client()
    answer_page(client, 1, {"S01": "5", "S02": "4", "S03": "1"})
    refused = answer_page(client, 4, {"D1": "9", "comment": COMMENT})  # 9 is no option: not submitted
    assert refused.status_code == 200 and COMMENT in refused.get_data(as_text=True)
    readable = json.dumps(session_of(app, client), ensure_ascii=False)
    assert "tận tình" not in readable and "S01" not in readable  # no answer travels in the cookie
    assert set(session_of(app, client)) <= {drafts.SESSION_KEY, "csrf_token", "_fresh", "lang"}
    assert draft_rows() == 1
    # the same browser resumes its answers; another browser sees none of them
    assert re.search(r'name="S01" value="5" checked', client.get(f"{FORM_URL}?p=1").get_data(as_text=True))
    other = app.test_client()
    assert 'value="5" checked' not in other.get(f"{FORM_URL}?p=1").get_data(as_text=True)
    assert COMMENT not in other.get(f"{FORM_URL}?p=4").get_data(as_text=True)
    assert COMMENT in client.get(f"{FORM_URL}?p=4").get_data(as_text=True)
    # submitting records the answers and deletes the draft in the same commit
    assert answer_page(client, 4, {"D1": "2", "comment": COMMENT}).headers["Location"].endswith("/thanks")
    db.session.expire_all()
    assert draft_rows() == 0
    response = db.session.scalar(select(SipasResponse))
    assert response.comment == COMMENT and {a.question_code: a.value for a in response.answers}["S01"] == 5


@time_machine.travel(IN_THE_PERIOD, tick=False)
def test_a_signed_in_officials_draft_is_not_keyed_by_who_they_are(app, org, open_campaign):
    client = app.test_client()
    login(client, "official1")
    answer_page(client, 1, {"S01": "3"})
    user_id = org.users["official"].id
    stored = db.session.scalar(select(FormDraft))
    key = session_of(app, client)[drafts.SESSION_KEY]
    assert str(user_id) != key and len(key) >= 40
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert stored.key_hash != hashlib.sha256(str(user_id).encode()).hexdigest()
    assert set(FormDraft.__table__.c.keys()) == {"key_hash", "purpose", "data", "updated_at", "expires_at"}
