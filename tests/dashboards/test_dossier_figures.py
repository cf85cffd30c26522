"""The dossiers view on the hand-worked quarter of tests/dossiers (2026Q3, today 05/10/2026): its figures
are the report's (survey_app.dossiers.reports), downloads included."""

from __future__ import annotations

import pytest

from survey_app.dossiers import services
from survey_app.extensions import db
from tests.conftest import login
from tests.dossiers.conftest import add_rating, clock, csv_text, fields  # noqa: F401 - fixtures

Q3 = "start=01/07/2026&end=30/09/2026"


@pytest.fixture
def quarter(org, fields, clock):  # noqa: F811
    assert services.import_csv(csv_text()).ok
    db.session.commit()
    add_rating(org.ward, "D1", "very_satisfied")
    add_rating(org.ward, "D1", "dissatisfied")
    add_rating(org.centre, "D3", "satisfied")
    return org


def _csv(client, chart, unit):
    url = f"/dashboards/dossiers/export/{chart}.csv?unit={unit}&{Q3}"
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data().decode("utf-8-sig").strip().splitlines()


def test_ward_quarter_figures_match_the_report(client, quarter):
    login(client, quarter.users["leader"].username)
    html = client.get(f"/dashboards/dossiers?unit={quarter.ward.code}&{Q3}").get_data(as_text=True)
    assert 'data-testid="returned">4<' in html  # D1, D2, D3, D7
    assert 'data-testid="on-time">75,0%' in html  # 3 of 4 on or before the due day
    assert 'data-testid="in-progress">2<' in html  # D4, D5 (D4 overdue)
    assert 'data-testid="score">10,67<' in html and "Khá" in html  # 32/3 worked out by hand
    rows = _csv(client, "quarters", quarter.ward.code)
    # unit, quarter, n, the nine averages, total, class
    assert rows[1] == "Phường Bưởi,2026Q3,4,1.0,1.0,1.25,1.25,1.0,1.67,1.0,0.5,2.0,10.67,Khá"


def test_district_pools_its_wards_and_lists_each_child(client, quarter):
    login(client, quarter.users["leader"].username)
    rows = _csv(client, "quarters", quarter.district.code)
    district = [r for r in rows if r.startswith(quarter.district.name + ",")]
    assert district[0].split(",")[2] == "5" and district[0].endswith(",12.48,Tốt")  # 749/60
    assert any(r.startswith("Phường Bưởi,2026Q3,4,") for r in rows)


def test_timeliness_month_by_month_and_late_procedures(client, quarter):
    login(client, quarter.users["leader"].username)
    months = _csv(client, "timeliness", quarter.ward.code)
    # month, returned, before, share, on, share, after, share, in progress, overdue at month end
    assert months[1] == "07/2026,2,1,50.0,1,50.0,0,0.0,0,0"  # D1 before, D2 on; D3 received 01/08
    assert months[2] == "08/2026,1,0,0.0,0,0.0,1,100.0,0,0"  # D3 late, nothing open on 31/08
    assert months[3].startswith("09/2026,1,0,0.0,1,100.0,0,0.0,2,1")  # D4 (due 28/09) and D5 open
    late = _csv(client, "late_procedures", quarter.ward.code)
    assert late[1:] == ["Chứng thực bản sao,P-CT,2,1,50.0"]  # D3 late of D3, D7


def test_satisfaction_of_rated_dossiers_is_withheld_below_the_minimum(client, quarter):
    login(client, quarter.users["leader"].username)
    rows = _csv(client, "satisfaction", quarter.ward.code)
    assert rows[1] == "Đăng ký khai sinh,2,1,50.0,2,không đủ mẫu"  # 2 ratings < 30
    client.application.config["SMALL_SAMPLE_MIN"] = 1
    try:
        rows = _csv(client, "satisfaction", quarter.ward.code)
    finally:
        client.application.config["SMALL_SAMPLE_MIN"] = 30
    assert rows[1] == "Đăng ký khai sinh,2,1,50.0,2,50.0"
    assert rows[2] == "Chứng thực bản sao,2,1,50.0,1,100.0"
