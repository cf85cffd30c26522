"""Deadlines of the follow-up: the due date of a written answer, the forwarding limit, what is overdue.

A forwarded comment is the competent body's: its deadline counts from the day that body received it and it
is never overdue for the host's department (HOST_DUE_STATUSES)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from survey_app.core import clock
from survey_app.dialogue.vocabulary import answer_working_days, work_calendar
from survey_app.dialogue.workdays import add_working_days
from survey_app.extensions import db
from survey_app.models import Unit
from survey_app.models.dialogue import (
    HOST_DUE_STATUSES,
    OPEN_STATUSES,
    DialogueComment,
    DialogueConference,
)
from survey_app.org.services import subtree_ids_query

# NĐ 20/2008 Art. 12: a comment outside the host's competence goes to the competent body
# within 5 working days.
FORWARD_WORKING_DAYS = 5


def default_due_on(conference: DialogueConference) -> date:
    """The default deadline of a written answer: N working days after the conference."""
    return add_working_days(clock.local_date(conference.held_at), answer_working_days(), work_calendar())


def receipt_date(comment: DialogueComment) -> date:
    """The day the host received a comment: its own receipt date when sent beforehand, else the conference
    day."""
    return comment.received_on or clock.local_date(comment.conference.held_at)


def forward_deadline(comment: DialogueComment) -> date:
    """The last day to forward a comment to the competent body (5 working days after its receipt)."""
    return add_working_days(receipt_date(comment), FORWARD_WORKING_DAYS, work_calendar())


def forwarded_due_on(forwarded_on: date) -> date:
    """The competent body's answer deadline: N working days after it received the forwarded comment."""
    return add_working_days(forwarded_on, answer_working_days(), work_calendar())


def is_overdue(comment: DialogueComment, on: date | None = None) -> bool:
    """A comment the host's department still owes past its deadline (today, unless another day is given)."""
    return (
        comment.status in HOST_DUE_STATUSES
        and comment.due_on is not None
        and comment.due_on < (on or clock.today())
    )


def is_overdue_at_competent_body(comment: DialogueComment, on: date | None = None) -> bool:
    """A forwarded comment the competent body has not answered by its own deadline (counted from the day it
    received the comment)."""
    return (
        comment.forwarded_on is not None
        and comment.status in OPEN_STATUSES
        and comment.due_on is not None
        and comment.due_on < (on or clock.today())
    )


def lateness(comment: DialogueComment, on: date | None = None) -> str | None:
    """Who is late with a comment's answer: "competent_body", "host" (its department), or None."""
    if is_overdue_at_competent_body(comment, on):
        return "competent_body"
    if comment.forwarded_on is None and is_overdue(comment, on):
        return "host"
    return None


def overdue_filter(on: date):
    """SQL condition: comments the host's department still owes past their deadline (a forwarded comment
    marked in progress is still the competent body's)."""
    return (
        DialogueComment.status.in_(HOST_DUE_STATUSES)
        & (DialogueComment.due_on < on)
        & DialogueComment.forwarded_on.is_(None)
    )


def forwarded_overdue_filter(on: date):
    """SQL condition: forwarded comments the competent body has not answered by its own deadline (the SQL of
    `is_overdue_at_competent_body`, the `forwarded_overdue` of the stats)."""
    return (
        DialogueComment.forwarded_on.is_not(None)
        & DialogueComment.status.in_(OPEN_STATUSES)
        & (DialogueComment.due_on < on)
    )


def overdue_comments(on: date, within: Unit | None = None) -> list[DialogueComment]:
    """Comments the host's departments still owe past their deadline on a day, per department then deadline
    (only those assigned within a subtree)."""
    query = (
        select(DialogueComment)
        .where(overdue_filter(on))
        .options(selectinload(DialogueComment.department), selectinload(DialogueComment.conference))
        .order_by(DialogueComment.department_id, DialogueComment.due_on, DialogueComment.id)
    )
    if within is not None:
        query = query.where(DialogueComment.department_id.in_(subtree_ids_query(within.id)))
    return list(db.session.scalars(query))


def forwarded_overdue_comments(on: date, within: Unit | None = None) -> list[DialogueComment]:
    """Forwarded comments late at their competent body on a day, per body then deadline (within a subtree:
    those a host of the subtree forwarded, or one of its departments had been assigned)."""
    query = (
        select(DialogueComment)
        .join(DialogueConference, DialogueConference.id == DialogueComment.conference_id)
        .where(forwarded_overdue_filter(on))
        .options(selectinload(DialogueComment.department), selectinload(DialogueComment.conference))
        .order_by(DialogueComment.forwarded_to, DialogueComment.due_on, DialogueComment.id)
    )
    if within is not None:
        subtree = subtree_ids_query(within.id)
        query = query.where(
            DialogueConference.host_unit_id.in_(subtree) | DialogueComment.department_id.in_(subtree)
        )
    return list(db.session.scalars(query))
