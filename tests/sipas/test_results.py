"""Results from pooled counts (hand-worked): one unit's report, every unit's, and the results pages."""

from __future__ import annotations

import re

import pytest

from survey_app.analytics.sipas_queries import all_units_report, sample_progress
from survey_app.extensions import db
from survey_app.sipas.campaigns import questionnaire_of
from survey_app.sipas.transfer import import_csv
from tests.conftest import login
from tests.sipas.helpers import CSV_TEXT, report_of


def test_import_then_report_for_wards_and_the_pooled_district(campaign, org):
    result = import_csv(campaign, CSV_TEXT)
    assert (result.ok, result.created, result.skipped) == (True, 4, 0)
    db.session.commit()

    ward = report_of(campaign, org.ward)
    # 00109: S01 {5,4} 100, S02 {4,2} 50, S03 {3,4} 50 -> S3 = 200/3
    #        S04v2 {4,5} 100, S05 {3} 0 -> S4 = 50
    #        S06 {2,4} 50, S07 {5,4} 100, S08 {4} 100, S09 {1,5} 50 -> S5 = 75
    assert ward["n"] == 2 and ward["channels"] == {"online": 1, "paper": 1}
    assert ward["elements"] == pytest.approx({"S3": 200 / 3, "S4": 50.0, "S5": 75.0})
    assert ward["overall"] == pytest.approx((200 / 3 + 50 + 75) / 3)  # 63.888…
    assert ward["criteria"]["S05"]["n"] == 1  # r1 left S05 empty: out of the denominator
    assert ward["criteria"]["S08"]["counts"] == {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0}

    district = report_of(campaign, org.district)
    # pooled over the 4 forms: S01 {5,4,1,2} 50, S02 75, S03 75 -> S3 = 200/3
    # S04v2 {4,5,4,1} 75, S05 {3,4,5} 200/3 -> S4 = 70.8333; S06 75, S07 75, S08 {4,4,2} 200/3, S09 75 -> S5
    s4 = (75 + 200 / 3) / 2
    s5 = (75 + 75 + 200 / 3 + 75) / 4
    assert district["n"] == 4
    assert district["elements"] == pytest.approx({"S3": 200 / 3, "S4": s4, "S5": s5})
    assert district["overall"] == pytest.approx((200 / 3 + s4 + s5) / 3)  # 70.1389, not the 68.06 ward mean
    s01 = district["criteria"]["S01"]
    assert (s01["index"], s01["n"], s01["mean"]) == (50.0, 4, 3.0)
    # Wilson 2/4: centre 0.5, half = 1.96·sqrt(0.0625 + 3.8415/64) / 1.9604 = 0.34996
    assert s01["ci_low"] == pytest.approx(15.004, abs=0.01) and s01["ci_high"] == pytest.approx(
        84.996, abs=0.01
    )
    # D1 (gender) perception shares: r1 1, r2 2, r3 and r4 no answer
    assert district["perceptions"]["D1"][1] == 50.0


def test_the_report_lists_every_unit_with_responses_in_its_subtree(campaign):
    import_csv(campaign, CSV_TEXT)
    db.session.commit()
    found = all_units_report(db.session, campaign, questionnaire=questionnaire_of(campaign))
    units = {u["unit"]: u for u in found}
    assert set(units) == {"01", "003", "00109", "00112"}  # not the sibling district nor the centre
    assert units["01"]["n"] == 4 and units["00112"]["n"] == 2
    assert units["003"]["overall"] == pytest.approx(units["01"]["overall"])
    assert units["00109"]["overall"] == pytest.approx((200 / 3 + 50 + 75) / 3)


def test_sample_progress_counts_each_unit_s_subtree_against_its_target(campaign, org):
    import_csv(campaign, CSV_TEXT)
    db.session.commit()
    rows = {
        r["unit"].code: (r["target"], r["collected"], r["reached"])
        for r in sample_progress(db.session, campaign)
    }
    assert rows == {"00109": (100, 2, 2.0), "00112": (100, 2, 2.0)}


def test_results_page_and_printable_report(client, campaign, monkeypatch):
    monkeypatch.setitem(client.application.config, "SMALL_SAMPLE_MIN", 1)  # four forms: the arithmetic
    import_csv(campaign, CSV_TEXT)
    db.session.commit()
    login(client, "leader1")
    html = client.get(f"/sipas/campaigns/{campaign.code}/results?unit=003").get_data(as_text=True)
    # pooled district overall 70.1389 -> "70,14%"; ward 00109 63.89 in the by-unit table
    assert "70,14%" in html and "63,89%" in html
    assert "Tiến độ thu phiếu" in html
    assert "Nam: 50,0% · Nữ: 50,0%" in html and "· Khác:" not in html  # D1 of r1 and r2; r3, r4 left it blank
    assert "Phiếu giấy 2" in html  # responses per channel, named as the campaign form names them
    report = client.get(f"/sipas/campaigns/{campaign.code}/report?unit=00109").get_data(as_text=True)
    assert "63,89%" in report and "Báo cáo Chỉ số hài lòng" in report
    assert client.get(f"/sipas/campaigns/{campaign.code}/results?unit=00367").status_code == 404


def test_a_district_leader_sees_its_wards_pooled_in_a_city_campaign(client, campaign, org, monkeypatch):
    monkeypatch.setitem(client.application.config, "SMALL_SAMPLE_MIN", 1)  # four forms: the arithmetic
    campaign.owner_unit = org.city
    import_csv(campaign, CSV_TEXT)
    db.session.commit()
    login(client, "leader1")
    html = client.get(f"/sipas/campaigns/{campaign.code}/results").get_data(as_text=True)
    assert re.search(r'<option value="003" selected>', html)
    assert "70,14%" in html  # the district pooled from its two wards


def test_an_official_of_the_unit_reads_the_campaign_results(client, campaign, monkeypatch):
    monkeypatch.setitem(client.application.config, "SMALL_SAMPLE_MIN", 1)  # four forms: the arithmetic
    import_csv(campaign, CSV_TEXT)
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
