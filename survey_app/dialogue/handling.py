"""Handling a comment as Decree 20/2008 describes: its classification, outcome and the notice of its result.

- Classification (Điều 14): within the host's competence or not (one outside it is forwarded to the
  competent body, `comments.forward`); for one within it, whether there is enough basis to handle it or not
  yet (then the host keeps collecting). A forwarded comment is outside the host's competence, and the
  competent body judges its basis.
- Outcome (Điều 15), recorded with the answer, given on the spot or in writing (one rule for both,
  `outcomes.py`): amend, abolish, keep and explain, or recommend the competent body. Needed for a comment
  about an administrative regulation (its category says so) that has not been classified as lacking basis;
  optional for any other (praise is answered without one); refused for one without enough basis yet, whose
  handling has not ended.
- Notice (Điều 19): the result is sent to the person or organisation who raised the comment (date, means);
  only a speaker who is named or left a contact can be sent it, an anonymous comment's result is published
  instead.

Every change is kept in the comment's history and in the audit log.
"""

from __future__ import annotations

import logging
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import Select, or_, select

from survey_app.audit.service import record
from survey_app.auth.permissions import scope_root
from survey_app.core import clock
from survey_app.dialogue.comments import (
    ANSWERED_STATUSES,
    MAX_NAME,
    answer_in_writing,
    answer_on_spot,
    record_event,
)
from survey_app.dialogue.errors import DialogueError
from survey_app.dialogue.outcomes import check_outcome
from survey_app.models import User
from survey_app.models.dialogue import (
    CommentStatus,
    Competence,
    DialogueComment,
    DialogueConference,
    HandlingBasis,
    HandlingOutcome,
    NoticeMeans,
)
from survey_app.org.services import subtree_ids_query

logger = logging.getLogger(__name__)

# Statuses whose written result can be sent to the speaker: answered in writing (held or published).
NOTIFIABLE_STATUSES = (CommentStatus.answered, CommentStatus.published)
_HANDLING_FIELDS = (
    "status",
    "competence",
    "basis",
    "handling_outcome",
    "notified_on",
    "notice_means",
    "notice_reference",
)


def handling_snapshot(comment: DialogueComment) -> dict:
    """The comment's handling as the audit log keeps it (never the speaker or the content)."""
    values = {}
    for name in _HANDLING_FIELDS:
        value = getattr(comment, name)
        if isinstance(value, date):
            value = value.isoformat()
        values[name] = value.value if hasattr(value, "value") else value
    return values


def classify(
    comment: DialogueComment, competence: Competence | None, basis: HandlingBasis | None, actor: User | None
) -> DialogueComment:
    """Record whether the comment lies within the host's competence and whether there is enough basis."""
    if comment.status in ANSWERED_STATUSES:
        raise DialogueError(
            _("Comment %(n)d is already answered: its classification can no longer change.", n=comment.number)
        )
    if competence is None:
        raise DialogueError(
            _("Say whether the comment lies within the host's competence."), field="competence"
        )
    if competence == Competence.within:
        if comment.status == CommentStatus.forwarded:
            raise DialogueError(
                _("The comment was forwarded to the competent body: it lies outside the host's competence."),
                field="competence",
            )
        if basis is None:
            raise DialogueError(_("Say whether there is enough basis to handle the comment."), field="basis")
    elif basis is not None:
        raise DialogueError(
            _(
                "The competent body judges the basis of a comment outside the host's competence: "
                "leave it blank."
            ),
            field="basis",
        )
    before = handling_snapshot(comment)
    comment.competence = competence
    comment.basis = basis
    note = competence.label + (f" — {basis.label}" if basis else "")
    if competence == Competence.outside and comment.status != CommentStatus.forwarded:
        note += " — " + _("to be forwarded to the competent body")
    record_event(comment, comment.status, actor, note=_("Classified: %(what)s", what=note))
    record(
        "dialogue.comment.classify",
        comment,
        before=before,
        after=handling_snapshot(comment),
        summary=f"comment {comment.number}: {competence.value}/{basis.value if basis else '-'}",
    )
    logger.info("comment %d classified %s/%s", comment.id, competence.value, basis.value if basis else "-")
    return comment


def answer_with_outcome(
    comment: DialogueComment,
    text: str,
    outcome: HandlingOutcome | None,
    actor: User | None,
    answered_by: str = "",
) -> DialogueComment:
    """Record the written answer and the outcome of the handling (Điều 15) together; all or nothing."""
    check_outcome(comment, outcome)
    before = handling_snapshot(comment)
    answer_in_writing(comment, text, actor, answered_by=answered_by)
    comment.handling_outcome = outcome
    if outcome is not None:
        comment.events[-1].note = _("Outcome: %(outcome)s", outcome=outcome.label)
    record(
        "dialogue.comment.answer",
        comment,
        before=before,
        after=handling_snapshot(comment),
        summary=f"comment {comment.number}: answered, outcome {outcome.value if outcome else '-'}",
    )
    return comment


def answer_on_spot_with_outcome(
    comment: DialogueComment,
    answered_by: str,
    text: str,
    outcome: HandlingOutcome | None,
    actor: User | None,
) -> DialogueComment:
    """Record the answer given at the conference to a comment logged earlier, with the outcome of its
    handling under the written answer's rule (Điều 15), and keep it in the audit log."""
    before = handling_snapshot(comment)
    answer_on_spot(comment, answered_by, text, actor, outcome)
    record(
        "dialogue.comment.answer",
        comment,
        before=before,
        after=handling_snapshot(comment),
        summary=f"comment {comment.number}: answered on the spot, "
        f"outcome {outcome.value if outcome else '-'}",
    )
    return comment


def record_notice(
    comment: DialogueComment,
    notified_on: date | None,
    means: NoticeMeans | None,
    actor: User | None,
    reference: str = "",
) -> DialogueComment:
    """Record that the result was sent to the person or organisation who raised the comment (Điều 19)."""
    if comment.status not in NOTIFIABLE_STATUSES:
        raise DialogueError(_("Record the written answer first: the notice sends its result to the speaker."))
    if not comment.identified_speaker:
        raise DialogueError(
            _("The comment was raised anonymously: its result is published, not sent to a person.")
        )
    if notified_on is None:
        raise DialogueError(_("Enter the date the result was sent."), field="notified_on")
    if notified_on > clock.today():
        raise DialogueError(_("The date the result was sent cannot be in the future."), field="notified_on")
    if comment.answered_at is not None and notified_on < clock.local_date(comment.answered_at):
        raise DialogueError(
            _(
                "The result cannot have been sent before the answer (%(date)s).",
                date=clock.local_date(comment.answered_at).strftime("%d/%m/%Y"),
            ),
            field="notified_on",
        )
    if means is None:
        raise DialogueError(_("Choose how the result was sent."), field="notice_means")
    reference = (reference or "").strip()
    if len(reference) > MAX_NAME:
        raise DialogueError(
            _("The text is longer than %(n)d characters.", n=MAX_NAME), field="notice_reference"
        )
    before = handling_snapshot(comment)
    comment.notified_on = notified_on
    comment.notice_means = means
    comment.notice_reference = reference
    note = _(
        "Result sent to the speaker on %(date)s: %(means)s",
        date=notified_on.strftime("%d/%m/%Y"),
        means=means.label,
    ) + (f" ({reference})" if reference else "")
    record_event(comment, comment.status, actor, note=note)
    record(
        "dialogue.comment.notice",
        comment,
        before=before,
        after=handling_snapshot(comment),
        summary=f"comment {comment.number}: result sent {notified_on.isoformat()} by {means.value}",
    )
    logger.info("comment %d: result sent to the speaker by %s", comment.id, means.value)
    return comment


def awaiting_notice(comment: DialogueComment) -> bool:
    """Whether the comment is answered in writing and its named speaker has not been sent the result."""
    return (
        comment.status in NOTIFIABLE_STATUSES and comment.identified_speaker and comment.notified_on is None
    )


def awaiting_notice_query(user: User) -> Select:
    """A SELECT of the comments the user may see (hosted or assigned in the user's subtree) answered in
    writing whose speaker, named or with a contact, has not been sent the result yet; oldest answer first."""
    query = (
        select(DialogueComment)
        .join(DialogueConference, DialogueConference.id == DialogueComment.conference_id)
        .where(
            DialogueComment.status.in_(NOTIFIABLE_STATUSES),
            DialogueComment.notified_on.is_(None),
            or_(
                DialogueComment.speaker_name != "",
                DialogueComment.speaker_organisation != "",
                DialogueComment.speaker_contact != "",
            ),
        )
        .order_by(DialogueComment.answered_at, DialogueComment.id)
    )
    root_id = scope_root(user)
    if root_id is not None:
        subtree = subtree_ids_query(root_id)
        query = query.where(
            or_(DialogueConference.host_unit_id.in_(subtree), DialogueComment.department_id.in_(subtree))
        )
    return query
