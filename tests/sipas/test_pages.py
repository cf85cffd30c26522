"""The SIPAS pages: campaigns, public online form, paper batches, import, export, results."""

from __future__ import annotations

import io
import re
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import select

from survey_app.analytics.sipas_queries import campaign_report
from survey_app.extensions import db
from survey_app.models.audit import AuditEntry
from survey_app.models.sipas import SipasDeviceMark, SipasResponse
from survey_app.sipas import services
from tests.conftest import csrf_token, login, post_form
from tests.sipas.helpers import CRITERIA, CSV_TEXT, HEADER, make_campaign

FORM_URL = "/sipas/s/TH-2026/00109"


def open_campaign(org, **kwargs):
    campaign = make_campaign(org, **kwargs)
    services.change_state(campaign, "open")
    db.session.commit()
    return campaign


def freeze_today(monkeypatch, day: str = "2026-03-10") -> None:
    """Make the public form believe it is a day inside the campaign period."""
    from datetime import UTC, datetime

    import survey_app.sipas.services as module

    fixed = datetime.fromisoformat(day + "T03:00:00+00:00")

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            return fixed if tz else fixed.replace(tzinfo=None)

    monkeypatch.setattr(module, "datetime", Clock)
    assert module.datetime.now(UTC) == fixed


def answer_page(client, page: int, data: dict, go: str = "next"):
    url = f"{FORM_URL}?p={page}"
    return client.post(url, data={**data, "go": go, "csrf_token": csrf_token(client, url)})


def test_the_online_form_saves_each_page_and_counts_one_answer_per_device(app, org, monkeypatch):
    campaign = open_campaign(org)
    freeze_today(monkeypatch)
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

    report = campaign_report(campaign, org.ward)
    assert report["n"] == 1 and report["channels"] == {"online": 1}
    assert report["criteria"]["S01"]["counts"]["5"] == 1
    assert report["criteria"]["S03"]["n"] == 0  # "don't know" stays out of the denominator
    assert report["elements"]["S4"] == 50.0  # S04v2 = 2 -> 0, S05 = 4 -> 100
    # the same device is told it has answered; the mark holds no link to the response
    assert "đã trả lời khảo sát" in client.get(FORM_URL).get_data(as_text=True)
    token = csrf_token(client, "/auth/login")
    assert client.post(f"{FORM_URL}?p=4", data={"D1": "1", "csrf_token": token}).status_code == 200
    assert campaign_report(campaign, org.ward)["n"] == 1
    assert db.session.scalar(select(SipasResponse).where(SipasResponse.campaign_id == campaign.id)).comment
    mark = db.session.scalars(select(SipasDeviceMark)).one()
    assert set(SipasDeviceMark.__table__.c.keys()) == {"campaign_id", "token_hash"}
    assert len(mark.token_hash) == 64
    # another phone answers too
    other = app.test_client()
    for page, data in enumerate([{"S01": "1"}, {}, {}, {}], start=1):
        answer_page(other, page, data)
    db.session.expire_all()
    assert campaign_report(campaign, org.ward)["n"] == 2


def test_the_online_form_is_closed_outside_open_campaigns(app, org, client):
    make_campaign(org)  # still a draft
    page = client.get(FORM_URL)
    assert page.status_code == 200 and "Khảo sát hiện không nhận câu trả lời" in page.get_data(as_text=True)
    assert client.get("/sipas/s/TH-2026/00367").status_code == 404  # a unit not taking part
    assert client.get("/sipas/s/NOPE/00109").status_code == 404


def test_the_online_form_speaks_english_on_request(app, org, monkeypatch):
    open_campaign(org)
    freeze_today(monkeypatch)
    client = app.test_client()
    client.get("/lang/en")
    page = client.get(FORM_URL).get_data(as_text=True)
    assert "Don't know / no answer" in page and "Page 1 of 4" in page


def test_an_official_creates_and_runs_a_campaign(client, org):
    login(client, "admin1")
    created = post_form(
        client,
        "/sipas/campaigns/new",
        {
            "code": "HN-2026",
            "name": "SIPAS Hà Nội 2026",
            "questionnaire": "sipas-2023",
            "start_on": "01/03/2026",
            "end_on": "30/04/2026",
            "channels": ["online", "paper"],
            "owner_id": org.district.id,
        },
    )
    assert created.status_code == 302
    url = "/sipas/campaigns/HN-2026"
    post_form(client, f"{url}/units", {"unit_id": org.ward.id, "population": "6100"}, token_from=url)
    page = client.get(url).get_data(as_text=True)
    assert "Phường Bưởi" in page and "376" in page
    assert post_form(client, f"{url}/state/open", {}, token_from=url).status_code == 302
    assert "đang mở" in client.get(url).get_data(as_text=True)


def test_a_bad_campaign_form_is_shown_again_with_translated_errors(client, org):
    login(client, "admin1")
    page = post_form(
        client,
        "/sipas/campaigns/new",
        {"code": "bad code!", "name": "", "questionnaire": "ward-short", "start_on": "31/02/2026",
         "end_on": "", "channels": [], "owner_id": org.district.id},
    )  # fmt: skip
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Chỉ dùng chữ cái" in html and "Hãy nhập tên." in html and "Hãy chọn một kênh." in html


def test_paper_batch_typed_closed_and_corrected_with_a_log(client, org):
    campaign = open_campaign(org)
    login(client, "official1")
    url = f"/sipas/campaigns/{campaign.code}/batches"
    opened = post_form(
        client, url, {"unit_id": org.ward.id, "place": "Một cửa phường Bưởi", "collected_on": "09/03/2026",
                      "forms_in_hand": "2"},
    )  # fmt: skip
    batch_url = opened.headers["Location"]
    keys = dict.fromkeys(CRITERIA, "4")
    refused = post_form(client, batch_url, {**keys, "S03": "7"})
    assert refused.status_code == 200 and "Gõ 1, 2, 3, 4, 5, hoặc 0 nếu không trả lời." in refused.get_data(
        as_text=True
    )
    assert post_form(client, batch_url, keys).status_code == 302
    early = post_form(client, batch_url + "/close", {}, token_from=batch_url)
    assert "Đã nhập 1 trên 2 phiếu" in client.get(early.headers["Location"]).get_data(as_text=True)
    assert post_form(client, batch_url, {**keys, "S01": "1", "S02": ""}).status_code == 302
    page = client.get(batch_url).get_data(as_text=True)
    assert "Đã nhập đủ 2 phiếu" in page
    assert post_form(client, batch_url + "/close", {}, token_from=batch_url).status_code == 302
    report = campaign_report(campaign, org.ward)
    assert report["channels"] == {"paper": 2}
    assert report["criteria"]["S01"]["index"] == 50.0  # 4 and 1
    assert report["criteria"]["S02"]["n"] == 1

    first = db.session.scalars(select(SipasResponse).order_by(SipasResponse.id)).first()
    edit = f"/sipas/responses/{first.id}/edit"
    assert post_form(client, edit, {**keys, "S01": "2"}).status_code == 302
    db.session.expire_all()
    assert campaign_report(campaign, org.ward)["criteria"]["S01"]["index"] == 0.0  # 2 and 1
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "sipas.response.edit"))
    assert entry.actor_id == org.users["official"].id
    assert entry.before["answers"]["S01"] == 4 and entry.after["answers"]["S01"] == 2


def test_import_page_lists_every_problem_and_imports_nothing(client, org):
    campaign = make_campaign(org)
    login(client, "admin1")
    url = f"/sipas/campaigns/{campaign.code}/import"
    bad = (
        HEADER
        + "\nr1,00109,online,2026-03-05,6,4,3,4,,2,5,4,1,1\nr2,00000,paper,2026-03-06,4,2,4,5,3,4,4,,5,2\n"
    )
    page = post_form(client, url, {"file": (io.BytesIO(bad.encode()), "forms.csv")})
    html = page.get_data(as_text=True)
    assert "Chưa nhập dữ liệu nào" in html
    assert "Dòng 2: S01: 6 không phải là câu trả lời hợp lệ." in html
    assert "Dòng 3: không có đơn vị mã 00000." in html
    assert db.session.scalar(select(SipasResponse.id)) is None
    good = post_form(client, url, {"file": (io.BytesIO(CSV_TEXT.encode()), "forms.csv")})
    assert good.status_code == 302


def test_a_district_official_cannot_import_for_another_district(client, org):
    campaign = make_campaign(org)
    services.set_campaign_unit(campaign, org.sibling_ward, target=10)
    db.session.commit()
    login(client, "official1")
    url = f"/sipas/campaigns/{campaign.code}/import"
    text = HEADER + "\nr9,00367,paper,2026-03-05,4,4,4,4,4,4,4,4,4,1\n"
    html = post_form(client, url, {"file": (io.BytesIO(text.encode()), "f.csv")}).get_data(as_text=True)
    assert "Dòng 2: đơn vị 00367 không thuộc phạm vi của bạn." in html


def test_exports_stream_csv_and_xlsx(client, org):
    campaign = make_campaign(org)
    services.import_csv(campaign, CSV_TEXT)
    db.session.commit()
    login(client, "leader1")
    csv_text = client.get(f"/sipas/campaigns/{campaign.code}/export.csv").get_data(as_text=True)
    lines = csv_text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("response_id,unit_code,channel,submitted_at,S01,S02")
    assert len(lines) == 5
    assert lines[1].startswith("r1,00109,online,2026-03-05T09:30:00+07:00,5,4,3,4,,2,5,4,1,1")
    xlsx = client.get(f"/sipas/campaigns/{campaign.code}/export.xlsx")
    rows = list(load_workbook(io.BytesIO(xlsx.data), read_only=True).active.iter_rows(values_only=True))
    assert len(rows) == 5 and rows[3][0] == "r3" and rows[3][4] == 1


def test_results_page_and_printable_report(client, org):
    campaign = make_campaign(org)
    services.import_csv(campaign, CSV_TEXT)
    db.session.commit()
    login(client, "leader1")
    html = client.get(f"/sipas/campaigns/{campaign.code}/results?unit=003").get_data(as_text=True)
    # pooled district overall 70.1389 -> "70,14%"; ward 00109 63.89 in the by-unit table
    assert "70,14%" in html and "63,89%" in html
    assert "Tiến độ thu phiếu" in html
    assert "Nam: 50,0% · Nữ: 50,0%" in html and "· Khác:" not in html  # D1 of r1 and r2; r3, r4 left it blank
    report = client.get(f"/sipas/campaigns/{campaign.code}/report?unit=00109").get_data(as_text=True)
    assert "63,89%" in report and "Báo cáo Chỉ số hài lòng" in report
    assert client.get(f"/sipas/campaigns/{campaign.code}/results?unit=00367").status_code == 404


def test_qr_code_and_poster(client, org):
    campaign = make_campaign(org)
    login(client, "official1")
    png = client.get(f"/sipas/campaigns/{campaign.code}/qr/00109.png")
    assert png.mimetype == "image/png" and png.data[:8] == b"\x89PNG\r\n\x1a\n"
    svg = client.get(f"/sipas/campaigns/{campaign.code}/qr/00109.svg")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    poster = client.get(f"/sipas/campaigns/{campaign.code}/poster/00109").get_data(as_text=True)
    assert "http://localhost/sipas/s/TH-2026/00109" in poster


def test_a_district_leader_sees_its_wards_pooled_in_a_city_campaign(client, org):
    campaign = make_campaign(org)
    campaign.owner_unit = org.city
    services.import_csv(campaign, CSV_TEXT)
    db.session.commit()
    login(client, "leader1")
    html = client.get(f"/sipas/campaigns/{campaign.code}/results").get_data(as_text=True)
    assert re.search(r'<option value="003" selected>', html)
    assert "70,14%" in html  # the district pooled from its two wards


def test_a_long_comment_is_kept_whole_and_the_session_cookie_stays_small(app, org, monkeypatch):
    campaign = open_campaign(org)
    freeze_today(monkeypatch)
    client = app.test_client()
    for page in (1, 2, 3):
        answer_page(client, page, {})
    long_comment = "Đề nghị cải thiện chỗ ngồi chờ và hướng dẫn rõ hơn. " * 35  # about 1,800 characters
    assert answer_page(client, 4, {"D1": "1", "comment": long_comment}).status_code == 302
    assert db.session.scalar(select(SipasResponse.comment)) == long_comment.strip()[:2000]
    cookie = client.get_cookie("session")
    assert cookie is None or len(cookie.value) < 3000
    assert campaign_report(campaign, org.ward)["n"] == 1


def test_a_spoiled_paper_form_is_left_out_and_counted_again(client, org):
    campaign = open_campaign(org)
    batch = services.open_batch(
        campaign, org.ward, place="Một cửa", collected_on=date(2026, 3, 9), forms_in_hand=2, user_id=None
    )
    first = services.enter_paper_form(batch, {"S01": 5}, "", None)
    services.enter_paper_form(batch, {"S01": 1}, "", None)
    db.session.commit()
    login(client, "official1")
    batch_url = f"/sipas/batches/{batch.id}"
    post_form(client, f"/sipas/responses/{first.id}/exclude", {"reason": "phiếu trùng"}, token_from=batch_url)
    db.session.expire_all()
    report = campaign_report(campaign, org.ward)
    assert report["n"] == 1 and report["criteria"]["S01"]["index"] == 0.0  # only the "1" is left
    assert "đã loại: phiếu trùng" in client.get(batch_url).get_data(as_text=True)
    post_form(client, f"/sipas/responses/{first.id}/exclude", {}, token_from=batch_url)
    db.session.expire_all()
    assert campaign_report(campaign, org.ward)["criteria"]["S01"]["index"] == 50.0
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"sipas.response.exclude", "sipas.response.include"} <= actions


def test_an_official_of_the_unit_reads_the_campaign_results(client, org):
    campaign = make_campaign(org)
    services.import_csv(campaign, CSV_TEXT)
    db.session.commit()
    login(client, "official1")
    page = client.get(f"/sipas/campaigns/{campaign.code}").get_data(as_text=True)
    assert f"/sipas/campaigns/{campaign.code}/results" in page
    html = client.get(f"/sipas/campaigns/{campaign.code}/results?unit=003").get_data(as_text=True)
    assert "70,14%" in html  # the same pooled district figure the leader reads
    assert client.get(f"/sipas/campaigns/{campaign.code}/report?unit=00109").status_code == 200
    assert (
        client.get(f"/sipas/campaigns/{campaign.code}/export.csv").status_code == 403
    )  # raw rows stay with leaders
