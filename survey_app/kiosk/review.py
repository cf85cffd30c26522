"""What people do with stored ratings: flag reviews (roll-ups follow), the live feed, the follow-up list."""

from __future__ import annotations

import logging

from flask_babel import gettext as _
from sqlalchemy import func, select

from survey_app.audit.service import record, snapshot
from survey_app.core import clock
from survey_app.extensions import db
from survey_app.kiosk.errors import KioskError
from survey_app.kiosk.rollups import apply_to_rollups, rating_row
from survey_app.models import User
from survey_app.models.kiosk import FlagState, FollowUpState, KioskFollowUp, KioskRating
from survey_app.org.services import subtree_ids_query

logger = logging.getLogger(__name__)

MAX_NOTE = 2000
FLAG_DECISIONS = {"clear": FlagState.cleared, "confirm": FlagState.confirmed}


def review_flag(rating: KioskRating, *, decision: str, reviewer: User) -> None:
    """Clear (count it) or confirm (keep it out) a flagged rating; roll-ups follow in step."""
    if rating.flag is None:
        raise KioskError(_("This rating has no flag."))
    wanted = FLAG_DECISIONS.get(decision)
    if wanted is None:
        raise KioskError(_("Choose whether to clear or confirm the flag."))
    if rating.flag_state == wanted:
        raise KioskError(_("The flag is already in that state."))
    before = snapshot(rating)
    was_counted = rating.counted
    rating.flag_state = wanted
    rating.flag_reviewed_by_id, rating.flag_reviewed_at = reviewer.id, clock.now()
    if rating.counted and not was_counted:
        apply_to_rollups([rating_row(rating)], +1)
    elif was_counted and not rating.counted:
        apply_to_rollups([rating_row(rating)], -1)
    record(
        "kiosk_rating.flag_" + decision, rating, before=before, summary=f"{rating.uuid} {rating.flag.value}"
    )
    logger.info(
        "kiosk rating %s (%s): flag %s by user %s", rating.id, rating.flag.value, wanted.value, reviewer.id
    )


def flagged_ratings(root_id: int | None, *, state: FlagState | None = FlagState.flagged, limit: int = 200):
    """Ratings with a flag in a subtree, newest first."""
    query = select(KioskRating).where(KioskRating.flag.is_not(None))
    if state is not None:
        query = query.where(KioskRating.flag_state == state)
    if root_id is not None:
        query = query.where(KioskRating.unit_id.in_(subtree_ids_query(root_id)))
    return list(db.session.scalars(query.order_by(KioskRating.rated_at.desc()).limit(limit)))


def recent_ratings(root_id: int | None, *, limit: int = 50) -> list[KioskRating]:
    """The latest ratings of a subtree, newest first."""
    query = select(KioskRating)
    if root_id is not None:
        query = query.where(KioskRating.unit_id.in_(subtree_ids_query(root_id)))
    newest_first = (KioskRating.received_at.desc(), KioskRating.rated_at.desc(), KioskRating.id.desc())
    return list(db.session.scalars(query.order_by(*newest_first).limit(limit)))


def follow_ups(
    root_id: int | None, *, state: FollowUpState | None = None, limit: int = 200
) -> list[KioskFollowUp]:
    """Follow-ups of a subtree, newest first."""
    query = select(KioskFollowUp).join(KioskRating, KioskRating.id == KioskFollowUp.rating_id)
    if state is not None:
        query = query.where(KioskFollowUp.state == state)
    if root_id is not None:
        query = query.where(KioskFollowUp.unit_id.in_(subtree_ids_query(root_id)))
    return list(db.session.scalars(query.order_by(KioskRating.rated_at.desc()).limit(limit)))


def follow_up_counts(root_id: int | None) -> dict[str, int]:
    """How many follow-ups of a subtree are in each state."""
    query = select(KioskFollowUp.state, func.count()).group_by(KioskFollowUp.state)
    if root_id is not None:
        query = query.where(KioskFollowUp.unit_id.in_(subtree_ids_query(root_id)))
    counts = {state.value: 0 for state in FollowUpState}
    counts.update({state.value: n for state, n in db.session.execute(query)})
    return counts


def update_follow_up(follow_up: KioskFollowUp, *, action: str, note: str, user: User) -> None:
    """Acknowledge a follow-up, or close it with a note of the action taken."""
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise KioskError(_("The note may have at most 2,000 characters."))
    before = snapshot(follow_up)
    was = follow_up.state
    now = clock.now()
    if action == "acknowledge":
        if follow_up.state != FollowUpState.open:
            raise KioskError(_("This follow-up is already acknowledged."))
        follow_up.state = FollowUpState.acknowledged
        follow_up.acknowledged_by_id, follow_up.acknowledged_at = user.id, now
        if note:
            follow_up.action_note = note
    elif action == "done":
        if not note:
            raise KioskError(_("Describe the action taken."))
        if follow_up.state == FollowUpState.open:
            follow_up.acknowledged_by_id, follow_up.acknowledged_at = user.id, now
        follow_up.state = FollowUpState.done
        follow_up.action_note = note
        follow_up.done_by_id, follow_up.done_at = user.id, now
    else:
        raise KioskError(_("Unknown action."))
    record("kiosk_followup." + action, follow_up, before=before, summary=note[:100])
    logger.info(  # never the note: it may quote the citizen's comment
        "kiosk follow-up %s: %s -> %s by user %s", follow_up.id, was.value, follow_up.state.value, user.id
    )
