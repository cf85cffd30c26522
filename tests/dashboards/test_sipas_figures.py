"""The SIPAS view: pooled indices, Wilson intervals, ranking, trend across campaigns, sample progress."""

from __future__ import annotations

from datetime import date

from survey_app.extensions import db
from survey_app.models.sipas import CampaignState, SipasCampaign
from tests.conftest import login
from tests.factories import cube_sipas_answers, ward_short_answers


def page(client, query: str) -> str:
    response = client.get(f"/dashboards/sipas?{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_district_index_is_computed_from_pooled_counts(client, sipas_data):
    login(client, "leader1")
    html = page(client, "unit=003")
    assert "Khảo sát 2025" in html  # the latest campaign by default
    # Pooled: S01 46/50 = 92, others 42/50 = 84; element S3 = (92+84+84)/3 = 86,67; overall
    # = (86,67 + 84 + 84)/3 = 84,89 (never the mean of the wards' own indices)
    assert "84,89" in html and "86,67" in html
    assert "50 phiếu trả lời" in html
    # S01's 95% Wilson interval for 46 of 50: 81,16 – 96,85
    assert "81,16" in html and "96,85" in html
    # ranking: Bưởi 81,11 = (83,33 + 80 + 80)/3; Thụy Khuê has only 10 responses
    assert "81,11" in html and "không đủ mẫu" in html


def test_trend_across_campaigns_and_campaign_filter(client, sipas_data):
    login(client, "leader1")
    trend = client.get("/dashboards/sipas/export/trend.csv?unit=003").get_data().decode("utf-8-sig")
    assert trend.strip().splitlines()[1:] == [
        "Khảo sát 2024,30,80.0,Phương pháp 2017–2021",
        "Khảo sát 2025,50,84.89,Phương pháp 2017–2021",
    ]
    html = page(client, "unit=003&campaign=C2024")
    assert "Khảo sát 2024" in html and "30 phiếu trả lời" in html and "80,00" in html


def test_sample_progress_follows_the_channel_filter(client, sipas_data):
    login(client, "leader1")
    rows = client.get("/dashboards/sipas/export/progress.csv?unit=003").get_data().decode("utf-8-sig")
    assert "Phường Bưởi,50,40,80.0" in rows and "Phường Thụy Khuê,40,10,25.0" in rows
    paper = client.get("/dashboards/sipas/export/progress.csv?unit=003&channel=paper").get_data()
    assert "Phường Bưởi,50,30,60.0" in paper.decode("utf-8-sig")


def test_channel_filter_narrows_the_indices(client, sipas_data):
    login(client, "leader1")
    html = page(client, "unit=003&channel=paper")
    # Paper only (Bưởi's 30 forms): S01 30/30 = 100, others 27/30 = 90; S3 = (100+90+90)/3 = 93,33;
    # overall = (93,33 + 90 + 90)/3 = 91,11, instead of 84,89 over every channel
    assert "91,11" in html and "93,33" in html and "30 phiếu trả lời" in html
    assert "84,89" not in html


def test_small_unit_is_suppressed_and_bad_campaign_is_reported(client, sipas_data):
    login(client, "leader1")
    html = page(client, "unit=00112")
    assert 'data-testid="sipas-overall"><span class="suppressed">không đủ mẫu' in html
    html = page(client, "unit=003&campaign=NOPE")
    assert "Một số bộ lọc không hợp lệ" in html and "84,89" in html


def test_no_campaign_yet(client, org):
    login(client, "leader1")
    assert "Chưa có đợt khảo sát SIPAS nào" in page(client, "unit=003")


def test_expectation_priorities_highest_first(client, org):
    campaign = SipasCampaign(
        code="P2026",
        name="Khảo sát 2026",
        questionnaire="sipas-2023",
        start_on=date(2026, 3, 1),
        end_on=date(2026, 4, 30),
        state=CampaignState.open,
    )
    db.session.add(campaign)
    db.session.flush()
    # "Wanted" = the top two of four levels: X11 30 of 40 = 75; X02 20 of 40 = 50; X03 no valid answer
    cube_sipas_answers(
        campaign,
        org.ward,
        {"online": 40},
        {"X11": {4: 20, 3: 10, 2: 6, 1: 4}, "X02": {4: 10, 3: 10, 1: 20}, "X03": {0: 40}},
    )
    db.session.commit()
    login(client, "leader1")
    text = client.get("/dashboards/sipas/export/expectations.csv?unit=003").get_data().decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert "minh bạch trong cung cấp thông tin" in lines[1] and lines[1].endswith(",40,75.0")
    assert "cơ sở vật chất, trang thiết bị" in lines[2] and lines[2].endswith(",40,50.0")
    assert lines[3].endswith(",0,không đủ mẫu")


def _published_2026_with_a_thin_criterion(org) -> None:
    """Campaign 2026, published: Phường Bưởi 40 responses, every criterion 32 of 40 satisfied (80) except
    S05, which has 20 valid answers (10 of them satisfied) and 20 "don't know"; S03 has no valid answer."""
    campaign = SipasCampaign(
        code="C2026",
        name="Khảo sát 2026",
        questionnaire="ward-short",
        start_on=date(2026, 1, 5),
        end_on=date(2026, 1, 25),
        state=CampaignState.published,
    )
    db.session.add(campaign)
    db.session.flush()
    answers = ward_short_answers({4: 32, 2: 8}, S05={4: 10, 2: 10, 99: 20}, S03={99: 30, 0: 10})
    cube_sipas_answers(campaign, org.ward, {"paper": 40}, answers)
    db.session.commit()


def test_an_index_built_on_a_criterion_under_the_minimum_is_withheld_on_the_dashboard_report_and_board(
    client, org, sipas_data
):
    _published_2026_with_a_thin_criterion(org)
    login(client, "leader1")
    html = page(client, "unit=00109&campaign=C2026")
    # 40 responses, but the overall index rests on S05's 20 valid answers: withheld, and the rule is said
    kpi = html[html.index('data-testid="sipas-overall"') :]
    assert kpi[: kpi.index("</strong>")].count("không đủ mẫu") == 1
    assert "ít nhất 30 câu trả lời hợp lệ" in html
    assert "Tính không gồm các tiêu chí không có câu trả lời hợp lệ (Công chức" in html  # S03 left out of S3
    elements = client.get("/dashboards/sipas/export/elements.csv?unit=00109&campaign=C2026")
    rows = elements.get_data().decode("utf-8-sig").strip().splitlines()[1:]
    assert [row.rsplit(",", 1)[1] for row in rows] == [
        "80.0",
        "không đủ mẫu",
        "80.0",
    ]  # S3 from S01, S02 only
    criteria = client.get("/dashboards/sipas/export/criteria.csv?unit=00109&campaign=C2026")
    s05 = next(r for r in criteria.get_data().decode("utf-8-sig").splitlines() if "S05." in r)
    assert s05.endswith(
        ",20,không đủ mẫu,không đủ mẫu,không đủ mẫu,không đủ mẫu,20,0"
    )  # 20 "don't know", no blank
    report = client.get("/dashboards/report?unit=00109&start=01/01/2026&end=31/01/2026").get_data(
        as_text=True
    )
    assert 'data-testid="report-sipas"><span class="suppressed">không đủ mẫu' in report
    assert "ít nhất 30 câu trả lời hợp lệ" in report
    board = client.get("/public/003?month=01/2026").get_data(as_text=True)
    table = board[board.index('id="scoreboard"') :]
    bu_oi = table[table.index("Phường Bưởi") : table.index("</tr>", table.index("Phường Bưởi"))]
    assert "Khảo sát 2026" in board and "không đủ mẫu" in bu_oi and "80,00" not in bu_oi


def test_an_element_without_a_criterions_answers_is_computed_from_the_others_with_a_note(client, org):
    # Bưởi, 40 forms: S01 answered "Không biết" by all 40, every other criterion 30 "5" + 10 "3" = 75,00.
    # Element S3 is computed from S02 and S03 only (75,00), and the dashboard and the report say so.
    made = SipasCampaign(
        code="C2026",
        name="Khảo sát 2026",
        questionnaire="ward-short",
        start_on=date(2026, 3, 1),
        end_on=date(2026, 4, 30),
        state=CampaignState.closed,
    )
    db.session.add(made)
    db.session.flush()
    cube_sipas_answers(made, org.ward, {"paper": 40}, ward_short_answers({5: 30, 3: 10}, S01={99: 40}))
    db.session.commit()
    login(client, "leader1")
    note = (
        "Tính không gồm các tiêu chí không có câu trả lời hợp lệ "
        "(Công chức trực tiếp giải quyết công việc: S01)."
    )
    html = page(client, "unit=00109")
    assert note in html and 'data-testid="sipas-overall">75,00' in html
    report = client.get("/dashboards/report?unit=00109&start=01/01/2026&end=30/04/2026").get_data(
        as_text=True
    )
    assert note in report
