"""The kiosk view: hand-worked figures from the roll-ups, suppression, targets, staff privacy, big trees."""

from __future__ import annotations

import json
import re
from datetime import date
from html import unescape
from urllib.parse import parse_qs

from sqlalchemy import select

from survey_app.analytics import kiosk_pooled
from survey_app.extensions import db
from survey_app.models import Role
from survey_app.models.kiosk import KioskPooledState
from tests.conftest import login, make_user

JANUARY = "unit=003&start=01/01/2026&end=31/01/2026&granularity=month"


def page(client, query: str) -> str:
    response = client.get(f"/dashboards/kiosk?{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_district_figures_are_pooled_from_the_roll_ups(client, kiosk_data):
    login(client, "leader1")
    html = page(client, JANUARY)
    # 55 satisfied of 70 = 78,6%; December 30 of 40 = 75,0%; change +3,6 points
    assert "78,6%" in html and "75,0%" in html and "+3,6" in html
    assert "70 lượt đánh giá" in html
    # Phường Bưởi 50/60 = 83,3% (previous 75,0%, +8,3); Thụy Khuê has 10 ratings: not enough sample
    assert "83,3%" in html and "+8,3" in html
    assert "không đủ mẫu" in html
    # Reasons: long_wait 10 + 5 = 15 of 20 mentions, attitude 5 (December is outside the period)
    reasons = client.get(f"/dashboards/kiosk/export/reasons.csv?{JANUARY}").get_data().decode("utf-8-sig")
    lines = reasons.strip().splitlines()
    assert lines[1].endswith(",15,75.0") and lines[2].endswith(",5,25.0") and len(lines) == 3


def test_civil_servant_figures_only_for_the_leaders_of_their_unit(client, kiosk_data):
    # the district leader sees the pooled figures but not the civil servant of a ward's centre
    login(client, "leader1")
    html = page(client, JANUARY)
    assert "Nguyễn Thị Hoa" not in html
    assert "chỉ hiển thị cho lãnh đạo đơn vị" in html
    # the ward's own leader does see her: 40 of 50 satisfied = 80,0%
    make_user("ward_leader", Role.leader, kiosk_data.ward)
    db.session.commit()
    other = client.application.test_client()
    login(other, "ward_leader")
    html = other.get("/dashboards/kiosk?unit=00109&start=01/01/2026&end=31/01/2026").get_data(as_text=True)
    assert "Nguyễn Thị Hoa" in html and "80,0%" in html


def test_english_labels(client, kiosk_data):
    login(client, "leader1")
    client.get("/lang/en")
    html = page(client, JANUARY)
    assert "Satisfaction rate by unit" in html and "78.6%" in html and "not enough sample" in html


def test_units_below_target_are_marked(client, kiosk_data):
    login(client, "leader1")
    client.application.config["KIOSK_TARGET_RATE"] = 90
    try:
        html = page(client, JANUARY)
    finally:
        client.application.config["KIOSK_TARGET_RATE"] = 80.0
    assert 'class="below-target"' in html


def test_minimum_sample_is_configurable(client, kiosk_data):
    login(client, "leader1")
    client.application.config["SMALL_SAMPLE_MIN"] = 5
    try:
        html = page(client, JANUARY)
    finally:
        client.application.config["SMALL_SAMPLE_MIN"] = 30
    assert "50,0%" in html  # Thụy Khuê: 5 of 10


def test_large_subtrees_get_a_note_instead_of_the_fine_breakdowns(client, kiosk_data):
    login(client, "leader1")
    client.application.config["DASHBOARD_DETAIL_MAX_UNITS"] = 2
    try:
        html = page(client, JANUARY)
        ward = page(client, "unit=00109&start=01/01/2026&end=31/01/2026")
    finally:
        client.application.config["DASHBOARD_DETAIL_MAX_UNITS"] = 40
    assert "Quận Tây Hồ có 3 đơn vị trực thuộc" in html and "Hộ tịch" not in html
    assert "78,6%" in html  # the pooled figures stay
    assert "Hộ tịch" in ward  # Phường Bưởi and its centre: two units


def test_the_previous_period_is_the_same_by_day_as_by_month(client, kiosk_data):
    """By day, the day roll-up also serves the previous period; the comparison must not change."""
    login(client, "leader1")
    for granularity in ("month", "week", "day"):
        html = page(client, f"unit=003&start=01/01/2026&end=31/01/2026&granularity={granularity}")
        # January 78,6%; December 30 of 40 = 75,0%; change +3,6 points
        assert "78,6%" in html and "75,0%" in html and "+3,6" in html, granularity


def _units_figure(html: str) -> dict:
    """The Plotly figure of the 'Satisfaction rate by unit' chart on a kiosk dashboard page."""
    figures = [json.loads(unescape(raw)) for raw in re.findall(r'data-figure="([^"]*)"', html)]
    for figure in figures:
        trace = figure["data"][0] if figure.get("data") else {}
        if trace.get("orientation") == "h" and len(trace.get("customdata", [[]])[0]) == 3:
            return figure
    raise AssertionError("no units chart on the page")


def test_a_units_bar_opens_that_units_dashboard_with_the_same_filters(client, kiosk_data):
    login(client, "leader1")
    trace = _units_figure(page(client, JANUARY))["data"][0]
    links = {row[0]: row[2] for row in trace["customdata"]}
    path, query = links["Phường Bưởi"].split("?")
    assert path == "/dashboards/kiosk"
    assert parse_qs(query) == {
        "unit": ["00109"],
        "start": ["01/01/2026"],
        "end": ["31/01/2026"],
        "granularity": ["month"],
    }
    assert client.get(links["Phường Bưởi"]).status_code == 200


def test_units_without_any_kiosk_rating_are_left_out_of_the_units_chart(client, kiosk_data):
    make_user("city_leader", Role.leader, kiosk_data.city)
    db.session.commit()
    login(client, "city_leader")
    html = page(client, JANUARY.replace("unit=003", "unit=01"))
    names = [row[0] for row in _units_figure(html)["data"][0]["customdata"]]
    assert names == ["Quận Tây Hồ"]  # Quận Thanh Xuân has no kiosk rating in January or December
    assert "Không hiển thị 1 đơn vị không có lượt đánh giá tại kiosk trong cả hai kỳ." in html


def test_settled_months_read_from_the_summaries_show_the_same_figures(client, kiosk_data, monkeypatch):
    # January 2026 and December 2025 are settled months: with every subtree summarised (the test tree
    # is small), the first request fills the summaries and the second reads them; same figures as live.
    monkeypatch.setattr(kiosk_pooled, "MIN_UNITS", 1)
    login(client, "leader1")
    client.application.config["DASHBOARD_POOLED_MONTHS"] = 0
    live = page(client, JANUARY)
    client.application.config["DASHBOARD_POOLED_MONTHS"] = 1
    try:
        for _round in range(2):
            html = page(client, JANUARY)
            assert "78,6%" in html and "75,0%" in html and "+3,6" in html and "83,3%" in html
            assert re.findall(r"\d+,\d%", html) == re.findall(r"\d+,\d%", live)
            export = client.get(f"/dashboards/kiosk/export/reasons.csv?{JANUARY}")
            reasons = export.get_data().decode("utf-8-sig")
            assert reasons.strip().splitlines()[1].endswith(",15,75.0")
        db.session.rollback()
        district = kiosk_data.district.id
        filled = db.session.scalars(
            select(KioskPooledState.month).where(KioskPooledState.ancestor_id == district)
        )
        assert {date(2025, 12, 1), date(2026, 1, 1)} <= set(filled)
    finally:
        client.application.config["DASHBOARD_POOLED_MONTHS"] = 1
