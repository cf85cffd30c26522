# ruff: noqa: E501  (CSV lines of the one-stop system are kept whole, as a file would hold them)
"""The rating link by dossier code whichever arrives first, through the kiosk's own ingest and the dossiers
API, across re-imports, with flagged ratings, and its check (`flask dossiers check`).

Ward 00109, 2026Q3: R1 returned 08/07, R2 returned 15/07 (both of procedure P-KS).
"""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime

import psycopg
import pytest

from survey_app.analytics import dossier_queries as q
from survey_app.analytics.dossier_scoring import parse_quarter
from survey_app.dossiers import rating_link, services
from survey_app.dossiers.reports import unit_report
from survey_app.extensions import db
from survey_app.models.dossiers import Dossier
from survey_app.models.kiosk import KioskDevice
from tests.dossiers.conftest import add_rating, csv_text
from tests.dossiers.test_api import bearer, item
from tests.factories import kiosk_rating, make_kiosk_device, store_kiosk_ratings

Q3, Q4 = parse_quarter("2026Q3"), parse_quarter("2026Q4")
R1 = "R1,00109,P-KS,Đăng ký khai sinh,ho-tich,2026-07-01,2026-07-10,2026-07-08T15:00:00+07:00,in_person,0,0,none,,,,,"
R2 = "R2,00109,P-KS,Đăng ký khai sinh,ho-tich,2026-07-05,2026-07-15,2026-07-15T16:00:00+07:00,online,0,0,none,,,,,"


def imported(*rows: str) -> None:
    assert services.import_csv(csv_text(list(rows))).ok
    db.session.commit()


def link_figures(unit, period) -> tuple:
    report = unit_report(unit, *period)
    return report["rated_share"], report["satisfaction_rate"]


def test_ratings_sent_through_the_kiosk_after_the_dossier_are_linked(org, fields, clock):
    imported(R1, R2)
    assert link_figures(org.ward, Q3) == (pytest.approx(0.0), None)
    device, _token = make_kiosk_device(org.centre)
    db.session.commit()
    results = store_kiosk_ratings(
        device,
        [
            kiosk_rating("very_satisfied", dossier_code="R1", at=datetime(2026, 10, 1, 2, tzinfo=UTC)),
            kiosk_rating("dissatisfied", dossier_code="R1", at=datetime(2026, 10, 2, 2, tzinfo=UTC)),
            kiosk_rating("satisfied", at=datetime(2026, 10, 3, 2, tzinfo=UTC)),  # no code: no link
        ],
    )
    assert [r.status.value for r in results] == ["created"] * 3
    # one of two dossiers rated; one satisfied rating of two
    assert link_figures(org.ward, Q3) == (pytest.approx(50.0), pytest.approx(50.0))
    assert rating_link.rated_drift() == 0


def test_a_dossier_pushed_through_the_api_after_its_rating_is_linked(client, org, fields, clock):
    add_rating(org.ward, "A9", "dissatisfied")
    add_rating(org.ward, "A9", "satisfied", flagged=True)  # set aside by the kiosk: not counted
    body = {"dossiers": [item("A9", returned_at="2026-07-09T10:00:00+07:00")]}
    response = client.post("/api/v1/dossiers", json=body, headers=bearer(org.users["official"]))
    assert response.status_code == 200
    assert link_figures(org.ward, Q3) == (pytest.approx(100.0), pytest.approx(0.0))
    by_procedure = q.rating_link(db.session, [org.ward.id], *Q3, {"satisfied"}, by="procedure")
    assert list(by_procedure.values()) == [(1, 1, 0)]  # one dossier, one counted rating, none satisfied


def test_a_reimported_dossier_keeps_its_ratings_and_takes_them_to_its_new_quarter(org, fields, clock):
    add_rating(org.ward, "R1", "satisfied")
    imported(R1, R2)
    assert link_figures(org.ward, Q3) == (pytest.approx(50.0), pytest.approx(100.0))
    imported(R1.replace("in_person,0,0,none", "in_person,1,0,verified"), R2)  # facts corrected
    assert link_figures(org.ward, Q3) == (pytest.approx(50.0), pytest.approx(100.0))
    imported(R1.replace("2026-07-08T15:00:00+07:00", "2026-10-02T15:00:00+07:00"), R2)  # returned later
    assert link_figures(org.ward, Q3) == (pytest.approx(0.0), None)
    assert link_figures(org.ward, Q4) == (pytest.approx(100.0), pytest.approx(100.0))
    assert rating_link.rated_drift() == 0


def test_a_dossier_with_only_flagged_ratings_is_not_counted_as_rated(org, fields, clock):
    imported(R1, R2)
    add_rating(org.ward, "R2", "very_satisfied", flagged=True)
    assert link_figures(org.ward, Q3) == (pytest.approx(0.0), None)


def test_the_check_finds_and_relink_repairs_a_wrong_link(app, org, fields, clock):
    add_rating(org.ward, "R1", "satisfied")
    imported(R1, R2)
    db.session.execute(Dossier.__table__.update().values(rated=False))
    db.session.commit()
    assert link_figures(org.ward, Q3) == (pytest.approx(0.0), None)
    cli = app.test_cli_runner()
    check = cli.invoke(args=["dossiers", "check"])
    assert check.exit_code == 1 and "rating link: 1 dossier(s) differ" in check.output
    assert "rating link: 0 dossier(s) differ" in cli.invoke(args=["dossiers", "relink"]).output
    assert cli.invoke(args=["dossiers", "check"]).exit_code == 0
    assert link_figures(org.ward, Q3) == (pytest.approx(50.0), pytest.approx(100.0))


def test_a_rating_written_while_its_dossier_is_imported_is_linked(org, fields, clock):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite writes one transaction at a time")
    device = KioskDevice(unit_id=org.ward.id, name="Kiosk", status="active")
    db.session.add(device)
    db.session.commit()
    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    kiosk = psycopg.connect(url)
    # the kiosk's transaction has written the rating (its trigger found no dossier R1) but not committed
    kiosk.execute(
        "INSERT INTO kiosk_rating (uuid, device_id, unit_id, level, reasons, dossier_code, rated_at,"
        " received_at, local_day, local_hour, flag_state) VALUES (%s, %s, %s, 'satisfied', '[]', 'R1',"
        " now(), now(), DATE '2026-10-01', 10, 'none')",
        (str(uuid.uuid4()), device.id, org.ward.id),
    )
    commit_later = threading.Timer(0.5, kiosk.commit)
    commit_later.start()
    try:
        imported(R1, R2)  # links after the kiosk's commit, not before it
    finally:
        commit_later.join()
        kiosk.close()
    assert link_figures(org.ward, Q3) == (pytest.approx(50.0), pytest.approx(100.0))
