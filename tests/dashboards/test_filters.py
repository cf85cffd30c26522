"""The dashboards' filters: the unit in the user's scope, the period, its buckets, defaults for bad input."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from survey_app.dashboards.filters import (
    UnitNotFound,
    bucket_label,
    buckets,
    default_period,
    default_unit,
    resolve_filters,
    resolve_unit,
)
from tests.conftest import login

JANUARY = "unit=003&start=01/01/2026&end=31/01/2026&granularity=month"


def page(client, query: str) -> str:
    response = client.get(f"/dashboards/kiosk?{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_units_are_looked_up_in_the_users_scope(app, org):
    leader, sibling = org.users["leader"], org.users["sibling"]
    assert resolve_unit("00109", leader) == org.ward
    assert resolve_unit(None, leader) == org.district  # a leader's dashboards open on their own unit
    assert default_unit(org.users["admin"]).parent_id is None  # an admin's on the top of the tree
    with pytest.raises(UnitNotFound):
        resolve_unit("00109", sibling)
    with pytest.raises(UnitNotFound):
        resolve_unit("nope", leader)


@time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=UTC), tick=False)
def test_the_default_period_is_the_last_twelve_full_months(app, org):
    filters = resolve_filters(org.ward)
    assert (filters.start, filters.end, filters.granularity) == (date(2025, 3, 1), date(2026, 2, 28), "month")
    backwards = resolve_filters(org.ward, start=date(2026, 2, 1), end=date(2026, 1, 1), granularity="year")
    assert (backwards.start, backwards.end, backwards.granularity) == (
        date(2025, 3, 1),
        date(2026, 2, 28),
        "month",
    )
    chosen = resolve_filters(org.ward, start=date(2026, 1, 1), granularity="week", channel="paper")
    assert (chosen.start, chosen.end, chosen.granularity, chosen.channel) == (
        date(2026, 1, 1),
        date(2026, 2, 28),
        "week",
        "paper",
    )
    assert chosen.args()["start"] == "01/01/2026" and chosen.args(granularity="day")["granularity"] == "day"


def test_the_default_period_holds_the_months_with_data():
    today = date(2026, 12, 4)
    # the demo: ratings from June to today → June–November, no empty month before June
    assert default_period(today, (date(2026, 6, 1), date(2026, 12, 1))) == (
        date(2026, 6, 1),
        date(2026, 11, 30),
    )
    # years of data → the last twelve full months
    assert default_period(today, (date(2020, 1, 1), date(2026, 12, 1))) == (
        date(2025, 12, 1),
        date(2026, 11, 30),
    )
    # the kiosk stopped in May 2025 → the twelve months up to May 2025
    assert default_period(today, (date(2020, 1, 1), date(2025, 5, 1))) == (
        date(2024, 6, 1),
        date(2025, 5, 31),
    )
    # a kiosk installed this month → this month up to today
    assert default_period(today, (date(2026, 12, 1), date(2026, 12, 1))) == (date(2026, 12, 1), today)


@time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=UTC), tick=False)
def test_the_kiosk_dashboard_opens_on_the_months_with_ratings(client, kiosk_data):
    login(client, "leader1")
    html = client.get("/dashboards/kiosk").get_data(as_text=True)
    # the test ratings are of December 2025 and January 2026; February, though full, holds none
    assert 'value="01/12/2025"' in html and 'value="31/01/2026"' in html


def test_buckets_cover_the_period_gaps_included(app):
    assert buckets(date(2026, 1, 30), date(2026, 3, 1), "month") == [
        date(2026, 1, 1),
        date(2026, 2, 1),
        date(2026, 3, 1),
    ]
    assert buckets(date(2026, 1, 14), date(2026, 1, 26), "week") == [
        date(2026, 1, 12),
        date(2026, 1, 19),
        date(2026, 1, 26),
    ]
    assert len(buckets(date(2026, 1, 1), date(2026, 1, 31), "day")) == 31
    with app.test_request_context("/"):
        assert bucket_label(date(2026, 1, 12), "week") == "Tuần từ 12/01/2026"
        assert bucket_label(date(2026, 1, 1), "month") == "01/2026"


def test_filters_change_the_figures(client, kiosk_data):
    login(client, "leader1")
    december = page(client, "unit=003&start=01/12/2025&end=31/12/2025")
    assert "75,0%" in december and "40 lượt đánh giá" in december
    ward = page(client, "unit=00109&start=01/01/2026&end=31/01/2026")
    assert "83,3%" in ward and "60 lượt đánh giá" in ward


def test_daily_granularity_labels_days(client, kiosk_data):
    login(client, "leader1")
    html = page(client, "unit=003&start=10/01/2026&end=20/01/2026&granularity=day")
    assert "12/01/2026" in html and "20/01/2026" in html


def test_bad_filters_give_a_translated_error_and_default_figures(client, kiosk_data):
    login(client, "leader1")
    html = page(client, "unit=003&start=31/01/2026&end=01/01/2026&granularity=year")
    assert "Ngày kết thúc không được trước ngày bắt đầu" in html
    html = page(client, "unit=003&start=not-a-date")
    assert "dd/mm/yyyy" in html


def test_units_outside_the_scope_are_not_found(client, kiosk_data):
    login(client, "sibling_admin")
    assert client.get("/dashboards/kiosk?unit=00109").status_code == 404
    assert client.get("/dashboards/kiosk?unit=nope").status_code == 404
