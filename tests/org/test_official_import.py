"""`units import-official`: the current provinces and communes from vietnam-provinces, idempotent."""

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.models import AuditEntry, Unit, UnitKind, UnitStatus
from survey_app.models.dialogue import DialogueConference
from survey_app.org import services


def run(app, *args):
    return app.test_cli_runner().invoke(args=["units", "import-official", *args])


def test_the_whole_country_is_imported_once(app):
    result = run(app)
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[-1] == (
        "provinces: 34 created, 0 updated, 0 unchanged; communes: 3321 created, 0 updated, 0 unchanged"
    )
    kinds = dict(db.session.execute(select(Unit.kind, func.count()).group_by(Unit.kind)).all())
    # 28 provinces and 6 centrally run cities; 687 phường, 2,621 xã, 13 đặc khu (vietnam-provinces 2025.10.1)
    assert kinds == {
        UnitKind.province: 34,
        UnitKind.ward: 687,
        UnitKind.commune: 2621,
        UnitKind.special_zone: 13,
    }
    hanoi = services.get_unit_by_code("01")
    tay_ho = services.get_unit_by_code("00103")
    assert (tay_ho.name, tay_ho.kind, tay_ho.parent) == ("Phường Tây Hồ", UnitKind.ward, hanoi)
    assert services.get_unit_by_code("26732").name == "Đặc khu Côn Đảo"
    assert services.get_unit_by_code("04").name == "Tỉnh Cao Bằng"
    assert tay_ho.active_from == date(2025, 7, 1)
    audits = db.session.query(AuditEntry).count()

    again = run(app)
    assert again.exit_code == 0, again.output
    assert "nothing to change" in again.output
    assert again.output.strip().splitlines()[-1] == (
        "provinces: 0 created, 0 updated, 34 unchanged; communes: 0 created, 0 updated, 3321 unchanged"
    )
    assert db.session.query(AuditEntry).count() == audits
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 34 + 3321


def test_one_province_beside_existing_units(app, org):
    # the test tree holds 01 (as the official list names it) and old wards; 00367 is an old code that
    # the GSO gave to today's Phường Thanh Xuân: the old ward holds no data, so it becomes that commune
    result = run(app, "--province", "01")
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == (
        "provinces: 0 created, 0 updated, 1 unchanged; communes: 125 created, 1 updated, 0 unchanged"
    )
    db.session.expire_all()
    ward = db.session.get(Unit, org.sibling_ward.id)
    assert (ward.name, ward.parent_id, ward.active_from) == (
        "Phường Thanh Xuân",
        org.city.id,
        date(2025, 7, 1),
    )
    assert "00367" in {u.code for u in services.units_in_subtree(org.city.id)}
    # only Hà Nội: no other province's commune
    assert services.get_unit_by_code("11455") is None
    # the old wards and districts that the list does not know stay as they were
    assert db.session.get(Unit, org.ward.id).status == UnitStatus.active
    assert db.session.get(Unit, org.district.id).name == "Quận Tây Hồ"
    assert run(app, "--province", "1").output.strip().splitlines()[-1] == (
        "provinces: 0 created, 0 updated, 1 unchanged; communes: 0 created, 0 updated, 126 unchanged"
    )


def test_a_unit_with_data_is_held_back_not_renamed(app, org):
    db.session.add(
        DialogueConference(
            host_unit_id=org.sibling_ward.id,
            title="Hội nghị đối thoại 2024",
            held_at=datetime(2024, 5, 1, tzinfo=UTC),
        )
    )
    db.session.commit()
    result = run(app, "--province", "01")
    assert result.exit_code == 0, result.output
    assert "held back" in result.output and "00367 Phường Khương Đình → Phường Thanh Xuân" in result.output
    assert result.output.strip().splitlines()[-1].endswith("communes: 125 created, 0 updated, 1 unchanged")
    db.session.expire_all()
    assert db.session.get(Unit, org.sibling_ward.id).name == "Phường Khương Đình"


def test_an_unknown_province_is_refused(app):
    result = run(app, "--province", "99")
    assert result.exit_code != 0
    assert "99" in result.output
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 0
