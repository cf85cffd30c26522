"""Downloads of a chart's data table: CSV and XLSX for the same filters, withheld figures said in words."""

from __future__ import annotations

import html
import io
import re

import pytest
from openpyxl import load_workbook

from survey_app.org.services import get_unit_by_code
from tests.conftest import login, post_form
from tests.spreadsheet_checks import assert_csv_safe, assert_xlsx_safe

JANUARY = "unit=003&start=01/01/2026&end=31/01/2026&granularity=month"


def test_csv_and_xlsx_downloads_hold_the_table(client, kiosk_data):
    login(client, "leader1")
    response = client.get(f"/dashboards/kiosk/export/units.csv?{JANUARY}")
    assert response.status_code == 200
    text = response.get_data().decode("utf-8-sig")
    assert "Phường Bưởi,60,83.33,75.0,8.33" in text
    assert "Phường Thụy Khuê,10,không đủ mẫu" in text
    response = client.get(f"/dashboards/kiosk/export/units.xlsx?{JANUARY}")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("Phường Bưởi", 60, 83.33)
    assert client.get(f"/dashboards/kiosk/export/nope.csv?{JANUARY}").status_code == 404
    assert client.get(f"/dashboards/kiosk/export/units.pdf?{JANUARY}").status_code == 404


def test_downloads_neutralise_a_unit_name_that_looks_like_a_formula(app, client, kiosk_data, org):
    """A name typed into the unit form comes out as text in both files; the figures stay numbers."""
    hostile = '=HYPERLINK("http://evil.example","x")'
    admin = app.test_client()
    login(admin, "admin1")
    saved = post_form(
        admin,
        f"/org/units/{org.ward.id}/edit",
        {"name": hostile, "kind": "ward", "parent_id": str(org.district.id), "active_from": ""},
    )
    assert saved.status_code == 302
    full_width = "\uff1d1+1"  # ＝1+1: the dashboards' former guard let it through
    saved = post_form(
        admin,
        f"/org/units/{org.ward2.id}/edit",
        {"name": full_width, "kind": "ward", "parent_id": str(org.district.id), "active_from": ""},
    )
    assert saved.status_code == 302
    login(client, "leader1")
    csv_answer = client.get(f"/dashboards/kiosk/export/units.csv?{JANUARY}")
    rows = assert_csv_safe(csv_answer.get_data())
    assert ["'" + hostile, "60", "83.33", "75.0", "8.33"] in rows
    assert next(row[:3] for row in rows if row[1] == "10") == ["'" + full_width, "10", "không đủ mẫu"]
    xlsx_answer = client.get(f"/dashboards/kiosk/export/units.xlsx?{JANUARY}")
    assert_xlsx_safe(xlsx_answer.get_data())
    sheet = load_workbook(io.BytesIO(xlsx_answer.get_data())).active
    name, ratings = next(row[:2] for row in sheet.iter_rows(min_row=2) if row[1].value == 60)
    assert name.data_type != "f" and name.value == "'" + hostile
    assert ratings.data_type == "n"
    assert next(row[0].value for row in sheet.iter_rows(min_row=2) if row[1].value == 10) == "'" + full_width


@pytest.mark.parametrize(
    ("view", "query", "renamed"),
    [
        ("kiosk", JANUARY, "00109"),
        ("sipas", "unit=003", "00109"),
        ("dialogue", "unit=003&start=01/01/2025&end=31/12/2025", "003-TP"),
    ],
)
def test_every_chart_download_of_every_dashboard_is_safe_to_open(
    app, client, org, kiosk_data, sipas_data, dialogue_data, view, query, renamed
):
    """Each chart's CSV and XLSX link, after a unit was named like a formula in the unit form."""
    hostile = '=HYPERLINK("http://evil.example","x")'
    unit = get_unit_by_code(renamed)
    admin = app.test_client()
    login(admin, "admin1")
    saved = post_form(
        admin,
        f"/org/units/{unit.id}/edit",
        {"name": hostile, "kind": unit.kind.value, "parent_id": str(unit.parent_id), "active_from": ""},
    )
    assert saved.status_code == 302
    login(client, "leader1")
    page = client.get(f"/dashboards/{view}?{query}").get_data(as_text=True)
    links = sorted(set(re.findall(rf'href="(/dashboards/{view}/export/[^"]+)"', page)))
    assert len(links) >= 4  # at least two charts, each as CSV and XLSX
    neutralised = 0
    for link in links:
        answer = client.get(html.unescape(link))
        assert answer.status_code == 200, link
        if link.split("?")[0].endswith(".csv"):
            cells = [cell for row in assert_csv_safe(answer.get_data()) for cell in row]
        else:
            cells = [cell for row in assert_xlsx_safe(answer.get_data()) for cell in row]
        neutralised += cells.count("'" + hostile)
    assert neutralised >= 2  # the unit's name, in a CSV and in an XLSX at least
