"""The leadership report: printable HTML with the key figures of the three sources, and its PDF."""

from __future__ import annotations

import pytest

from tests.conftest import login

JANUARY = "unit=003&start=01/01/2026&end=31/01/2026"


def test_report_holds_the_key_figures_of_each_source(client, kiosk_data, sipas_data, dialogue_data):
    login(client, "leader1")
    response = client.get(f"/dashboards/report?{JANUARY}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Báo cáo kết quả đo lường sự hài lòng" in html
    assert "Kỳ báo cáo: từ 01/01/2026 đến 31/01/2026" in html
    assert 'data-testid="report-kiosk-rate">78,6%' in html  # 55 of 70
    assert "Khảo sát 2025" in html and 'data-testid="report-sipas">84,89' in html
    assert html.count("<svg") >= 3  # drawn on the server: prints without JavaScript
    assert "plotly" not in html.lower()


def test_report_follows_the_period(client, kiosk_data):
    login(client, "leader1")
    html = client.get("/dashboards/report?unit=003&start=01/12/2025&end=31/12/2025").get_data(as_text=True)
    assert 'data-testid="report-kiosk-rate">75,0%' in html


def test_report_pdf_download(client, kiosk_data, sipas_data):
    pytest.importorskip("weasyprint")
    login(client, "leader1")
    response = client.get(f"/dashboards/report.pdf?{JANUARY}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert 'filename="bao-cao-003-20260101-20260131.pdf"' in response.headers["Content-Disposition"]


def test_report_is_scoped(client, kiosk_data):
    login(client, "sibling_admin")
    assert client.get("/dashboards/report?unit=003").status_code == 404
    assert client.get("/dashboards/report.pdf?unit=003").status_code == 404
