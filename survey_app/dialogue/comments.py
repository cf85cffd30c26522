"""Comments of a conference and their status machine: logging, answers, assignment, forwarding.

received → answered_on_spot, or → assigned → (forwarded | in_progress) → answered → published; every
step is kept as a DialogueCommentEvent with who and when. A comment may be forwarded from received too.
A forwarded comment leaves the host department's account: its deadline becomes the competent body's,
counted from the day that body received it, and the body's answer, recorded as it arrives, closes it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from survey_app.core import clock
from survey_app.dialogue.deadlines import default_due_on, forward_deadline, forwarded_due_on
from survey_app.dialogue.errors import DialogueError
from survey_app.dialogue.outcomes import check_outcome, check_outcome_for
from survey_app.dialogue.scope import department_for
from survey_app.dialogue.vocabulary import category_codes, unfilled_placeholders
from survey_app.extensions import db
from survey_app.models import ProcedureField, Unit, User
from survey_app.models.base import LabelledEnum
from survey_app.models.dialogue import (
    OPEN_STATUSES,
    CommentChannel,
    CommentStatus,
    ConferenceState,
    DialogueComment,
    DialogueCommentEvent,
    DialogueConference,
    HandlingOutcome,
    SpeakerKind,
)
from survey_app.org.procedure_fields import field_refusal

logger = logging.getLogger(__name__)

MAX_CONTENT = 4000
MAX_ANSWER = 8000
MAX_NAME = 200
MAX_BODY = 300
# Statuses after which a comment takes no other answer.
ANSWERED_STATUSES = (CommentStatus.answered_on_spot, CommentStatus.answered, CommentStatus.published)


class Outcome(LabelledEnum):
    """What happens to a comment as it is logged."""

    on_spot = "on_spot"
    written = "written"
    none = "none"  # recorded; the response is decided later

    @classmethod
    def _labels(cls) -> dict:
        """Translated names of the outcomes, as the live-logging screen offers them."""
        return {
            cls.on_spot: _l("Answered on the spot"),
            cls.written: _l("Needs a written answer"),
            cls.none: _l("Decide later"),
        }


OUTCOMES = tuple(outcome.value for outcome in Outcome)


@dataclass
class CommentInput:
    """A comment as typed on the live-logging screen or sent through the API."""

    content: str
    category: str
    speaker_kind: SpeakerKind = SpeakerKind.individual
    speaker_name: str = ""
    speaker_organisation: str = ""
    speaker_contact: str = ""  # where the result can be sent (address, telephone, email); never public
    name_consent: bool = False
    channel: CommentChannel = CommentChannel.spoken
    field_id: int | None = None
    addressed_department_id: int | None = None
    outcome: str = Outcome.none
    answered_by: str = ""
    answer: str = ""
    # NĐ 20/2008 Điều 15, for an answer on the spot: the same rule as the written answer's (`outcomes`)
    handling_outcome: HandlingOutcome | None = None
    department_id: int | None = None
    due_on: date | None = None
    client_key: str | None = None
    received_on: date | None = None  # a comment sent beforehand: the day the host received it


def actor_label(actor: User | None) -> str:
    """How a status history names who made a change."""
    return (actor.full_name or actor.username) if actor else "system"


def record_event(comment: DialogueComment, status: CommentStatus, actor: User | None, note: str = "") -> None:
    """Move a comment to a status and keep the step in its history."""
    comment.status = status
    comment.events.append(
        DialogueCommentEvent(
            status=status,
            at=clock.now(),
            actor_id=actor.id if actor else None,
            actor_label=actor_label(actor),
            note=note[:2000],
        )
    )


def _check_text(text: str, limit: int, empty_message: str, field: str | None = None) -> str:
    """The text stripped, when neither empty nor too long (`field`: the input a refusal names)."""
    text = (text or "").strip()
    if not text:
        raise DialogueError(empty_message, field=field)
    if len(text) > limit:
        raise DialogueError(_("The text is longer than %(n)d characters.", n=limit), field=field)
    return text


def _check_answer(text: str, empty_message: str) -> str:
    """An answer to store as given: not empty, not too long, and no template blank left unfilled."""
    try:
        answer = _check_text(text, MAX_ANSWER, empty_message)
    except DialogueError as error:
        raise DialogueError(str(error), field="answer") from None
    blanks = unfilled_placeholders(answer)
    if blanks:
        raise DialogueError(
            _(
                "The answer still holds a blank of the template: %(blanks)s. Fill it in before saving.",
                blanks=", ".join(dict.fromkeys(blanks)),
            ),
            field="answer",
        )
    return answer


def _check_due(conference: DialogueConference, due_on: date | None) -> date:
    if due_on is None:
        return default_due_on(conference)
    if due_on < clock.local_date(conference.held_at):
        raise DialogueError(_("The due date cannot be before the conference."))
    return due_on


def _check_received_on(conference: DialogueConference, data: CommentInput) -> None:
    """A receipt date belongs to a comment sent before the conference (in writing, by telephone, on a
    comment form or online), and is not after it; one spoken at the conference is received that day."""
    if data.received_on is None:
        return
    if data.channel == CommentChannel.spoken:
        raise DialogueError(
            _("A comment spoken at the conference is received that day: give no receipt date."),
            field="received_on",
        )
    if data.received_on > clock.local_date(conference.held_at):
        raise DialogueError(
            _("A comment sent beforehand is received on or before the conference day."),
            field="received_on",
        )


def _already_logged(conference: DialogueConference, client_key: str | None) -> DialogueComment | None:
    """The comment stored earlier under the same client key (a draft resent after a network drop)."""
    if not client_key:
        return None
    existing = db.session.scalar(select(DialogueComment).where(DialogueComment.client_key == client_key))
    if existing is not None and existing.conference_id != conference.id:
        raise DialogueError(_("This comment was already recorded for another conference."))
    return existing


def _next_number(conference: DialogueConference) -> int:
    latest = db.session.scalar(
        select(func.coalesce(func.max(DialogueComment.number), 0)).where(
            DialogueComment.conference_id == conference.id
        )
    )
    return latest + 1


def add_comment(conference: DialogueConference, data: CommentInput, actor: User | None) -> DialogueComment:
    """Record a comment and, at once, its answer on the spot or its assignment for a written answer.

    A comment resent with the same client key (after a network drop) is stored only once.
    """
    existing = _already_logged(conference, data.client_key)
    if existing is not None:
        return existing
    if conference.state == ConferenceState.published:
        raise DialogueError(_("A published conference takes no more comments."))
    content = _check_text(data.content, MAX_CONTENT, _("Enter the content of the comment."))
    if data.category not in category_codes():
        raise DialogueError(_("Choose a category from the list."))
    if data.outcome not in OUTCOMES:
        raise DialogueError(_("Choose how the comment is answered."))
    for name, text in (
        ("speaker_name", data.speaker_name),
        ("speaker_organisation", data.speaker_organisation),
        ("speaker_contact", data.speaker_contact),
        ("answered_by", data.answered_by),
    ):
        if len(text or "") > MAX_NAME:
            raise DialogueError(_("The text is longer than %(n)d characters.", n=MAX_NAME), field=name)
    if data.field_id is not None:
        field = db.session.get(ProcedureField, data.field_id)
        if field is None:
            raise DialogueError(_("Choose a procedure field from the list."))
        if refusal := field_refusal(field, clock.local_date(conference.held_at)):
            raise DialogueError(refusal)
    _check_received_on(conference, data)
    addressed = (
        department_for(conference, data.addressed_department_id) if data.addressed_department_id else None
    )
    # Everything is checked before anything is stored, so a refused comment leaves no trace.
    answer = department = due_on = handling_outcome = None
    if data.outcome == Outcome.on_spot:
        answer = _check_answer(data.answer, _("Enter the answer given at the conference."))
        if not data.answered_by.strip():
            raise DialogueError(_("Enter who answered at the conference."), field="answered_by")
        # not classified yet: the rule reads the category alone
        handling_outcome = check_outcome_for(data.category, None, data.handling_outcome)
    elif data.outcome == Outcome.written:
        if not (data.department_id or data.addressed_department_id):
            raise DialogueError(
                _(
                    "Choose the department that answers in writing "
                    "(or the department the comment is addressed to)."
                ),
                field="department",
            )
        department = department_for(conference, data.department_id or data.addressed_department_id)
        due_on = _check_due(conference, data.due_on)
    comment = DialogueComment(
        conference_id=conference.id,
        number=_next_number(conference),
        client_key=(data.client_key or None),
        speaker_kind=data.speaker_kind,
        speaker_name=data.speaker_name.strip(),
        speaker_organisation=data.speaker_organisation.strip(),
        speaker_contact=(data.speaker_contact or "").strip(),
        name_consent=bool(data.name_consent and data.speaker_name.strip()),
        channel=data.channel,
        category=data.category,
        field_id=data.field_id,
        content=content,
        addressed_department_id=addressed.id if addressed else None,
        received_on=data.received_on,
        status=CommentStatus.received,
    )
    db.session.add(comment)
    record_event(comment, CommentStatus.received, actor)
    if answer is not None:
        comment.answered_on_spot = True
        comment.answered_by = data.answered_by.strip()
        comment.answer = answer
        comment.answered_at = clock.now()
        comment.handling_outcome = handling_outcome
        record_event(comment, CommentStatus.answered_on_spot, actor, note=_on_spot_note(comment))
    elif department is not None:
        comment.due_on = due_on
        comment.department_id = department.id
        record_event(comment, CommentStatus.assigned, actor, note=department.name)
    db.session.flush()
    return comment


def add_comment_and(
    commit: Callable[[], None], conference: DialogueConference, data: CommentInput, actor: User | None
) -> DialogueComment:
    """Record a comment and commit it, taking the next number again when another official logging the same
    conference at the same moment took it first (the view passes its commit)."""
    for _attempt in range(3):
        try:
            comment = add_comment(conference, data, actor)
            commit()
            return comment
        except IntegrityError:
            db.session.rollback()
            logger.info("comment number of conference %d taken meanwhile; taking the next", conference.id)
    raise DialogueError(_("The comment could not be saved; please send it again."))


def assign(
    comment: DialogueComment, department_id: int | None, due_on: date | None, actor: User | None
) -> DialogueComment:
    """Assign a comment to a department for a written answer by a deadline."""
    if comment.status in ANSWERED_STATUSES:
        raise DialogueError(_("Comment %(n)d is already answered.", n=comment.number))
    department = department_for(comment.conference, department_id)
    comment.department_id = department.id
    comment.due_on = _check_due(comment.conference, due_on)
    record_event(comment, CommentStatus.assigned, actor, note=department.name)
    return comment


def bulk_assign(
    comments: Iterable[DialogueComment], department_id: int | None, due_on: date | None, actor: User | None
) -> int:
    """Assign several comments at once; all or none."""
    done = 0
    for comment in comments:
        assign(comment, department_id, due_on, actor)
        done += 1
    if done == 0:
        raise DialogueError(_("Tick at least one comment."))
    return done


def _check_open(comment: DialogueComment) -> None:
    if comment.status not in (CommentStatus.received, *OPEN_STATUSES):
        raise DialogueError(_("Comment %(n)d is already answered.", n=comment.number))


def forward(comment: DialogueComment, body: str, actor: User | None, note: str = "") -> DialogueComment:
    """Forward a comment outside the host's competence to the competent body (5 working days rule)."""
    _check_open(comment)
    comment.forwarded_to = _check_text(body, MAX_BODY, _("Enter the competent body the comment goes to."))
    late = clock.today() > forward_deadline(comment)
    # from now the competent body answers, against a deadline counted from its receipt
    comment.forwarded_on = clock.today()
    comment.due_on = forwarded_due_on(comment.forwarded_on)
    text = comment.forwarded_to + (f" — {note.strip()}" if note.strip() else "")
    if late:
        text += " — " + _("forwarded after the 5-working-day limit")
    record_event(comment, CommentStatus.forwarded, actor, note=text)
    logger.info(
        "comment %d of conference %d forwarded%s",
        comment.id,
        comment.conference_id,
        " after the 5-working-day limit" if late else "",
    )
    return comment


def start_work(comment: DialogueComment, actor: User | None, note: str = "") -> DialogueComment:
    """Mark an assigned comment as being worked on."""
    if comment.status not in OPEN_STATUSES:
        raise DialogueError(_("Only an assigned comment can be marked in progress."))
    record_event(comment, CommentStatus.in_progress, actor, note=note.strip())
    return comment


def _on_spot_note(comment: DialogueComment) -> str:
    """The history's note of an answer on the spot: who gave it, and the outcome when it carries one."""
    if comment.handling_outcome is None:
        return comment.answered_by
    outcome = _("Outcome: %(outcome)s", outcome=comment.handling_outcome.label)
    return f"{comment.answered_by} — {outcome}"


def answer_on_spot(
    comment: DialogueComment,
    answered_by: str,
    text: str,
    actor: User | None,
    outcome: HandlingOutcome | None = None,
) -> DialogueComment:
    """Record the answer a comment logged earlier received at the conference itself, with the outcome of
    its handling under the written answer's rule (NĐ 20/2008 Điều 15, `outcomes.check_outcome`)."""
    if comment.status != CommentStatus.received:
        raise DialogueError(_("Comment %(n)d is already answered.", n=comment.number))
    answer = _check_answer(text, _("Enter the answer given at the conference."))
    who = _check_text(answered_by, MAX_NAME, _("Enter who answered at the conference."), "answered_by")
    check_outcome(comment, outcome)
    comment.answered_on_spot = True
    comment.answered_by = who
    comment.answer = answer
    comment.answered_at = clock.now()
    comment.handling_outcome = outcome
    record_event(comment, CommentStatus.answered_on_spot, actor, note=_on_spot_note(comment))
    return comment


def answer_in_writing(
    comment: DialogueComment, text: str, actor: User | None, answered_by: str = ""
) -> DialogueComment:
    """Record the written answer (of the competent body, for a forwarded comment) and who gave it (default:
    the department that answers, or the competent body: the answer is theirs, and a user's login is never
    printed); it stays held until the conference's answers are published. The pages and the API answer
    through `handling.answer_with_outcome`, which adds the outcome of NĐ 20/2008 Điều 15 and its rule."""
    _check_open(comment)
    forwarded = comment.status == CommentStatus.forwarded
    if comment.department_id is None and not forwarded:
        raise DialogueError(_("Assign the comment to a department first."))
    if len(answered_by.strip()) > MAX_NAME:
        raise DialogueError(_("The text is longer than %(n)d characters.", n=MAX_NAME), field="answered_by")
    comment.answer = _check_answer(text, _("Enter the answer."))
    if answered_by.strip():
        comment.answered_by = answered_by.strip()
    elif forwarded:  # the competent body's answer, recorded by the host as it arrives
        comment.answered_by = comment.forwarded_to
    else:
        comment.answered_by = db.session.get(Unit, comment.department_id).name
    comment.answered_at = clock.now()
    record_event(comment, CommentStatus.answered, actor)
    return comment


def publish_answers(conference: DialogueConference, actor: User | None) -> int:
    """Publish every held written answer of the conference at once; returns how many."""
    published = 0
    for comment in conference.comments:
        if comment.status == CommentStatus.answered:
            record_event(comment, CommentStatus.published, actor)
            published += 1
    logger.info("conference %d: %d written answer(s) published", conference.id, published)
    return published


def find_comments(conference: DialogueConference, ids: Iterable[int]) -> list[DialogueComment]:
    """Comments of a conference among the given ids."""
    wanted = list(ids)
    if not wanted:
        return []
    return list(
        db.session.scalars(
            select(DialogueComment)
            .where(DialogueComment.conference_id == conference.id, DialogueComment.id.in_(wanted))
            .order_by(DialogueComment.number)
        )
    )


def answer_counts(conference: DialogueConference) -> tuple[int, int]:
    """(comments without an answer yet, all comments) of a conference: what closing or publishing leaves."""
    rows = db.session.execute(
        select(DialogueComment.status, func.count())
        .where(DialogueComment.conference_id == conference.id)
        .group_by(DialogueComment.status)
    ).all()
    return sum(n for status, n in rows if status not in ANSWERED_STATUSES), sum(n for _status, n in rows)


def comment_counts(conference_ids: list[int]) -> dict[int, int]:
    """Number of comments of each conference."""
    if not conference_ids:
        return {}
    rows = db.session.execute(
        select(DialogueComment.conference_id, func.count())
        .where(DialogueComment.conference_id.in_(conference_ids))
        .group_by(DialogueComment.conference_id)
    ).all()
    return dict(rows)
