"""The JSON API: pushing dossiers (per-item results, scoping, 4xx bodies) and the quarter's figures, equal
to what the report command prints as JSON and CSV."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import func, select

from survey_app.auth.services import issue_token
from survey_app.dossiers import recompute, services
from survey_app.extensions import db
from survey_app.models.dossiers import Dossier
from tests.dossiers.conftest import csv_text


def item(code: str, **changes) -> dict:
    base = {
        "dossier_code": code,
        "unit_code": "00109",
        "procedure_code": "P-KS",
        "procedure_name": "Đăng ký khai sinh",
        "field_code": "ho-tich",
        "received_at": "2026-07-01T08:00:00+07:00",
        "due_at": "2026-07-10",
        "returned_at": None,
        "channel": "online",
        "supplement_requests": 0,
        "agencies_contacted": 0,
        "complaint": "none",
    }
    return {**base, **changes}


def bearer(user) -> dict:
    _token, plain = issue_token(user, "test")
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def test_a_batch_gets_one_result_per_item(client, org, fields, clock):
    headers = bearer(org.users["official"])
    body = {
        "dossiers": [
            item("A1"),
            item("A2", returned_at="2026-07-09T10:00:00+07:00", i5=2),
            item("A3", unit_code="00367"),  # the sibling district's ward: outside the official's scope
            item("A4", channel="fax", i9=5),
            item("A1", complaint="verified"),  # repeats item 1
            "not an object",
        ]
    }
    response = client.post("/api/v1/dossiers", json=body, headers=headers)
    assert response.status_code == 200
    data = response.get_json()
    statuses = [(r["dossier_code"], r["status"]) for r in data["results"]]
    assert statuses == [
        ("A1", "created"),
        ("A2", "created"),
        ("A3", "rejected"),
        ("A4", "rejected"),
        ("A1", "rejected"),
        (None, "rejected"),
    ]
    assert set(data["results"][2]["errors"]) == {"unit_code"}
    assert set(data["results"][3]["errors"]) == {"channel", "i9"}
    assert set(data["results"][4]["errors"]) == {"dossier_code"}
    assert (data["created"], data["updated"], data["unchanged"], data["rejected"]) == (2, 0, 0, 4)
    again = client.post(
        "/api/v1/dossiers",
        json={"dossiers": [item("A1"), item("A2", returned_at="2026-07-11T10:00:00+07:00", i5=2)]},
        headers=headers,
    ).get_json()
    assert [r["status"] for r in again["results"]] == ["unchanged", "updated"]
    assert db.session.scalar(select(func.count()).select_from(Dossier)) == 2
    assert recompute.cube_drift() == {"day": 0, "month": 0, "procedure": 0}


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"dossiers": []}, 422),
        ({"dossiers": [item(f"X{i}") for i in range(1001)]}, 422),
        ({"something": 1}, 422),
        ([1, 2], 422),
    ],
)
def test_malformed_batches_get_a_json_error(client, org, fields, body, status):
    response = client.post("/api/v1/dossiers", json=body, headers=bearer(org.users["official"]))
    assert response.status_code == status
    data = response.get_json()
    assert data["code"] == status and data["status"] and data["message"]
    assert db.session.scalar(select(func.count()).select_from(Dossier)) == 0


def test_who_may_push(client, org, fields):
    body = {"dossiers": [item("A1")]}
    assert client.post("/api/v1/dossiers", json=body).status_code == 401
    leader = client.post("/api/v1/dossiers", json=body, headers=bearer(org.users["leader"]))
    assert leader.status_code == 403 and leader.get_json()["code"] == 403
    assert (
        client.post(
            "/api/v1/dossiers",
            data="{not json",
            headers={**bearer(org.users["admin"]), "Content-Type": "application/json"},
        ).status_code
        == 422
    )


def test_stats_api_equals_the_report_command(app, client, org, fields, clock):
    assert services.import_csv(csv_text()).ok
    db.session.commit()
    headers = bearer(org.users["leader"])
    api = client.get("/api/v1/stats/dossiers?unit=003&quarter=2026Q3", headers=headers)
    assert api.status_code == 200
    figures = api.get_json()
    runner = app.test_cli_runner()
    printed = runner.invoke(
        args=["dossiers", "report", "--unit", "003", "--quarter", "2026Q3", "--format", "json"]
    )
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.output) == figures
    assert set(figures) == {
        "unit",
        "quarter",
        "n_scored",
        "indicators",
        "assessed",
        "total",
        "class",
        "timeliness",
        "on_time_rate",
        "rated_share",
        "satisfaction_rate",
    }
    assert figures["class"] == "Tốt" and figures["n_scored"] == 5
    as_csv = runner.invoke(
        args=["dossiers", "report", "--unit", "003", "--quarter", "2026Q3", "--format", "csv"]
    )
    header, row = list(csv.reader(io.StringIO(as_csv.output)))
    values = dict(zip(header, row, strict=True))
    assert values["unit"] == "003" and values["class"] == "Tốt" and values["n_scored"] == "5"
    assert float(values["total"]) == pytest.approx(figures["total"])
    assert float(values["i6"]) == pytest.approx(figures["indicators"]["6"])
    assert int(values["overdue"]) == figures["timeliness"]["overdue"] == 1
    assert float(values["on_time_rate"]) == pytest.approx(figures["on_time_rate"])
    assert values["satisfaction_rate"] == ""  # no rating: null in JSON, empty in CSV


def test_stats_api_errors(client, org, fields):
    headers = bearer(org.users["leader"])
    assert client.get("/api/v1/stats/dossiers?unit=003&quarter=2026Q3").status_code == 401
    missing = client.get("/api/v1/stats/dossiers?unit=003", headers=headers)
    assert missing.status_code == 422 and "quarter" in missing.get_json()["errors"]["query"]
    bad = client.get("/api/v1/stats/dossiers?unit=003&quarter=2026Q5", headers=headers)
    assert bad.status_code == 422 and bad.get_json()["message"]
    outside = client.get("/api/v1/stats/dossiers?unit=009&quarter=2026Q3", headers=headers)
    assert outside.status_code == 404 and outside.get_json()["code"] == 404
    official = client.get(
        "/api/v1/stats/dossiers?unit=003&quarter=2026Q3", headers=bearer(org.users["official"])
    )
    assert official.status_code == 403


@pytest.mark.parametrize("bad", ["Khai\x00sinh", "\ud800"], ids=["nul", "surrogate"])
def test_text_no_database_can_store_is_422_naming_the_field_and_nothing_is_stored(client, org, fields, bad):
    body = json.dumps({"dossiers": [item("A1"), item("A2", procedure_name=bad)]})  # \ud800 as JSON's escape
    headers = {**bearer(org.users["official"]), "Content-Type": "application/json"}
    response = client.post("/api/v1/dossiers", data=body, headers=headers)
    assert response.status_code == 422
    assert response.json["errors"]["json"] == {"dossiers.1.procedure_name": ["Có ký tự không thể lưu trữ."]}
    assert db.session.scalar(select(func.count()).select_from(Dossier)) == 0
