"""The kiosk's JSON API as a whole: envelopes and error bodies, the statistics, and the OpenAPI document."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from survey_app.auth.services import issue_token
from survey_app.extensions import db
from survey_app.kiosk.schemas import KioskRatingsAnswerSchema
from survey_app.models.kiosk import KioskRating
from tests.factories import kiosk_rating, make_kiosk_device
from tests.kiosk.conftest import RATINGS, post_ratings
from tests.locks import short_lock_wait, write_lock_held

BUSY_MESSAGE = "Cơ sở dữ liệu đang bận. Chưa có gì được lưu; vui lòng thử lại sau giây lát."


def count_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(KioskRating))


# --- the ratings envelope ----------------------------------------------------------------------


def test_malformed_json_is_400(client, shop):
    response = client.post(
        RATINGS, data='{"ratings": [', headers={**shop.headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 400 and response.get_json()["status"] == "Bad Request"
    assert response.get_json()["message"] == "Nội dung yêu cầu không phải JSON hợp lệ."
    assert count_rows() == 0


def test_body_over_the_size_limit_is_413(client, shop, app, monkeypatch):
    monkeypatch.setitem(app.config, "KIOSK_MAX_BODY_BYTES", 10_000)
    items = [kiosk_rating("satisfied", comment="ý kiến " * 100) for _ in range(30)]
    response = client.post(
        RATINGS,
        data=json.dumps({"ratings": items}),
        headers={**shop.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 413 and response.get_json()["code"] == 413
    assert count_rows() == 0


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"ratings": []},
        {"ratings": "x"},
        {"ratings": None},
        [kiosk_rating()],
        {"ratings": [kiosk_rating() for _ in range(501)]},
        "text",
    ],
)
def test_bad_envelope_is_422(client, shop, body):
    response = client.post(RATINGS, json=body, headers=shop.headers)
    assert response.status_code == 422
    assert response.get_json()["message"] == 'Hãy gửi {"ratings": [...]} với 1 đến 500 đánh giá.'
    assert count_rows() == 0


def test_a_bad_envelope_names_the_field(client, shop):
    body = client.post(RATINGS, json={"ratings": []}, headers=shop.headers).get_json()
    assert body["errors"] == {"json": {"ratings": ["Cần từ 1 đến 500 mục."]}}


def test_other_keys_of_the_envelope_and_items_are_ignored(client, shop):
    item = {**kiosk_rating(), "screen": "k-start"}
    response = client.post(RATINGS, json={"ratings": [item], "sent_at": "now"}, headers=shop.headers)
    assert response.get_json() == {"results": [{"id": item["id"], "status": "created"}]}


def test_one_bad_item_never_fails_the_batch(client, shop):
    items = [kiosk_rating(), {"id": 5, "level": None, "reasons": {"x": 1}, "staff_id": [], "rated_at": {}}]
    response = post_ratings(client, shop, items)
    assert response.status_code == 200
    assert [r["status"] for r in response.get_json()["results"]] == ["created", "rejected"]
    assert count_rows() == 1


@pytest.mark.parametrize(
    "bad",
    [
        {"rated_at": "0001-01-01T00:00:00+00:00"},
        {"rated_at": "9999-12-31T23:59:59-12:00"},
        {"rated_at": "0373-11-06T18:14:13-18:06"},
        {"comment": "\ud800"},
        {"dossier_code": "HS-\udfff"},
        {"comment": "Chờ lâu\x00"},
    ],
)
def test_an_item_no_database_could_store_is_rejected_and_the_rest_stored(client, shop, bad):
    items = [kiosk_rating(), {**kiosk_rating(), **bad}, kiosk_rating()]
    response = post_ratings(client, shop, items)
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [r["status"] for r in results] == ["created", "rejected", "created"]
    assert list(results[1]["errors"]) == list(bad)
    assert count_rows() == 2


def test_json_nested_beyond_reason_is_a_400_with_a_json_error(client, shop):
    body = "[" * 50_000 + "]" * 50_000
    response = client.post(RATINGS, data=body, content_type="application/json", headers=shop.headers)
    assert response.status_code == 400
    assert response.get_json()["message"] == "Nội dung yêu cầu không phải JSON hợp lệ."
    assert count_rows() == 0


def test_the_answer_is_what_the_documented_schema_describes(client, shop):
    items = [kiosk_rating(), kiosk_rating(), {"id": "nope"}]
    items[1]["id"] = items[0]["id"]
    body = post_ratings(client, shop, items).get_json()
    schema = KioskRatingsAnswerSchema()
    assert schema.dump(schema.load(body)) == body


# --- statistics ---------------------------------------------------------------------------------


@pytest.fixture
def leader_auth(shop) -> dict:
    _t, personal = issue_token(shop.org.users["leader"], "stats")
    db.session.commit()
    return {"Authorization": f"Bearer {personal}"}


def march_ratings(client, shop) -> None:
    """3 very satisfied, 4 satisfied, 1 dissatisfied in March at the centre, 1 flagged (too close);
    one in April; one in the sibling district."""
    base = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
    levels = ["very_satisfied"] * 3 + ["satisfied"] * 4 + ["dissatisfied"]
    items = [kiosk_rating(level, at=base + timedelta(minutes=10 * i)) for i, level in enumerate(levels)]
    items.append(kiosk_rating("dissatisfied", at=base + timedelta(minutes=70, seconds=2)))
    items.append(kiosk_rating("satisfied", at=datetime(2026, 4, 2, 2, 0, tzinfo=UTC)))  # outside the period
    post_ratings(client, shop, items)
    _d, other = make_kiosk_device(shop.org.sibling_ward, name="Khác")
    db.session.commit()
    post_ratings(
        client, shop, [kiosk_rating("dissatisfied", at=base)], headers={"Authorization": f"Bearer {other}"}
    )


STATS = "/api/v1/stats/kiosk?unit=003&from=2026-03-01&to=2026-03-31"


@time_machine.travel(datetime(2026, 4, 3, 12, 0, tzinfo=UTC), tick=False)
def test_stats_api_pools_the_subtree_and_excludes_flagged(client, shop, app, monkeypatch, leader_auth):
    monkeypatch.setitem(app.config, "SMALL_SAMPLE_MIN", 5)  # eight ratings: enough for the figures here
    march_ratings(client, shop)
    body = client.get(STATS, headers=leader_auth).get_json()
    assert body["n"] == 8
    assert body["counts"] == {"very_satisfied": 3, "satisfied": 4, "dissatisfied": 1}
    assert body["satisfaction_rate"] == pytest.approx(87.5)  # (3 + 4) / 8
    assert body["shares"]["dissatisfied"] == pytest.approx(12.5)
    assert body["suppressed"] is False and body["min_n"] == 5
    assert body["satisfaction_interval"][0] < 87.5 < body["satisfaction_interval"][1]
    assert body["excluded_flagged"] == 1
    assert body["from"] == "2026-03-01" and body["to"] == "2026-03-31"
    assert body["unit"] == "003" and body["unit_name"]
    empty = client.get("/api/v1/stats/kiosk?unit=00112&from=2026-03-01&to=2026-03-31", headers=leader_auth)
    assert empty.get_json()["n"] == 0 and empty.get_json()["satisfaction_rate"] is None
    assert empty.get_json()["suppressed"] is True


@time_machine.travel(datetime(2026, 4, 3, 12, 0, tzinfo=UTC), tick=False)
def test_stats_below_the_small_sample_minimum_are_suppressed_as_on_the_dashboards(client, shop, leader_auth):
    march_ratings(client, shop)
    body = client.get(STATS, headers=leader_auth).get_json()  # SMALL_SAMPLE_MIN: 30
    assert body["n"] == 8 and body["counts"] == {"very_satisfied": 3, "satisfied": 4, "dissatisfied": 1}
    assert body["suppressed"] is True and body["min_n"] == 30
    assert body["satisfaction_rate"] is None and body["satisfaction_interval"] is None
    assert body["shares"] == {"very_satisfied": None, "satisfied": None, "dissatisfied": None}


@time_machine.travel(datetime(2026, 4, 3, 12, 0, tzinfo=UTC), tick=False)
def test_stats_default_to_the_last_thirty_days(client, shop, leader_auth):
    body = client.get("/api/v1/stats/kiosk?unit=003", headers=leader_auth).get_json()
    assert (body["from"], body["to"]) == ("2026-03-05", "2026-04-03")
    blank = client.get("/api/v1/stats/kiosk?unit=003&from=&to=", headers=leader_auth).get_json()
    assert (blank["from"], blank["to"]) == ("2026-03-05", "2026-04-03")


def test_stats_refusals(client, shop, leader_auth):
    auth = leader_auth
    assert client.get("/api/v1/stats/kiosk?unit=009", headers=auth).status_code == 404
    bad_date = client.get("/api/v1/stats/kiosk?unit=003&from=2026-13-01", headers=auth)
    assert bad_date.status_code == 422
    assert bad_date.get_json()["message"] == "Ngày có dạng YYYY-MM-DD."
    assert bad_date.get_json()["errors"] == {"query": {"from": ["Ngày có dạng YYYY-MM-DD."]}}
    reversed_period = client.get("/api/v1/stats/kiosk?unit=003&from=2026-03-02&to=2026-03-01", headers=auth)
    assert reversed_period.status_code == 422
    assert reversed_period.get_json()["message"] == "Ngày bắt đầu sau ngày kết thúc."
    missing = client.get("/api/v1/stats/kiosk", headers=auth)
    assert missing.status_code == 422 and missing.get_json()["message"] == "Hãy cho biết mã đơn vị."
    assert missing.get_json()["errors"] == {"query": {"unit": ["Bắt buộc."]}}
    assert client.get("/api/v1/stats/kiosk?unit=", headers=auth).status_code == 422
    assert client.get("/api/v1/stats/kiosk?unit=003").status_code == 401
    assert client.get("/api/v1/stats/kiosk").status_code == 401  # the token before the query


# --- the OpenAPI document -------------------------------------------------------------------------


@pytest.fixture
def openapi(client) -> dict:
    return client.get("/api/v1/openapi.json").get_json()


def resolve(doc: dict, schema: dict) -> dict:
    """A schema object with its $ref followed."""
    ref = schema.get("$ref")
    return doc["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else schema


def test_the_openapi_document_describes_the_ratings_body_item_by_item(openapi):
    post = openapi["paths"]["/api/v1/kiosk/ratings"]["post"]
    body = resolve(openapi, post["requestBody"]["content"]["application/json"]["schema"])
    assert body["required"] == ["ratings"]
    ratings = body["properties"]["ratings"]
    assert (ratings["type"], ratings["minItems"], ratings["maxItems"]) == ("array", 1, 500)
    item = resolve(openapi, ratings["items"])
    assert sorted(item["required"]) == ["id", "level", "rated_at"]
    fields = item["properties"]
    assert set(fields) == {
        "id",
        "level",
        "reasons",
        "comment",
        "dossier_code",
        "staff_id",
        "procedure_field",
        "rated_at",
    }
    assert (fields["id"]["format"], fields["id"]["maxLength"]) == ("uuid", 40)
    assert {"very_satisfied", "satisfied", "dissatisfied"} <= set(fields["level"]["enum"])
    assert "long_wait" in fields["reasons"]["items"]["enum"]
    assert (fields["comment"]["maxLength"], fields["dossier_code"]["maxLength"]) == (1000, 50)
    assert (fields["staff_id"]["type"], fields["staff_id"]["minimum"]) == ("integer", 1)
    assert fields["rated_at"]["format"] == "date-time"
    assert {"200", "400", "401", "413", "422"} <= set(post["responses"])
    answer = resolve(openapi, post["responses"]["200"]["content"]["application/json"]["schema"])
    result = resolve(openapi, answer["properties"]["results"]["items"])
    assert result["properties"]["status"]["enum"] == ["created", "duplicate", "rejected"]


def test_the_openapi_document_describes_the_stats_query_and_answer(openapi):
    get = openapi["paths"]["/api/v1/stats/kiosk"]["get"]
    parameters = {p["name"]: p for p in get["parameters"]}
    assert set(parameters) == {"unit", "from", "to"}
    assert all(p["in"] == "query" for p in parameters.values())
    assert parameters["unit"]["required"] is True
    assert parameters["from"]["required"] is False and parameters["to"]["required"] is False
    assert parameters["from"]["schema"]["format"] == "date"
    answer = resolve(openapi, get["responses"]["200"]["content"]["application/json"]["schema"])
    assert {"n", "counts", "shares", "satisfaction_rate", "suppressed", "min_n"} <= set(answer["properties"])
    assert {"401", "403", "404", "422"} <= set(get["responses"])


def test_the_openapi_document_describes_pairing_and_the_config(openapi):
    pair = openapi["paths"]["/api/v1/kiosk/pair"]["post"]
    body = resolve(openapi, pair["requestBody"]["content"]["application/json"]["schema"])
    assert body["required"] == ["code"] and body["properties"]["code"]["type"] == "string"
    assert pair["security"] == []
    config = openapi["paths"]["/api/v1/kiosk/config"]["get"]
    answer = resolve(openapi, config["responses"]["200"]["content"]["application/json"]["schema"])
    assert {"device", "unit", "counter", "counters", "staff", "fields", "reasons", "levels", "limits"} <= set(
        answer["properties"]
    )
    staff = resolve(openapi, answer["properties"]["staff"]["items"])
    assert {"id", "full_name", "initials", "photo_url"} <= set(staff["properties"])


# --- a database busy with another writer ---------------------------------------------------------


def test_ratings_while_another_writer_holds_the_lock_are_503_then_stored_once_on_retry(client, shop):
    items = [kiosk_rating("satisfied"), kiosk_rating("very_satisfied")]
    with short_lock_wait():
        with write_lock_held("kiosk_rating"):
            busy = post_ratings(client, shop, items)
        assert busy.status_code == 503  # never a 500: the tablet keeps the batch and sends it again
        assert busy.headers["Retry-After"] == "5"
        assert (
            busy.get_json()["message"]
            == "Cơ sở dữ liệu đang bận. Chưa có gì được lưu; vui lòng thử lại sau giây lát."
        )
        assert count_rows() == 0  # nothing half-stored
        again = post_ratings(client, shop, items)
        assert [r["status"] for r in again.get_json()["results"]] == ["created", "created"]
        once_more = post_ratings(client, shop, items)
        assert [r["status"] for r in once_more.get_json()["results"]] == ["duplicate", "duplicate"]
    assert count_rows() == 2


def test_openapi_documents_the_503_of_a_busy_database(client):
    ratings = client.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/kiosk/ratings"]["post"]
    assert "Retry-After" in ratings["responses"]["503"]["headers"]
