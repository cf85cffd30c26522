"""Rules of dialogue conferences: working days, deadlines, states, comments and follow-up."""

from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from survey_app.dialogue import services
from survey_app.dialogue.workdays import add_working_days, load_holidays, working_days_between
from survey_app.extensions import db
from survey_app.models.dialogue import CommentStatus, ConferenceState, DialogueComment
from tests.dialogue.helpers import add_departments, comment_input, make_conference

HOLIDAYS = load_holidays()


def test_working_days_skip_weekends_and_vietnamese_holidays():
    # Fri 01/6/2018 + 10 working days: 4–8 and 11–15 June.
    assert add_working_days(date(2018, 6, 1), 10, HOLIDAYS) == date(2018, 6, 15)
    # Fri 24/4/2026 + 1: Mon 27/4 is the observed Hùng Kings' day, so Tue 28/4.
    assert add_working_days(date(2026, 4, 24), 1, HOLIDAYS) == date(2026, 4, 28)
    # Tue 28/4/2026 + 2: Wed 29/4, then 30/4 and 1/5 are holidays and 2–3/5 a weekend: Mon 4/5.
    assert add_working_days(date(2026, 4, 28), 2, HOLIDAYS) == date(2026, 5, 4)
    # Tết 2026: 16–20 February are days off.
    assert add_working_days(date(2026, 2, 13), 1, HOLIDAYS) == date(2026, 2, 23)
    assert working_days_between(date(2018, 6, 1), date(2018, 6, 15), HOLIDAYS) == 10


def test_holidays_are_configurable_data(app, tmp_path):
    custom = tmp_path / "holidays.csv"
    custom.write_text("date,name\n2018-06-04,Ngày nghỉ địa phương\n", encoding="utf-8")
    app.config["DIALOGUE_HOLIDAYS_FILE"] = str(custom)
    app.config["DIALOGUE_ANSWER_WORKING_DAYS"] = 3
    try:
        assert services.holidays() == {date(2018, 6, 4)}
        # 01/6/2018 + 3 working days skipping Mon 4/6: 5, 6, 7 June.
        assert add_working_days(
            date(2018, 6, 1), services.answer_working_days(), services.holidays()
        ) == date(2018, 6, 7)
    finally:
        del app.config["DIALOGUE_HOLIDAYS_FILE"], app.config["DIALOGUE_ANSWER_WORKING_DAYS"]


def test_conference_moves_through_its_states(org):
    conference = make_conference(org)
    assert conference.state == ConferenceState.planned
    with pytest.raises(services.DialogueError):
        services.change_state(conference, "publish", None)
    for action, state in (
        ("start", ConferenceState.in_session),
        ("close", ConferenceState.closed),
        ("publish", ConferenceState.published),
    ):
        services.change_state(conference, action, None)
        assert conference.state == state
    with pytest.raises(services.DialogueError):
        services.change_state(conference, "start", None)


def test_comment_answered_on_spot_and_assigned_with_default_deadline(org):
    add_departments(org)
    conference = make_conference(org)
    spot = services.add_comment(
        conference,
        comment_input(outcome="on_spot", answered_by="Trưởng phòng Tư pháp", answer="Đã giải đáp tại chỗ."),
        org.users["official"],
    )
    written = services.add_comment(
        conference, comment_input(outcome="written", department_id=org.dept_qldt.id), org.users["official"]
    )
    db.session.commit()
    assert (spot.number, written.number) == (1, 2)
    assert spot.status == CommentStatus.answered_on_spot and spot.answered_on_spot
    assert [e.status for e in spot.events] == [CommentStatus.received, CommentStatus.answered_on_spot]
    assert written.status == CommentStatus.assigned and written.department_id == org.dept_qldt.id
    assert written.due_on == date(2018, 6, 15)
    assert written.events[-1].actor_label == org.users["official"].full_name


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"content": "   "}, "content"),
        ({"content": "x" * 4001}, "4000"),
        ({"category": "nope"}, "category"),
        ({"outcome": "written", "department_id": 999999}, "department"),
        ({"outcome": "written", "due_on": date(2018, 5, 31)}, "before the conference"),
        ({"outcome": "on_spot", "answered_by": "Trưởng phòng", "answer": ""}, "answer"),
    ],
)
def test_bad_comments_are_refused_and_nothing_is_stored(org, overrides, message):
    add_departments(org)
    conference = make_conference(org)
    data = comment_input(**overrides)
    if overrides.get("outcome") == "written" and "department_id" not in overrides:
        data.department_id = org.dept_tp.id
    with force_locale("en"), pytest.raises(services.DialogueError) as error:
        services.add_comment(conference, data, org.users["official"])
    assert message in str(error.value)
    db.session.rollback()
    assert db.session.scalars(select(DialogueComment)).all() == []


def test_assigning_to_a_unit_outside_the_host_is_refused(org):
    add_departments(org)
    conference = make_conference(org)
    comment = services.add_comment(conference, comment_input(), None)
    with pytest.raises(services.DialogueError):
        services.assign(comment, org.sibling_ward.id, None, None)


def test_resent_comment_is_stored_once(org):
    conference = make_conference(org)
    first = services.add_comment(conference, comment_input(client_key="k-1"), None)
    again = services.add_comment(conference, comment_input(client_key="k-1"), None)
    db.session.commit()
    assert first.id == again.id
    assert len(db.session.scalars(select(DialogueComment)).all()) == 1


def test_overdue_forward_and_written_answer_held_until_published(org, app):
    add_departments(org)
    conference = make_conference(org)
    a = services.add_comment(conference, comment_input(outcome="written", department_id=org.dept_tp.id), None)
    b = services.add_comment(conference, comment_input(outcome="written", department_id=org.dept_tp.id), None)
    c = services.add_comment(conference, comment_input(), None)
    assert not services.is_overdue(a, date(2018, 6, 15))
    assert services.is_overdue(a, date(2018, 6, 18))
    app.config["DIALOGUE_TODAY"] = date(2018, 6, 11)  # after the 5-working-day limit of 08/6
    try:
        services.forward(c, "Sở Xây dựng Hà Nội", None)
    finally:
        del app.config["DIALOGUE_TODAY"]
    assert c.status == CommentStatus.forwarded and "5" in c.events[-1].note
    assert services.forward_deadline(c) == date(2018, 6, 8)
    services.start_work(a, org.users["dept"])
    services.answer_in_writing(a, "Phòng Tư pháp trả lời: hồ sơ đã được giải quyết.", org.users["dept"])
    assert a.status == CommentStatus.answered
    with pytest.raises(services.DialogueError):
        services.answer_in_writing(a, "again", None)
    services.change_state(conference, "start", None)
    services.change_state(conference, "close", None)
    services.change_state(conference, "publish", None)
    assert a.status == CommentStatus.published and b.status == CommentStatus.assigned
    assert [e.status for e in a.events] == [
        CommentStatus.received,
        CommentStatus.assigned,
        CommentStatus.in_progress,
        CommentStatus.answered,
        CommentStatus.published,
    ]


def test_bulk_assign_is_all_or_nothing(org):
    add_departments(org)
    conference = make_conference(org)
    first = services.add_comment(conference, comment_input(), None)
    second = services.add_comment(
        conference, comment_input(outcome="on_spot", answered_by="Chủ tịch", answer="Đã trả lời."), None
    )
    db.session.commit()
    with pytest.raises(services.DialogueError):
        services.bulk_assign([first, second], org.dept_tp.id, None, None)
    db.session.rollback()
    db.session.refresh(first)
    assert first.status == CommentStatus.received
    assert services.bulk_assign([first], org.dept_tp.id, date(2018, 6, 20), None) == 1
    assert first.due_on == date(2018, 6, 20)


def test_department_inbox_shows_only_its_comments(org):
    add_departments(org)
    conference = make_conference(org)
    mine = services.add_comment(
        conference, comment_input(outcome="written", department_id=org.dept_tp.id), None
    )
    services.add_comment(conference, comment_input(outcome="written", department_id=org.dept_qldt.id), None)
    db.session.commit()
    assert db.session.scalars(services.inbox_query(org.users["dept"])).all() == [mine]
    assert len(db.session.scalars(services.inbox_query(org.users["official"])).all()) == 2
    assert db.session.scalars(services.inbox_query(org.users["sibling"])).all() == []
    assert services.can_see_comment(org.users["dept"], mine)
    assert not services.can_see_conference(org.users["dept"], conference)


def test_overdue_command_lists_late_comments_per_department(app, org):
    add_departments(org)
    conference = make_conference(org)
    services.add_comment(conference, comment_input(outcome="written", department_id=org.dept_tp.id), None)
    services.add_comment(
        conference,
        comment_input(outcome="written", department_id=org.dept_qldt.id, due_on=date(2018, 6, 29)),
        None,
    )
    db.session.commit()
    app.config["DIALOGUE_TODAY"] = date(2018, 6, 20)
    try:
        result = app.test_cli_runner().invoke(args=["dialogue", "overdue", "--unit", "003"])
        unknown = app.test_cli_runner().invoke(args=["dialogue", "overdue", "--unit", "nope"])
    finally:
        del app.config["DIALOGUE_TODAY"]
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("Phòng Tư pháp quận Tây Hồ\t15/06/2018\t5 days late")
    assert lines[-1] == "1 overdue comment(s) on 20/06/2018"
    assert unknown.exit_code != 0


def test_a_number_taken_by_a_simultaneous_comment_is_retried(org):
    from sqlalchemy.exc import IntegrityError

    conference = make_conference(org)
    calls = []

    def commit_after_a_clash():
        calls.append(1)
        if len(calls) == 1:  # another official's comment took number 1 at the same moment
            raise IntegrityError("INSERT INTO dialogue_comment", {}, Exception("unique constraint"))
        db.session.commit()

    comment = services.add_comment_and(
        commit_after_a_clash, conference, comment_input(content="Lần hai"), None
    )
    assert len(calls) == 2 and comment.number == 1
    assert [c.content for c in db.session.scalars(select(DialogueComment))] == ["Lần hai"]


def test_holidays_command_writes_a_calendar_the_deadlines_use(app, tmp_path):
    result = app.test_cli_runner().invoke(
        args=["dialogue", "holidays", "--from-year", "2026", "--to-year", "2026"]
    )
    assert result.exit_code == 0
    calendar = tmp_path / "holidays.csv"
    calendar.write_text(result.output, encoding="utf-8")
    days = load_holidays(calendar)
    # National Day (2/9) and Labour Day (1/5) are always off; nothing from another year slips in
    assert {date(2026, 9, 2), date(2026, 5, 1), date(2026, 1, 1)} <= days
    assert all(day.year == 2026 for day in days)
    # Wed 29/4/2026 + 2 working days: 30/4 and 1/5 are holidays, then the weekend → Tue 5/5
    assert add_working_days(date(2026, 4, 29), 2, days) == date(2026, 5, 5)
    backwards = app.test_cli_runner().invoke(
        args=["dialogue", "holidays", "--from-year", "2027", "--to-year", "2026"]
    )
    assert backwards.exit_code != 0
