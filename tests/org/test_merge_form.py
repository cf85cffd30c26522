"""The unit merge form: starts empty, offers only units of the same level and province, confirms first."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import UnitKind, UnitStatus, UnitSuccession
from survey_app.org import services
from survey_app.org.services import OrgError, create_unit
from tests.conftest import login, post_form
from tests.factories import add_departments


def options(html: str) -> list[str]:
    select_html = re.search(r'<select[^>]*name="successor_id".*?</select>', html, re.S).group(0)
    return re.findall(r"<option[^>]*>([^<]+)</option>", select_html)


def test_the_successor_starts_empty_and_offers_only_local_units_of_the_province(app, org, client):
    add_departments(org)
    other_province = create_unit(code="79", name="Thành phố Hồ Chí Minh", kind=UnitKind.province, parent=None)
    create_unit(code="26734", name="Phường Sài Gòn", kind=UnitKind.ward, parent=other_province)
    create_unit(code="10", name="Xã Tân Lập", kind=UnitKind.commune, parent=org.city)
    db.session.commit()
    login(client, "admin1")
    html = client.get(f"/org/units/{org.ward2.id}/merge").get_data(as_text=True)
    assert options(html) == [
        "— chọn đơn vị kế thừa —",
        "Phường Bưởi (00109)",
        "Phường Khương Đình (00367)",
        "Xã Tân Lập (10)",
    ]
    assert re.search(r'<option selected value="0">|<option value="0" selected', html)


def test_a_department_merges_only_into_a_department(app, org, client):
    add_departments(org)
    db.session.commit()
    login(client, "admin1")
    html = client.get(f"/org/units/{org.dept_tp.id}/merge").get_data(as_text=True)
    assert options(html)[1:] == ["Phòng Quản lý đô thị quận Tây Hồ (003-QLDT)"]


def test_a_ward_into_a_department_is_refused_with_a_reason(app, org, client):
    add_departments(org)
    db.session.commit()
    with_reason = OrgError
    try:
        services.merge_unit(org.ward2, into=org.dept_tp, on=date(2025, 7, 1))
    except with_reason as exc:
        assert "Phường" in str(exc) and "Phòng" in str(exc)  # names both kinds
    else:
        raise AssertionError("a ward was merged into a department")
    db.session.rollback()
    login(client, "admin1")
    response = post_form(
        client, f"/org/units/{org.ward2.id}/merge", {"successor_id": org.dept_tp.id, "on": "01/07/2025"}
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.search("Không thể sáp nhập đơn vị loại “Phường” vào đơn vị loại “Phòng[^”]*”: hãy chọn", html)
    assert org.ward2.status == UnitStatus.active


def test_no_successor_chosen_says_so(app, org, client):
    login(client, "admin1")
    response = post_form(client, f"/org/units/{org.ward2.id}/merge", {"successor_id": 0, "on": "01/07/2025"})
    assert "Hãy chọn đơn vị được sáp nhập vào." in response.get_data(as_text=True)
    assert db.session.scalars(select(UnitSuccession)).all() == []


def test_the_merger_is_shown_and_happens_only_when_confirmed(app, org, client):
    login(client, "admin1")
    url = f"/org/units/{org.ward.id}/merge"
    first = post_form(client, url, {"successor_id": org.ward2.id, "on": "01/07/2025"})
    html = first.get_data(as_text=True)
    assert first.status_code == 200 and "Xác nhận sáp nhập" in html
    assert "Phường Bưởi (00109) sẽ được sáp nhập vào Phường Thụy Khuê (00112) từ ngày 01/07/2025." in html
    assert "Bộ phận Một cửa phường Bưởi" in html  # its active centre moves with it
    db.session.expire_all()
    assert org.ward.status == UnitStatus.active and db.session.scalars(select(UnitSuccession)).all() == []

    change = post_form(
        client, url, {"successor_id": org.ward2.id, "on": "01/07/2025", "confirmed": "yes", "change": "1"}
    )
    assert 'name="successor_id"' in change.get_data(as_text=True)
    db.session.expire_all()
    assert org.ward.status == UnitStatus.active

    done = post_form(client, url, {"successor_id": org.ward2.id, "on": "01/07/2025", "confirmed": "yes"})
    assert done.status_code == 302
    db.session.expire_all()
    assert org.ward.status == UnitStatus.merged
    assert org.centre.parent_id == org.ward2.id
