"""Models of the dialogue feature: conferences, the comments raised there and their status history."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.models.base import Base, LabelledEnum, UTCDateTime, utcnow
from survey_app.models.org import ProcedureField, Unit


class ConferenceState(LabelledEnum):
    """Life of a conference: planned → in session → closed → published."""

    planned = "planned"
    in_session = "in_session"
    closed = "closed"
    published = "published"

    @classmethod
    def _labels(cls) -> dict:
        """Translated names of the states."""
        return {
            cls.planned: _l("Planned"),
            cls.in_session: _l("In session"),
            cls.closed: _l("Closed"),
            cls.published: _l("Published"),
        }


class ConferenceForm(LabelledEnum):
    """How the conference is held (hội nghị / tọa đàm / trực tuyến)."""

    conference = "conference"
    seminar = "seminar"
    online = "online"

    @classmethod
    def _labels(cls) -> dict:
        """Translated names of the forms."""
        return {cls.conference: _l("Conference"), cls.seminar: _l("Seminar"), cls.online: _l("Online")}


class SignerCapacity(LabelledEnum):
    """In what capacity the conclusion notice is signed (NĐ 30/2020, Phụ lục I, mục II.7: TM., KT., TL.)."""

    chair = "chair"
    vice_chair = "vice_chair"
    office_chief = "office_chief"

    @classmethod
    def _labels(cls) -> dict:
        """Translated names of the capacities, as the signature block prints them."""
        return {
            cls.chair: _l("The chair, on behalf of the People's Committee (TM.)"),
            cls.vice_chair: _l("A vice-chair, for the chair (KT.)"),
            cls.office_chief: _l("The office chief, by order of the chair (TL.)"),
        }


class SpeakerKind(LabelledEnum):
    """Who raised a comment (cá nhân / tổ chức / doanh nghiệp)."""

    individual = "individual"
    organisation = "organisation"
    business = "business"

    @classmethod
    def _labels(cls) -> dict:
        """Translated names of the kinds of speaker."""
        return {
            cls.individual: _l("Individual"),
            cls.organisation: _l("Organisation"),
            cls.business: _l("Business"),
        }


class CommentChannel(LabelledEnum):
    """How a comment reached the conference (NĐ 20/2008 Art. 6: văn bản, điện thoại, phiếu lấy ý kiến; plus
    spoken at the conference and online)."""

    spoken = "spoken"
    written = "written"
    online = "online"
    phone = "phone"
    form = "form"

    @classmethod
    def _labels(cls) -> dict:
        """Translated names of the channels."""
        return {
            cls.spoken: _l("Spoken at the conference"),
            cls.written: _l("Written, sent beforehand"),
            cls.online: _l("Online"),
            cls.phone: _l("By telephone"),
            cls.form: _l("Comment form (phiếu)"),
        }


class CommentStatus(LabelledEnum):
    """Where a comment is in its follow-up."""

    received = "received"
    answered_on_spot = "answered_on_spot"
    assigned = "assigned"
    forwarded = "forwarded"
    in_progress = "in_progress"
    answered = "answered"
    published = "published"

    @classmethod
    def _labels(cls) -> dict:
        """Translated names of the statuses."""
        return {
            cls.received: _l("Received"),
            cls.answered_on_spot: _l("Answered on the spot"),
            cls.assigned: _l("Assigned for a written answer"),
            cls.forwarded: _l("Forwarded to the competent body"),
            cls.in_progress: _l("In progress"),
            cls.answered: _l("Answered in writing"),
            cls.published: _l("Published"),
        }


class Competence(LabelledEnum):
    """Whether a comment lies within the host's competence (NĐ 20/2008 Điều 14); one outside it is forwarded
    to the competent body."""

    within = "within"
    outside = "outside"

    @classmethod
    def _labels(cls) -> dict:
        """Translated names of the classification."""
        return {
            cls.within: _l("Within the host's competence"),
            cls.outside: _l("Outside the host's competence"),
        }


class HandlingBasis(LabelledEnum):
    """Whether there is enough basis to handle a comment (NĐ 20/2008 Điều 14)."""

    sufficient = "sufficient"
    insufficient = "insufficient"

    @classmethod
    def _labels(cls) -> dict:
        """Translated names of the classification."""
        return {
            cls.sufficient: _l("Enough basis to handle it"),
            cls.insufficient: _l("Not enough basis yet, keep collecting"),
        }


class HandlingOutcome(LabelledEnum):
    """What handling a comment about an administrative regulation decided (NĐ 20/2008 Điều 15)."""

    amend = "amend"
    abolish = "abolish"
    keep_explain = "keep_explain"
    recommend = "recommend"

    @classmethod
    def _labels(cls) -> dict:
        """Translated names of the outcomes."""
        return {
            cls.amend: _l("Amend or supplement the regulation"),
            cls.abolish: _l("Abolish the regulation"),
            cls.keep_explain: _l("Keep the regulation and explain it"),
            cls.recommend: _l("Recommend the competent body to amend, abolish or issue a regulation"),
        }


class NoticeMeans(LabelledEnum):
    """How the person who raised a comment was told its result (NĐ 20/2008 Điều 19)."""

    letter = "letter"
    email = "email"
    phone = "phone"
    portal = "portal"

    @classmethod
    def _labels(cls) -> dict:
        """Translated names of the means."""
        return {
            cls.letter: _l("Official letter (công văn)"),
            cls.email: _l("Email"),
            cls.phone: _l("Telephone"),
            cls.portal: _l("Public service portal account"),
        }


OPEN_STATUSES = (CommentStatus.assigned, CommentStatus.forwarded, CommentStatus.in_progress)
# Open statuses in which the host's department owes the answer: a forwarded comment waits on the competent
# body instead, against its own deadline, and is never overdue for the host department.
HOST_DUE_STATUSES = (CommentStatus.assigned, CommentStatus.in_progress)


class DialogueConference(Base):
    """A dialogue conference of a host unit with citizens and businesses."""

    __tablename__ = "dialogue_conference"

    id: Mapped[int] = mapped_column(primary_key=True)
    host_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    chair: Mapped[str] = mapped_column(String(200), default="")
    co_organiser: Mapped[str] = mapped_column(String(200), default="")
    held_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    venue: Mapped[str] = mapped_column(String(300), default="")
    form: Mapped[ConferenceForm] = mapped_column(
        Enum(ConferenceForm, native_enum=False, length=20), default=ConferenceForm.conference
    )
    scope: Mapped[str] = mapped_column(Text, default="")
    expected_participants: Mapped[int | None] = mapped_column(Integer)
    participant_organisations: Mapped[int | None] = mapped_column(Integer)
    participant_individuals: Mapped[int | None] = mapped_column(Integer)
    conclusion: Mapped[str] = mapped_column(Text, default="")
    # Who attends without organising (the Fatherland Front's committee, mass organisations), one per line.
    guests: Mapped[str] = mapped_column(Text, default="")
    # The numbers the clerk gives the documents (Số: 12/BB-UBND); blank until given, printed "…".
    minutes_number: Mapped[str] = mapped_column(String(20), default="")
    notice_number: Mapped[str] = mapped_column(String(20), default="")
    # Who signs the conclusion notice, and in what capacity.
    signer_name: Mapped[str] = mapped_column(String(200), default="")
    signer_capacity: Mapped[SignerCapacity] = mapped_column(
        Enum(SignerCapacity, native_enum=False, length=20), default=SignerCapacity.vice_chair
    )
    # Nơi nhận, one recipient a line (blank: the invited units and the file copy).
    recipients: Mapped[str] = mapped_column(Text, default="")
    # Demo conferences rebuilt from a press report: which text is reconstructed (shown on the page).
    reconstruction_note: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[ConferenceState] = mapped_column(
        Enum(ConferenceState, native_enum=False, length=20), default=ConferenceState.planned, index=True
    )
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    host_unit: Mapped[Unit] = relationship()
    invitees: Mapped[list[DialogueInvitee]] = relationship(
        back_populates="conference", cascade="all, delete-orphan"
    )
    comments: Mapped[list[DialogueComment]] = relationship(
        back_populates="conference", order_by="DialogueComment.number"
    )


class DialogueInvitee(Base):
    """A department or ward invited to a conference."""

    __tablename__ = "dialogue_invitee"

    conference_id: Mapped[int] = mapped_column(
        ForeignKey("dialogue_conference.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True, index=True)

    conference: Mapped[DialogueConference] = relationship(back_populates="invitees")
    unit: Mapped[Unit] = relationship()


class DialogueComment(Base):
    """A comment (ý kiến) raised at or sent to a conference, with its answer or assignment."""

    __tablename__ = "dialogue_comment"
    __table_args__ = (UniqueConstraint("conference_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(ForeignKey("dialogue_conference.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    # Set by the live-logging screen so a draft resent after a network drop is stored once.
    client_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    speaker_kind: Mapped[SpeakerKind] = mapped_column(
        Enum(SpeakerKind, native_enum=False, length=20), default=SpeakerKind.individual
    )
    speaker_name: Mapped[str] = mapped_column(String(200), default="")
    speaker_organisation: Mapped[str] = mapped_column(String(200), default="")
    # Where the result can be sent (address, telephone, email; NĐ 20/2008 Điều 19): never public.
    speaker_contact: Mapped[str] = mapped_column(String(200), default="")
    name_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    channel: Mapped[CommentChannel] = mapped_column(
        Enum(CommentChannel, native_enum=False, length=20), default=CommentChannel.spoken
    )
    category: Mapped[str] = mapped_column(String(40), index=True)
    field_id: Mapped[int | None] = mapped_column(ForeignKey("procedure_field.id"))
    content: Mapped[str] = mapped_column(Text)
    addressed_department_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    status: Mapped[CommentStatus] = mapped_column(
        Enum(CommentStatus, native_enum=False, length=20), default=CommentStatus.received, index=True
    )
    department_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    # The day a comment sent before the conference reached the host (None: the conference day);
    # the 5-working-day forwarding limit counts from it.
    received_on: Mapped[date | None] = mapped_column(Date)
    forwarded_to: Mapped[str] = mapped_column(String(300), default="")
    # The day the competent body received the forwarded comment; its answer's deadline counts from it.
    forwarded_on: Mapped[date | None] = mapped_column(Date)
    answered_on_spot: Mapped[bool] = mapped_column(Boolean, default=False)
    answered_by: Mapped[str] = mapped_column(String(200), default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Handling as NĐ 20/2008 describes: classification (Điều 14), outcome (Điều 15), notice (Điều 19).
    competence: Mapped[Competence | None] = mapped_column(Enum(Competence, native_enum=False, length=20))
    basis: Mapped[HandlingBasis | None] = mapped_column(Enum(HandlingBasis, native_enum=False, length=20))
    handling_outcome: Mapped[HandlingOutcome | None] = mapped_column(
        Enum(HandlingOutcome, native_enum=False, length=20)
    )
    notified_on: Mapped[date | None] = mapped_column(Date)
    notice_means: Mapped[NoticeMeans | None] = mapped_column(Enum(NoticeMeans, native_enum=False, length=20))
    notice_reference: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    conference: Mapped[DialogueConference] = relationship(back_populates="comments")
    field: Mapped[ProcedureField | None] = relationship()
    addressed_department: Mapped[Unit | None] = relationship(foreign_keys=[addressed_department_id])
    department: Mapped[Unit | None] = relationship(foreign_keys=[department_id])
    events: Mapped[list[DialogueCommentEvent]] = relationship(
        back_populates="comment", order_by="DialogueCommentEvent.id", cascade="all, delete-orphan"
    )

    @property
    def public_speaker(self) -> str:
        """The speaker as the public may see it: a name only when the speaker agreed."""
        if self.name_consent and self.speaker_name:
            return self.speaker_name
        return self.speaker_organisation if self.speaker_kind != SpeakerKind.individual else ""

    @property
    def identified_speaker(self) -> bool:
        """Whether the person who raised the comment is named or left a contact (the result can be sent to
        them); an anonymous comment's result is published instead."""
        return bool(
            self.speaker_name.strip() or self.speaker_organisation.strip() or self.speaker_contact.strip()
        )


class DialogueCommentEvent(Base):
    """One step of a comment's status history, with who and when."""

    __tablename__ = "dialogue_comment_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("dialogue_comment.id", ondelete="CASCADE"), index=True)
    status: Mapped[CommentStatus] = mapped_column(Enum(CommentStatus, native_enum=False, length=20))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    actor_label: Mapped[str] = mapped_column(String(120), default="")
    note: Mapped[str] = mapped_column(Text, default="")

    comment: Mapped[DialogueComment] = relationship(back_populates="events")
