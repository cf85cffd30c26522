"""Form drafts on the server: the browser's cookie holds only a random key, never the answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from flask import session
from sqlalchemy import func, select

from survey_app.core import drafts
from survey_app.extensions import db
from survey_app.models.drafts import FormDraft

PURPOSE = "sipas:2026-q1:00109"
ANSWERS = {"page": 2, "answers": {"A1": 5, "comment": "Cán bộ hướng dẫn tận tình"}}


def rows() -> int:
    return db.session.scalar(select(func.count()).select_from(FormDraft))


def test_the_cookie_holds_a_key_and_the_server_holds_the_answers(app):
    with app.test_request_context():
        drafts.save(PURPOSE, ANSWERS)
        db.session.commit()
        key = session[drafts.SESSION_KEY]
        assert dict(session) == {drafts.SESSION_KEY: key}  # nothing of the answers travels in the cookie
        assert len(key) >= 40
        assert drafts.load(PURPOSE) == ANSWERS
    stored = db.session.scalar(select(FormDraft))
    assert stored.key_hash != key and key not in stored.key_hash  # only the key's hash is stored
    with app.test_request_context():  # the same browser, a later request
        session[drafts.SESSION_KEY] = key
        assert drafts.load(PURPOSE) == ANSWERS
        assert drafts.load("sipas:2026-q1:00112") is None  # another form of the same browser
    with app.test_request_context():  # another browser
        assert drafts.load(PURPOSE) is None


def test_a_second_save_replaces_the_first_and_submit_clears_it(app):
    with app.test_request_context():
        drafts.save(PURPOSE, {"page": 1})
        drafts.save(PURPOSE, ANSWERS)
        db.session.commit()
        assert rows() == 1 and drafts.load(PURPOSE) == ANSWERS
        drafts.clear(PURPOSE)
        db.session.commit()
        assert drafts.load(PURPOSE) is None and rows() == 0


def test_drafts_expire_and_are_purged(app):
    start = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as traveller, app.test_request_context():
        drafts.save(PURPOSE, ANSWERS)
        db.session.commit()
        traveller.shift(timedelta(hours=app.config["DRAFT_LIFETIME_HOURS"], seconds=1))
        assert drafts.load(PURPOSE) is None
        assert rows() == 1
        drafts.save("sipas:2026-q1:00112", {"page": 1})  # any save sweeps the expired ones
        db.session.commit()
        assert rows() == 1 and drafts.load("sipas:2026-q1:00112") == {"page": 1}


def test_a_draft_too_large_is_refused_with_a_message(app):
    with app.test_request_context(), pytest.raises(drafts.DraftError, match="quá dài"):
        drafts.save(PURPOSE, {"comment": "x" * (app.config["DRAFT_MAX_BYTES"] + 1)})
    assert rows() == 0


def test_text_no_database_keeps_is_stored_as_a_replacement_character(app):
    with app.test_request_context():
        drafts.save(PURPOSE, {"comment": "a\x00b\ud800c", "list": ["\udfff"]})
        db.session.commit()
        assert drafts.load(PURPOSE) == {"comment": "a\ufffdb\ufffdc", "list": ["\ufffd"]}
