"""Validation of each item of a batch: a typed Candidate or a rejected ItemResult; the documented schema."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.kiosk.items import Candidate, ItemResult, ItemStatus
from survey_app.kiosk.schemas import KioskRatingItemSchema
from survey_app.kiosk.validation import validate_item
from survey_app.models.kiosk import KioskFollowUp, KioskRating
from tests.factories import kiosk_rating
from tests.kiosk.conftest import post_ratings

FIELDS = {"ho-tich": 7}


def count_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(KioskRating))


def test_a_valid_item_becomes_a_typed_candidate(app):
    item = {
        "id": "6F1C1B36-4A5E-4D0E-9A59-0D6C1D1F0A01",
        "level": "dissatisfied",
        "reasons": ["long_wait", "attitude", "long_wait"],
        "comment": "  Chờ lâu  ",
        "dossier_code": "",
        "staff_id": 12,
        "procedure_field": "ho-tich",
        "rated_at": "2026-03-02T08:30:00+07:00",
        "app_extra": "ignored",
    }
    candidate = validate_item(item, FIELDS)
    assert candidate == Candidate(
        sent_id="6F1C1B36-4A5E-4D0E-9A59-0D6C1D1F0A01",
        uuid="6f1c1b36-4a5e-4d0e-9a59-0d6c1d1f0a01",
        level="dissatisfied",
        reasons=["long_wait", "attitude"],
        comment="Chờ lâu",
        dossier_code=None,
        staff_id=12,
        field_id=7,
        rated_at=datetime(2026, 3, 2, 1, 30, tzinfo=UTC),
    )


def test_an_invalid_item_is_a_rejected_result_naming_each_failing_field(app):
    result = validate_item({"id": 42, "level": "delighted", "staff_id": True, "rated_at": "yesterday"}, {})
    assert isinstance(result, ItemResult)
    assert result.status is ItemStatus.rejected and result.id is None
    assert list(result.errors) == ["id", "level", "staff_id", "rated_at"]
    assert result.errors["level"] == "Mức đánh giá không hợp lệ."
    assert result.reason == "id,level,staff_id,rated_at"
    assert result.as_json() == {"id": None, "status": "rejected", "errors": result.errors}
    not_an_object = validate_item(["a", "list"], {})
    assert not_an_object.as_json() == {
        "id": None,
        "status": "rejected",
        "errors": {"_item": "Mỗi đánh giá phải là một đối tượng JSON."},
    }


def test_mixed_batch_answers_each_item_in_order_and_keeps_the_good_ones(client, shop):
    good = kiosk_rating("very_satisfied", at=datetime.now(UTC) - timedelta(minutes=30))
    items = [
        good,
        kiosk_rating("delighted"),
        kiosk_rating("dissatisfied", reasons=[]),
        {**kiosk_rating(), "id": "not-a-uuid"},
        kiosk_rating("satisfied", comment="x" * 1001),
        kiosk_rating("satisfied", dossier_code="D" * 51),
        kiosk_rating("satisfied", rated_at="2026-03-02T08:30:00"),
        kiosk_rating("satisfied", procedure_field="no-such-field"),
        kiosk_rating("dissatisfied", reasons=["rude", "long_wait"]),
        kiosk_rating("satisfied", staff_id="7"),
        "just text",
        kiosk_rating(
            "dissatisfied", reasons=["attitude", "long_wait"], comment="Chờ 2 tiếng <b>không</b> ai hướng dẫn"
        ),
    ]
    response = post_ratings(client, shop, items)
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [r["status"] for r in results] == ["created"] + ["rejected"] * 10 + ["created"]
    assert [r["id"] for r in results[:3]] == [items[0]["id"], items[1]["id"], items[2]["id"]]
    assert list(results[1]["errors"]) == ["level"]
    assert list(results[2]["errors"]) == ["reasons"]
    assert list(results[3]["errors"]) == ["id"]
    assert list(results[4]["errors"]) == ["comment"]
    assert list(results[5]["errors"]) == ["dossier_code"]
    assert list(results[6]["errors"]) == ["rated_at"]
    assert list(results[7]["errors"]) == ["procedure_field"]
    assert "rude" in results[8]["errors"]["reasons"]
    assert list(results[9]["errors"]) == ["staff_id"]
    assert results[10]["id"] is None and "_item" in results[10]["errors"]
    assert count_rows() == 2
    follow_up = db.session.scalar(select(KioskFollowUp))
    assert follow_up.rating.comment == "Chờ 2 tiếng <b>không</b> ai hướng dẫn"


NOW = "2026-03-02T08:30:00+07:00"
ID = "6f1c1b36-4a5e-4d0e-9a59-0d6c1d1f0a01"
SAMPLES = [
    {"id": ID, "level": "satisfied", "rated_at": NOW},
    {
        "id": ID,
        "level": "satisfied",
        "rated_at": "2026-03-02T01:30:00.000Z",
        "reasons": None,
        "comment": None,
    },
    {"id": ID.upper(), "level": "dissatisfied", "reasons": ["long_wait", "long_wait"], "rated_at": NOW},
    {"id": ID, "level": "dissatisfied", "rated_at": NOW},
    {"id": ID, "level": "dissatisfied", "reasons": [], "rated_at": NOW},
    {"id": ID, "level": "dissatisfied", "reasons": ["rude"], "rated_at": NOW},
    {"id": ID, "level": "dissatisfied", "reasons": "long_wait", "rated_at": NOW},
    {"id": ID, "level": "dissatisfied", "reasons": [3], "rated_at": NOW},
    {"id": ID, "level": "neutral", "rated_at": NOW},  # not of the national level set
    {"id": ID, "level": "delighted", "rated_at": NOW},
    {"id": ID, "level": 1, "rated_at": NOW},
    {"level": "satisfied", "rated_at": NOW},
    {"id": "not-a-uuid", "level": "satisfied", "rated_at": NOW},
    {"id": "urn:uuid:" + ID, "level": "satisfied", "rated_at": NOW},  # parses, but longer than 40
    {"id": 7, "level": "satisfied", "rated_at": NOW},
    {"id": ID, "level": "satisfied"},
    {"id": ID, "level": "satisfied", "rated_at": "2026-03-02T08:30:00"},
    {"id": ID, "level": "satisfied", "rated_at": "2026-03-02"},
    {"id": ID, "level": "satisfied", "rated_at": 1772415000},
    {"id": ID, "level": "satisfied", "rated_at": NOW, "comment": "x" * 1000},
    {"id": ID, "level": "satisfied", "rated_at": NOW, "comment": "x" * 1001},
    {"id": ID, "level": "satisfied", "rated_at": NOW, "comment": 5},
    {"id": ID, "level": "satisfied", "rated_at": NOW, "dossier_code": "D" * 51},
    {"id": ID, "level": "satisfied", "rated_at": NOW, "staff_id": 12},
    {"id": ID, "level": "satisfied", "rated_at": NOW, "staff_id": None},
    {"id": ID, "level": "satisfied", "rated_at": NOW, "staff_id": 0},
    {"id": ID, "level": "satisfied", "rated_at": NOW, "staff_id": 2**31},
    {"id": ID, "level": "satisfied", "rated_at": NOW, "staff_id": "7"},
    {"id": ID, "level": "satisfied", "rated_at": NOW, "staff_id": 7.5},
    {"id": ID, "level": "satisfied", "rated_at": NOW, "staff_id": True},
    {"id": ID, "level": "satisfied", "rated_at": NOW, "procedure_field": "ho-tich"},
    {"id": ID, "level": "satisfied", "rated_at": NOW, "procedure_field": 3},
    {"id": ID, "level": "satisfied", "rated_at": NOW, "extra": {"anything": 1}},
    {"id": "x", "level": "x", "reasons": "x", "comment": 1, "staff_id": "x", "rated_at": "x"},
]


@pytest.mark.parametrize("item", SAMPLES)
def test_the_documented_item_schema_judges_as_the_validator_does(app, item):
    """The OpenAPI document describes the items by KioskRatingItemSchema: it accepts and refuses alike."""
    result = validate_item(item, FIELDS)
    schema_errors = KioskRatingItemSchema().validate(item)
    if isinstance(result, Candidate):
        assert schema_errors == {}
    else:
        assert set(schema_errors) == set(result.errors)
