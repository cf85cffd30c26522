"""Deadlines of the follow-up: overdue written answers and the 5-working-day forwarding limit."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from survey_app.dialogue.comments import answer_in_writing, forward
from survey_app.dialogue.deadlines import forward_deadline, is_overdue, overdue_comments
from survey_app.dialogue.errors import DialogueError
from survey_app.extensions import db
from survey_app.models.dialogue import CommentChannel, CommentStatus, DialogueComment
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
    # the competent body's deadline: 10 working days from its receipt on Mon 11/6 → Mon 25/6
    assert (comment.forwarded_on, comment.due_on) == (date(2018, 6, 11), date(2018, 6, 25))


def test_a_deadline_across_a_make_up_saturday(org):
    """Thu 17/4/2025 + 10 working days: 18, 21–25, Saturday 26/4 worked in exchange for 2/5, 28, 29/4,
    then (30/4–4/5 off) Monday 5/5 — a day earlier than counting weekdays alone."""
    add_departments(org)
    conference = make_conference(org, held_at=datetime(2025, 4, 17, 1, 0, tzinfo=UTC))
    comment = make_comment(conference, outcome="written", department_id=org.dept_tp.id)
    assert comment.due_on == date(2025, 5, 5)
    assert not is_overdue(comment, date(2025, 5, 5)) and is_overdue(comment, date(2025, 5, 6))


def test_a_forwarded_comment_is_not_overdue_for_the_host_department(org):
    """Assigned to the justice office (due 15/6/2018), forwarded on 14/6 to the city's construction
    department: on 18/6 it is not the office's overdue answer; the competent body has until 28/6
    (10 working days from its receipt) and its answer, recorded when it arrives, closes the comment."""
    add_departments(org)
    conference = make_conference(org)
    comment = make_comment(conference, outcome="written", department_id=org.dept_tp.id)
    assert comment.due_on == date(2018, 6, 15)
    with time_machine.travel(datetime(2018, 6, 14, 2, 0, tzinfo=UTC), tick=False):
        forward(comment, "Sở Xây dựng Hà Nội", None)
    db.session.flush()
    assert comment.due_on == date(2018, 6, 28)
    assert not is_overdue(comment, date(2018, 6, 18)) and not is_overdue(comment, date(2018, 7, 2))
    assert overdue_comments(date(2018, 7, 2)) == []
    answer_in_writing(comment, "Sở Xây dựng trả lời: sẽ sửa quy trình cấp phép.", None)
    assert comment.status == CommentStatus.answered and comment.answered_by == "Sở Xây dựng Hà Nội"


def test_the_forwarding_limit_counts_from_the_receipt_of_a_written_comment(org):
    """Sent in writing and received on Mon 21/5/2018, before the conference of 01/6: the 5 working days
    to forward it end on Mon 28/5, not 8/6."""
    conference = make_conference(org)
    comment = make_comment(conference, channel=CommentChannel.written, received_on=date(2018, 5, 21))
    assert forward_deadline(comment) == date(2018, 5, 28)
    with time_machine.travel(datetime(2018, 6, 4, 2, 0, tzinfo=UTC), tick=False):
        forward(comment, "Sở Xây dựng Hà Nội", None)
    assert "5" in comment.events[-1].note  # recorded as late


@pytest.mark.parametrize(
    ("channel", "received_on"),
    [(CommentChannel.spoken, date(2018, 5, 21)), (CommentChannel.written, date(2018, 6, 2))],
)
def test_a_receipt_date_only_for_a_written_comment_received_before_the_conference(org, channel, received_on):
    conference = make_conference(org)
    with pytest.raises(DialogueError) as refused:
        make_comment(conference, channel=channel, received_on=received_on)
    assert refused.value.field == "received_on"
    assert db.session.scalar(select(func.count()).select_from(DialogueComment)) == 0
