"""Procedure fields after the ministries' mergers of 1/3/2025: pickers offer today's fields, old data keeps
the names it was recorded with, and seeding the reference list is idempotent."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from survey_app.dialogue.errors import DialogueError
from survey_app.dossiers.services import import_csv
from survey_app.extensions import db
from survey_app.models import ProcedureField
from survey_app.models.kiosk import DeviceStatus, FlagState, KioskDevice, KioskRating
from survey_app.org.procedure_fields import fields_taking_data, seed_procedure_fields
from tests.conftest import login, select_options
from tests.factories import make_comment, make_conference, make_kiosk_device

LIST = Path(__file__).resolve().parents[2] / "survey_app" / "data" / "procedure_fields.csv"
MERGERS = date(2025, 3, 1)
SUPERSEDED = {"ldtbxh", "tai-nguyen-moi-truong", "giao-thong", "van-hoa"}
TODAYS = {
    "ho-tich", "chung-thuc", "dat-dai", "xay-dung", "dang-ky-kinh-doanh", "lao-dong-viec-lam", "tu-phap",
    "nong-nghiep-moi-truong", "nuoi-con-nuoi", "bao-tro-xa-hoi", "nguoi-co-cong", "giao-duc",
    "giao-duc-nghe-nghiep", "y-te", "van-hoa-the-thao-du-lich", "cu-tru", "khieu-nai-to-cao", "khac",
}  # fmt: skip
# The list as platforms seeded it before this change (code, name_vi, name_en), in its order.
OLD_LIST = [
    ("ho-tich", "Hộ tịch", "Civil status registration"),
    ("chung-thuc", "Chứng thực", "Certification"),
    ("dat-dai", "Đất đai", "Land"),
    ("xay-dung", "Xây dựng", "Construction"),
    ("dang-ky-kinh-doanh", "Đăng ký kinh doanh", "Business registration"),
    ("ldtbxh", "Lao động - Thương binh và Xã hội", "Labour, invalids and social affairs"),
    ("tu-phap", "Tư pháp", "Justice"),
    ("tai-nguyen-moi-truong", "Tài nguyên - Môi trường", "Natural resources and environment"),
    ("nuoi-con-nuoi", "Nuôi con nuôi", "Adoption"),
    ("bao-tro-xa-hoi", "Bảo trợ xã hội", "Social protection"),
    ("nguoi-co-cong", "Người có công", "People with meritorious services"),
    ("giao-duc", "Giáo dục và Đào tạo", "Education and training"),
    ("y-te", "Y tế", "Health"),
    ("van-hoa", "Văn hóa - Thông tin", "Culture and information"),
    ("giao-thong", "Giao thông vận tải", "Transport"),
    ("cu-tru", "Cư trú", "Residence"),
    ("khieu-nai-to-cao", "Khiếu nại, tố cáo", "Complaints and denunciations"),
    ("khac", "Khác", "Other"),
]


def stored() -> list[tuple]:
    return [
        (f.code, f.name_vi, f.name_en, f.active, f.position, f.active_to, f.successor_codes)
        for f in db.session.scalars(select(ProcedureField).order_by(ProcedureField.id))
    ]


def by_code(code: str) -> ProcedureField:
    return db.session.scalar(select(ProcedureField).where(ProcedureField.code == code))


@pytest.fixture
def upgraded(app):
    """A platform seeded with the old list, then with today's (as `flask setup` does after the upgrade)."""
    db.session.add_all(
        ProcedureField(code=code, name_vi=vi, name_en=en, position=i)
        for i, (code, vi, en) in enumerate(OLD_LIST, start=1)
    )
    db.session.commit()
    result = seed_procedure_fields(LIST)
    db.session.commit()
    assert (result.added, result.superseded) == (4, 4)


def test_a_fresh_platform_gets_todays_fields_and_the_superseded_ones_for_old_data(app):
    result = seed_procedure_fields(LIST)
    db.session.commit()
    assert (result.added, result.superseded) == (22, 0)
    assert {f.code for f in fields_taking_data()} == TODAYS
    assert {f.code for f in fields_taking_data(date(2025, 2, 28))} == TODAYS | SUPERSEDED
    # in list order: each of today's fields beside the one it took over from
    codes = [f.code for f in fields_taking_data(date(2024, 6, 1))]
    assert codes[5:7] == ["ldtbxh", "lao-dong-viec-lam"] and codes[-1] == "khac"
    assert by_code("giao-thong").successor_code_list == ["xay-dung"]


def test_seeding_twice_changes_nothing(app):
    seed_procedure_fields(LIST)
    db.session.commit()
    before = stored()
    again = seed_procedure_fields(LIST)
    db.session.commit()
    assert not again.changed and again.summary() == "procedure fields added: 0, marked as superseded: 0"
    assert stored() == before


def test_an_upgraded_platform_keeps_every_old_name_and_adds_todays_fields_after_its_own(upgraded):
    old = by_code("ldtbxh")
    assert (old.name_vi, old.name_en) == (
        "Lao động - Thương binh và Xã hội",
        "Labour, invalids and social affairs",
    )
    assert (old.position, old.active_to, old.active) == (6, MERGERS, True)
    assert old.successor_code_list == [
        "lao-dong-viec-lam",
        "nguoi-co-cong",
        "bao-tro-xa-hoi",
        "giao-duc-nghe-nghiep",
    ]
    assert [
        (f.code, f.name_vi) for f in db.session.scalars(select(ProcedureField)) if f.code not in SUPERSEDED
    ][:18] == [(c, vi) for c, vi, _en in OLD_LIST if c not in SUPERSEDED] + [
        ("lao-dong-viec-lam", "Lao động, việc làm"),
        ("nong-nghiep-moi-truong", "Nông nghiệp và Môi trường"),
        ("giao-duc-nghe-nghiep", "Giáo dục nghề nghiệp"),
        ("van-hoa-the-thao-du-lich", "Văn hóa, Thể thao và Du lịch"),
    ]
    assert by_code("lao-dong-viec-lam").position == 19  # after the platform's 18
    before = stored()
    assert not seed_procedure_fields(LIST).changed
    assert stored() == before


def test_seeding_never_overwrites_an_administrators_wording(app):
    db.session.add(
        ProcedureField(code="ho-tich", name_vi="Hộ tịch (khai sinh, kết hôn)", name_en="Civil status")
    )
    db.session.commit()
    seed_procedure_fields(LIST)
    db.session.commit()
    assert by_code("ho-tich").name_vi == "Hộ tịch (khai sinh, kết hôn)"


def test_the_kiosk_screen_offers_todays_fields(client, org, upgraded):
    _device, token = make_kiosk_device(org.centre, name="Kiosk sảnh")
    db.session.commit()
    body = client.get("/api/v1/kiosk/config", headers={"Authorization": f"Bearer {token}"}).get_json()
    names = {f["code"]: f["name"]["vi"] for f in body["fields"]}
    assert set(names) == TODAYS
    assert names["lao-dong-viec-lam"] == "Lao động, việc làm"
    assert "Lao động - Thương binh và Xã hội" not in names.values()


def test_an_old_rating_still_shows_its_old_field_name(client, org, upgraded):
    device = KioskDevice(unit_id=org.centre.id, name="Kiosk", status=DeviceStatus.active)
    db.session.add(device)
    db.session.flush()
    db.session.add(
        KioskRating(
            uuid=str(uuid.uuid4()),
            device_id=device.id,
            unit_id=org.centre.id,
            level="satisfied",
            reasons=[],
            field_id=by_code("ldtbxh").id,
            rated_at=datetime(2024, 10, 8, 3, tzinfo=UTC),
            local_day=date(2024, 10, 8),
            local_hour=10,
            flag_state=FlagState.none,
        )
    )
    db.session.commit()
    login(client, "admin1")
    page = client.get(f"/dashboards/kiosk?unit={org.centre.code}&start=01/10/2024&end=31/10/2024")
    assert "Lao động - Thương binh và Xã hội" in page.get_data(as_text=True)


def test_the_comment_form_offers_the_fields_of_the_conferences_day(client, org, upgraded):
    login(client, "admin1")
    of_2018 = make_conference(org)
    of_2026 = make_conference(org, held_at=datetime(2026, 6, 10, 1, tzinfo=UTC))
    db.session.commit()
    then = select_options(client.get(f"/dialogue/{of_2018.id}/live").get_data(as_text=True), "field_id")
    now = select_options(client.get(f"/dialogue/{of_2026.id}/live").get_data(as_text=True), "field_id")
    assert "Lao động - Thương binh và Xã hội" in then.values()  # a 2018 conference entered late
    assert "Lao động - Thương binh và Xã hội" not in now.values()
    assert "Lao động, việc làm" in now.values() and "Văn hóa, Thể thao và Du lịch" in now.values()
    assert "Giao thông vận tải" not in now.values()


def test_a_comment_of_2026_cannot_take_a_superseded_field(org, upgraded):
    conference = make_conference(org, held_at=datetime(2026, 6, 10, 1, tzinfo=UTC))
    with pytest.raises(DialogueError, match="01/03/2025") as refused:
        make_comment(conference, field_id=by_code("giao-thong").id)
    assert "Xây dựng" in str(refused.value)  # what to choose instead
    kept = make_comment(make_conference(org), field_id=by_code("giao-thong").id)  # 2018
    assert kept.field.name_vi == "Giao thông vận tải"


def test_a_dossier_received_after_the_mergers_cannot_take_a_superseded_field(org, upgraded):
    header = (
        "dossier_code,unit_code,procedure_code,procedure_name,field_code,received_at,due_at,returned_at,"
        "channel,supplement_requests,agencies_contacted,complaint,i2,i5,i6,i8,i9"
    )
    row = "{code},00109,P-TC,Trợ cấp xã hội,ldtbxh,{received},2025-03-20,,in_person,0,0,none,,,,,"
    refused = import_csv(
        "\n".join(
            [
                header,
                row.format(code="D-OLD", received="2025-02-10"),
                row.format(code="D-NEW", received="2025-03-01"),
            ]
        )
        + "\n"
    )
    assert not refused.ok
    assert len(refused.errors) == 1
    assert refused.errors[0].startswith("Dòng 3, cột 5 (field_code)")  # received on 1/3/2025
    assert "01/03/2025" in refused.errors[0] and "Lao động, việc làm" in refused.errors[0]
    accepted = import_csv("\n".join([header, row.format(code="D-OLD", received="2025-02-10")]) + "\n")
    assert accepted.ok and accepted.created == 1


def test_the_field_list_says_which_fields_only_old_data_carries(client, org, upgraded):
    login(client, "admin1")
    page = client.get("/org/fields").get_data(as_text=True)
    assert page.count("chỉ cho dữ liệu cũ, được thay thế từ 01/03/2025") == 4
    assert "<code>lao-dong-viec-lam</code>, <code>nguoi-co-cong</code>" in page
