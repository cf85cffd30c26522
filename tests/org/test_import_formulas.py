"""Issue 15, defect 1, for units: the unit and reorganisation imports refuse codes that look like formulas."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.models import Unit, UnitStatus, UnitSuccession
from tests.conftest import login, post_form

REFUSAL = "trông giống một công thức bảng tính; mã định danh không được bắt đầu bằng = + - @"


def test_the_units_import_refuses_formula_codes_with_their_line(client, org):
    before = db.session.scalar(select(func.count()).select_from(Unit))
    text = "\n".join(
        [
            "code,name,kind,parent_code",
            "00200,Phường Mới,ward,003",
            "=1+1,Phường Hai,ward,003",
            "00201,Phường Ba,ward,-2",
            "@SUM(A1),Phường Bốn,ward,+1",
        ]
    )
    login(client, "admin1")
    page = post_form(
        client, "/org/units/import", {"file": (io.BytesIO(text.encode()), "units.csv")},
        content_type="multipart/form-data",
    )  # fmt: skip
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"Dòng 3: code: “=1+1” {REFUSAL}." in body
    assert f"Dòng 4: parent_code: “-2” {REFUSAL}." in body
    assert f"Dòng 5: code: “@SUM(A1)” {REFUSAL}; " in body and f"parent_code: “+1” {REFUSAL}." in body
    assert "Dòng 2" not in body
    assert db.session.scalar(select(func.count()).select_from(Unit)) == before  # not even line 2


def test_the_reorganisation_import_refuses_formula_codes_with_their_line(app, org, tmp_path):
    path = tmp_path / "reform.csv"
    path.write_text(
        "old_code,new_code,effective_date\n00112,00109,2026-07-01\n@SUM(A1),00109,2026-07-01\n"
        "00112,-2,2026-07-01\n",
        encoding="utf-8",
    )
    result = app.test_cli_runner().invoke(args=["units", "reorganise", str(path)])
    assert result.exit_code != 0
    assert f"Dòng 3: old_code: “@SUM(A1)” {REFUSAL}." in result.output
    assert f"Dòng 4: new_code: “-2” {REFUSAL}." in result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(UnitSuccession)) == 0
    assert db.session.get(Unit, org.ward2.id).status == UnitStatus.active
