"""The outcome of a comment's handling (NĐ 20/2008 Điều 15) and when an answer must, may or may not carry it.

One rule for both answers: the one given on the spot at the conference and the one given in writing. An
answer to a comment about an administrative regulation (its category says so) must give the outcome unless
the comment was classified as lacking basis; one lacking basis may not carry any (its handling has not
ended); any other comment may carry one or not (praise is answered without one).
"""

from __future__ import annotations

from flask_babel import gettext as _

from survey_app.dialogue.errors import DialogueError
from survey_app.dialogue.vocabulary import regulation_categories
from survey_app.models.dialogue import DialogueComment, HandlingBasis, HandlingOutcome


def outcome_required(category: str, basis: HandlingBasis | None) -> bool:
    """Whether an answer to a comment of this category and basis must say the outcome of its handling."""
    return category in regulation_categories() and basis != HandlingBasis.insufficient


def needs_outcome(comment: DialogueComment) -> bool:
    """Whether the comment's answer must say the outcome: a comment about an administrative regulation whose
    handling was not found to lack basis."""
    return outcome_required(comment.category, comment.basis)


def check_outcome_for(
    category: str, basis: HandlingBasis | None, outcome: HandlingOutcome | None
) -> HandlingOutcome | None:
    """The outcome an answer to a comment of this category and basis may carry, or the refusal saying why
    not (`comment` not yet stored: the live page checks before it records anything)."""
    if outcome is not None and basis == HandlingBasis.insufficient:
        raise DialogueError(
            _(
                "The comment was classified as lacking basis: its handling has no outcome yet. "
                "Leave the outcome blank, or classify it again once enough is collected."
            ),
            field="handling_outcome",
        )
    if outcome is None and outcome_required(category, basis):
        raise DialogueError(
            _("The comment is about an administrative regulation: choose the outcome of its handling."),
            field="handling_outcome",
        )
    return outcome


def check_outcome(comment: DialogueComment, outcome: HandlingOutcome | None) -> HandlingOutcome | None:
    """The outcome an answer to the comment may carry, or the refusal saying why not."""
    return check_outcome_for(comment.category, comment.basis, outcome)
