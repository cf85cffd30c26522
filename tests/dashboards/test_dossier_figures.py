"""The dossiers view on the hand-worked quarter of tests/dossiers (2026Q3, today 05/10/2026): its figures
are the report's (survey_app.dossiers.reports), downloads included."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from survey_app.extensions import db
from survey_app.models.dossiers import DossierAssessment
from tests.conftest import login

Q3 = "start=01/07/2026&end=30/09/2026"
Q2 = "start=01/04/2026&end=30/06/2026"
NOTHING_RECORDED = ",–,–,–,–"  # self, self − computed, verified, verified − computed


@pytest.fixture
def quarter(dossier_quarter):
    return dossier_quarter


def _assess(unit, scores: dict[int, tuple[float | None, float | None]]) -> None:
    """Self and verified scores of a unit's 2026Q3, per indicator."""
    for indicator, (self_score, verified) in scores.items():
        db.session.add(
            DossierAssessment(
                unit_id=unit.id,
                quarter=date(2026, 7, 1),
                indicator=indicator,
                self_score=self_score,
                verified_score=verified,
                note="",
            )
        )
    db.session.commit()


def _csv(client, chart, unit, period=Q3):
    url = f"/dashboards/dossiers/export/{chart}.csv?unit={unit}&{period}"
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
    expected = "Phường Bưởi,2026Q3,4,1.0,1.0,1.25,1.25,1.0,1.67,1.0,0.5,2.0,10.67,Khá"
    assert rows[1] == expected + NOTHING_RECORDED


def test_district_pools_its_wards_and_lists_each_child(client, quarter):
    login(client, quarter.users["leader"].username)
    rows = _csv(client, "quarters", quarter.district.code)
    district = [r for r in rows if r.startswith(quarter.district.name + ",")]
    assert district[0].split(",")[2] == "5"
    assert district[0].endswith(",12.48,Tốt" + NOTHING_RECORDED)  # 749/60
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


def test_self_and_verified_scores_beside_the_computed_one_with_the_differences(client, quarter):
    # self-assessed 2+2+1.5+2+2+2+2+1+2 = 16.5, verified 1+1+1+1+1+2+1+0.5+2 = 10.5; computed 32/3
    selves = dict(zip(range(1, 10), [2, 2, 1.5, 2, 2, 2, 2, 1, 2], strict=True))
    verified = dict(zip(range(1, 10), [1, 1, 1, 1, 1, 2, 1, 0.5, 2], strict=True))
    _assess(quarter.ward, {i: (selves[i], verified[i]) for i in range(1, 10)})
    _assess(quarter.ward2, {1: (2, None), 2: (2, None)})  # self-assessed only, not verified yet
    login(client, quarter.users["leader"].username)
    rows = _csv(client, "quarters", quarter.district.code)
    ward = next(r for r in rows if r.startswith("Phường Bưởi,"))
    assert ward.endswith(",10.67,Khá,16.5,5.83,10.5,-0.17")  # 16.5 − 32/3, 10.5 − 32/3
    other = next(r for r in rows if r.startswith("Phường Thụy Khuê,"))
    assert other.endswith(",18.0,Xuất sắc,4.0,-14.0,–,–")
    district = next(r for r in rows if r.startswith("Quận Tây Hồ,"))
    assert district.endswith(NOTHING_RECORDED)  # the district recorded nothing of its own
    html = client.get(f"/dashboards/dossiers?unit={quarter.district.code}&{Q3}").get_data(as_text=True)
    assert "Điểm tự chấm" in html and "Điểm thẩm định" in html and "Thẩm định − tính từ hồ sơ" in html
    assert '<td class="num">16,50</td><td class="num">+5,83</td><td class="num">10,50</td>' in html
    assert '<td class="num">-0,17</td>' in html
    workbook = client.get(f"/dashboards/dossiers/export/quarters.xlsx?unit={quarter.district.code}&{Q3}")
    sheet = load_workbook(io.BytesIO(workbook.data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    headers = ["Điểm tự chấm", "Tự chấm − tính từ hồ sơ", "Điểm thẩm định", "Thẩm định − tính từ hồ sơ"]
    assert values[0][-4:] == headers
    ward_row = next(v for v in values if v[0] == "Phường Bưởi")
    assert ward_row[-4:] == [16.5, 5.83, 10.5, -0.17]  # numbers stay numbers


def test_an_indicator_no_dossier_was_assessed_on_says_not_assessed_not_small_sample(client, quarter):
    # 2026Q2 of the ward: D6 alone, returned 30/06 after its due day 10/06, no source score given:
    # 1 → 0, 2 (i2 absent: indicator 1) → 0, 3 → 2, 4 → 2, 7 → 1; 5, 6, 8 and 9 assessed on no dossier
    login(client, quarter.users["leader"].username)
    rows = _csv(client, "quarters", quarter.ward.code, Q2)
    na = not_assessed = "Chưa đánh giá"
    expected = f"Phường Bưởi,2026Q2,1,0.0,0.0,2.0,2.0,{na},{na},1.0,{na},{na},5.0,Yếu"
    assert rows[1] == expected + NOTHING_RECORDED
    centre = next(r for r in rows if r.startswith("Bộ phận Một cửa phường Bưởi,"))
    assert centre.split(",")[2:] == ["0", *[not_assessed] * 10, "", *["–"] * 4]  # nothing scored at all
    html = client.get(f"/dashboards/dossiers?unit={quarter.ward.code}&{Q2}").get_data(as_text=True)
    table = html[html.index('id="chart-quarters"') : html.index('id="chart-timeliness"')]
    assert table.count('<span class="not-assessed">Chưa đánh giá</span>') == 4 + 10
    assert "không đủ mẫu" not in table  # a count no dossier fed is not a small sample
    client.get("/lang/en")
    rows = _csv(client, "quarters", quarter.ward.code, Q2)
    assert ",Not assessed,Not assessed,1.0," in rows[1]


def test_shares_of_nothing_are_a_dash_not_a_withheld_figure(client, quarter):
    login(client, quarter.users["admin"].username)  # the sibling district is outside the leader's scope
    html = client.get(f"/dashboards/dossiers?unit={quarter.sibling.code}&{Q3}").get_data(as_text=True)
    assert 'data-testid="returned">0<' in html
    assert 'data-testid="on-time">–<' in html  # no dossier returned: no share, nothing withheld
    assert 'data-testid="score"><span class="not-assessed">Chưa đánh giá</span><' in html
    months = _csv(client, "timeliness", quarter.sibling.code)
    assert months[1] == "07/2026,0,0,–,0,–,0,–,0,0"
