"""Deadlines of the follow-up: overdue written answers and the 5-working-day forwarding limit."""

from datetime import UTC, date, datetime

import time_machine

from survey_app.dialogue.comments import forward
from survey_app.dialogue.deadlines import forward_deadline, is_overdue
from survey_app.models.dialogue import CommentStatus
from tests.factories import add_departments, make_comment, make_conference


def test_an_open_comment_is_overdue_after_its_deadline(org):
    add_departments(org)
    conference = make_conference(org)
    comment = make_comment(conference, outcome="written", department_id=org.dept_tp.id)  # due 15/6/2018
    assert not is_overdue(comment, date(2018, 6, 15))
    assert is_overdue(comment, date(2018, 6, 18))
    with time_machine.travel(datetime(2018, 6, 18, 2, 0, tzinfo=UTC), tick=False):  # 09:00 in Hà Nội
        assert is_overdue(comment)


def test_a_late_forward_is_recorded_with_a_note(org):
    conference = make_conference(org)
    comment = make_comment(conference)
    assert forward_deadline(comment) == date(2018, 6, 8)
    with time_machine.travel(datetime(2018, 6, 11, 2, 0, tzinfo=UTC), tick=False):  # after the limit of 08/6
        forward(comment, "Sở Xây dựng Hà Nội", None)
    assert comment.status == CommentStatus.forwarded and "5" in comment.events[-1].note
    assert comment.due_on == date(2018, 6, 15)


def test_a_deadline_across_a_make_up_saturday(org):
    """Thu 17/4/2025 + 10 working days: 18, 21–25, Saturday 26/4 worked in exchange for 2/5, 28, 29/4,
    then (30/4–4/5 off) Monday 5/5 — a day earlier than counting weekdays alone."""
    add_departments(org)
    conference = make_conference(org, held_at=datetime(2025, 4, 17, 1, 0, tzinfo=UTC))
    comment = make_comment(conference, outcome="written", department_id=org.dept_tp.id)
    assert comment.due_on == date(2025, 5, 5)
    assert not is_overdue(comment, date(2025, 5, 5)) and is_overdue(comment, date(2025, 5, 6))
