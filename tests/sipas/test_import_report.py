"""CSV import checked as a whole, idempotent; the report computed from pooled counts (hand-worked)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from survey_app.analytics.sipas_queries import all_units_report, campaign_report
from survey_app.extensions import db
from survey_app.models.sipas import SipasResponse
from survey_app.sipas import services
from tests.sipas.helpers import CSV_TEXT, FORMS, HEADER, make_campaign


def responses(campaign) -> int:
    return db.session.scalar(select(func.count()).where(SipasResponse.campaign_id == campaign.id))


def test_import_then_report_for_wards_and_the_pooled_district(org):
    campaign = make_campaign(org)
    result = services.import_csv(campaign, CSV_TEXT)
    assert (result.ok, result.created, result.skipped) == (True, 4, 0)
    db.session.commit()

    ward = campaign_report(campaign, org.ward)
    # 00109: S01 {5,4} 100, S02 {4,2} 50, S03 {3,4} 50 -> S3 = 200/3
    #        S04v2 {4,5} 100, S05 {3} 0 -> S4 = 50
    #        S06 {2,4} 50, S07 {5,4} 100, S08 {4} 100, S09 {1,5} 50 -> S5 = 75
    assert ward["n"] == 2 and ward["channels"] == {"online": 1, "paper": 1}
    assert ward["elements"] == pytest.approx({"S3": 200 / 3, "S4": 50.0, "S5": 75.0})
    assert ward["overall"] == pytest.approx((200 / 3 + 50 + 75) / 3)  # 63.888…
    assert ward["criteria"]["S05"]["n"] == 1  # r1 left S05 empty: out of the denominator
    assert ward["criteria"]["S08"]["counts"] == {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0}

    district = campaign_report(campaign, org.district)
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


def test_the_report_lists_every_unit_with_responses_in_its_subtree(org):
    campaign = make_campaign(org)
    services.import_csv(campaign, CSV_TEXT)
    db.session.commit()
    units = {u["unit"]: u for u in all_units_report(campaign)}
    assert set(units) == {"01", "003", "00109", "00112"}  # not the sibling district nor the centre
    assert units["01"]["n"] == 4 and units["00112"]["n"] == 2
    assert units["003"]["overall"] == pytest.approx(units["01"]["overall"])
    assert units["00109"]["overall"] == pytest.approx((200 / 3 + 50 + 75) / 3)


def test_a_file_with_errors_imports_nothing_and_lists_every_problem_with_its_line(org):
    campaign = make_campaign(org)
    bad = "\n".join(
        [
            HEADER,
            FORMS[0],
            "r2,99999,fax,2026-03-06,4,2,4,5,3,4,4,,5,2",
            "r3,00112,phone,2025-12-31,1,4,4,4,4,4,4,4,7,",
            "r1,00112,paper,2026-03-08,1,1,1,1,1,1,1,1,1,1",
            "r5,00112,paper,2026-03-08,1,1",
        ]
    )
    result = services.import_csv(campaign, bad)
    assert result.errors == [
        "Dòng 3: không có đơn vị mã 99999; kênh phải là online, paper, phone hoặc interview.",
        "Dòng 4: submitted_at nằm ngoài thời gian của đợt khảo sát; S09: 7 không phải là câu trả lời hợp lệ.",
        "Dòng 5: response_id r1 trùng với dòng 2.",
        "Dòng 6: cần 14 cột, nhưng có 6 cột.",
    ]
    db.session.rollback()
    assert responses(campaign) == 0


def test_reimporting_the_same_response_ids_adds_nothing(org):
    campaign = make_campaign(org)
    services.import_csv(campaign, CSV_TEXT)
    db.session.commit()
    again = services.import_csv(campaign, CSV_TEXT)
    assert (again.created, again.skipped) == (0, 4)
    db.session.commit()
    assert responses(campaign) == 4
    assert campaign_report(campaign, org.district)["n"] == 4


def test_a_missing_criterion_column_is_named(org):
    campaign = make_campaign(org)
    header = HEADER.replace(",S05", "")
    result = services.import_csv(campaign, header + "\n")
    assert result.errors == ["Dòng 1: thiếu cột tiêu chí: S05."]


def test_a_published_campaign_refuses_imports(org):
    campaign = make_campaign(org)
    for action in ("open", "close", "publish"):
        services.change_state(campaign, action)
    assert services.import_csv(campaign, CSV_TEXT).errors == [
        "Đợt khảo sát đã công bố, không thể thay đổi nữa."
    ]


def test_cli_create_import_report_json_and_csv(app, org, tmp_path):
    runner = app.test_cli_runner()
    created = runner.invoke(
        args=[
            "sipas", "campaign", "create", "TH-2026", "--questionnaire", "ward-short",
            "--name", "Tây Hồ 2026", "--start", "2026-03-01", "--end", "2026-04-30",
        ]
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    path = tmp_path / "forms.csv"
    path.write_text(CSV_TEXT, encoding="utf-8")
    imported = runner.invoke(args=["sipas", "import", str(path), "--campaign", "TH-2026"])
    assert imported.exit_code == 0 and "imported 4, already there 0" in imported.output
    again = runner.invoke(args=["sipas", "import", str(path), "--campaign", "TH-2026"])
    assert "imported 0, already there 4" in again.output

    report = runner.invoke(args=["sipas", "report", "--campaign", "TH-2026", "--format", "json"])
    data = json.loads(report.output)
    assert data["campaign"] == "TH-2026"
    ward = next(u for u in data["units"] if u["unit"] == "00109")
    assert set(ward) == {"unit", "n", "overall", "aspects", "elements", "criteria"}
    assert ward["criteria"]["S01"]["counts"] == {"1": 0, "2": 0, "3": 0, "4": 1, "5": 1}
    assert ward["overall"] == pytest.approx(63.8888889)

    flat = runner.invoke(
        args=["sipas", "report", "--campaign", "TH-2026", "--format", "csv"]
    ).output.splitlines()
    assert flat[0] == "unit,level,code,index,n,mean,ci_low,ci_high,1,2,3,4,5"
    assert any(
        line.startswith("00109,criterion,S01,100.0,2,4.5,") and line.endswith(",0,0,0,1,1") for line in flat
    )

    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "\nx,00109,online,2020-01-01,1,1,1,1,1,1,1,1,1,1\n", encoding="utf-8")
    refused = runner.invoke(args=["sipas", "import", str(bad), "--campaign", "TH-2026"])
    assert refused.exit_code != 0
    assert "Dòng 2: submitted_at nằm ngoài thời gian của đợt khảo sát." in refused.output


def test_odd_files_get_a_clear_message_never_a_crash(org):
    campaign = make_campaign(org)
    assert services.import_csv(campaign, "\x00\x01binary").errors == ["Tệp không phải là tệp văn bản CSV."]
    broken = HEADER + "\n" + FORMS[0] + '\nr9,00109,paper,2026-03-05,"4\r5,4,4,4,4,4,4,4,4,1\n'
    assert services.import_csv(campaign, HEADER + "\r" + FORMS[0] + "\r").created == 1  # old Mac line ends
    db.session.rollback()
    errors = services.import_csv(campaign, broken).errors
    assert len(errors) == 1 and errors[0].startswith("Dòng 3:")
