"""Test data of the dashboards (kiosk roll-ups, SIPAS counts, dialogue conferences) for any app context."""

from __future__ import annotations

from datetime import UTC, date, datetime

from survey_app.extensions import db
from survey_app.models import Counter, ProcedureField, Staff, UnitKind
from survey_app.models.dialogue import CommentStatus, ConferenceState, DialogueComment, DialogueConference
from survey_app.models.sipas import CampaignState, SipasCampaign, SipasCampaignUnit
from survey_app.org.services import create_unit
from tests.dashboards.helpers import add_ratings, add_sipas, same_answers


def build_kiosk_data(org):
    """January 2026: Phường Bưởi (via its centre) 40 very satisfied, 10 satisfied, 10 dissatisfied;
    Phường Thụy Khuê 5 + 5 (too few); December 2025: Phường Bưởi 30 satisfied, 10 dissatisfied."""
    counter = Counter(unit=org.centre, code="Q1", name="Quầy 1")
    staff = Staff(unit=org.centre, counter=counter, full_name="Nguyễn Thị Hoa")
    field = ProcedureField(code="ho-tich", name_vi="Hộ tịch", name_en="Civil status")
    db.session.add_all([counter, staff, field])
    db.session.flush()
    jan = date(2026, 1, 12)  # a Monday
    add_ratings(org.centre, jan, "very_satisfied", 40, counter=counter, staff=staff, field=field, hour=9)
    add_ratings(org.centre, jan, "satisfied", 10, counter=counter, field=field, hour=10)
    add_ratings(
        org.centre, jan, "dissatisfied", 10, counter=counter, staff=staff, hour=10, reasons=("long_wait",)
    )
    add_ratings(org.ward2, date(2026, 1, 20), "very_satisfied", 5)
    add_ratings(org.ward2, date(2026, 1, 20), "dissatisfied", 5, reasons=("attitude", "long_wait"))
    add_ratings(org.ward, date(2025, 12, 3), "satisfied", 30)
    add_ratings(org.ward, date(2025, 12, 3), "dissatisfied", 10, reasons=("attitude",))
    db.session.commit()
    org.staff_member = staff
    return org


TYPICAL = {5: 20, 4: 12, 3: 6, 2: 2}  # 32 of 40 satisfied = 80


def build_sipas_data(org):
    """Campaign 2025 (ward-short): Phường Bưởi 40 responses (30 paper, 10 online), S01 36/40 = 90, the
    other criteria 32/40 = 80; Phường Thụy Khuê 10 responses, all "5". Campaign 2024: Bưởi 30, 24/30 = 80."""
    old = SipasCampaign(
        code="C2024",
        name="Khảo sát 2024",
        questionnaire="ward-short",
        start_on=date(2024, 10, 1),
        end_on=date(2024, 11, 30),
        state=CampaignState.published,
    )
    new = SipasCampaign(
        code="C2025",
        name="Khảo sát 2025",
        questionnaire="ward-short",
        start_on=date(2025, 10, 1),
        end_on=date(2025, 11, 30),
        state=CampaignState.closed,
    )
    db.session.add_all([old, new])
    db.session.flush()
    db.session.add_all(
        [
            SipasCampaignUnit(campaign_id=new.id, unit_id=org.ward.id, target=50),
            SipasCampaignUnit(campaign_id=new.id, unit_id=org.ward2.id, target=40),
            SipasCampaignUnit(campaign_id=old.id, unit_id=org.ward.id, target=30),
        ]
    )
    # Bưởi's 40 answers add up to TYPICAL (S01: {5: 30, 4: 6, 3: 4}); paper forms were kinder than online
    add_sipas(new, org.ward, {"paper": 30}, same_answers({5: 18, 4: 9, 3: 3}, S01={5: 27, 4: 3}))
    add_sipas(new, org.ward, {"online": 10}, same_answers({5: 2, 4: 3, 3: 3, 2: 2}, S01={5: 3, 4: 3, 3: 4}))
    add_sipas(new, org.ward2, {"online": 10}, same_answers({5: 10}))
    add_sipas(old, org.ward, {"paper": 30}, same_answers({5: 15, 4: 9, 3: 6}))
    db.session.commit()
    return org


def _conference(unit, title, held_at, state=ConferenceState.closed):
    conference = DialogueConference(host_unit_id=unit.id, title=title, held_at=held_at, state=state)
    db.session.add(conference)
    db.session.flush()
    return conference


def _comment(conference, number, category, **extra):
    db.session.add(
        DialogueComment(conference_id=conference.id, number=number, category=category, content="…", **extra)
    )


def build_dialogue_data(org):
    """2025: the district held one conference (March), Phường Bưởi two (May, September), Thụy Khuê none
    (one only planned). 12 comments: 8 answered on the spot; 4 in writing (due 10/04 or 20/04/2025):
    one answered on time, one late, two still open (overdue)."""
    justice = create_unit(code="003-TP", name="Phòng Tư pháp", kind=UnitKind.department, parent=org.district)
    district = _conference(org.district, "Đối thoại quý I", datetime(2025, 3, 10, 1, tzinfo=UTC))
    ward = _conference(
        org.ward, "Đối thoại phường", datetime(2025, 5, 5, 1, tzinfo=UTC), ConferenceState.published
    )
    _conference(org.ward, "Đối thoại tháng 9", datetime(2025, 9, 1, 1, tzinfo=UTC))
    _conference(org.ward2, "Dự kiến", datetime(2025, 12, 1, 1, tzinfo=UTC), ConferenceState.planned)
    on_spot = {"answered_on_spot": True, "status": CommentStatus.answered_on_spot}
    for number, category in enumerate(["attitude"] * 3 + ["online_services"] * 3, start=1):
        _comment(district, number, category, **on_spot)
    due = date(2025, 4, 10)
    _comment(
        district,
        7,
        "delays",
        department_id=justice.id,
        due_on=due,
        status=CommentStatus.answered,
        answered_at=datetime(2025, 4, 8, 3, tzinfo=UTC),
    )
    _comment(
        district,
        8,
        "delays",
        department_id=justice.id,
        due_on=due,
        status=CommentStatus.published,
        answered_at=datetime(2025, 4, 15, 3, tzinfo=UTC),
    )
    _comment(district, 9, "delays", department_id=justice.id, due_on=due, status=CommentStatus.assigned)
    _comment(district, 10, "delays", due_on=date(2025, 4, 20), status=CommentStatus.in_progress)
    _comment(ward, 1, "attitude", **on_spot)
    _comment(ward, 2, "attitude", **on_spot)
    db.session.commit()
    return org
