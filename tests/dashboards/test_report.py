"""The leadership report: printable HTML with the key figures of the three sources, and its PDF."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from survey_app.dashboards import dossier_figures, report
from survey_app.dashboards.filters import resolve_filters
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


Q3 = "start=01/07/2026&end=30/09/2026"


def _testid(html: str, name: str) -> str:
    match = re.search(rf'data-testid="{name}">(.*?)</td>', html)
    assert match, name
    return match.group(1)


def test_report_dossiers_section_by_hand(client, dossier_quarter):
    # the ward's 2026Q3 worked out in tests/dossiers/test_quarter.py: D1 before, D2 and D7 on, D3 after the
    # due day; D4 and D5 open on 05/10 (D4 overdue); D1 and D3 rated (3 ratings, below the minimum of 30)
    login(client, "leader1")
    html = client.get(f"/dashboards/report?unit=00109&{Q3}").get_data(as_text=True)
    assert "4. Giải quyết hồ sơ thủ tục hành chính" in html
    assert _testid(html, "report-dossier-score") == "10,67"  # 32/3
    assert _testid(html, "report-dossier-class").startswith("Khá · 4 hồ sơ được chấm điểm")
    averages = ["1,00", "1,00", "1,25", "1,25", "1,00", "1,67", "1,00", "0,50", "2,00"]
    assert [_testid(html, f"report-indicator-{i}") for i in range(1, 10)] == averages
    assert "được đánh giá trên 2/4 hồ sơ" in html  # indicator 5: D1 and D2 only
    assert [_testid(html, f"report-dossier-{k}") for k in ("returned", "before", "on", "after")] == [
        "4",
        "1",
        "2",
        "1",
    ]
    assert _testid(html, "report-dossier-on-time") == "75,0%"
    assert _testid(html, "report-dossier-in-progress") == "2"
    assert "1 quá hạn" in html
    assert _testid(html, "report-dossier-rated-share") == "50,0%"  # 2 of 4 returned dossiers
    assert "không đủ mẫu" in _testid(html, "report-dossier-satisfaction")  # 3 ratings < 30
    assert 'id="report-quarters"' in html and 'id="report-late_procedures"' in html


def test_report_dossier_figures_equal_the_dashboards(app, client, dossier_quarter):
    for unit in (dossier_quarter.ward, dossier_quarter.district):
        with app.test_request_context("/"):
            filters = resolve_filters(unit, start=date(2026, 7, 1), end=date(2026, 9, 30))
            summary, charts = dossier_figures.dossier_dashboard(filters)
            built = report.build(filters, dossier_quarter.users["leader"])
        assert built.dossiers == summary
        by_id = {chart.id: chart for chart in charts}
        for section in built.dossier_sections:
            shown = by_id[section.chart.id]
            if section.chart.id == "quarters":  # the report keeps unit, quarter, n and the totals
                keep = [0, 1, 2, *range(12, 18)]
                assert section.chart.rows == [[row[i] for i in keep] for row in shown.rows]
            else:
                assert section.chart.rows == shown.rows
    login(client, "leader1")
    page = client.get(f"/dashboards/dossiers?unit=003&{Q3}").get_data(as_text=True)
    printed = client.get(f"/dashboards/report?unit=003&{Q3}").get_data(as_text=True)
    for shown, printed_id in (("score", "report-dossier-score"), ("on-time", "report-dossier-on-time")):
        assert re.search(rf'data-testid="{shown}">(.*?)<', page).group(1) == _testid(printed, printed_id)


def test_report_pdf_holds_the_dossiers_section(client, dossier_quarter):
    pytest.importorskip("weasyprint")
    login(client, "leader1")
    response = client.get(f"/dashboards/report.pdf?unit=00109&{Q3}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Giải quyết hồ sơ thủ tục hành chính" in text
    assert "10,67" in text and "Khá" in text and "75,0%" in text
