"""The pages: the quarterly table, a unit's quarter, a dossier, self-assessment and verification."""

from __future__ import annotations

from datetime import date

import pytest

from survey_app.dossiers import services
from survey_app.extensions import db
from survey_app.models import Role
from survey_app.models.audit import AuditEntry
from survey_app.models.dossiers import DossierAssessment
from tests.conftest import login, make_user, post_form
from tests.dossiers.conftest import add_rating, csv_text


@pytest.fixture
def quarter(org, fields, clock):
    assert services.import_csv(csv_text()).ok
    db.session.commit()
    add_rating(org.ward, "D1", "very_satisfied")
    add_rating(org.ward, "D1", "dissatisfied", day=date(2026, 9, 2))
    return org


def scores(**given) -> dict:
    return {f"i{i}": given.get(f"i{i}", "") for i in range(1, 10)} | {"note": ""}


def test_the_quarterly_table_shows_computed_classes_and_timeliness(client, quarter):
    login(client, "leader1")
    page = client.get("/dossiers/?quarter=2026Q3").get_data(as_text=True)
    assert "Quận Tây Hồ" in page and "Phường Bưởi" in page and "Phường Thụy Khuê" in page
    assert "12,48" in page and "Tốt" in page  # the district, pooled
    assert "10,67" in page and "Khá" in page  # Phường Bưởi
    assert "18,00" in page and "Xuất sắc" in page  # Phường Thụy Khuê
    assert "80,0%" in page and "75,0%" in page  # on-time rates
    assert client.get("/dossiers/?unit=009").status_code == 404
    assert client.get("/dossiers/?quarter=2026Q9").status_code == 404


def test_a_unit_quarter_flags_indicators_not_assessed_for_every_dossier(client, quarter):
    login(client, "leader1")
    page = client.get("/dossiers/unit/00109/2026Q3").get_data(as_text=True)
    assert page.count("không được đánh giá ở mọi hồ sơ") == 4  # indicators 5, 6, 8 and 9
    assert "1,67" in page and "10,67" in page
    assert "Chứng thực bản sao" in page and "D3" in page  # the late dossier
    assert "50,0%" in page  # rated share


def test_a_dossier_page_shows_its_scores_and_ratings(client, quarter):
    login(client, "leader1")
    page = client.get("/dossiers/d/D1").get_data(as_text=True)
    assert "Đăng ký khai sinh" in page and "17</strong> / 18" in page
    assert "Rất hài lòng" in page and "Không hài lòng" in page
    assert client.get("/dossiers/d/NOPE").status_code == 404
    client.get("/lang/en")
    english = client.get("/dossiers/d/D1").get_data(as_text=True)
    assert "ratings of this dossier" in english and "Very satisfied" in english


def test_self_assessment_then_verification_then_frozen(client, app, quarter):
    make_user("ward_admin", Role.unit_admin, quarter.ward)
    db.session.commit()
    login(client, "ward_admin")
    url = "/dossiers/unit/00109/2026Q3/self"
    bad = post_form(client, url, scores(i1="3"))
    assert bad.status_code == 200 and "Cần nhập điểm từ 0 đến 2." in bad.get_data(as_text=True)
    assert db.session.query(DossierAssessment).count() == 0
    done = post_form(client, url, scores(i1="2", i3="1,5", i7="2"))
    assert done.status_code == 302
    rows = {r.indicator: r.self_score for r in db.session.query(DossierAssessment)}
    assert rows == {1: 2.0, 3: 1.5, 7: 2.0}
    assert db.session.query(AuditEntry).filter_by(action="dossiers.self_assessment").count() == 1
    # the district's unit admin is not the ward's own administrator
    other = app.test_client()
    login(other, "unit_admin1")
    assert other.get(url).status_code == 403
    # an official of the district verifies
    official = app.test_client()
    login(official, "official1")
    assert official.get("/dossiers/unit/003/2026Q3/verify").status_code == 403  # own unit: not above it
    verified = post_form(official, "/dossiers/unit/00109/2026Q3/verify", scores(i1="1", i3="1"))
    assert verified.status_code == 302
    page = official.get("/dossiers/unit/00109/2026Q3").get_data(as_text=True)
    assert "5,50" in page and "2,00" in page  # self total, verified total
    refused = post_form(client, url, scores(i1="1"))
    assert "đã được thẩm định" in refused.get_data(as_text=True)
    assert {r.indicator: r.self_score for r in db.session.query(DossierAssessment)}[1] == 2.0
    table = official.get("/dossiers/?unit=003&quarter=2026Q3").get_data(as_text=True)
    assert "5,50" in table and "−5,17" in table  # self 5,50 against 10,67 computed


def test_a_future_quarter_cannot_be_assessed(client, quarter):
    make_user("ward_admin", Role.unit_admin, quarter.ward)
    db.session.commit()
    login(client, "ward_admin")
    response = post_form(client, "/dossiers/unit/00109/2027Q1/self", scores(i1="2"))
    assert "chưa bắt đầu" in response.get_data(as_text=True)
    assert db.session.query(DossierAssessment).count() == 0
