# ruff: noqa: E501  (CSV lines of the one-stop system are kept whole, as a file would hold them)
"""The import command: all or nothing with the line and column of each problem; idempotent; updates."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from survey_app.config import AUTOCOMMIT_BIND
from survey_app.dossiers import services
from survey_app.extensions import db
from survey_app.models.dossiers import Dossier, DossierDay, DossierMonth, DossierProcedure
from survey_app.models.imports import ImportRun
from tests.dossiers.conftest import HEADER, ROWS, csv_text

GOOD = "G1,00109,P-KS,Đăng ký khai sinh,ho-tich,2026-07-01,2026-07-10,,in_person,0,0,none,,,,,"


def run_import(app, tmp_path, text: str):
    path = tmp_path / "dossiers.csv"
    path.write_text(text, encoding="utf-8")
    return app.test_cli_runner().invoke(args=["dossiers", "import", str(path)])


def located(output: str) -> list[str]:
    """The problem lines of the output with the place written the same way in either language."""
    found = []
    for line in output.splitlines():
        line = line.replace("Dòng", "Line").replace("cột", "column")
        if line.startswith("Line"):
            found.append(line)
    return found


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(
    ("row", "where"),
    [
        (
            "B1,99999,P-KS,Khai sinh,ho-tich,2026-07-01,2026-07-10,,in_person,0,0,none,,,,,",
            "column 2 (unit_code)",
        ),
        (
            "B1,00109,P-KS,Khai sinh,dat-dai,2026-07-01,2026-07-10,,in_person,0,0,none,,,,,",
            "column 5 (field_code)",
        ),
        (
            "B1,00109,P-KS,Khai sinh,ho-tich,2026-07-10,2026-07-01,,in_person,0,0,none,,,,,",
            "column 7 (due_at)",
        ),
        (
            "B1,00109,P-KS,Khai sinh,ho-tich,2026-07-10T09:00,2026-07-20,2026-07-10T08:00,in_person,0,0,none,,,,,",
            "column 8 (returned_at)",
        ),
        ("B1,00109,P-KS,Khai sinh,ho-tich,2026-07-01,2026-07-10,,in_person,0,0,none,3,,,,", "column 13 (i2)"),
        (
            "B1,00109,P-KS,Khai sinh,ho-tich,2026-07-01,2026-07-10,,in_person,0,0,none,,,,,-1",
            "column 17 (i9)",
        ),
        ("B1,00109,P-KS,Khai sinh,ho-tich,2026-07-01,2026-07-10,,fax,0,0,none,,,,,", "column 9 (channel)"),
        (
            "B1,00109,P-KS,Khai sinh,ho-tich,2026-07-01,2026-07-10,,in_person,0,0,maybe,,,,,",
            "column 12 (complaint)",
        ),
        (
            "B1,00109,P-KS,Khai sinh,ho-tich,01/07/2026,2026-07-10,,in_person,0,0,none,,,,,",
            "column 6 (received_at)",
        ),
        (
            "B1,00109,P-KS,Khai sinh,ho-tich,2026-07-01,2026-07-10,,in_person,two,0,none,,,,,",
            "column 10 (supplement_requests)",
        ),
        (
            "G1,00109,P-KS,Khai sinh,ho-tich,2026-07-01,2026-07-10,,in_person,0,0,none,,,,,",
            "column 1 (dossier_code): repeats",
        ),
    ],
)
def test_bad_input_is_refused_with_line_and_column_and_nothing_is_written(
    app, org, fields, tmp_path, row, where
):
    result = run_import(app, tmp_path, csv_text([GOOD, row]))
    assert result.exit_code != 0
    assert "nothing was imported" in result.output
    assert any(line.startswith(f"Line 3, {where.split(':')[0]}") for line in located(result.output))
    if ":" in where:
        assert "G1" in result.output and ("line 2" in result.output or "dòng 2" in result.output)
    assert count(Dossier) == 0 and count(DossierProcedure) == 0 and count(DossierDay) == 0


def test_every_problem_of_a_file_is_listed(app, org, fields, tmp_path):
    rows = [
        "B1,99999,P-KS,Khai sinh,ho-tich,2026-07-10,2026-07-01,,fax,0,0,none,,,,,",
        "B2,00109,P-KS,Khai sinh,ho-tich,2026-07-01,2026-07-10,,in_person,0,0,none,,,7,,",
    ]
    result = run_import(app, tmp_path, csv_text(rows))
    lines = located(result.output)
    assert len(lines) == 4
    assert lines[0].startswith("Line 2, column 2 (unit_code)")
    assert lines[1].startswith("Line 2, column 7 (due_at)")
    assert lines[2].startswith("Line 2, column 9 (channel)")
    assert lines[3].startswith("Line 3, column 15 (i6)")
    assert count(Dossier) == 0


def test_header_problems_are_reported_on_line_1(app, org, fields, tmp_path):
    header = HEADER.replace("complaint", "complain")
    result = run_import(app, tmp_path, csv_text([GOOD], header=header))
    lines = located(result.output)
    assert lines[0].startswith("Line 1, column 12 (complain)")
    assert lines[1].startswith("Line 1") and "complaint" in lines[1]
    assert count(Dossier) == 0


def test_import_then_reimport_is_idempotent_and_a_later_export_updates_returned_at(
    app, org, fields, clock, tmp_path
):
    first = run_import(app, tmp_path, csv_text())
    assert first.exit_code == 0, first.output
    assert first.output.strip().splitlines()[-1] == "created 8, updated 0, unchanged 0"
    cubes = (count(DossierDay), count(DossierMonth))
    again = run_import(app, tmp_path, csv_text())
    assert again.output.strip().splitlines()[-1] == "created 0, updated 0, unchanged 8"
    assert (count(DossierDay), count(DossierMonth)) == cubes
    # D4 is now returned (late: due 28/09, returned 02/10), D5 unchanged, one new dossier
    later = [row for row in ROWS if row.startswith(("D4", "D5"))]
    later[0] = later[0].replace("2026-09-28,,", "2026-09-28,2026-10-02T10:00:00+07:00,")
    later.append(GOOD.replace("G1", "D9"))
    result = run_import(app, tmp_path, csv_text(later))
    assert result.output.strip().splitlines()[-1] == "created 1, updated 1, unchanged 1"
    d4 = db.session.scalar(select(Dossier).where(Dossier.code == "D4"))
    assert str(d4.returned_day) == "2026-10-02" and d4.s1 == 0 and d4.updated_at is not None
    check = app.test_cli_runner().invoke(args=["dossiers", "check"])
    assert (
        check.exit_code == 0
        and "day: 0" in check.output
        and "month: 0" in check.output
        and "procedure: 0" in check.output
    )


def test_a_procedure_name_follows_the_latest_export(app, org, fields, tmp_path):
    run_import(app, tmp_path, csv_text([GOOD]))
    renamed = GOOD.replace("Đăng ký khai sinh", "Đăng ký khai sinh (liên thông)")
    result = run_import(app, tmp_path, csv_text([renamed]))
    assert result.output.strip().splitlines()[-1] == "created 0, updated 0, unchanged 1"
    assert db.session.scalar(select(DossierProcedure.name)) == "Đăng ký khai sinh (liên thông)"


def test_a_file_that_is_not_csv_or_empty_is_refused(app, org, fields, tmp_path):
    assert "nothing was imported" in run_import(app, tmp_path, HEADER + "\n").output
    path = tmp_path / "binary.csv"
    path.write_bytes(b"\xff\xfe\x00\x01")
    result = app.test_cli_runner().invoke(args=["dossiers", "import", str(path)])
    assert result.exit_code != 0 and count(Dossier) == 0


# --- a large import written in chunks (issue 15) ----------------------------------------------------


def cube_rows() -> list:
    return [
        sorted(tuple(row) for row in db.session.execute(select(model.__table__)).all())
        for model in (DossierDay, DossierMonth)
    ]


def test_an_import_that_fails_after_its_chunks_were_written_stores_nothing(
    app, org, fields, clock, monkeypatch
):
    monkeypatch.setitem(app.config, "DOSSIER_IMPORT_CHUNK", 2)
    monkeypatch.setitem(app.config, "DOSSIER_IMPORT_PAUSE_SECONDS", 0.0)
    assert services.import_csv(csv_text(ROWS[:4])).created == 4
    before = cube_rows()
    later = [ROWS[3].replace("2026-09-28,,", "2026-09-28,2026-10-02T10:00:00+07:00,"), *ROWS[4:]]
    chunks: list[int] = []

    def someone_edits_d4_meanwhile(written: int) -> None:
        chunks.append(written)
        if written == 2:
            with db.engines[AUTOCOMMIT_BIND].connect() as other:
                other.execute(text("UPDATE dossier SET supplement_requests = 5 WHERE code = 'D4'"))

    result = services.import_csv(csv_text(later), after_chunk=someone_edits_d4_meanwhile)
    assert chunks == [2, 4]  # the four new dossiers were written, two a chunk, before the failure
    assert result.errors == [
        "Một số hồ sơ trong tệp đã được người khác lưu hoặc sửa trong lúc đang ghi; không có hồ sơ nào "
        "được nhập. Hãy nhập lại tệp."
    ]
    db.session.rollback()
    assert sorted(db.session.scalars(select(Dossier.code))) == ["D1", "D2", "D3", "D4"]
    assert db.session.scalar(select(Dossier.returned_day).where(Dossier.code == "D4")) is None
    assert cube_rows() == before
    assert list(db.session.scalars(select(ImportRun.state))) == ["done"]  # the first import's only
    again = services.import_csv(csv_text(later))
    assert (again.created, again.updated) == (4, 1)
