"""The online channel: the public form page by page, one answer per device, its limits; QR code, poster."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from survey_app.core import clock
from survey_app.extensions import db
from survey_app.models.sipas import SipasDeviceMark, SipasResponse
from survey_app.sipas.campaigns import questionnaire_of
from survey_app.sipas.online import form_pages, take_page_answers
from tests.conftest import Org, build_app, csrf_token, empty_tables, login
from tests.factories import make_sipas_campaign
from tests.sipas.helpers import report_of

FORM_URL = "/sipas/s/TH-2026/00109"
IN_THE_PERIOD = datetime(2026, 3, 10, 3, tzinfo=UTC)


def answer_page(client, page: int, data: dict, go: str = "next"):
    url = f"{FORM_URL}?p={page}"
    return client.post(url, data={**data, "go": go, "csrf_token": csrf_token(client, url)})


@time_machine.travel(IN_THE_PERIOD, tick=False)
def test_the_online_form_saves_each_page_and_counts_one_answer_per_device(app, org, open_campaign):
    campaign = open_campaign
    client = app.test_client()
    first = client.get(FORM_URL).get_data(as_text=True)
    assert "Trang 1/4" in first and "Không biết / không trả lời" in first and "Phường Bưởi" in first
    assert answer_page(client, 1, {"S01": "5", "S02": "4", "S03": "0"}).headers["Location"].endswith("p=2")
    # the page was saved: going back shows the answers chosen
    again = client.get(f"{FORM_URL}?p=1").get_data(as_text=True)
    assert re.search(r'name="S01" value="5" checked', again)
    assert answer_page(client, 2, {"S04v2": "2", "S05": "9"}).status_code == 200  # 9 is not on the scale
    assert answer_page(client, 2, {"S04v2": "2", "S05": "4"}).status_code == 302
    answer_page(client, 3, {"S06": "4", "S07": "3"})
    done = answer_page(client, 4, {"D1": "2", "comment": "Cán bộ nhiệt tình"})
    assert done.headers["Location"].endswith("/thanks")
    db.session.expire_all()

    report = report_of(campaign, org.ward)
    assert report["n"] == 1 and report["channels"] == {"online": 1}
    assert report["criteria"]["S01"]["counts"]["5"] == 1
    assert report["criteria"]["S03"]["n"] == 0  # "don't know" stays out of the denominator
    assert report["elements"]["S4"] == 50.0  # S04v2 = 2 -> 0, S05 = 4 -> 100
    # the same device is told it has answered; the mark holds no link to the response
    assert "đã trả lời khảo sát" in client.get(FORM_URL).get_data(as_text=True)
    token = csrf_token(client, "/auth/login")
    assert client.post(f"{FORM_URL}?p=4", data={"D1": "1", "csrf_token": token}).status_code == 200
    assert report_of(campaign, org.ward)["n"] == 1
    response = db.session.scalar(select(SipasResponse).where(SipasResponse.campaign_id == campaign.id))
    assert response.comment and response.submitted_at == IN_THE_PERIOD  # the minute, not the second
    mark = db.session.scalars(select(SipasDeviceMark)).one()
    assert set(SipasDeviceMark.__table__.c.keys()) == {"campaign_id", "token_hash"}
    assert len(mark.token_hash) == 64
    # another phone answers too
    other = app.test_client()
    for page, data in enumerate([{"S01": "1"}, {}, {}, {}], start=1):
        answer_page(other, page, data)
    db.session.expire_all()
    assert report_of(campaign, org.ward)["n"] == 2


def test_the_online_form_is_closed_outside_open_campaigns(client, campaign):
    page = client.get(FORM_URL)  # the campaign is still a draft
    assert page.status_code == 200 and "Khảo sát hiện không nhận câu trả lời" in page.get_data(as_text=True)
    assert client.get("/sipas/s/TH-2026/00367").status_code == 404  # a unit not taking part
    assert client.get("/sipas/s/NOPE/00109").status_code == 404


def test_the_online_form_is_closed_after_the_period(client, open_campaign):
    with time_machine.travel(datetime(2026, 5, 1, 3, tzinfo=UTC), tick=False):
        page = client.get(FORM_URL).get_data(as_text=True)
    assert "Khảo sát hiện không nhận câu trả lời" in page


@time_machine.travel(IN_THE_PERIOD, tick=False)
def test_the_online_form_speaks_english_on_request(app, open_campaign):
    client = app.test_client()
    client.get("/lang/en")
    page = client.get(FORM_URL).get_data(as_text=True)
    assert "Don't know / no answer" in page and "Page 1 of 4" in page


@time_machine.travel(IN_THE_PERIOD, tick=False)
def test_a_long_comment_is_kept_whole_and_the_session_cookie_stays_small(app, org, open_campaign):
    client = app.test_client()
    for page in (1, 2, 3):
        answer_page(client, page, {})
    long_comment = "Đề nghị cải thiện chỗ ngồi chờ và hướng dẫn rõ hơn. " * 35  # about 1,800 characters
    assert answer_page(client, 4, {"D1": "1", "comment": long_comment}).status_code == 302
    assert db.session.scalar(select(SipasResponse.comment)) == long_comment.strip()[:2000]
    cookie = client.get_cookie("session")
    assert cookie is None or len(cookie.value) < 3000
    assert report_of(open_campaign, org.ward)["n"] == 1


def test_the_pages_of_the_form_and_the_answers_kept_page_by_page(campaign):
    questionnaire = questionnaire_of(campaign)
    pages = form_pages(questionnaire)
    assert [p.element.code if p.element else None for p in pages] == ["S3", "S4", "S5", None]
    assert pages[-1].last and pages[-1].codes == ["D1", "D2", "D4v2"]
    saved = {"S01": 5, "S02": 4}
    answers, errors = take_page_answers(questionnaire, pages[0], {"S01": "", "S02": "99", "S03": "7"}, saved)
    assert answers == {"S02": 99} and list(errors) == ["S03"]  # "don't know" kept apart from a blank
    assert saved == {"S01": 5, "S02": 4}  # the saved draft itself is left alone


def test_qr_code_and_poster(client, campaign):
    login(client, "official1")
    png = client.get(f"/sipas/campaigns/{campaign.code}/qr/00109.png")
    assert png.mimetype == "image/png" and png.data[:8] == b"\x89PNG\r\n\x1a\n"
    svg = client.get(f"/sipas/campaigns/{campaign.code}/qr/00109.svg")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    assert client.get(f"/sipas/campaigns/{campaign.code}/qr/00109.gif").status_code == 404
    poster = client.get(f"/sipas/campaigns/{campaign.code}/poster/00109").get_data(as_text=True)
    assert "http://localhost/sipas/s/TH-2026/00109" in poster


# --- rate limit (a separate app with limits switched on) ---------------------------------------


@pytest.fixture
def limited_app(tmp_path_factory):
    app = build_app("sqlite", tmp_path_factory, RATELIMIT_ENABLED=True, SIPAS_SUBMIT_RATE="3 per minute")
    yield app
    empty_tables(app)
    with app.app_context():
        db.engine.dispose()


def test_the_fourth_post_within_a_minute_is_refused(limited_app):
    with limited_app.app_context():
        org = Org()
        today = clock.today()
        make_sipas_campaign(
            org.district,
            {org.ward: 5},
            code="RL",
            start_on=today - timedelta(days=1),
            end_on=today + timedelta(days=1),
            state="open",
        )
        db.session.commit()
        client = limited_app.test_client()
        url = "/sipas/s/RL/00109?p=1"
        token = csrf_token(client, url)
        replies = [client.post(url, data={"S01": "4", "csrf_token": token}) for _ in range(4)]
        assert [r.status_code for r in replies] == [302, 302, 302, 429]
        assert "Quá nhiều yêu cầu" in replies[-1].get_data(as_text=True)
        assert client.get(url).status_code == 200  # reading the form is not limited
