"""Downloads of a chart's data table: CSV and XLSX for the same filters, withheld figures said in words."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.conftest import login

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
