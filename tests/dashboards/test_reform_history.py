"""A new commune's dashboards show its predecessors' history, marked, so 2024 and 2026 compare.

Phường Bưởi (00109) merges into the new Phường Tây Hồ (00103) on 1/7/2025 (tests.factories.BUOI_MERGES).
March 2024, Bưởi's one-stop centre: 30 satisfied + 10 dissatisfied = 40 ratings, 75,0%.
March 2026, Tây Hồ: 36 very satisfied + 4 dissatisfied = 40 ratings, 90,0%.
March 2024, Phường Thụy Khuê (not reorganised): 20 satisfied.
"""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from survey_app.extensions import db
from survey_app.org.services import unit_for_code_on
from tests.conftest import login
from tests.factories import close_by_reorganisation, rollup_ratings

SPAN = "start=01/01/2024&end=31/12/2026&granularity=month"


@pytest.fixture
def merged(org):
    close_by_reorganisation()
    tay_ho = unit_for_code_on("00103", date(2025, 7, 1))
    rollup_ratings(org.centre, date(2024, 3, 11), "satisfied", 30)
    rollup_ratings(org.centre, date(2024, 3, 11), "dissatisfied", 10, reasons=("long_wait",))
    rollup_ratings(tay_ho, date(2026, 3, 9), "very_satisfied", 36)
    rollup_ratings(tay_ho, date(2026, 3, 9), "dissatisfied", 4, reasons=("attitude",))
    rollup_ratings(org.ward2, date(2024, 3, 12), "satisfied", 20)
    db.session.commit()
    org.tay_ho = tay_ho
    return org


def trend_rows(client, query: str) -> list[list[str]]:
    text = client.get(f"/dashboards/kiosk/export/trend.csv?{query}").get_data().decode("utf-8-sig")
    return [line.split(",") for line in text.strip().splitlines()]


def figure_of(html: str, chart_id: str) -> dict:
    section = html[html.index(f'id="chart-{chart_id}"') :]
    raw = re.search(r'data-figure="([^"]+)"', section).group(1)
    return json.loads(raw.replace("&#34;", '"').replace("&quot;", '"').replace("&amp;", "&"))


def test_the_new_communes_trend_shows_its_predecessors_history_marked(client, merged):
    login(client, "admin1")
    html = client.get(f"/dashboards/kiosk?unit=00103&{SPAN}").get_data(as_text=True)
    # the note names the predecessor and the date
    assert "Trước ngày 01/07/2025" in html and "Phường Bưởi (00109)" in html
    rows = trend_rows(client, f"unit=00103&{SPAN}")
    assert rows[0][-1] == "Số liệu của"
    by_month = {row[0]: row for row in rows[1:]}
    # March 2024: Bưởi's 40 ratings, 30 satisfied = 75,0%, marked as the predecessors'
    assert by_month["03/2024"][1:] == ["40", "30", "75.0", "Đơn vị tiền thân"]
    # March 2026: Tây Hồ's own 40 ratings, 36 satisfied = 90,0%
    assert by_month["03/2026"][1:] == ["40", "36", "90.0", "Phường Tây Hồ"]
    # every month before July 2025 is marked, none after
    assert by_month["06/2025"][-1] == "Đơn vị tiền thân" and by_month["07/2025"][-1] == "Phường Tây Hồ"
    # the chart draws two series that are never joined: the predecessors' dashed, the unit's own solid
    figure = figure_of(html, "trend")
    before, own = figure["data"]
    assert before["line"]["dash"] == "dash" and before["name"] == "Trước sắp xếp ngày 01/07/2025"
    march_2024, march_2026 = before["x"].index("03/2024"), own["x"].index("03/2026")
    assert before["y"][march_2024] == 75.0 and own["y"][march_2024] is None
    assert own["y"][march_2026] == 90.0 and before["y"][march_2026] is None
    assert any(shape["type"] == "rect" for shape in figure["layout"]["shapes"])  # the shaded period
    # over the whole span the headline pools both, each rating once: 66 of 80 = 82,5%
    assert "82,5%" in html


def test_a_period_after_the_reform_is_unchanged(client, merged):
    login(client, "admin1")
    query = "unit=00103&start=01/01/2026&end=31/03/2026&granularity=month"
    html = client.get(f"/dashboards/kiosk?{query}").get_data(as_text=True)
    assert "90,0%" in html and "40 lượt đánh giá" in html
    assert "Trước ngày 01/07/2025" not in html  # nothing to mark
    assert trend_rows(client, query)[0] == ["Thời gian", "Lượt đánh giá", "Hài lòng", "Tỷ lệ hài lòng (%)"]


def test_the_province_counts_each_rating_once(client, merged):
    login(client, "admin1")
    html = client.get(f"/dashboards/kiosk?unit=01&{SPAN}").get_data(as_text=True)
    # Bưởi 40 + Tây Hồ 40 + Thụy Khuê 20 = 100 (Bưởi's 40 not again through Tây Hồ); 86 satisfied
    assert "100 lượt đánh giá" in html and "86,0%" in html
    assert "Trước ngày" not in html  # the province was not reorganised: its trend is one line


def test_the_leadership_report_marks_the_predecessors_history(client, merged):
    login(client, "admin1")
    html = client.get(f"/dashboards/report?unit=00103&{SPAN}").get_data(as_text=True)
    assert "Phường Bưởi (00109)" in html
    # the drawing shades the predecessors' months and labels them (one point there: no line to dash)
    assert 'class="before-reform"' in html and "Trước sắp xếp ngày 01/07/2025" in html


def test_a_split_successor_says_its_history_is_shared(client, org):
    close_by_reorganisation(
        "old_code,new_code,effective_date\n00112,00103,2025-07-01\n00112,00004,2025-07-01\n"
    )
    rollup_ratings(org.ward2, date(2024, 3, 12), "satisfied", 40)
    db.session.commit()
    login(client, "admin1")
    html = client.get(f"/dashboards/kiosk?unit=00004&{SPAN}").get_data(as_text=True)
    assert "Phường Thụy Khuê (00112)" in html
    assert "Đơn vị đã được chia tách" in html and "Phường Thụy Khuê (cả ở Phường Tây Hồ)" in html
