"""`flask seed-demo` builds today's Hà Nội through the 2025 reform, with the old units' history."""

import csv
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from survey_app.core import clock
from survey_app.core.clock import local_date
from survey_app.demo.seed import DATA, DEMO_USERS
from survey_app.extensions import db
from survey_app.models import Staff, Unit, UnitKind, UnitStatus, User
from survey_app.models.dialogue import ConferenceState, DialogueComment, DialogueConference
from survey_app.models.kiosk import KioskDevice, KioskRating
from survey_app.models.sipas import SipasCampaign, SipasResponse
from survey_app.org.official import official_units
from survey_app.org.services import get_unit_by_code, unit_for_code_on
from tests.conftest import login
from tests.shared import shared_dir

REFORM = date(2025, 7, 1)
# Quận Đồ Sơn's wards in the pre-reform list (vietnam-provinces 0.6.0, district 308 of Hải Phòng).
DO_SON_WARDS = {
    "11455": "Phường Ngọc Xuyên",
    "11458": "Phường Hải Sơn",
    "11461": "Phường Vạn Hương",
    "11465": "Phường Minh Đức",
    "11467": "Phường Bàng La",
    "11737": "Phường Hợp Đức",
}
TAY_HO_WARDS = ["00091", "00094", "00097", "00100", "00103", "00106", "00109", "00112"]


def run_seed(app) -> list[str]:
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def held_on(code: str, day: date) -> Unit:
    unit = unit_for_code_on(code, day)
    assert unit is not None, (code, day)
    return unit


def test_today_hanoi_has_its_current_communes_and_the_old_units_as_history(app, client):
    first = run_seed(app)
    hanoi = get_unit_by_code("01")
    children = db.session.scalars(select(Unit).where(Unit.parent_id == hanoi.id)).all()
    open_communes = sorted(
        u.code for u in children if u.is_active and u.kind in (UnitKind.ward, UnitKind.commune)
    )
    listed = sorted(u.code for u in official_units().values() if u.parent_code == "01")
    assert len(listed) == 126 and open_communes == listed
    assert count(Unit, Unit.kind == UnitKind.district, Unit.status == UnitStatus.active) == 0

    # Quận Tây Hồ and its eight wards stay, closed on 1/7/2025, under their pre-2025 codes.
    tay_ho = db.session.scalar(select(Unit).where(Unit.code == "003"))
    assert (tay_ho.name, tay_ho.status, tay_ho.active_to) == ("Quận Tây Hồ", UnitStatus.closed, REFORM)
    old = db.session.scalars(select(Unit).where(Unit.parent_id == tay_ho.id)).all()
    wards = {u.code: u for u in old if u.kind == UnitKind.ward}
    assert sorted(wards) == TAY_HO_WARDS and not any(u.is_active for u in old)
    assert wards["00103"].name == "Phường Xuân La" and wards["00109"].name == "Phường Bưởi"
    assert sum(u.kind == UnitKind.department for u in old) == 12  # the 2018 article's 12 phòng ban
    assert count(Staff, Staff.unit_id == get_unit_by_code("00109-MC").id) >= 1

    # Phường Tây Hồ took Xuân La's code on 1/7/2025; Bưởi, Nhật Tân, Quảng An, Thụy Khuê merged or split in.
    ward = get_unit_by_code("00103")
    assert (ward.name, ward.kind, ward.active_from, ward.parent.code) == (
        "Phường Tây Hồ",
        UnitKind.ward,
        REFORM,
        "01",
    )
    assert {"Phường Bưởi", "Phường Nhật Tân", "Phường Quảng An", "Phường Thụy Khuê", "Phường Xuân La"} <= {
        u.name for u in ward.predecessors
    }
    below = {u.code: u for u in ward.children}
    assert below["00103-TT"].name == "Trung tâm Phục vụ hành chính công phường Tây Hồ"
    assert below["00103-TT"].kind == UnitKind.centre
    assert below["00103-VP"].name == "Văn phòng HĐND và UBND phường Tây Hồ"
    assert below["00103-KT"].name == "Phòng Kinh tế, Hạ tầng và Đô thị phường Tây Hồ"
    assert below["00103-VHXH"].name == "Phòng Văn hóa - Xã hội phường Tây Hồ"
    assert get_unit_by_code("09832-KT").name == "Phòng Kinh tế xã Hoài Đức"
    centre_staff = db.session.scalars(select(Staff).where(Staff.unit_id == below["00103-TT"].id)).all()
    assert len(centre_staff) >= 4 and all(s.counter for s in centre_staff)
    # The Sở after the 2025 mergers and the city's centre.
    assert get_unit_by_code("01-SNNMT").name == "Sở Nông nghiệp và Môi trường"
    assert get_unit_by_code("01-CATP").name == "Công an thành phố Hà Nội"
    assert get_unit_by_code("01-TTPVHCC").kind == UnitKind.centre
    # Đồ Sơn's six wards (Hải Phòng) went into Phường Đồ Sơn and Phường Nam Đồ Sơn.
    assert (
        get_unit_by_code("11455").name == "Phường Đồ Sơn"
        and get_unit_by_code("308").status == UnitStatus.closed
    )
    # Under their codes in the pre-reform list (vietnam-provinces 0.6.0): Quận Đồ Sơn 308 (311 was
    # Thành phố Thủy Nguyên), its wards as listed there.
    do_son = db.session.scalar(select(Unit).where(Unit.code == "308", Unit.kind == UnitKind.district))
    assert (do_son.name, do_son.parent.code) == ("Quận Đồ Sơn", "31")
    assert {u.code: u.name for u in do_son.children if u.kind == UnitKind.ward} == DO_SON_WARDS
    assert db.session.scalar(select(Unit).where(Unit.code == "311")) is None

    # Hà Nội's centre has its branches, where kiosks stand; their names are neutral (units_2025.csv says
    # why), and they opened with the two-tier map.
    centre = get_unit_by_code("01-TTPVHCC")
    branches = sorted(centre.children, key=lambda u: u.code)
    assert [(b.code, b.name, b.kind, b.active_from) for b in branches] == [
        (
            f"01-TTPVHCC-CN{i}",
            f"Chi nhánh số {i} - Trung tâm Phục vụ hành chính công thành phố Hà Nội",
            UnitKind.centre,
            REFORM,
        )
        for i in (1, 2, 3)
    ]
    branch_ids = [b.id for b in branches]
    assert count(KioskDevice, KioskDevice.unit_id.in_(branch_ids)) == 3 + 3 + 3  # one per counter
    per_branch = dict(
        db.session.execute(
            select(KioskRating.unit_id, func.min(KioskRating.local_day))
            .where(KioskRating.unit_id.in_(branch_ids))
            .group_by(KioskRating.unit_id)
        ).all()
    )
    assert set(per_branch) == set(branch_ids) and min(per_branch.values()) >= REFORM
    assert all(s.counter for b in branches for s in b.staff) and sum(len(b.staff) for b in branches) == 13

    # Hải Phòng's Sở after the mergers, named as Hà Nội's, and its city police.
    sos = {
        city: sorted(u.name for u in get_unit_by_code(city).children if u.code.startswith(f"{city}-S"))
        for city in ("01", "31")
    }
    assert len(sos["31"]) == 8 and set(sos["31"]) < set(sos["01"])
    assert "Sở Tài nguyên và Môi trường" not in sos["31"] and "Sở Kế hoạch và Đầu tư" not in sos["31"]
    assert get_unit_by_code("31-SXD").name == "Sở Xây dựng" and get_unit_by_code("31-SXD").is_active
    assert get_unit_by_code("31-CATP").name == "Công an thành phố Hải Phòng"

    # The demo users work at today's units.
    units_of = dict(
        db.session.execute(select(User.username, Unit.code).join(Unit, Unit.id == User.unit_id)).all()
    )
    assert units_of["tayho.leader"] == "00103" and units_of["tayho.centre"] == "00103-TT"
    assert units_of["hanoi.leader"] == "01"

    # Seeding again adds nothing and prints no password; every listed login works.
    units, staff, users, ratings = count(Unit), count(Staff), count(User), count(KioskRating)
    second = run_seed(app)
    assert (count(Unit), count(Staff), count(User), count(KioskRating)) == (units, staff, users, ratings)
    assert any("demo-Admin-2026" in line for line in first)
    assert not any("password" in line for line in second)
    readme = (Path(app.root_path).parent / "README.md").read_text(encoding="utf-8")
    for username, _name, _role, _unit, password in DEMO_USERS:
        assert username in readme and password in readme
        response = login(client, username, password)
        assert response.status_code == 302, username
        client.delete_cookie("session")


def test_history_ends_at_the_closing_and_today_starts_on_1_july_2025(app):
    run_seed(app)
    today = clock.today()
    old_wards = [held_on(code, date(2025, 6, 30)) for code in TAY_HO_WARDS]
    old_ids = [u.id for u in old_wards] + [
        held_on(f"{code}-MC", date(2025, 6, 30)).id for code in TAY_HO_WARDS
    ]
    first_old, last_old = db.session.execute(
        select(func.min(KioskRating.local_day), func.max(KioskRating.local_day)).where(
            KioskRating.unit_id.in_(old_ids)
        )
    ).one()
    assert first_old is not None and last_old == date(2025, 6, 30)
    centre = get_unit_by_code("00103-TT")
    first_new, last_new = db.session.execute(
        select(func.min(KioskRating.local_day), func.max(KioskRating.local_day)).where(
            KioskRating.unit_id == centre.id
        )
    ).one()
    assert first_new >= REFORM and last_new <= today

    # No rating, response or conference at a unit on or after its closing (nor before its opening).
    closed = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.active_to.is_not(None)))}
    opened = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.active_from.is_not(None)))}

    def outside(unit_id: int, day: date) -> bool:
        return (unit_id in closed and day >= closed[unit_id].active_to) or (
            unit_id in opened and day < opened[unit_id].active_from
        )

    kiosk_days = db.session.execute(select(KioskRating.unit_id, KioskRating.local_day).distinct()).all()
    assert [row for row in kiosk_days if outside(*row)] == []
    responses = db.session.execute(select(SipasResponse.unit_id, SipasResponse.submitted_at)).all()
    assert len(responses) > 1000
    assert [r for r in responses if outside(r[0], local_date(r[1]))] == []
    conferences = db.session.scalars(select(DialogueConference)).all()
    assert [c.title for c in conferences if outside(c.host_unit_id, local_date(c.held_at))] == []
    # In 2026 only today's units run campaigns and hold conferences.
    for campaign in db.session.scalars(select(SipasCampaign)):
        if campaign.end_on.year >= 2026:
            assert campaign.owner_unit.is_active, campaign.code
        else:
            assert campaign.start_on.year == 2024 and campaign.owner_unit.kind == UnitKind.district
    in_2026 = [c for c in conferences if local_date(c.held_at).year == 2026]
    assert in_2026 and all(c.host_unit.is_active and c.host_unit.kind != UnitKind.district for c in in_2026)

    # The data end at the seed day; only the coming conference is planned after it.
    assert db.session.scalar(select(func.max(KioskRating.local_day))) <= today
    assert local_date(db.session.scalar(select(func.max(SipasResponse.submitted_at)))) <= today
    assert local_date(db.session.scalar(select(func.max(DialogueComment.created_at)))) <= today
    later = [c for c in conferences if local_date(c.held_at) > today]
    assert [(c.state, c.host_unit.name) for c in later] == [(ConferenceState.planned, "Phường Tây Hồ")]

    # Forwards since the reform go to today's bodies.
    forwards = db.session.execute(
        select(DialogueComment.forwarded_to, DialogueComment.forwarded_on).where(
            DialogueComment.forwarded_to != ""
        )
    ).all()
    recent = {body for body, on in forwards if on >= REFORM}
    police = {f"Công an {u.name[:1].lower()}{u.name[1:]}" for u in db.session.scalars(select(Unit))}
    so_of = {
        city: {f"{u.name} {name}" for u in get_unit_by_code(city).children if u.code.startswith(f"{city}-S")}
        for city, name in (("01", "thành phố Hà Nội"), ("31", "thành phố Hải Phòng"))
    }
    assert recent and recent <= police | so_of["01"] | so_of["31"]
    assert not any(body.startswith(("Công an quận", "Công an huyện")) for body in recent)
    assert not any("Tài nguyên và Môi trường" in body for body in recent)
    # Đồ Sơn's comments go to Hải Phòng's bodies, Hà Nội's communes' to Hà Nội's.
    by_city: dict[str, set[str]] = {"01": set(), "31": set()}
    since_reform = db.session.scalars(
        select(DialogueComment).where(
            DialogueComment.forwarded_to != "", DialogueComment.forwarded_on >= REFORM
        )
    )
    for comment in since_reform:
        by_city[comment.conference.host_unit.parent.code].add(comment.forwarded_to)
    assert by_city["31"] & so_of["31"] and by_city["01"] & so_of["01"]
    assert by_city["31"] <= so_of["31"] | {"Công an phường Đồ Sơn", "Công an phường Nam Đồ Sơn"}
    assert not any("Hà Nội" in body for body in by_city["31"])
    assert not any("Hải Phòng" in body for body in by_city["01"])

    # The 2018 conference of the article, with its 11 comments, hosted by Quận Tây Hồ.
    first = min(conferences, key=lambda c: c.held_at)
    assert local_date(first.held_at) == date(2018, 6, 1) and first.host_unit.name == "Quận Tây Hồ"
    assert len(first.comments) == 11


def test_demo_districts_come_from_the_source_articles():
    """Every demo district is one the articles in ../shared/seeds describe."""
    text = " ".join(p.read_text(encoding="utf-8") for p in (shared_dir() / "seeds").glob("*.txt"))
    with (DATA / "units.csv").open(encoding="utf-8") as handle:
        districts = [row["name"] for row in csv.DictReader(handle) if row["kind"] == "district"]
    for name in districts:
        assert name.split(" ", 1)[1] in text, name
