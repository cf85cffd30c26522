"""The SIPAS JSON API: a leader's token reads the campaigns of its scope and a subtree's index figures."""

from __future__ import annotations

import pytest

from survey_app.auth.services import issue_token
from survey_app.extensions import db
from survey_app.models import Role
from survey_app.sipas.transfer import import_csv
from tests.conftest import make_user
from tests.factories import make_sipas_campaign
from tests.sipas.helpers import CSV_TEXT


def bearer(user) -> dict:
    _token, secret = issue_token(user, "api test")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def sibling_campaign(org) -> None:
    """A campaign of the sibling district (Thanh Xuân), outside the district's scope."""
    make_sipas_campaign(org.sibling, {org.sibling_ward: 50}, code="TX-2026", name="Khảo sát Thanh Xuân")
    db.session.commit()


def test_a_leader_reads_the_figures_of_a_ward_and_of_the_pooled_district(client, org, campaign, monkeypatch):
    monkeypatch.setitem(client.application.config, "SMALL_SAMPLE_MIN", 1)  # the arithmetic of two forms
    import_csv(campaign, CSV_TEXT)
    db.session.commit()
    auth = bearer(org.users["leader"])
    ward = client.get("/api/v1/stats/sipas?campaign=TH-2026&unit=00109", headers=auth)
    assert ward.status_code == 200
    body = ward.get_json()
    # worked by hand in test_results: S3 = 200/3, S4 = 50, S5 = 75 for Phường Bưởi's two forms
    assert (body["campaign"], body["unit"], body["unit_name"], body["n"]) == (
        "TH-2026",
        "00109",
        "Phường Bưởi",
        2,
    )
    # the questionnaire's method, so a trend never joins figures of the 2017 and 2022 methods
    assert (body["questionnaire"], body["method"]) == ("ward-short", "2017")
    assert body["elements"] == pytest.approx({"S3": 200 / 3, "S4": 50.0, "S5": 75.0})
    assert body["overall"] == pytest.approx((200 / 3 + 50 + 75) / 3)
    assert body["channels"] == {"online": 1, "paper": 1}
    assert body["criteria"]["S08"]["counts"] == {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0}
    district = client.get("/api/v1/stats/sipas?campaign=TH-2026&unit=003", headers=auth).get_json()
    s01 = district["criteria"]["S01"]
    assert district["n"] == 4 and (s01["index"], s01["n"], s01["mean"]) == (50.0, 4, 3.0)
    assert district["perceptions"]["D1"]["1"] == 50.0  # r1 answered 1, r2 answered 2, two left it empty
    assert district["expectations"] == {} and district["aspects"] == {"service": pytest.approx(70.138, 0.001)}


def test_the_campaign_list_holds_what_the_scope_runs_or_takes_part_in(client, org, campaign):
    sibling_campaign(org)
    listed = client.get("/api/v1/sipas/campaigns", headers=bearer(org.users["leader"])).get_json()
    assert [c["code"] for c in listed["campaigns"]] == ["TH-2026"]
    first = listed["campaigns"][0]
    assert first["owner_unit"] == "003" and first["units"] == ["00109", "00112"]
    assert (first["start_on"], first["end_on"], first["state"]) == ("2026-03-01", "2026-04-30", "draft")
    everything = client.get("/api/v1/sipas/campaigns", headers=bearer(org.users["admin"])).get_json()
    assert {c["code"] for c in everything["campaigns"]} == {"TH-2026", "TX-2026"}


def test_bad_requests_get_json_errors_and_reveal_nothing_outside_the_scope(client, org, campaign):
    sibling_campaign(org)
    auth = bearer(org.users["leader"])
    missing = client.get("/api/v1/stats/sipas?unit=003", headers=auth)
    assert missing.status_code == 422 and "campaign" in missing.get_json()["errors"]["query"]
    assert client.get("/api/v1/stats/sipas?campaign=TH-2026", headers=auth).status_code == 422
    assert client.get("/api/v1/stats/sipas?campaign=&unit=003", headers=auth).status_code == 422
    for query in ("campaign=NOPE&unit=003", "campaign=TX-2026&unit=003", "campaign=TH-2026&unit=009"):
        answer = client.get(f"/api/v1/stats/sipas?{query}", headers=auth)
        assert answer.status_code == 404 and answer.is_json, query
    assert client.get("/api/v1/stats/sipas?campaign=TH-2026&unit=003").status_code == 401
    assert client.get("/api/v1/stats/sipas").status_code == 401  # the token first, then the parameters
    official = make_user("official_api", Role.official, org.district)  # enters data, reads no results here
    db.session.commit()
    refused = client.get("/api/v1/stats/sipas?campaign=TH-2026&unit=003", headers=bearer(official))
    assert refused.status_code == 403 and refused.is_json


def test_errors_are_translated(client, org, campaign):
    auth = {**bearer(org.users["leader"]), "Accept-Language": "vi"}
    answer = client.get("/api/v1/stats/sipas?campaign=NOPE&unit=003", headers=auth).get_json()
    assert answer["message"] == "Không có đợt khảo sát NOPE trong phạm vi của bạn."
    missing = client.get("/api/v1/stats/sipas?unit=003", headers=auth).get_json()
    assert (missing["code"], missing["status"]) == (422, "Unprocessable Entity")
    assert missing["message"] == "Hãy cho biết mã đợt khảo sát và mã đơn vị."
    assert missing["errors"] == {"query": {"campaign": ["Bắt buộc."]}}


def test_the_openapi_document_declares_the_stats_parameters_and_answer(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    stats = spec["paths"]["/api/v1/stats/sipas"]["get"]
    parameters = {p["name"]: p for p in stats["parameters"] if p["in"] == "query"}
    assert set(parameters) == {"campaign", "unit"}
    assert all(p["required"] and p["schema"]["type"] == "string" for p in parameters.values())
    assert set(stats["responses"]) >= {"200", "401", "403", "404", "422"}
    answer = stats["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    schemas = spec["components"]["schemas"]
    fields = schemas[answer]["properties"]
    assert {"campaign", "unit", "n", "overall", "elements", "criteria", "channels", "perceptions"} <= set(
        fields
    )
    assert fields["n"]["type"] == "integer" and fields["overall"]["type"] == "number"
    assert fields["method"]["type"] == "string" and "2022" in fields["method"]["description"]
    criterion = fields["criteria"]["additionalProperties"]["$ref"].rsplit("/", 1)[-1]
    assert {"index", "n", "mean", "ci_low", "ci_high", "counts"} <= set(schemas[criterion]["properties"])
    listed = spec["paths"]["/api/v1/sipas/campaigns"]["get"]["responses"]["200"]
    campaigns = listed["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "campaigns" in schemas[campaigns]["properties"]


def test_an_unknown_query_parameter_is_refused_by_name(client, org, campaign):
    # A typo ("unti=") must not silently answer for another unit: every API refuses what it does not know.
    auth = bearer(org.users["leader"])
    answer = client.get("/api/v1/stats/sipas?campaign=TH-2026&unit=003&lang=vi", headers=auth)
    assert answer.status_code == 422 and "lang" in answer.get_json()["errors"]["query"]


def test_the_figures_name_the_2022_method_of_a_2023_questionnaire(client, org):
    make_sipas_campaign(org.district, {org.ward: 50}, code="SIPAS-2023", questionnaire="sipas-2023")
    db.session.commit()
    auth = bearer(org.users["leader"])
    body = client.get("/api/v1/stats/sipas?campaign=SIPAS-2023&unit=003", headers=auth).get_json()
    assert (body["questionnaire"], body["method"], body["n"]) == ("sipas-2023", "2022", 0)
