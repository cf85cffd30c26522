"""Comments and their status machine: logging, answers, assignment, publication of written answers."""

from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from survey_app.dialogue.comments import (
    add_comment,
    add_comment_and,
    answer_in_writing,
    assign,
    bulk_assign,
    start_work,
)
from survey_app.dialogue.conferences import change_state
from survey_app.dialogue.errors import DialogueError
from survey_app.extensions import db
from survey_app.models.dialogue import CommentStatus, DialogueComment
from tests.factories import add_departments, comment_input, make_comment, make_conference


def test_comment_answered_on_spot_and_assigned_with_default_deadline(org):
    add_departments(org)
    conference = make_conference(org)
    spot = add_comment(
        conference,
        comment_input(outcome="on_spot", answered_by="Trưởng phòng Tư pháp", answer="Đã giải đáp tại chỗ."),
        org.users["official"],
    )
    written = add_comment(
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
    with force_locale("en"), pytest.raises(DialogueError) as error:
        add_comment(conference, data, org.users["official"])
    assert message in str(error.value)
    db.session.rollback()
    assert db.session.scalars(select(DialogueComment)).all() == []


def test_assigning_to_a_unit_outside_the_host_is_refused(org):
    add_departments(org)
    conference = make_conference(org)
    comment = make_comment(conference)
    with pytest.raises(DialogueError):
        assign(comment, org.sibling_ward.id, None, None)


def test_resent_comment_is_stored_once(org):
    conference = make_conference(org)
    first = make_comment(conference, client_key="k-1")
    again = make_comment(conference, client_key="k-1")
    db.session.commit()
    assert first.id == again.id
    assert len(db.session.scalars(select(DialogueComment)).all()) == 1


def test_written_answer_is_held_until_the_conference_publishes(org):
    add_departments(org)
    conference = make_conference(org)
    a = make_comment(conference, outcome="written", department_id=org.dept_tp.id)
    b = make_comment(conference, outcome="written", department_id=org.dept_tp.id)
    start_work(a, org.users["dept"])
    answer_in_writing(a, "Phòng Tư pháp trả lời: hồ sơ đã được giải quyết.", org.users["dept"])
    assert a.status == CommentStatus.answered
    with pytest.raises(DialogueError):
        answer_in_writing(a, "again", None)
    change_state(conference, "start", None)
    change_state(conference, "close", None)
    change_state(conference, "publish", None)
    assert a.status == CommentStatus.published and b.status == CommentStatus.assigned
    assert [e.status for e in a.events] == [
        CommentStatus.received,
        CommentStatus.assigned,
        CommentStatus.in_progress,
        CommentStatus.answered,
        CommentStatus.published,
    ]


def test_publishing_is_logged_with_the_number_of_answers(org, caplog):
    add_departments(org)
    conference = make_conference(org)
    answered = make_comment(conference, outcome="written", department_id=org.dept_tp.id)
    answer_in_writing(answered, "Đã trả lời.", org.users["dept"])
    caplog.set_level("INFO", logger="survey_app.dialogue")
    for action in ("start", "close", "publish"):
        change_state(conference, action, None)
    logged = [r.getMessage() for r in caplog.records if r.name.startswith("survey_app.dialogue")]
    assert f"conference {conference.id} closed" in logged
    assert f"conference {conference.id}: 1 written answer(s) published" in logged
    assert f"conference {conference.id} published" in logged


def test_bulk_assign_is_all_or_nothing(org):
    add_departments(org)
    conference = make_conference(org)
    first = make_comment(conference)
    second = make_comment(conference, outcome="on_spot", answered_by="Chủ tịch", answer="Đã trả lời.")
    db.session.commit()
    with pytest.raises(DialogueError):
        bulk_assign([first, second], org.dept_tp.id, None, None)
    db.session.rollback()
    db.session.refresh(first)
    assert first.status == CommentStatus.received
    assert bulk_assign([first], org.dept_tp.id, date(2018, 6, 20), None) == 1
    assert first.due_on == date(2018, 6, 20)


def test_a_number_taken_by_a_simultaneous_comment_is_retried(org):
    conference = make_conference(org)
    db.session.commit()  # the clash rolls back what is not committed
    calls = []

    def commit_after_a_clash():
        calls.append(1)
        if len(calls) == 1:  # another official's comment took number 1 at the same moment
            raise IntegrityError("INSERT INTO dialogue_comment", {}, Exception("unique constraint"))
        db.session.commit()

    comment = add_comment_and(commit_after_a_clash, conference, comment_input(content="Lần hai"), None)
    assert len(calls) == 2 and comment.number == 1
    assert [c.content for c in db.session.scalars(select(DialogueComment))] == ["Lần hai"]
