"""Demo data of the dialogue feature (`flask seed-demo`): Tây Hồ's 2018 conference and the conferences
of the old districts and wards up to 30/6/2025 (`seed_history`, run before the reform), then those of
the new communes, with their departments as assignees and today's bodies for forwards (`seed`)."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select

from survey_app.auth.services import create_user
from survey_app.core import clock
from survey_app.dialogue import demo_reconstructions
from survey_app.dialogue.comments import (
    CommentInput,
    Outcome,
    add_comment,
    answer_in_writing,
    forward,
    start_work,
)
from survey_app.dialogue.conferences import ConferenceData, change_state, create_conference
from survey_app.dialogue.handling import answer_with_outcome, classify, record_notice
from survey_app.dialogue.scope import invitable_units
from survey_app.dialogue.vocabulary import regulation_categories
from survey_app.extensions import db
from survey_app.models import ProcedureField, Role, Unit, UnitKind, User
from survey_app.models.dialogue import (
    CommentChannel,
    CommentStatus,
    Competence,
    ConferenceForm,
    DialogueConference,
    HandlingBasis,
    HandlingOutcome,
    NoticeMeans,
    SpeakerKind,
)
from survey_app.org.procedure_fields import field_ids_on
from survey_app.org.services import get_unit_by_code, unit_for_code_on

DATA = Path(__file__).resolve().parent / "data"
# A department official to try the inbox with (its password is printed when it is first created).
DEPARTMENT_USER = ("tayho.kt", "Vũ Thị Mai", "00103-KT", "demo-Official-2026")
REFORM = date(2025, 7, 1)  # districts closed, the new communes took over
MERGED_ON = date(2025, 3, 1)  # the provinces' Sở merged and district police ended (Công an cấp huyện)
# Before the reform the districts held two conferences a year (Hà Nội's plan), some wards and communes one.
DISTRICTS = ["003", "009", "274", "308"]
WARDS = ["00109", "00112", "00343", "00352", "09835", "11455"]  # codes as held before 1/7/2025
# Since then the new communes: those of the demo's four areas twice a year, their neighbours once.
COMMUNES = ["00103", "00367", "09832", "11455"]
NEIGHBOURS = ["00091", "00364", "09838", "11737"]
# Competent bodies for comments outside the host's competence (NĐ 20/2008), by procedure field: the Sở of
# the host's province as named today (demo/data/units_2025.csv holds them under Hà Nội and Hải Phòng), and
# before the mergers of 1/3/2025. Residence goes to the police (see _police).
FORWARD_BODIES = {
    "xay-dung": "Sở Xây dựng",
    "dat-dai": "Sở Nông nghiệp và Môi trường",
    "dang-ky-kinh-doanh": "Sở Tài chính",
    "cu-tru": None,
}
FORWARD_BODIES_BEFORE_MERGERS = {
    "xay-dung": "Sở Xây dựng",
    "dat-dai": "Sở Tài nguyên và Môi trường",
    "dang-ky-kinh-doanh": "Sở Kế hoạch và Đầu tư",
    "cu-tru": None,
}
# A comment meant for a district department goes, in a new commune, to the department now doing its work.
COMMUNE_DEPARTMENTS = {"VP": "VP", "TP": "VP", "NV": "VHXH", "LDTBXH": "VHXH", "VHTT": "VHXH", "YT": "VHXH"}


def load_data(name: str) -> dict:
    """A JSON file of the demo data (data/demo_*.json)."""
    with (DATA / name).open(encoding="utf-8") as handle:
        return json.load(handle)


def _fields() -> dict[str, int]:
    return dict(db.session.execute(select(ProcedureField.code, ProcedureField.id)).all())


def _utc(day: date, hour: int) -> datetime:
    """A local hour of a day as an aware UTC instant."""
    return datetime.combine(day, time(hour), clock.local_zone()).astimezone(UTC)


def _exists(host: Unit, title: str) -> bool:
    return (
        db.session.scalar(
            select(DialogueConference.id).where(
                DialogueConference.host_unit_id == host.id, DialogueConference.title == title
            )
        )
        is not None
    )


def seed_department_user() -> Iterator[str]:
    """An official of Phường Tây Hồ's economy and urban department, who answers from the inbox."""
    username, full_name, unit_code, password = DEPARTMENT_USER
    unit = get_unit_by_code(unit_code)
    if unit is None or db.session.scalar(select(User.id).where(User.username == username)):
        return
    create_user(username=username, full_name=full_name, role=Role.official, unit=unit, password=password)
    yield f"user {username} (official, unit {unit_code}) password: {password}"


def seed_tay_ho_2018() -> Iterator[str]:
    """Quận Tây Hồ, 01/6/2018: 12 departments, wards, 30 participants, 11 comments answered on the spot."""
    data = load_data("demo_tayho_2018.json")
    host = get_unit_by_code(data["host"])
    if host is None or _exists(host, data["title"]):
        return
    held_at = datetime.fromisoformat(data["held_at_local"]).replace(tzinfo=clock.local_zone())
    invitees = [get_unit_by_code(c) for c in data["invite_departments"] + data["invite_wards"]]
    fields = _fields()
    with clock.recorded_at(held_at - timedelta(days=14)):
        conference = create_conference(
            ConferenceData(
                title=data["title"],
                held_at=held_at,
                chair=data["chair"],
                co_organiser=data["co_organiser"],
                venue=data["venue"],
                form=ConferenceForm(data["form"]),
                scope=data["scope"],
                expected_participants=data["expected_participants"],
                conclusion=data["conclusion"],
                invitee_ids=[u.id for u in invitees if u is not None],
            ),
            host,
            None,
        )
    with clock.recorded_at(held_at):
        change_state(conference, "start", None)
    for i, item in enumerate(data["comments"]):
        addressed = get_unit_by_code(item["addressed"])
        with clock.recorded_at(held_at + timedelta(minutes=25 + 9 * i)):
            add_comment(
                conference,
                CommentInput(
                    content=item["content"],
                    category=item["category"],
                    speaker_kind=SpeakerKind(item["speaker_kind"]),
                    speaker_organisation=item.get("organisation", ""),
                    field_id=fields.get(item["field"]),
                    addressed_department_id=addressed.id if addressed else None,
                    outcome=Outcome.on_spot,
                    answered_by=item["answered_by"],
                    answer=item["answer"],
                ),
                None,
            )
    with clock.recorded_at(held_at + timedelta(hours=3, minutes=30)):
        change_state(conference, "close", None)
    with clock.recorded_at(held_at + timedelta(days=2)):
        change_state(conference, "publish", None)
    yield f"dialogue: {data['title']} (01/06/2018, {len(data['comments'])} comments answered on the spot)"


def _weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _lower(name: str) -> str:
    """A unit's name inside a sentence: "phường Tây Hồ", "quận Tây Hồ", "thành phố Hà Nội"."""
    return name[:1].lower() + name[1:]


def _is_new_commune(host: Unit) -> bool:
    return host.active_from is not None and host.active_from >= REFORM


def _department(host: Unit, suffix: str) -> Unit:
    """The host's department for the comment, else the host itself (the old wards had no departments)."""
    if _is_new_commune(host):
        suffix = COMMUNE_DEPARTMENTS.get(suffix, "KT")
    unit = get_unit_by_code(f"{host.code}-{suffix}")
    return unit if unit is not None and unit.is_active else host


def _police(host: Unit, day: date) -> str:
    """The police that registers residence: the ward's, or before 1/3/2025 a district's own."""
    if host.kind != UnitKind.district:
        return f"Công an {_lower(host.name)}"
    if day < MERGED_ON:
        return f"Công an {_lower(host.name)}"
    return f"Công an {_lower(host.parent.name)}"


def _province(host: Unit) -> Unit:
    """The province or city the host belongs to."""
    node = host
    while node.kind != UnitKind.province and node.parent is not None:
        node = node.parent
    return node


def forward_body(field_code: str | None, host: Unit, day: date) -> str | None:
    """The competent body a comment of the field goes to when forwarded on a day, if any: the Sở of the
    host's own province, named with it (the demo holds Hà Nội's and Hải Phòng's, both "Sở Xây dựng")."""
    bodies = FORWARD_BODIES if day >= MERGED_ON else FORWARD_BODIES_BEFORE_MERGERS
    if field_code not in bodies:
        return None
    if bodies[field_code] is None:
        return _police(host, day)
    return f"{bodies[field_code]} {_lower(_province(host).name)}"


def _answerer(unit: Unit, host: Unit) -> str:
    if unit.kind == UnitKind.department:
        return f"Lãnh đạo {unit.name}"
    return (
        f"Phó Chủ tịch UBND {host.name.split(' ', 1)[-1]}"
        if host.kind != UnitKind.province
        else "Lãnh đạo UBND"
    )


def _conference_plan(today: date) -> list[tuple[str, date, str]]:
    """(host code, date, title) of the demo conferences: the old units' until 30/6/2025, the new
    communes' since, the last one still to come. A code names the unit that held it on that day."""
    first = "Hội nghị đối thoại với tổ chức, cá nhân về thủ tục hành chính lần thứ {}"
    people = "Hội nghị đối thoại giữa người đứng đầu cấp ủy, chính quyền với Nhân dân"
    plan = []
    for i, code in enumerate(DISTRICTS):
        for k, day in enumerate((date(2024, 4, 9 + 3 * i), date(2024, 10, 8 + 3 * i))):
            plan.append((code, _weekday(day), first.format(k + 1)))
        plan.append((code, _weekday(date(2025, 4, 15 + 3 * i)), first.format(1)))
    for i, code in enumerate(WARDS):
        plan.append((code, _weekday(date(2024, 5, 14) + timedelta(days=56 * i)), people))
    for i, code in enumerate(COMMUNES):
        for k, days_ago in enumerate((330 - 9 * i, 150 - 7 * i)):
            day = _weekday(today - timedelta(days=days_ago))
            if day >= REFORM:
                plan.append((code, day, first.format(k + 1)))
    for i, code in enumerate(NEIGHBOURS):
        day = _weekday(today - timedelta(days=260 - 35 * i))
        if day >= REFORM:
            plan.append((code, day, people))
    plan.append(
        (
            "00103",
            _weekday(today + timedelta(days=21)),
            "Hội nghị đối thoại về thủ tục hành chính lĩnh vực đất đai",
        )
    )
    return plan


def _follow_up(rng: random.Random, comment, answer: str, today: date, held: date) -> date | None:
    """Answer, leave open or forward a written comment the way follow-ups really go; the answer's day.

    `today` is the last day follow-ups reach: the seed day, or 30/6/2025 for the old units."""
    if comment.due_on is None:
        return None
    roll = rng.random()
    if comment.field_id and roll < 0.2:
        code = db.session.scalar(select(ProcedureField.code).where(ProcedureField.id == comment.field_id))
        on = min(held + timedelta(days=3), today)
        body = forward_body(code, comment.conference.host_unit, on)
        if body:
            with clock.recorded_at(_utc(on, 9)):
                forward(comment, body, None)
            return None
    if comment.due_on < today:
        if roll < 0.82:
            day = comment.due_on - timedelta(days=rng.randint(0, 6))
        elif roll < 0.92:
            day = comment.due_on + timedelta(days=rng.randint(1, 8))
        else:
            return None  # still open: overdue
    elif roll < 0.45:
        day = held + timedelta(days=rng.randint(2, 6))
    else:
        if roll < 0.7:
            with clock.recorded_at(_utc(min(held + timedelta(days=2), today), 10)):
                start_work(comment, None)
        return None
    day = max(day, held)
    if day > today:
        return None
    with clock.recorded_at(_utc(day, rng.choice((9, 10, 14, 15, 16)))):
        _answer_as_decree_20(comment, answer)
    return day


def _answer_as_decree_20(comment, answer: str) -> None:
    """Answer in writing as NĐ 20/2008 goes (no random draw, so the demo's figures stay as they were): a
    comment about a regulation is classified within the host's competence with enough basis and ends in a
    recommendation to the competent body (a ward or district does not make the regulations it applies);
    the result is sent the same day, by letter, to a business or organisation that raised it."""
    if comment.category in regulation_categories():
        classify(comment, Competence.within, HandlingBasis.sufficient, None)
        answer_with_outcome(comment, answer, HandlingOutcome.recommend, None)
    else:
        answer_in_writing(comment, answer, None)
    if comment.speaker_organisation:
        record_notice(comment, clock.today(), NoticeMeans.letter, None)


def seed_year(today: date | None = None, *, before_reform: bool = False) -> Iterator[str]:
    """The demo conferences with realistic comments: those of the old districts, wards and communes up
    to 30/6/2025 (`before_reform`, run on the pre-reform organisation), else the new communes' since."""
    today = today or clock.today()
    # Follow-ups of the old units' conferences stop at their closing; the rest at the seed day.
    until = min(today, REFORM - timedelta(days=1)) if before_reform else today
    pool = load_data("demo_comments.json")["comments"]
    rng = random.Random(2024 if before_reform else 2026)
    added, hosts = 0, set()
    for code, day, title in _conference_plan(today):
        if (day < REFORM) != before_reform:
            continue
        host = unit_for_code_on(code, day)
        if host is None or not host.is_active:
            continue
        fields = field_ids_on(day)  # the fields of the day: the mergers of 1/3/2025 superseded some codes
        title = f"{title} năm {day.year} – {host.name}"
        if _exists(host, title):
            continue
        held_at = _utc(day, rng.choice((8, 14)))
        fields = field_ids_on(day)  # today's field for a code the mergers of 1/3/2025 superseded
        with clock.recorded_at(held_at - timedelta(days=20)):
            conference = create_conference(
                ConferenceData(
                    title=title,
                    held_at=held_at,
                    chair=f"Chủ tịch UBND {host.name}",
                    co_organiser=f"Ủy ban MTTQ Việt Nam {host.name}",
                    venue=f"Hội trường UBND {host.name}",
                    form=ConferenceForm.conference if rng.random() < 0.8 else ConferenceForm.seminar,
                    scope=(
                        "Thủ tục hành chính; hoạt động của Trung tâm Phục vụ hành chính công; "
                        "dịch vụ công trực tuyến."
                        if _is_new_commune(host)
                        else "Thủ tục hành chính; hoạt động của Bộ phận Một cửa; dịch vụ công trực tuyến."
                    ),
                    expected_participants=rng.choice((30, 40, 50, 60)),
                    invitee_ids=[u.id for u in invitable_units(host) if u.kind == UnitKind.department][:12],
                ),
                host,
                None,
            )
        added += 1
        hosts.add(host.id)
        if day > today:
            continue
        with clock.recorded_at(held_at):
            change_state(conference, "start", None)
        comments = []
        for i, item in enumerate(rng.sample(pool, rng.randint(7, 12))):
            on_spot = rng.random() < 0.55 or item["category"] == "praise"
            department = _department(host, item["dept"])
            with clock.recorded_at(held_at + timedelta(minutes=20 + 8 * i)):
                comment = add_comment(
                    conference,
                    CommentInput(
                        content=item["content"],
                        category=item["category"],
                        speaker_kind=SpeakerKind(item.get("kind", "individual")),
                        speaker_organisation=item.get("organisation", ""),
                        channel=CommentChannel.written if i == 0 else CommentChannel.spoken,
                        field_id=fields.get(item["field"]),
                        addressed_department_id=department.id,
                        outcome=Outcome.on_spot if on_spot else Outcome.written,
                        answered_by=_answerer(department, host) if on_spot else "",
                        answer=item["answer"] if on_spot else "",
                        # as the written answers (_answer_as_decree_20): a ward or district recommends
                        handling_outcome=HandlingOutcome.recommend
                        if on_spot and item["category"] in regulation_categories()
                        else None,
                        department_id=department.id,
                    ),
                    None,
                )
            comments.append((comment, item["answer"]))
        with clock.recorded_at(held_at + timedelta(hours=3)):
            change_state(conference, "close", None)
        answered_on = [day]
        for comment, answer in comments:
            if comment.status == CommentStatus.assigned:
                answered_on.append(_follow_up(rng, comment, answer, until, day) or day)
        if (until - day).days > 30:
            # Published once the answers of the first weeks are in, so none is published before it is given.
            publish_on = min(max(day + timedelta(days=25), max(answered_on) + timedelta(days=1)), until)
            with clock.recorded_at(_utc(publish_on, 16)):
                change_state(conference, "publish", None)
        db.session.flush()
    if added:
        era = "up to 30/06/2025" if before_reform else "since 01/07/2025"
        yield f"dialogue: {added} conferences {era}, {len(hosts)} host units"


def seed_history() -> Iterator[str]:
    """The conferences of the pre-reform units, run before the reform while they operate (seed() finds
    the 2018 conference there and adds the new communes' conferences after the reform)."""
    yield from seed_tay_ho_2018()
    yield from seed_year(before_reform=True)
    yield from demo_reconstructions.seed()


def seed() -> Iterator[str]:
    """Add the feature's demo data; running it again adds nothing."""
    yield from seed_department_user()
    yield from seed_tay_ho_2018()
    yield from seed_year()
