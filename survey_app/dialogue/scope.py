"""Who sees which conference and comment, and which units a conference may invite or assign to."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from survey_app.auth.permissions import in_scope, scope_root
from survey_app.dialogue.errors import DialogueError
from survey_app.extensions import db
from survey_app.models import Unit, UnitKind, User
from survey_app.models.dialogue import OPEN_STATUSES, DialogueComment, DialogueConference
from survey_app.org.services import is_within, subtree_ids_query


def conferences_query(user: User):
    """A SELECT of the conferences hosted in the user's subtree, newest first."""
    query = select(DialogueConference).order_by(
        DialogueConference.held_at.desc(), DialogueConference.id.desc()
    )
    root_id = scope_root(user)
    if root_id is not None:
        query = query.where(DialogueConference.host_unit_id.in_(subtree_ids_query(root_id)))
    return query


def can_see_conference(user: User, conference: DialogueConference) -> bool:
    """Whether the conference is hosted in the user's subtree."""
    return in_scope(user, conference.host_unit_id)


def can_see_comment(user: User, comment: DialogueComment) -> bool:
    """The host's people see every comment; a department sees the comments assigned to it."""
    if in_scope(user, comment.conference.host_unit_id):
        return True
    return comment.department_id is not None and in_scope(user, comment.department_id)


def inbox_query(user: User, *, open_only: bool = False):
    """A SELECT of the comments assigned to the user's department (or anywhere in the user's subtree)."""
    query = (
        select(DialogueComment)
        .where(DialogueComment.department_id.is_not(None))
        .order_by(DialogueComment.due_on.asc().nulls_last(), DialogueComment.id)
    )
    root_id = scope_root(user)
    if root_id is not None:
        query = query.where(DialogueComment.department_id.in_(subtree_ids_query(root_id)))
    if open_only:
        query = query.where(DialogueComment.status.in_(OPEN_STATUSES))
    return query


def open_in_inbox(user: User) -> int:
    """How many comments wait for an answer in the user's inbox."""
    query = inbox_query(user, open_only=True).order_by(None).subquery()
    return db.session.scalar(select(func.count()).select_from(query)) or 0


def department_choices(host: Unit) -> list[Unit]:
    """Active units a conference of `host` can assign comments to: the host and its subtree."""
    query = (
        select(Unit)
        .where(Unit.id.in_(subtree_ids_query(host.id)), Unit.status == "active")
        .order_by(Unit.kind, Unit.name)
    )
    return list(db.session.scalars(query))


def invitable_units(host: Unit) -> list[Unit]:
    """Departments and wards below the host that can be invited."""
    kinds = (UnitKind.department, UnitKind.ward, UnitKind.commune, UnitKind.district, UnitKind.centre)
    return [u for u in department_choices(host) if u.id != host.id and u.kind in kinds]


def department_for(conference: DialogueConference, department_id: int | None) -> Unit:
    """The unit to assign to, checked to exist, operate and lie in the host's subtree."""
    unit = db.session.get(Unit, department_id) if department_id else None
    if unit is None or not unit.is_active or not is_within(unit.id, conference.host_unit_id):
        raise DialogueError(_("Choose a department of the host unit that exists and operates."))
    return unit
