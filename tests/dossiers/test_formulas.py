"""Issue 15, defect 1, for dossiers: the report CSV is formula-safe and the import refuses formula codes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey_app.dossiers import services
from survey_app.extensions import db
from survey_app.models.dossiers import Dossier, DossierProcedure
from tests.dossiers.conftest import csv_text
from tests.spreadsheet_checks import assert_csv_safe

GOOD = "G1,00109,P-KS,Đăng ký khai sinh,ho-tich,2026-07-01,2026-07-10,,in_person,0,0,none,,,,,"


def test_the_report_csv_neutralises_a_unit_code_stored_before_the_guard(app, org, fields, clock):
    assert services.import_csv(csv_text()).ok
    # a code from before imports refused such codes; the full-width ＠ escaped the report's former guard
    org.district.code = "\uff20SUM(A1)"
    db.session.commit()
    result = app.test_cli_runner().invoke(
        args=["dossiers", "report", "--unit", "\uff20SUM(A1)", "--quarter", "2026Q3", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    header, row = assert_csv_safe(result.output.encode())
    values = dict(zip(header, row, strict=True))
    assert values["unit"] == "'\uff20SUM(A1)"
    assert values["n_scored"] == "5" and values["class"] == "Tốt"  # numbers and words as they were
    assert float(values["total"]) == pytest.approx(749 / 60)


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("=1+1" + GOOD[2:], "column 1 (dossier_code)"),
        ('"-2"' + GOOD[2:], "column 1 (dossier_code)"),
        (GOOD.replace("P-KS", "@SUM(A1)"), "column 3 (procedure_code)"),
        (GOOD.replace("P-KS", "+84912"), "column 3 (procedure_code)"),
    ],
)
def test_the_import_refuses_codes_that_look_like_formulas(app, org, fields, tmp_path, row, column):
    path = tmp_path / "dossiers.csv"
    path.write_text(csv_text([GOOD, row]), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["dossiers", "import", str(path)])
    assert result.exit_code != 0 and "nothing was imported" in result.output
    place = column.replace("column", "cột")
    assert f"Dòng 3, {place}: “" in result.output
    assert (
        "trông giống một công thức bảng tính; mã định danh không được bắt đầu bằng = + - @." in result.output
    )
    assert "Dòng 2" not in result.output
    assert db.session.scalar(select(func.count()).select_from(Dossier)) == 0
    assert db.session.scalar(select(func.count()).select_from(DossierProcedure)) == 0
