"""Models of the kiosk feature: devices, the append-only ratings table, follow-ups and roll-ups.

Roll-up tables are kept exactly in step with `kiosk_rating` in the transaction of every insert (by the
database trigger `kiosk_rating_rollups`, migration 0006) and every flag change (kiosk.review.review_flag);
only counted ratings (no flag, or a cleared one) are in them. "None" for counter,
staff or field is stored as 0 so unique keys and upserts work; day, hour and weekday are local time.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Date, Enum, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.models.base import Base, LabelledEnum, UTCDateTime, utcnow
from survey_app.models.org import Counter, Staff, Unit


class DeviceStatus(LabelledEnum):
    """Where a kiosk device is in its life."""

    pending = "pending"  # registered, waiting for its pairing code to be entered
    active = "active"
    revoked = "revoked"

    @classmethod
    def _labels(cls) -> dict:
        """Translated names of the device states, as the device list shows them."""
        return {cls.pending: _l("waiting for pairing"), cls.active: _l("paired"), cls.revoked: _l("revoked")}


class FlagState(LabelledEnum):
    """Review state of a rating; only `none` and `cleared` ratings are counted."""

    none = "none"
    flagged = "flagged"
    cleared = "cleared"  # an admin found the rating genuine: counted
    confirmed = "confirmed"  # an admin confirmed the problem: stays excluded

    @classmethod
    def _labels(cls) -> dict:
        """Translated names of the review states (the tabs of the flag review)."""
        return {
            cls.none: _l("Not flagged"),
            cls.flagged: _l("To review"),
            cls.cleared: _l("Cleared"),
            cls.confirmed: _l("Confirmed"),
        }


class Flag(LabelledEnum):
    """Why a rating was stored but set aside."""

    too_close = "too_close"
    future = "future"
    too_old = "too_old"
    unknown_staff = "unknown_staff"

    @classmethod
    def _labels(cls) -> dict:
        """Translated reasons of a flag."""
        return {
            cls.too_close: _l("Too soon after another press"),
            cls.future: _l("Time in the future"),
            cls.too_old: _l("Implausibly old"),
            cls.unknown_staff: _l("Unknown civil servant"),
        }


class FollowUpState(LabelledEnum):
    """Progress of a dissatisfied rating with a comment."""

    open = "open"
    acknowledged = "acknowledged"
    done = "done"

    @classmethod
    def _labels(cls) -> dict:
        """Translated names of the follow-up states (the tabs of the follow-up list)."""
        return {cls.open: _l("New"), cls.acknowledged: _l("Acknowledged"), cls.done: _l("Action taken")}


class KioskDevice(Base):
    """A tablet at a one-stop shop; its token and pairing code are stored as SHA-256 digests."""

    __tablename__ = "kiosk_device"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counter.id"))
    name: Mapped[str] = mapped_column(String(120))
    status: Mapped[DeviceStatus] = mapped_column(
        Enum(DeviceStatus, native_enum=False, length=20), default=DeviceStatus.pending
    )
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    pairing_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    pairing_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    paired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    app_version: Mapped[str | None] = mapped_column(String(40))
    queue_length: Mapped[int | None] = mapped_column(Integer)

    unit: Mapped[Unit] = relationship()
    counter: Mapped[Counter | None] = relationship()


class KioskRating(Base):
    """One press on a kiosk; rows are never deleted, only their flag state changes."""

    __tablename__ = "kiosk_rating"
    __table_args__ = (
        Index("ix_kiosk_rating_device_rated", "device_id", "rated_at"),
        Index("ix_kiosk_rating_unit_rated", "unit_id", "rated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("kiosk_device.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counter.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    claimed_staff_id: Mapped[int | None] = mapped_column(Integer)  # as sent, when it was not a known staff
    field_id: Mapped[int | None] = mapped_column(ForeignKey("procedure_field.id"))
    level: Mapped[str] = mapped_column(String(20))
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    comment: Mapped[str | None] = mapped_column(Text)
    dossier_code: Mapped[str | None] = mapped_column(String(50))
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    local_day: Mapped[date] = mapped_column(Date)  # rated_at in Asia/Ho_Chi_Minh
    local_hour: Mapped[int] = mapped_column(SmallInteger)
    flag: Mapped[Flag | None] = mapped_column(Enum(Flag, native_enum=False, length=20))
    flag_state: Mapped[FlagState] = mapped_column(
        Enum(FlagState, native_enum=False, length=20), default=FlagState.none, index=True
    )
    flag_reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    flag_reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    device: Mapped[KioskDevice] = relationship()
    unit: Mapped[Unit] = relationship()
    counter: Mapped[Counter | None] = relationship()
    staff: Mapped[Staff | None] = relationship()

    @property
    def counted(self) -> bool:
        """Whether the rating counts in roll-ups and indices."""
        return self.flag_state in (FlagState.none, FlagState.cleared)


class KioskFollowUp(Base):
    """A dissatisfied rating with a comment, awaiting the unit's acknowledgement and action."""

    __tablename__ = "kiosk_followup"

    id: Mapped[int] = mapped_column(primary_key=True)
    rating_id: Mapped[int] = mapped_column(ForeignKey("kiosk_rating.id"), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    state: Mapped[FollowUpState] = mapped_column(
        Enum(FollowUpState, native_enum=False, length=20), default=FollowUpState.open
    )
    action_note: Mapped[str | None] = mapped_column(Text)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    rating: Mapped[KioskRating] = relationship()


# --- roll-ups (counts of counted ratings) ---------------------------------------------------


class KioskRollup(Base):
    """The fine cube: counts per local day, unit, counter, staff, procedure field and level."""

    __tablename__ = "kiosk_rollup"
    __table_args__ = (
        Index(
            "ix_kiosk_rollup_unit_cover", "unit_id", "day", "counter_id", "staff_id", "field_id", "level", "n"
        ),
    )

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    counter_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    field_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    level: Mapped[str] = mapped_column(String(20), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)


class KioskRollupMonth(Base):
    """The fine cube by month: what detail charts read for whole months (30 times fewer rows)."""

    __tablename__ = "kiosk_rollup_month"
    __table_args__ = (
        Index(
            "ix_kiosk_rollup_month_unit_cover",
            "unit_id",
            "month",
            "counter_id",
            "staff_id",
            "field_id",
            "level",
            "n",
        ),
    )

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    counter_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    field_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    level: Mapped[str] = mapped_column(String(20), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)


class KioskUnitDay(Base):
    """Counts per local day, unit and level."""

    __tablename__ = "kiosk_unit_day"
    __table_args__ = (Index("ix_kiosk_unit_day_unit_cover", "unit_id", "day", "level", "n"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    level: Mapped[str] = mapped_column(String(20), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)


class KioskUnitMonth(Base):
    """Counts per month (its first day), unit and level."""

    __tablename__ = "kiosk_unit_month"
    __table_args__ = (Index("ix_kiosk_unit_month_unit_cover", "unit_id", "month", "level", "n"),)

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    level: Mapped[str] = mapped_column(String(20), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)


class KioskHeat(Base):
    """Counts per month, unit, local weekday (0 = Monday) and local hour, and level."""

    __tablename__ = "kiosk_heat"
    __table_args__ = (Index("ix_kiosk_heat_unit_cover", "unit_id", "month", "weekday", "hour", "level", "n"),)

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    weekday: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    hour: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    level: Mapped[str] = mapped_column(String(20), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)


class KioskReasonMonth(Base):
    """Counts of each reason given for dissatisfaction, per month and unit."""

    __tablename__ = "kiosk_reason_month"
    __table_args__ = (Index("ix_kiosk_reason_month_unit_cover", "unit_id", "month", "reason", "n"),)

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reason: Mapped[str] = mapped_column(String(40), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)


ROLLUP_MODELS = (KioskRollup, KioskRollupMonth, KioskUnitDay, KioskUnitMonth, KioskHeat, KioskReasonMonth)


# --- summaries per ancestor for settled months (analytics.kiosk_pooled) -----------------------------


class KioskPooledGeneration(Base):
    """One row: moved on when every summary goes stale at once (closure or roll-ups rebuilt)."""

    __tablename__ = "kiosk_pooled_generation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, default=0)


class KioskPooledState(Base):
    """Whether the summary of (ancestor, month) is valid: filled at the epoch and generation it still has."""

    __tablename__ = "kiosk_pooled_state"

    ancestor_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    epoch: Mapped[int] = mapped_column(Integer, default=0)  # changes below the ancestor in that month
    filled_epoch: Mapped[int | None] = mapped_column(Integer)
    filled_generation: Mapped[int | None] = mapped_column(Integer)


class KioskPooledMonth(Base):
    """kiosk_unit_month summed over an ancestor's subtree (through unit_closure) for a settled month."""

    __tablename__ = "kiosk_pooled_month"

    ancestor_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    level: Mapped[str] = mapped_column(String(20), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)


class KioskPooledReason(Base):
    """kiosk_reason_month summed over an ancestor's subtree for a settled month."""

    __tablename__ = "kiosk_pooled_reason"

    ancestor_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    reason: Mapped[str] = mapped_column(String(40), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)
