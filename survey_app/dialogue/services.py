"""Rules of dialogue conferences: planning, states, comments, answers, follow-up deadlines, publication."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from survey_app.audit.service import record, snapshot
from survey_app.dialogue.workdays import DEFAULT_HOLIDAYS_FILE, add_working_days, load_holidays
from survey_app.extensions import db
from survey_app.models import ProcedureField, Role, Unit, UnitKind, User, utcnow
from survey_app.models.dialogue import (
    OPEN_STATUSES,
    CommentChannel,
    CommentStatus,
    ConferenceForm,
    ConferenceState,
    DialogueComment,
    DialogueCommentEvent,
    DialogueConference,
    DialogueInvitee,
    SpeakerKind,
)
from survey_app.org.services import subtree_ids_query

DATA = Path(__file__).resolve().parent / "data"
MAX_CONTENT = 4000
MAX_ANSWER = 8000
DEFAULT_ANSWER_WORKING_DAYS = 10
# NĐ 20/2008 Art. 12: a comment outside the host's competence goes to the competent body
# within 5 working days.
FORWARD_WORKING_DAYS = 5


class DialogueError(ValueError):
    """A change the conference rules do not allow; the message is user-facing."""


# --- configuration ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Category:
    """A comment category (configurable list, domain.md §4)."""

    code: str
    name_vi: str
    name_en: str

    def name_in(self, language: str) -> str:
        """The category's name in a UI language."""
        return self.name_en if language == "en" else self.name_vi


def _config(key: str, default):
    """A setting of the app, else the default (also outside an app context)."""
    return current_app.config.get(key, default) if has_app_context() else default


@lru_cache(maxsize=4)
def _load_categories(path: str) -> tuple[Category, ...]:
    with Path(path).open(encoding="utf-8") as handle:
        return tuple(
            Category(r["code"].strip(), r["name_vi"].strip(), r["name_en"].strip())
            for r in csv.DictReader(handle)
        )


def categories() -> tuple[Category, ...]:
    """The comment categories of this deployment (DIALOGUE_CATEGORIES_FILE, default data/categories.csv)."""
    return _load_categories(str(_config("DIALOGUE_CATEGORIES_FILE", "") or DATA / "categories.csv"))


def category_name(code: str, language: str) -> str:
    """The display name of a category code (the code itself when unknown)."""
    for category in categories():
        if category.code == code:
            return category.name_in(language)
    return code


@lru_cache(maxsize=4)
def _load_lines(path: str) -> tuple[str, ...]:
    with Path(path).open(encoding="utf-8") as handle:
        return tuple(line.strip() for line in handle if line.strip())


def answer_templates() -> tuple[str, ...]:
    """Answer templates offered to departments (DIALOGUE_ANSWER_TEMPLATES_FILE, one per line)."""
    return _load_lines(str(_config("DIALOGUE_ANSWER_TEMPLATES_FILE", "") or DATA / "answer_templates.txt"))


def holidays() -> frozenset[date]:
    """Public holidays of this deployment (DIALOGUE_HOLIDAYS_FILE, default data/holidays_vn.csv)."""
    return load_holidays(str(_config("DIALOGUE_HOLIDAYS_FILE", "") or DEFAULT_HOLIDAYS_FILE))


def answer_working_days() -> int:
    """Working days a department has for a written answer (DIALOGUE_ANSWER_WORKING_DAYS)."""
    return int(_config("DIALOGUE_ANSWER_WORKING_DAYS", DEFAULT_ANSWER_WORKING_DAYS))


def local_zone() -> ZoneInfo:
    """The deployment's time zone."""
    return ZoneInfo(_config("BABEL_DEFAULT_TIMEZONE", "Asia/Ho_Chi_Minh"))


def today() -> date:
    """Today in local time; tests inject a date through the DIALOGUE_TODAY setting."""
    injected = _config("DIALOGUE_TODAY", None)
    if injected:
        return injected if isinstance(injected, date) else date.fromisoformat(str(injected))
    return now().astimezone(local_zone()).date()


def now() -> datetime:
    """The current instant (aware UTC); tests inject one through the DIALOGUE_NOW setting."""
    injected = _config("DIALOGUE_NOW", None)
    if injected:
        return injected if isinstance(injected, datetime) else datetime.fromisoformat(str(injected))
    return utcnow()


@contextmanager
def clock(moment: datetime) -> Iterator[None]:
    """Run a block as if it were `moment` (demo data and tests record past events this way)."""
    config = current_app.config
    before = config.get("DIALOGUE_NOW")
    config["DIALOGUE_NOW"] = moment
    try:
        yield
    finally:
        if before is None:
            config.pop("DIALOGUE_NOW", None)
        else:
            config["DIALOGUE_NOW"] = before


def local_date(moment: datetime) -> date:
    """The local calendar date of an aware datetime."""
    return moment.astimezone(local_zone()).date()


def default_due_on(conference: DialogueConference) -> date:
    """The default deadline of a written answer: N working days after the conference."""
    return add_working_days(local_date(conference.held_at), answer_working_days(), holidays())


def forward_deadline(comment: DialogueComment) -> date:
    """The last day to forward a comment to the competent body (5 working days after the conference)."""
    return add_working_days(local_date(comment.conference.held_at), FORWARD_WORKING_DAYS, holidays())


def is_overdue(comment: DialogueComment, on: date | None = None) -> bool:
    """An open comment whose deadline has passed."""
    return comment.status in OPEN_STATUSES and comment.due_on is not None and comment.due_on < (on or today())


# --- labels -------------------------------------------------------------------------------------

STATE_LABELS = {
    ConferenceState.planned: _l("Planned"),
    ConferenceState.in_session: _l("In session"),
    ConferenceState.closed: _l("Closed"),
    ConferenceState.published: _l("Published"),
}
FORM_LABELS = {
    ConferenceForm.conference: _l("Conference"),
    ConferenceForm.seminar: _l("Seminar"),
    ConferenceForm.online: _l("Online"),
}
SPEAKER_LABELS = {
    SpeakerKind.individual: _l("Individual"),
    SpeakerKind.organisation: _l("Organisation"),
    SpeakerKind.business: _l("Business"),
}
CHANNEL_LABELS = {
    CommentChannel.spoken: _l("Spoken at the conference"),
    CommentChannel.written: _l("Written, sent beforehand"),
    CommentChannel.online: _l("Online"),
}
STATUS_LABELS = {
    CommentStatus.received: _l("Received"),
    CommentStatus.answered_on_spot: _l("Answered on the spot"),
    CommentStatus.assigned: _l("Assigned for a written answer"),
    CommentStatus.forwarded: _l("Forwarded to the competent body"),
    CommentStatus.in_progress: _l("In progress"),
    CommentStatus.answered: _l("Answered in writing"),
    CommentStatus.published: _l("Published"),
}


# --- scope --------------------------------------------------------------------------------------


def _is_admin(user: User) -> bool:
    return user.role == Role.admin


def conferences_query(user: User):
    """A SELECT of the conferences hosted in the user's subtree, newest first."""
    query = select(DialogueConference).order_by(
        DialogueConference.held_at.desc(), DialogueConference.id.desc()
    )
    if not _is_admin(user):
        query = query.where(DialogueConference.host_unit_id.in_(subtree_ids_query(user.unit_id)))
    return query


def can_see_conference(user: User, conference: DialogueConference) -> bool:
    """Whether the conference is hosted in the user's subtree."""
    from survey_app.auth.permissions import in_scope

    return in_scope(user, conference.host_unit_id)


def can_see_comment(user: User, comment: DialogueComment) -> bool:
    """The host's people see every comment; a department sees the comments assigned to it."""
    from survey_app.auth.permissions import in_scope

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
    if not _is_admin(user):
        query = query.where(DialogueComment.department_id.in_(subtree_ids_query(user.unit_id)))
    if open_only:
        query = query.where(DialogueComment.status.in_(OPEN_STATUSES))
    return query


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
    kinds = [UnitKind.department, UnitKind.ward, UnitKind.commune, UnitKind.district, UnitKind.centre]
    return [u for u in department_choices(host) if u.id != host.id and u.kind in kinds]


def _department_for(conference: DialogueConference, department_id: int | None) -> Unit:
    """The unit to assign to, checked to exist, operate and lie in the host's subtree."""
    from survey_app.org.services import is_within

    unit = db.session.get(Unit, department_id) if department_id else None
    if unit is None or not unit.is_active or not is_within(unit.id, conference.host_unit_id):
        raise DialogueError(_("Choose a department of the host unit that exists and operates."))
    return unit


def _actor_label(actor: User | None) -> str:
    return (actor.full_name or actor.username) if actor else "system"


def _event(
    comment: DialogueComment, status: CommentStatus, actor: User | None, note: str = "", at=None
) -> None:
    comment.status = status
    comment.events.append(
        DialogueCommentEvent(
            status=status,
            at=at or now(),
            actor_id=actor.id if actor else None,
            actor_label=_actor_label(actor),
            note=note[:2000],
        )
    )


# --- conferences --------------------------------------------------------------------------------


@dataclass
class ConferenceData:
    """What an official types when planning a conference."""

    title: str
    held_at: datetime
    chair: str = ""
    co_organiser: str = ""
    venue: str = ""
    form: ConferenceForm = ConferenceForm.conference
    scope: str = ""
    expected_participants: int | None = None
    participant_organisations: int | None = None
    participant_individuals: int | None = None
    conclusion: str = ""
    invitee_ids: list[int] = field(default_factory=list)


def _check_conference(data: ConferenceData, host: Unit) -> list[Unit]:
    if not data.title.strip():
        raise DialogueError(_("Enter the conference title."))
    if len(data.title) > 300:
        raise DialogueError(_("The title is longer than %(n)d characters.", n=300))
    if data.held_at.tzinfo is None or not 2000 <= data.held_at.year <= 2100:
        raise DialogueError(_("Enter the date and time of the conference."))
    if not host.is_active:
        raise DialogueError(_("The host unit is closed or merged."))
    allowed = {u.id: u for u in invitable_units(host)}
    missing = [i for i in data.invitee_ids if i not in allowed]
    if missing:
        raise DialogueError(_("An invited unit does not exist or is not below the host unit."))
    return [allowed[i] for i in dict.fromkeys(data.invitee_ids)]


def _apply(conference: DialogueConference, data: ConferenceData, invitees: list[Unit]) -> None:
    conference.title = data.title.strip()
    conference.held_at = data.held_at
    conference.chair = data.chair.strip()
    conference.co_organiser = data.co_organiser.strip()
    conference.venue = data.venue.strip()
    conference.form = data.form
    conference.scope = data.scope.strip()
    conference.expected_participants = data.expected_participants
    conference.participant_organisations = data.participant_organisations
    conference.participant_individuals = data.participant_individuals
    conference.conclusion = data.conclusion.strip()
    conference.invitees = [DialogueInvitee(unit_id=u.id) for u in invitees]


def create_conference(data: ConferenceData, host: Unit, actor: User | None) -> DialogueConference:
    """Plan a conference."""
    invitees = _check_conference(data, host)
    conference = DialogueConference(host_unit_id=host.id, state=ConferenceState.planned)
    conference.created_by_id = actor.id if actor else None
    _apply(conference, data, invitees)
    db.session.add(conference)
    db.session.flush()
    record("dialogue.conference.create", conference, summary=conference.title)
    return conference


def update_conference(conference: DialogueConference, data: ConferenceData) -> DialogueConference:
    """Change a conference's details; a published conference is final."""
    if conference.state == ConferenceState.published:
        raise DialogueError(_("A published conference can no longer be changed."))
    before = snapshot(conference)
    invitees = _check_conference(data, conference.host_unit)
    conference.invitees.clear()
    db.session.flush()
    _apply(conference, data, invitees)
    record("dialogue.conference.update", conference, before=before, summary=conference.title)
    return conference


TRANSITIONS = {
    "start": (ConferenceState.planned, ConferenceState.in_session),
    "close": (ConferenceState.in_session, ConferenceState.closed),
    "publish": (ConferenceState.closed, ConferenceState.published),
}


def change_state(conference: DialogueConference, action: str, actor: User | None) -> DialogueConference:
    """Move a conference along planned → in session → closed → published (publishing publishes answers)."""
    if action == "publish" and conference.state == ConferenceState.published:
        publish_answers(conference, actor)  # answers given since the first publication
        return conference
    step = TRANSITIONS.get(action)
    if step is None or conference.state != step[0]:
        raise DialogueError(_("This step is not possible in the conference's current state."))
    before = snapshot(conference)
    conference.state = step[1]
    if action == "publish":
        conference.published_at = now()
        publish_answers(conference, actor)
    record(f"dialogue.conference.{action}", conference, before=before, summary=conference.title)
    return conference


def publish_answers(conference: DialogueConference, actor: User | None) -> int:
    """Publish every held written answer of the conference at once; returns how many."""
    published = 0
    for comment in conference.comments:
        if comment.status == CommentStatus.answered:
            _event(comment, CommentStatus.published, actor)
            published += 1
    return published


# --- comments -----------------------------------------------------------------------------------


@dataclass
class CommentInput:
    """A comment as typed on the live-logging screen or sent through the API."""

    content: str
    category: str
    speaker_kind: SpeakerKind = SpeakerKind.individual
    speaker_name: str = ""
    speaker_organisation: str = ""
    name_consent: bool = False
    channel: CommentChannel = CommentChannel.spoken
    field_id: int | None = None
    addressed_department_id: int | None = None
    outcome: str = "none"  # "on_spot", "written" or "none" (recorded, response decided later)
    answered_by: str = ""
    answer: str = ""
    department_id: int | None = None
    due_on: date | None = None
    client_key: str | None = None


OUTCOMES = ("none", "on_spot", "written")


def _check_text(text: str, limit: int, empty_message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DialogueError(empty_message)
    if len(text) > limit:
        raise DialogueError(_("The text is longer than %(n)d characters.", n=limit))
    return text


def _check_due(conference: DialogueConference, due_on: date | None) -> date:
    if due_on is None:
        return default_due_on(conference)
    if due_on < local_date(conference.held_at):
        raise DialogueError(_("The due date cannot be before the conference."))
    return due_on


def add_comment(conference: DialogueConference, data: CommentInput, actor: User | None) -> DialogueComment:
    """Record a comment and, at once, its answer on the spot or its assignment for a written answer.

    A comment resent with the same client key (after a network drop) is stored only once.
    """
    if data.client_key:
        existing = db.session.scalar(
            select(DialogueComment).where(DialogueComment.client_key == data.client_key)
        )
        if existing is not None:
            if existing.conference_id != conference.id:
                raise DialogueError(_("This comment was already recorded for another conference."))
            return existing
    if conference.state == ConferenceState.published:
        raise DialogueError(_("A published conference takes no more comments."))
    content = _check_text(data.content, MAX_CONTENT, _("Enter the content of the comment."))
    if data.category not in {c.code for c in categories()}:
        raise DialogueError(_("Choose a category from the list."))
    if data.outcome not in OUTCOMES:
        raise DialogueError(_("Choose how the comment is answered."))
    for text, limit in ((data.speaker_name, 200), (data.speaker_organisation, 200), (data.answered_by, 200)):
        if len(text or "") > limit:
            raise DialogueError(_("The text is longer than %(n)d characters.", n=limit))
    if data.field_id is not None and db.session.get(ProcedureField, data.field_id) is None:
        raise DialogueError(_("Choose a procedure field from the list."))
    addressed = (
        _department_for(conference, data.addressed_department_id) if data.addressed_department_id else None
    )
    # Everything is checked before anything is stored, so a refused comment leaves no trace.
    answer = department = due_on = None
    if data.outcome == "on_spot":
        answer = _check_text(data.answer, MAX_ANSWER, _("Enter the answer given at the conference."))
        if not data.answered_by.strip():
            raise DialogueError(_("Enter who answered at the conference."))
    elif data.outcome == "written":
        department = _department_for(conference, data.department_id or data.addressed_department_id)
        due_on = _check_due(conference, data.due_on)
    number = (
        db.session.scalar(
            select(func.coalesce(func.max(DialogueComment.number), 0)).where(
                DialogueComment.conference_id == conference.id
            )
        )
        + 1
    )
    comment = DialogueComment(
        conference_id=conference.id,
        number=number,
        client_key=(data.client_key or None),
        speaker_kind=data.speaker_kind,
        speaker_name=data.speaker_name.strip(),
        speaker_organisation=data.speaker_organisation.strip(),
        name_consent=bool(data.name_consent and data.speaker_name.strip()),
        channel=data.channel,
        category=data.category,
        field_id=data.field_id,
        content=content,
        addressed_department_id=addressed.id if addressed else None,
        status=CommentStatus.received,
    )
    db.session.add(comment)
    _event(comment, CommentStatus.received, actor)
    if answer is not None:
        comment.answered_on_spot = True
        comment.answered_by = data.answered_by.strip()
        comment.answer = answer
        comment.answered_at = now()
        _event(comment, CommentStatus.answered_on_spot, actor, note=comment.answered_by)
    elif department is not None:
        comment.due_on = due_on
        comment.department_id = department.id
        _event(comment, CommentStatus.assigned, actor, note=department.name)
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
    raise DialogueError(_("The comment could not be saved; please send it again."))


def assign(
    comment: DialogueComment, department_id: int | None, due_on: date | None, actor: User | None
) -> DialogueComment:
    """Assign a comment to a department for a written answer by a deadline."""
    if comment.status in (CommentStatus.answered_on_spot, CommentStatus.answered, CommentStatus.published):
        raise DialogueError(_("Comment %(n)d is already answered.", n=comment.number))
    department = _department_for(comment.conference, department_id)
    comment.department_id = department.id
    comment.due_on = _check_due(comment.conference, due_on)
    _event(comment, CommentStatus.assigned, actor, note=department.name)
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
    comment.forwarded_to = _check_text(body, 300, _("Enter the competent body the comment goes to."))
    late = today() > forward_deadline(comment)
    if comment.due_on is None:
        comment.due_on = default_due_on(comment.conference)
    text = comment.forwarded_to + (f" — {note.strip()}" if note.strip() else "")
    if late:
        text += " — " + _("forwarded after the 5-working-day limit")
    _event(comment, CommentStatus.forwarded, actor, note=text)
    return comment


def start_work(comment: DialogueComment, actor: User | None, note: str = "") -> DialogueComment:
    """Mark an assigned comment as being worked on."""
    if comment.status not in OPEN_STATUSES:
        raise DialogueError(_("Only an assigned comment can be marked in progress."))
    _event(comment, CommentStatus.in_progress, actor, note=note.strip())
    return comment


def answer_on_spot(
    comment: DialogueComment, answered_by: str, text: str, actor: User | None
) -> DialogueComment:
    """Record the answer a comment logged earlier received at the conference itself."""
    if comment.status != CommentStatus.received:
        raise DialogueError(_("Comment %(n)d is already answered.", n=comment.number))
    answer = _check_text(text, MAX_ANSWER, _("Enter the answer given at the conference."))
    who = _check_text(answered_by, 200, _("Enter who answered at the conference."))
    comment.answered_on_spot = True
    comment.answered_by = who
    comment.answer = answer
    comment.answered_at = now()
    _event(comment, CommentStatus.answered_on_spot, actor, note=who)
    return comment


def answer_in_writing(comment: DialogueComment, text: str, actor: User | None) -> DialogueComment:
    """Record the written answer; it stays held until the conference's answers are published."""
    _check_open(comment)
    if comment.department_id is None:
        raise DialogueError(_("Assign the comment to a department first."))
    comment.answer = _check_text(text, MAX_ANSWER, _("Enter the answer."))
    comment.answered_by = _actor_label(actor) if actor else comment.answered_by
    comment.answered_at = now()
    _event(comment, CommentStatus.answered, actor)
    return comment


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


def count(query) -> int:
    """How many rows a SELECT returns."""
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0


def overdue_filter(on: date):
    """SQL condition: open comments past their deadline."""
    return (DialogueComment.status.in_(OPEN_STATUSES)) & (DialogueComment.due_on < on)
