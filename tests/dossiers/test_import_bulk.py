# ruff: noqa: E501  (CSV lines of the one-stop system are kept whole, as a file would hold them)
"""The import's bulk path (COPY on PostgreSQL, executemany on SQLite) writes what the file says, exactly.

The rows are checked by a fast check that leaves anything unusual to the full one: spellings the full
check accepts (spaces around values, a count written 007, an offset other than the local one) must be
stored the same way, codes with characters COPY escapes must come back verbatim, and a refused file
must leave the stored dossiers, updated or not, as they were.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from survey_app.dossiers import services
from survey_app.extensions import db
from survey_app.models.dossiers import Dossier, DossierDay, DossierMonth, DossierProcedureMonth
from tests.dossiers.conftest import ROWS, csv_text

UNUSUAL = [
    # a backslash in the code (COPY's escape character); received at 01:00 UTC = 08:00 in Hà Nội
    "HS\\2026,00109,P-KS,Đăng ký khai sinh,ho-tich,2026-07-01T01:00:00Z,2026-07-10,2026-07-08T15:00:00+07:00,in_person,0,0,none,,,,,",
    # spaces around values, a count written 007, a score written " 2 "
    '" HS-2 ",00109, P-KS ,Đăng ký khai sinh,ho-tich, 2026-07-01 ,2026-07-10,,online, 007 ,1,none, 2 ,,,,',
    # a tab inside the code (quoted); received at 20:00 UTC on 01/07 = 03:00 on 02/07 in Hà Nội
    '"HS\t3",00112,P-CT,Chứng thực bản sao,chung-thuc,2026-07-01T20:00:00Z,2026-07-10,2026-07-09,post,2,0,verified,,1,,,0',
]


def stored() -> dict[str, tuple]:
    db.session.expire_all()
    rows = db.session.execute(
        select(
            Dossier.code,
            Dossier.received_at,
            Dossier.received_day,
            Dossier.returned_day,
            Dossier.supplement_requests,
            Dossier.agencies_contacted,
            Dossier.i2,
            Dossier.i5,
            Dossier.i9,
        )
    )
    return {row[0]: tuple(row[1:]) for row in rows}


def cubes() -> list:
    db.session.expire_all()
    return [
        sorted(tuple(row) for row in db.session.execute(select(model.__table__)).all())
        for model in (DossierDay, DossierMonth, DossierProcedureMonth)
    ]


def test_unusual_spellings_and_codes_are_stored_as_the_file_says_and_reimport_unchanged(app, org, fields):
    result = services.import_csv(csv_text(UNUSUAL))
    assert result.errors == [] and result.summary == "created 3, updated 0, unchanged 0"
    db.session.commit()
    assert stored() == {
        "HS\\2026": (
            datetime(2026, 7, 1, 1, tzinfo=UTC),
            date(2026, 7, 1),
            date(2026, 7, 8),
            0,
            0,
            None,
            None,
            None,
        ),
        "HS-2": (datetime(2026, 6, 30, 17, tzinfo=UTC), date(2026, 7, 1), None, 7, 1, 2, None, None),
        "HS\t3": (datetime(2026, 7, 1, 20, tzinfo=UTC), date(2026, 7, 2), date(2026, 7, 9), 2, 0, None, 1, 0),
    }
    again = services.import_csv(csv_text(UNUSUAL))
    assert again.summary == "created 0, updated 0, unchanged 3"
    db.session.commit()
    check = app.test_cli_runner().invoke(args=["dossiers", "check"])
    assert check.exit_code == 0 and check.output.startswith(
        "day: 0 cell(s) differ, month: 0 cell(s) differ, procedure: 0"
    )


def test_a_refused_file_with_an_update_an_unchanged_row_and_a_new_one_changes_nothing(app, org, fields):
    assert services.import_csv(csv_text()).summary == "created 8, updated 0, unchanged 0"
    db.session.commit()
    before, cubes_before = stored(), cubes()
    returned_d4 = ROWS[3].replace("2026-09-28,,", "2026-09-28,2026-10-02T10:00:00+07:00,")
    new = ROWS[0].replace("D1,", "D9,")
    unknown_unit = ROWS[4].replace("D5,00109,", "D10,99999,")
    result = services.import_csv(csv_text([returned_d4, ROWS[4], new, unknown_unit]))
    assert len(result.errors) == 1 and result.errors[0].startswith("Dòng 5, cột 2 (unit_code)")
    db.session.rollback()
    assert stored() == before and cubes() == cubes_before
    assert db.session.scalar(select(func.count()).select_from(Dossier)) == 8
    # the same file without the bad line: one updated, one unchanged, one created
    accepted = services.import_csv(csv_text([returned_d4, ROWS[4], new]))
    assert accepted.summary == "created 1, updated 1, unchanged 1"
    db.session.commit()
    after = stored()
    assert after["D4"][2] == date(2026, 10, 2) and after["D9"] == before["D1"]
    check = app.test_cli_runner().invoke(args=["dossiers", "check"])
    assert check.exit_code == 0 and check.output.startswith(
        "day: 0 cell(s) differ, month: 0 cell(s) differ, procedure: 0"
    )
