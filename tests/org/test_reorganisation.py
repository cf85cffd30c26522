"""`units reorganise`: merges and splits on an effective date, history kept, nothing counted twice."""

import re
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import func, select

from survey_app.analytics.dialogue_queries import dialogue_stats
from survey_app.analytics.kiosk_queries import level_counts
from survey_app.analytics.sipas_queries import pooled_counts
from survey_app.core import clock
from survey_app.extensions import db
from survey_app.models import AuditEntry, Unit, UnitClosure, UnitKind, UnitStatus, UnitSuccession
from survey_app.models.dialogue import (
    CommentChannel,
    ConferenceState,
    DialogueComment,
    DialogueConference,
    SpeakerKind,
)
from survey_app.models.kiosk import KioskUnitDay
from survey_app.models.sipas import SipasCampaign, SipasCount
from survey_app.org import services
from survey_app.org.reorganisation import reorganise_csv
from tests.conftest import login, post_form

REFORM = date(2025, 7, 1)
# Phường Bưởi merges into today's Phường Tây Hồ (00103); Phường Thụy Khuê is split between Phường Tây Hồ
# and Phường Ba Đình (00004) — both opened from the official list under Thành phố Hà Nội (01).
FILE = """old_code,new_code,effective_date
00109,00103,2025-07-01
00112,00103,2025-07-01
00112,00004,2025-07-01
"""
VIETNAM = timezone(timedelta(hours=7))


def run(app, tmp_path, text: str, name: str = "reform.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return app.test_cli_runner().invoke(args=["units", "reorganise", str(path)])


def names_line(output: str, number: int) -> bool:
    """Whether an error names a line (in English or Vietnamese, the CLI speaks the default language)."""
    return re.search(rf"^(Line|Dòng) {number}\b", output, re.MULTILINE) is not None


def unit(code: str, on: date = REFORM) -> Unit:
    return services.unit_for_code_on(code, on)


def add_ratings(unit_: Unit, day: date, **levels: int) -> None:
    for level, n in levels.items():
        db.session.add(KioskUnitDay(day=day, unit_id=unit_.id, level=level, n=n))


def add_conference(unit_: Unit, held: datetime, comments: int) -> None:
    conference = DialogueConference(host_unit_id=unit_.id, title=f"Đối thoại {unit_.name}", held_at=held)
    conference.state = ConferenceState.closed
    db.session.add(conference)
    db.session.flush()
    for number in range(1, comments + 1):
        db.session.add(
            DialogueComment(
                conference_id=conference.id,
                number=number,
                speaker_kind=SpeakerKind.individual,
                channel=CommentChannel.spoken,
                category="procedure",
                content=f"Ý kiến {number}",
            )
        )


def counts_of(unit, start, end):
    """Counted kiosk ratings per level of a subtree."""
    return level_counts(db.session, unit, start, end)


def test_a_merge_and_a_split_with_hand_worked_figures(app, org, tmp_path):
    result = run(app, tmp_path, FILE)
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == (
        "units merged 1, split 1, closed 0 (with 1 centres or departments); successors opened 2; "
        "already recorded 0; not held here (skipped) 0"
    )
    buoi, thuy_khue = db.session.get(Unit, org.ward.id), db.session.get(Unit, org.ward2.id)
    tay_ho, ba_dinh = unit("00103"), unit("00004")
    # the old units keep their rows, codes and parents; the new ones open under the province
    assert (buoi.code, buoi.status, buoi.active_to, buoi.parent) == (
        "00109",
        UnitStatus.merged,
        REFORM,
        org.district,
    )
    assert (thuy_khue.status, thuy_khue.active_to) == (UnitStatus.split, REFORM)
    assert (tay_ho.name, tay_ho.kind, tay_ho.parent, tay_ho.active_from) == (
        "Phường Tây Hồ",
        UnitKind.ward,
        org.city,
        REFORM,
    )
    assert [u.code for u in thuy_khue.successors] == ["00103", "00004"]
    assert sorted(u.code for u in tay_ho.predecessors) == ["00109", "00112"]
    # Bưởi's one-stop centre closes with it and stays under it: its history reaches Tây Hồ through Bưởi
    centre = db.session.get(Unit, org.centre.id)
    assert (centre.status, centre.active_to, centre.parent) == (UnitStatus.closed, REFORM, buoi)
    assert services.is_within(centre.id, tay_ho.id) and services.is_within(centre.id, org.district.id)

    # Kiosk: 2025-03-10 Bưởi 6 very satisfied + 2 dissatisfied, Thụy Khuê 3 satisfied + 1 dissatisfied,
    # Khương Đình (other district) 10 satisfied; 2025-08-01 Tây Hồ 5 very satisfied, Ba Đình 2 dissatisfied.
    before, after = date(2025, 3, 10), date(2025, 8, 1)
    add_ratings(buoi, before, very_satisfied=6, dissatisfied=2)
    add_ratings(thuy_khue, before, satisfied=3, dissatisfied=1)
    add_ratings(org.sibling_ward, before, satisfied=10)
    add_ratings(tay_ho, after, very_satisfied=5)
    add_ratings(ba_dinh, after, dissatisfied=2)
    db.session.commit()
    year = (date(2025, 1, 1), date(2025, 12, 31))
    # Tây Hồ pools its own 5, Bưởi's 8 and Thụy Khuê's 4 = 17 (14 satisfied)
    assert counts_of(tay_ho, *year) == {
        "very_satisfied": 11,
        "satisfied": 3,
        "dissatisfied": 3,
    }
    # Ba Đình: its own 2 and Thụy Khuê's 4, shared with Tây Hồ = 6 (3 satisfied)
    assert counts_of(ba_dinh, *year) == {"satisfied": 3, "dissatisfied": 3}
    # the city counts Thụy Khuê once: 8 + 4 + 10 + 5 + 2 = 29, not 17 + 6 + 10 = 33
    assert counts_of(org.city, *year) == {
        "very_satisfied": 11,
        "satisfied": 13,
        "dissatisfied": 5,
    }
    # the old district keeps its wards' history, and nothing of the new wards
    assert counts_of(org.district, *year) == {
        "very_satisfied": 6,
        "satisfied": 3,
        "dissatisfied": 3,
    }
    # the old wards keep their own history only
    assert counts_of(thuy_khue, *year) == {"satisfied": 3, "dissatisfied": 1}

    # SIPAS 2024 (before the reform): Bưởi q1 = 5 ×3 and 2 ×1; Thụy Khuê q1 = 4 ×2
    campaign = SipasCampaign(
        code="HN-2024",
        name="SIPAS 2024",
        questionnaire="sipas-2023",
        start_on=date(2024, 9, 1),
        end_on=date(2024, 10, 31),
    )
    db.session.add(campaign)
    db.session.flush()
    for owner, value, n in ((buoi, 5, 3), (buoi, 2, 1), (thuy_khue, 4, 2)):
        db.session.add(
            SipasCount(
                campaign_id=campaign.id,
                unit_id=owner.id,
                channel="paper",
                question_code="q1",
                value=value,
                n=n,
            )
        )
    db.session.commit()
    assert pooled_counts(db.session, campaign, tay_ho) == {"q1": {5: 3, 2: 1, 4: 2}}
    assert pooled_counts(db.session, campaign, ba_dinh) == {"q1": {4: 2}}
    assert pooled_counts(db.session, campaign, org.city) == {"q1": {5: 3, 2: 1, 4: 2}}  # 6 answers, not 8

    # Dialogue: Bưởi 2 comments (2024), Thụy Khuê 3 comments (2024), Ba Đình 1 comment (2026)
    add_conference(buoi, datetime(2024, 5, 2, 2, tzinfo=UTC), 2)
    add_conference(thuy_khue, datetime(2024, 6, 3, 2, tzinfo=UTC), 3)
    add_conference(ba_dinh, datetime(2026, 3, 3, 2, tzinfo=UTC), 1)
    db.session.commit()
    span = (date(2024, 1, 1), date(2026, 12, 31))
    assert dialogue_stats(db.session, tay_ho, *span, today=span[1], zone=clock.local_zone())["comments"] == 5
    assert dialogue_stats(db.session, ba_dinh, *span, today=span[1], zone=clock.local_zone())["comments"] == 4
    assert (
        dialogue_stats(db.session, org.city, *span, today=span[1], zone=clock.local_zone())["comments"] == 6
    )  # 2 + 3 + 1, Thụy Khuê's 3 once


def test_the_closure_holds_each_pair_once(app, org, tmp_path):
    assert run(app, tmp_path, FILE).exit_code == 0
    thuy_khue = org.ward2.id
    ancestors = dict(
        db.session.execute(
            select(UnitClosure.ancestor_id, UnitClosure.depth).where(UnitClosure.descendant_id == thuy_khue)
        ).all()
    )
    tay_ho, ba_dinh = unit("00103").id, unit("00004").id
    # itself, its district, both successors (one step up) and the city (through its district, 2 steps)
    assert ancestors == {thuy_khue: 0, org.district.id: 1, tay_ho: 1, ba_dinh: 1, org.city.id: 2}
    pairs = db.session.execute(select(UnitClosure.ancestor_id, UnitClosure.descendant_id)).all()
    assert len(pairs) == len(set(pairs))


def test_closed_units_accept_data_dated_before_their_closing_only(app, org, tmp_path):
    assert run(app, tmp_path, FILE).exit_code == 0
    buoi, tay_ho = db.session.get(Unit, org.ward.id), unit("00103")
    late_evening = datetime(2025, 6, 30, 23, 30, tzinfo=VIETNAM)  # 16:30 UTC, still 30/6 in Hà Nội
    just_after = datetime(2025, 7, 1, 0, 10, tzinfo=VIETNAM)  # 30/6 17:10 UTC, but 1/7 in Hà Nội
    assert services.accepts_data(buoi, late_evening) is True  # an offline tablet's backlog
    assert services.accepts_data(buoi, just_after) is False
    assert services.accepts_data(buoi, date(2025, 6, 30)) is True
    assert services.accepts_data(buoi, date(2026, 1, 5)) is False
    assert services.accepts_data(tay_ho, late_evening) is False  # the new ward did not exist yet
    assert services.accepts_data(tay_ho, just_after) is True
    assert services.is_open_on(org.sibling_ward, date(2026, 1, 5)) is True
    # the code 00103 named Phường Tây Hồ since 1/7/2025; 00109 is the closed Phường Bưởi
    assert services.unit_for_code_on("00103", date(2026, 1, 1)) == tay_ho
    assert services.unit_for_code_on("00109", date(2024, 1, 1)) == buoi
    assert services.unit_for_code_on("00109", date(2026, 1, 1)) is None
    assert services.get_unit_by_code("00109") == buoi


def test_the_code_of_a_predecessor_can_name_its_successor(app, org):
    # the GSO gave Phường Tây Hồ the code of Phường Xuân La: the old ward keeps its row and its history
    xuan_la = services.create_unit(
        code="00103", name="Phường Xuân La", kind=UnitKind.ward, parent=org.district
    )
    db.session.commit()
    result = reorganise_csv(
        "old_code,new_code,effective_date\n00103,00103,2025-07-01\n00103,00611,2025-07-01\n"
    )
    assert result.ok, result.errors
    db.session.commit()
    tay_ho = services.get_unit_by_code("00103")
    assert tay_ho.id != xuan_la.id and tay_ho.name == "Phường Tây Hồ" and tay_ho.is_active
    assert (xuan_la.code, xuan_la.name, xuan_la.status) == ("00103", "Phường Xuân La", UnitStatus.split)
    assert services.unit_for_code_on("00103", date(2025, 6, 30)) == xuan_la
    assert [u.name for u in xuan_la.successors] == ["Phường Tây Hồ", "Phường Xuân Đỉnh"]


def test_applying_the_same_file_again_changes_nothing(app, org, tmp_path):
    assert run(app, tmp_path, FILE).exit_code == 0
    counts = (
        db.session.scalar(select(func.count()).select_from(Unit)),
        db.session.scalar(select(func.count()).select_from(UnitSuccession)),
        db.session.scalar(select(func.count()).select_from(AuditEntry)),
    )
    again = run(app, tmp_path, FILE)
    assert again.exit_code == 0, again.output
    assert "already recorded" in again.output.splitlines()[0]
    assert again.output.strip().splitlines()[-1] == (
        "units merged 0, split 0, closed 0 (with 0 centres or departments); successors opened 0; "
        "already recorded 3; not held here (skipped) 0"
    )
    assert counts == (
        db.session.scalar(select(func.count()).select_from(Unit)),
        db.session.scalar(select(func.count()).select_from(UnitSuccession)),
        db.session.scalar(select(func.count()).select_from(AuditEntry)),
    )
    # a different successor for a unit already merged is refused
    other = run(app, tmp_path, "old_code,new_code,effective_date\n00109,00004,2025-07-01\n", "other.csv")
    assert other.exit_code != 0
    assert names_line(other.output, 2) and "00103" in other.output  # what it was merged into


def test_bad_files_change_nothing_and_name_their_lines(app, org, tmp_path):
    bad = (
        "old_code,new_code,effective_date\n"
        "00109,00103,2025-07-01\n"  # 2: fine on its own
        "00112,00103\n"  # 3: two columns
        "00367,00103,01/07/2025\n"  # 4: not an ISO date
        "00109,00103,2025-07-01\n"  # 5: repeats line 2
        "00109,00004,2025-08-01\n"  # 6: another date for 00109
    )
    result = run(app, tmp_path, bad)
    assert result.exit_code != 0
    assert [n for n in range(2, 7) if names_line(result.output, n)] == [3, 4, 5, 6]
    assert "nothing was changed" in result.output
    assert db.session.get(Unit, org.ward.id).is_active
    assert services.get_unit_by_code("00103") is None

    unknown = run(
        app, tmp_path, "old_code,new_code,effective_date\n00109,00103,2025-07-01\n003,XYZ,2025-07-01\n"
    )
    assert unknown.exit_code != 0
    assert names_line(unknown.output, 3) and "XYZ" in unknown.output
    assert db.session.get(Unit, org.ward.id).is_active and services.get_unit_by_code("00103") is None

    header = run(app, tmp_path, "ma_cu,ma_moi,ngay\n00109,00103,2025-07-01\n")
    assert "old_code,new_code,effective_date" in header.output and header.exit_code != 0
    latin = tmp_path / "latin.csv"
    latin.write_bytes("old_code,new_code,effective_date\n00109,00103,2025-07-01\n# Bưởi\n".encode("utf-16"))
    assert app.test_cli_runner().invoke(args=["units", "reorganise", str(latin)]).exit_code != 0


def test_a_district_closes_without_successor_with_its_wards(app, org, tmp_path):
    # the district closes once all its wards close
    partial = run(
        app, tmp_path, "old_code,new_code,effective_date\n003,,2025-07-01\n00109,00103,2025-07-01\n"
    )
    assert partial.exit_code != 0
    assert "00112" in partial.output  # Thụy Khuê would stay open under a closed district
    full = run(app, tmp_path, FILE + "003,,2025-07-01\n", "full.csv")
    assert full.exit_code == 0, full.output
    assert (
        full.output.strip().splitlines()[-1].startswith("units merged 1, split 1, closed 1 (with 1 centres")
    )
    district = db.session.get(Unit, org.district.id)
    assert (district.status, district.active_to, district.successors) == (UnitStatus.closed, REFORM, [])


def test_departments_are_reorganised_by_the_same_file(app, org, tmp_path):
    environment = services.create_unit(
        code="01-STNMT", name="Sở Tài nguyên và Môi trường", kind=UnitKind.department, parent=org.city
    )
    agriculture = services.create_unit(
        code="01-SNNPTNT",
        name="Sở Nông nghiệp và Phát triển nông thôn",
        kind=UnitKind.department,
        parent=org.city,
    )
    merged = services.create_unit(
        code="01-SNNMT",
        name="Sở Nông nghiệp và Môi trường",
        kind=UnitKind.department,
        parent=org.city,
        active_from=date(2025, 3, 1),
    )
    db.session.commit()
    text = "old_code,new_code,effective_date\n01-STNMT,01-SNNMT,2025-03-01\n01-SNNPTNT,01-SNNMT,2025-03-01\n"
    result = run(app, tmp_path, text)
    assert result.exit_code == 0, result.output
    assert [u.code for u in merged.predecessors] == ["01-STNMT", "01-SNNPTNT"]
    assert environment.status == agriculture.status == UnitStatus.merged
    assert services.is_within(environment.id, merged.id)
    self_successor = run(
        app, tmp_path, "old_code,new_code,effective_date\n01-SNNMT,01-SNNMT,2026-01-01\n", "s.csv"
    )
    assert self_successor.exit_code != 0 and names_line(self_successor.output, 2)


def test_the_admin_merge_form_records_a_succession(app, org, client):
    login(client, "admin1")
    response = post_form(
        client,
        f"/org/units/{org.ward2.id}/merge",
        {"successor_id": org.ward.id, "on": "01/07/2025", "confirmed": "yes"},
    )
    assert response.status_code == 302
    link = db.session.scalars(select(UnitSuccession)).one()
    assert (link.predecessor_id, link.successor_id, link.effective_on, link.kind.value) == (
        org.ward2.id,
        org.ward.id,
        REFORM,
        "merge",
    )
    page = client.get(f"/org/units/{org.ward.id}").get_data(as_text=True)
    assert "Phường Thụy Khuê" in page and "01/07/2025" in page


def test_the_shipped_hanoi_file_applies_to_the_old_wards_of_tay_ho(app, org):
    path = Path(services.__file__).parent / "data" / "reorganisation_hanoi_2025.csv"
    result = reorganise_csv(path.read_text(encoding="utf-8"))
    assert result.ok, result.errors[:3]
    # the test tree holds two old wards of Tây Hồ (Bưởi, Thụy Khuê) and Khương Đình's code 00367
    assert (result.merged, result.split) == (1, 2)
    db.session.commit()
    assert [u.name for u in db.session.get(Unit, org.ward.id).successors] == ["Phường Tây Hồ"]
    assert [u.name for u in db.session.get(Unit, org.ward2.id).successors] == [
        "Phường Tây Hồ",
        "Phường Ba Đình",
    ]
