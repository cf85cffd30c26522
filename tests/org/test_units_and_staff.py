"""The unit tree: creating, moving, merging, closing, importing; counters, staff, fields."""

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import AuditEntry, Counter, Staff, Unit, UnitKind, UnitStatus
from survey_app.org import procedure_fields, services
from tests.conftest import login, post_form


def subtree_codes(unit: Unit) -> set[str]:
    ids = db.session.scalars(services.subtree_ids_query(unit.id)).all()
    return {db.session.get(Unit, i).code for i in ids}


def test_subtree_follows_the_tree(org):
    assert subtree_codes(org.district) == {"003", "00109", "00112", "00109-MC"}
    assert subtree_codes(org.city) >= {"003", "009", "00367"}
    assert subtree_codes(org.sibling) == {"009", "00367"}


def test_moving_a_unit_moves_its_subtree(org):
    services.update_unit(
        org.ward, name=org.ward.name, kind=org.ward.kind, parent=org.sibling, active_from=None
    )
    db.session.commit()
    assert "00109-MC" in subtree_codes(org.sibling)
    assert "00109" not in subtree_codes(org.district)


def test_a_unit_cannot_move_under_its_own_descendant(org):
    with pytest.raises(services.OrgError):
        services.update_unit(
            org.district, name="x", kind=UnitKind.district, parent=org.ward, active_from=None
        )


def test_merged_ward_keeps_its_history_and_rolls_up_into_successor(org):
    services.merge_unit(org.ward2, into=org.ward, on=date(2025, 7, 1))
    db.session.commit()
    assert org.ward2.status == UnitStatus.merged
    assert org.ward2.active_to == date(2025, 7, 1)
    # the merged ward is its own unit still, and counts for its successor and the district
    assert subtree_codes(org.ward2) == {"00112"}
    assert "00112" in subtree_codes(org.ward)
    assert "00112" in subtree_codes(org.district)


def test_merging_across_districts_rolls_up_into_the_new_district(org):
    services.merge_unit(org.sibling_ward, into=org.ward, on=date(2025, 7, 1))
    db.session.commit()
    assert "00367" in subtree_codes(org.district)
    assert "00367" in subtree_codes(org.sibling)  # its past still belongs to its old district too


def test_merge_and_close_rules(org):
    with pytest.raises(services.OrgError):
        services.merge_unit(org.district, into=org.ward, on=date(2025, 7, 1))
    with pytest.raises(services.OrgError):
        services.close_unit(org.ward, on=date(2025, 7, 1))  # its centre is still active
    services.close_unit(org.centre, on=date(2025, 7, 1))
    services.close_unit(org.ward, on=date(2025, 7, 1))
    with pytest.raises(services.OrgError):
        services.close_unit(org.ward, on=date(2025, 7, 2))
    with pytest.raises(services.OrgError):
        services.create_unit(code="X1", name="Under closed", kind=UnitKind.centre, parent=org.ward)


def test_duplicate_codes_are_refused(org):
    with pytest.raises(services.OrgError):
        services.create_unit(code="003", name="Again", kind=UnitKind.district, parent=org.city)


# Pre-2025 codes as the pre-reform list (vietnam-provinces 0.6.0) gives them.
VALID_CSV = """code,name,kind,parent_code
31,Thành phố Hải Phòng,province,
308,Quận Đồ Sơn,district,31
11461,Phường Vạn Hương,ward,308
"""


def test_import_is_all_or_nothing_and_idempotent(app, org, tmp_path):
    runner = app.test_cli_runner()
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "code,name,kind,parent_code\n31,Hải Phòng,province,\n311,,district,31\n"
        "312,X,planet,31\n313,Y,ward,999\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["units", "import", str(bad)])
    assert result.exit_code != 0
    assert "3" in result.output and "4" in result.output and "5" in result.output  # line numbers
    assert services.get_unit_by_code("31") is None

    good = tmp_path / "good.csv"
    good.write_text(VALID_CSV, encoding="utf-8")
    result = runner.invoke(args=["units", "import", str(good)])
    assert result.exit_code == 0, result.output
    assert "created 3" in result.output
    assert services.get_unit_by_code("11461").parent.code == "308"
    entries = db.session.query(AuditEntry).count()

    result = runner.invoke(args=["units", "import", str(good)])
    assert result.exit_code == 0
    assert "created 0, updated 0, unchanged 3" in result.output
    assert db.session.query(AuditEntry).count() == entries


def test_import_rejects_bad_header_and_non_utf8(app, org, tmp_path):
    runner = app.test_cli_runner()
    header = tmp_path / "h.csv"
    header.write_text("ma,ten\n1,2\n", encoding="utf-8")
    assert "code,name,kind,parent_code" in runner.invoke(args=["units", "import", str(header)]).output
    latin = tmp_path / "l.csv"
    latin.write_bytes("code,name,kind,parent_code\n31,H\xe0i,province,\n".encode("latin-1"))
    assert runner.invoke(args=["units", "import", str(latin)]).exit_code != 0


def test_import_through_the_ui_lists_errors_with_lines(client, org):
    login(client, "admin1")
    data = {"file": (__import__("io").BytesIO(b"code,name,kind,parent_code\n1,,ward,\n"), "u.csv")}
    body = post_form(client, "/org/units/import", data, content_type="multipart/form-data").get_data(
        as_text=True
    )
    assert "2:" in body  # the line number of the bad row
    assert services.get_unit_by_code("1") is None


def test_unit_admin_adds_counter_and_staff_in_own_subtree_only(client, org):
    login(client, "unit_admin1")
    response = post_form(
        client, f"/org/units/{org.centre.id}/counters/new", {"code": "Q1", "name": "Quầy 1", "active": "y"}
    )
    assert response.status_code == 302
    counter = db.session.scalar(select(Counter).where(Counter.code == "Q1"))
    response = post_form(
        client,
        f"/org/units/{org.centre.id}/staff/new",
        {
            "full_name": "Nguyễn Thị Mai",
            "title": "Công chức Tư pháp - Hộ tịch",
            "counter_id": counter.id,
            "active": "y",
        },
    )
    assert response.status_code == 302
    assert (
        db.session.scalar(select(Staff).where(Staff.full_name == "Nguyễn Thị Mai")).counter_id == counter.id
    )
    # the sibling district's unit is invisible
    assert client.get(f"/org/units/{org.sibling_ward.id}/counters/new").status_code == 404


def test_counter_code_must_be_unique_per_unit(client, org):
    login(client, "unit_admin1")
    url = f"/org/units/{org.centre.id}/counters/new"
    post_form(client, url, {"code": "Q1", "name": "Quầy 1", "active": "y"})
    response = post_form(client, url, {"code": "Q1", "name": "Quầy khác", "active": "y"})
    assert response.status_code == 200
    assert db.session.query(Counter).count() == 1


def test_staff_photo_must_be_a_real_image(client, org, tmp_path):
    import io

    from PIL import Image

    login(client, "unit_admin1")
    url = f"/org/units/{org.centre.id}/staff/new"
    fake = {"full_name": "A B", "counter_id": 0, "photo": (io.BytesIO(b"<script>"), "x.jpg")}
    response = post_form(client, url, fake, content_type="multipart/form-data")
    assert response.status_code == 200
    assert db.session.query(Staff).count() == 0

    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 30, 30)).save(buffer, format="PNG")
    buffer.seek(0)
    real = {"full_name": "Trần Văn Bình", "counter_id": 0, "photo": (buffer, "b.png")}
    assert post_form(client, url, real, content_type="multipart/form-data").status_code == 302
    staff = db.session.scalar(select(Staff))
    photo = client.get(f"/org/staff/{staff.id}/photo")
    assert photo.mimetype == "image/jpeg"
    assert max(Image.open(io.BytesIO(photo.data)).size) <= 360


def test_admin_actions_land_in_the_audit_log(client, org):
    login(client, "admin1")
    post_form(
        client,
        "/org/units/new",
        {"code": "00115", "name": "Phường Mới", "kind": "ward", "parent_id": org.district.id},
    )
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "unit.create").order_by(AuditEntry.id.desc())
    )
    assert entry.actor_label == "admin1"
    assert entry.after["code"] == "00115"
    page = client.get("/admin/audit/?action=unit.").get_data(as_text=True)
    assert "Phường Mới" in page


def test_invalid_unit_form_rerenders_and_changes_nothing(client, org):
    login(client, "admin1")
    before = db.session.query(Unit).count()
    response = post_form(
        client, "/org/units/new", {"code": "bad code!", "name": "", "kind": "ward", "parent_id": 0}
    )
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert db.session.query(Unit).count() == before


def test_procedure_fields_seed_from_data_file(app):
    path = Path(app.root_path) / "data" / "procedure_fields.csv"
    assert procedure_fields.seed_procedure_fields(path).added >= 10
    db.session.commit()
    assert not procedure_fields.seed_procedure_fields(path).changed
    codes = {f.code for f in procedure_fields.active_fields()}
    assert {"ho-tich", "chung-thuc", "dat-dai"} <= codes


def test_the_unit_picker_drills_down_from_the_scope_to_the_current_unit(org):
    """Path from the top of the scope, siblings and children: never the whole country, never out of scope."""
    from survey_app.org.services import unit_picker_rows

    def codes(root, current):
        return [(code, level) for code, _name, level in unit_picker_rows(root.id if root else None, current)]

    # A district leader on a ward's page: the district, its wards, the ward's one-stop centre.
    assert codes(org.district, org.ward) == [("003", 0), ("00109", 1), ("00109-MC", 2), ("00112", 1)]
    # On the district itself: its wards only (its siblings are out of scope).
    assert codes(org.district, org.district) == [("003", 0), ("00109", 1), ("00112", 1)]
    # A national admin on the same ward: the whole path down, the ward's siblings, not other districts' wards.
    assert codes(None, org.ward) == [("01", 0), ("003", 1), ("00109", 2), ("00109-MC", 3), ("00112", 2)]
    # On the city: its districts, by name (Thanh Xuân sorts before Tây Hồ: "h" < "â").
    assert codes(None, org.city) == [("01", 0), ("009", 1), ("003", 1)]
