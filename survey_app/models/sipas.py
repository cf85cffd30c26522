"""SIPAS surveys: campaigns, their units, anonymous responses and the in-step count cube."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.models.base import Base, LabelledEnum, UTCDateTime, utcnow
from survey_app.models.org import Unit


class CampaignState(LabelledEnum):
    """Life of a campaign: draft → open → closed → published (frozen)."""

    draft = "draft"
    open = "open"
    closed = "closed"
    published = "published"

    @classmethod
    def _labels(cls) -> dict:
        """Translated names of the states."""
        return {
            cls.draft: _l("draft"),
            cls.open: _l("open"),
            cls.closed: _l("closed"),
            cls.published: _l("published"),
        }


class Channel(LabelledEnum):
    """How a response was collected."""

    online = "online"
    paper = "paper"
    phone = "phone"
    interview = "interview"

    @classmethod
    def _labels(cls) -> dict:
        """Translated names of the channels."""
        return {
            cls.online: _l("Online (link, QR code)"),
            cls.paper: _l("Paper forms"),
            cls.phone: _l("Phone interview"),
            cls.interview: _l("Face-to-face interview"),
        }


class BatchState(LabelledEnum):
    """A paper batch is open while forms are typed, closed when the count matches."""

    open = "open"
    closed = "closed"

    @classmethod
    def _labels(cls) -> dict:
        """Translated names of the states, as the batch list shows them."""
        return {cls.open: _l("being typed"), cls.closed: _l("closed")}


class SipasCampaign(Base):
    """A survey campaign (đợt khảo sát) using one questionnaire version."""

    __tablename__ = "sipas_campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    questionnaire: Mapped[str] = mapped_column(String(40))
    # The questionnaire's YAML as the campaign took it, and its SHA-256: every page, report and export of
    # the campaign reads this copy, so editing or deleting the file never changes collected data
    # (survey_app.sipas.campaigns.questionnaire_of). Empty only for a campaign whose file was unreadable
    # when the copy was first taken.
    questionnaire_text: Mapped[str | None] = mapped_column(Text)
    questionnaire_sha256: Mapped[str | None] = mapped_column(String(64))
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date] = mapped_column(Date)
    state: Mapped[CampaignState] = mapped_column(
        Enum(CampaignState, native_enum=False, length=12), default=CampaignState.draft
    )
    channels: Mapped[str] = mapped_column(String(80), default="online,paper,phone,interview")
    owner_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    owner_unit: Mapped[Unit | None] = relationship()
    units: Mapped[list[SipasCampaignUnit]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan", order_by="SipasCampaignUnit.id"
    )

    @property
    def channel_list(self) -> list[Channel]:
        """The channels the campaign collects through."""
        return [Channel(c) for c in self.channels.split(",") if c]


class SipasCampaignUnit(Base):
    """A unit taking part in a campaign, with its sample target."""

    __tablename__ = "sipas_campaign_unit"
    __table_args__ = (UniqueConstraint("campaign_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("sipas_campaign.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    target: Mapped[int] = mapped_column(Integer, default=0)
    population: Mapped[int | None] = mapped_column(Integer)  # N: dossiers returned in the period

    campaign: Mapped[SipasCampaign] = relationship(back_populates="units")
    unit: Mapped[Unit] = relationship()


class SipasBatch(Base):
    """A bundle of paper forms typed in by an official."""

    __tablename__ = "sipas_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("sipas_campaign.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    place: Mapped[str] = mapped_column(String(200))
    collected_on: Mapped[date] = mapped_column(Date)
    forms_in_hand: Mapped[int] = mapped_column(Integer)
    state: Mapped[BatchState] = mapped_column(
        Enum(BatchState, native_enum=False, length=10), default=BatchState.open
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    campaign: Mapped[SipasCampaign] = relationship()
    unit: Mapped[Unit] = relationship()


class SipasResponse(Base):
    """One anonymous completed questionnaire: nothing in it identifies the person."""

    __tablename__ = "sipas_response"
    __table_args__ = (UniqueConstraint("campaign_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("sipas_campaign.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    external_id: Mapped[str] = mapped_column(String(64))  # response_id of imports; random otherwise
    channel: Mapped[Channel] = mapped_column(Enum(Channel, native_enum=False, length=12))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("sipas_batch.id"), index=True)
    excluded: Mapped[bool] = mapped_column(Boolean, default=False)
    exclude_reason: Mapped[str] = mapped_column(String(200), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))  # paper: the typist
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The chunked import that wrote it (models/imports.py): its rows are deleted if that import fails.
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_run.id"), index=True)

    answers: Mapped[list[SipasAnswer]] = relationship(
        primaryjoin="SipasResponse.id == foreign(SipasAnswer.response_id)", cascade="all, delete-orphan"
    )


class SipasAnswer(Base):
    """One answer of a response (value 1–5 for criteria, the option value otherwise, 99 for "Không biết").

    A question left blank has no row: "Không biết" and a blank are stored apart (docs/sipas-method.md).
    """

    __tablename__ = "sipas_answer"
    __table_args__ = {"sqlite_with_rowid": False}  # one B-tree clustered on the key: bulk loads twice as fast

    # No database foreign key: checking one per answer made a 100,000-response import (2.2 million
    # answers) three times slower on PostgreSQL. Answers are written only by the SIPAS services, with
    # their response, in one transaction; responses are never deleted (they are excluded instead).
    response_id: Mapped[int] = mapped_column(primary_key=True)
    question_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[int] = mapped_column(SmallInteger)


class SipasCount(Base):
    """Answers per (campaign, unit, channel, question, value) of non-excluded responses; 0 = blank, 99 =
    "Không biết".

    Kept exactly in step with sipas_answer in the same transaction; reports read only this.
    """

    __tablename__ = "sipas_count"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("sipas_campaign.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    channel: Mapped[str] = mapped_column(String(12), primary_key=True)
    question_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)


class SipasUnitN(Base):
    """Non-excluded responses per (campaign, unit, channel)."""

    __tablename__ = "sipas_unit_n"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("sipas_campaign.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    channel: Mapped[str] = mapped_column(String(12), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)


class SipasDeviceMark(Base):
    """ "This device has answered this campaign": a hash of a random cookie, never linked to a response."""

    __tablename__ = "sipas_device_mark"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("sipas_campaign.id"), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)


# --- summaries per (campaign, ancestor) for national reads (analytics.sipas_pooled) ----------------


class SipasPooledState(Base):
    """The campaign's cube version: moved on by every change of its count cube and every closure rebuild."""

    __tablename__ = "sipas_pooled_state"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("sipas_campaign.id", ondelete="CASCADE"), primary_key=True
    )
    epoch: Mapped[int] = mapped_column(Integer, default=0)


class SipasPooledFill(Base):
    """The cube version a (campaign, ancestor) summary was filled at: valid while it is the campaign's."""

    __tablename__ = "sipas_pooled_fill"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("sipas_campaign.id", ondelete="CASCADE"), primary_key=True
    )
    ancestor_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    epoch: Mapped[int] = mapped_column(Integer)


class SipasPooledCount(Base):
    """sipas_count summed over an ancestor's subtree (through unit_closure), per channel."""

    __tablename__ = "sipas_pooled_count"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("sipas_campaign.id", ondelete="CASCADE"), primary_key=True
    )
    ancestor_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(12), primary_key=True)
    question_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)


class SipasPooledUnitN(Base):
    """sipas_unit_n summed over an ancestor's subtree, per channel."""

    __tablename__ = "sipas_pooled_unit_n"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("sipas_campaign.id", ondelete="CASCADE"), primary_key=True
    )
    ancestor_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(12), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)
